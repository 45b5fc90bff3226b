using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace QdrantSchema.IntegrationTests.Logging;

/// <summary>
/// An <see cref="ILoggerFactory"/> whose only provider is a <see cref="FakeLoggerProvider"/>: every record of every
/// category, at every level, lands in <see cref="Collector"/>.
/// </summary>
internal sealed class LogCapture : IDisposable
{
    /// <summary>The documented, stable categories (STYLE.md §C); the library must use no other.</summary>
    public const string Migrations = "QdrantSchema.Migrations";
    public const string Locking = "QdrantSchema.Locking";
    public const string Snapshots = "QdrantSchema.Snapshots";

    public LogCapture()
    {
        Collector = new FakeLogCollector();
        Factory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(LogLevel.Trace)
            .AddProvider(new FakeLoggerProvider(Collector)));
    }

    public FakeLogCollector Collector { get; }

    public ILoggerFactory Factory { get; }

    public IReadOnlyList<FakeLogRecord> Records => Collector.GetSnapshot();

    /// <summary>The category an event id's documented block belongs to.</summary>
    public static string CategoryOf(int eventId) => eventId switch
    {
        >= 2001 and <= 2099 => Locking,
        >= 4001 and <= 4099 => Snapshots,
        >= 3000 and <= 3999 or >= 5000 and <= 5999 or >= 9000 and <= 9999 => Migrations,
        _ => throw new ArgumentOutOfRangeException(nameof(eventId), eventId, "No documented event-id block."),
    };

    /// <summary>A compact listing for failure messages: <c>Category id Name [Level]</c>, one per line.</summary>
    public static string Describe(IEnumerable<FakeLogRecord> records)
        => string.Join(Environment.NewLine, records.Select(r => $"{r.Category} {r.Id.Id} {r.Id.Name} [{r.Level}] {r.Message}"));

    /// <summary>
    /// Asserts that <paramref name="expected"/> (event names) occur in <paramref name="records"/> in this order,
    /// other records allowed in between.
    /// </summary>
    public static void AssertInOrder(IReadOnlyList<FakeLogRecord> records, params string[] expected)
    {
        var next = 0;
        foreach (var record in records)
        {
            if (next < expected.Length && record.Id.Name == expected[next])
            {
                next++;
            }
        }

        Assert.True(
            next == expected.Length,
            $"Expected the events [{string.Join(", ", expected)}] in this order; '{(next < expected.Length ? expected[next] : "")}' (#{next}) " +
            $"was not found after the ones before it. Records:{Environment.NewLine}{Describe(records)}");
    }

    /// <summary>
    /// Every record uses a documented category that matches its event id's block, carries an event name, and no
    /// record's message, structured state (keys and values) or exception text holds any of the sentinels.
    /// </summary>
    public void AssertCleanAndCategorized()
    {
        var records = Records;
        Assert.NotEmpty(records);
        foreach (var record in records)
        {
            Assert.True(record.Id.Id != 0, $"A record without an event id: {record.Category}: {record.Message}");
            Assert.False(string.IsNullOrEmpty(record.Id.Name), $"Event {record.Id.Id} has no name.");
            Assert.True(
                CategoryOf(record.Id.Id) == record.Category,
                $"Event {record.Id.Id} {record.Id.Name} was logged to category '{record.Category}', expected '{CategoryOf(record.Id.Id)}'.");

            var texts = new List<string> { record.Message };
            foreach (var (key, value) in record.StructuredState ?? [])
            {
                texts.Add(key);
                if (value is not null)
                {
                    texts.Add(value);
                }
            }

            if (record.Exception is { } exception)
            {
                texts.Add(exception.ToString());
            }

            foreach (var text in texts)
            {
                foreach (var secret in Logged.Secrets)
                {
                    Assert.False(
                        text.Contains(secret, StringComparison.OrdinalIgnoreCase),
                        $"Event {record.Id.Id} {record.Id.Name} leaks the sentinel '{secret}': {text}");
                }
            }
        }
    }

    public void Dispose() => Factory.Dispose();
}
