using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Extensions.Logging;

namespace QdrantSchema.IntegrationTests.Logging;

/// <summary>
/// Every <see cref="LoggerMessageAttribute"/> of the QdrantSchema assembly: ids unique and inside the block documented
/// for their area (STYLE.md §C), names unique, and CONTRIBUTING.md's "Event ids" table equal to what the attributes say.
/// </summary>
public sealed class EventIdCatalogTests
{
    private const string TableStart = "<!-- event-ids:start (generated from the [LoggerMessage] attributes; EventIdCatalogTests checks it) -->";
    private const string TableEnd = "<!-- event-ids:end -->";

    /// <summary>The documented blocks: the class that declares the messages, its id range, area and logger category.</summary>
    private static readonly Block[] Blocks =
    [
        new("QdrantSchema.Locking.LockLog", 2001, 2099, "Locking", LogCapture.Locking),
        new("QdrantSchema.Diagnostics.Log", 3001, 3099, "Migrations", LogCapture.Migrations),
        new("QdrantSchema.Execution.DataSteps.DataStepLog", 3100, 3199, "Data steps", LogCapture.Migrations),
        new("QdrantSchema.Migrator.RollbackLog", 3201, 3299, "Rollback and failure policy", LogCapture.Migrations),
        new("QdrantSchema.Migrator.MigrationSnapshotLog", 3301, 3399, "Migration snapshots", LogCapture.Migrations),
        new("QdrantSchema.Snapshots.SnapshotLog", 4001, 4099, "Snapshots", LogCapture.Snapshots),
        new("QdrantSchema.Diagnostics.Log", 5001, 5099, "History and drift", LogCapture.Migrations),
        new("QdrantSchema.Diagnostics.Log", 9001, 9099, "Unexpected errors", LogCapture.Migrations),
    ];

    [Fact]
    public void LoggerMessages_AcrossAssembly_EventIdsAndNamesAreUnique()
    {
        var events = Events();

        Assert.True(events.Count > 50, $"Only {events.Count} [LoggerMessage] methods found; is the reflection still right?");
        var duplicateIds = events.GroupBy(e => e.Id).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}").ToList();
        Assert.True(duplicateIds.Count == 0, "Event ids used twice:" + Environment.NewLine + string.Join(Environment.NewLine, duplicateIds));
        var duplicateNames = events.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.Where))}").ToList();
        Assert.True(duplicateNames.Count == 0, "Event names used twice:" + Environment.NewLine + string.Join(Environment.NewLine, duplicateNames));
    }

    [Fact]
    public void LoggerMessages_EachEventId_LiesInItsDocumentedBlock()
    {
        var problems = new List<string>();
        foreach (var e in Events())
        {
            if (!Blocks.Any(b => b.Type == e.Type))
            {
                problems.Add($"{e.Where} ({e.Id}): {e.Type} declares log messages but has no documented event-id block.");
            }
            else if (BlockOf(e) is null)
            {
                var ranges = string.Join(", ", Blocks.Where(b => b.Type == e.Type).Select(b => $"{b.First}-{b.Last}"));
                problems.Add($"{e.Where} ({e.Id}) is outside {e.Type}'s documented block(s) {ranges}.");
            }

            if (e.ExplicitName is null)
            {
                problems.Add($"{e.Where} ({e.Id}) has no EventName.");
            }
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void LoggerCategories_AreTheDocumentedStableStrings()
    {
        Assert.Equal(LogCapture.Migrations, QdrantSchema.Diagnostics.Log.MigrationsCategory);
        Assert.Equal(LogCapture.Locking, QdrantSchema.Locking.LockLog.Category);
        Assert.Equal(LogCapture.Snapshots, QdrantSchema.Snapshots.SnapshotLog.Category);
        Assert.All(Blocks, b => Assert.Equal(b.Category, LogCapture.CategoryOf(b.First)));
    }

    [Fact]
    public void ContributingMd_EventIdTable_MatchesTheAttributes()
    {
        var expected = Table();
        var path = Path.Combine(AppContext.BaseDirectory, "Logging", "CONTRIBUTING.md"); // copied there by the csproj
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = text.IndexOf(TableStart, StringComparison.Ordinal);
        var end = text.IndexOf(TableEnd, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"CONTRIBUTING.md has no '{TableStart}' ... '{TableEnd}' section. It should hold:\n{expected}");

        var actual = text[(start + TableStart.Length)..end].Trim('\n');

        Assert.True(
            string.Equals(expected, actual, StringComparison.Ordinal),
            $"CONTRIBUTING.md's event-id table is out of date. Replace it with:\n{expected}");
    }

    /// <summary>The markdown table, one row per event, ordered by id.</summary>
    internal static string Table()
    {
        var table = new StringBuilder();
        table.Append("| Id | Name | Level | Area | Category |\n");
        table.Append("|---:|---|---|---|---|\n");
        foreach (var e in Events().OrderBy(e => e.Id))
        {
            var block = BlockOf(e) ?? throw new InvalidOperationException($"{e.Where} ({e.Id}) has no documented block.");
            table.Append(CultureInfo.InvariantCulture, $"| {e.Id} | {e.Name} | {e.Level} | {block.Area} | `{block.Category}` |\n");
        }

        return table.ToString().TrimEnd('\n');
    }

    private static Block? BlockOf(LogEvent e) => Blocks.FirstOrDefault(b => b.Type == e.Type && e.Id >= b.First && e.Id <= b.Last);

    private static List<LogEvent> Events()
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
        return
        [
            .. from type in typeof(QdrantMigrator).Assembly.GetTypes()
               from method in type.GetMethods(all)
               let attribute = method.GetCustomAttribute<LoggerMessageAttribute>()
               where attribute is not null
               select new LogEvent(
                   attribute.EventId,
                   attribute.EventName ?? method.Name,
                   attribute.EventName,
                   attribute.Level,
                   type.FullName!,
                   $"{type.Name}.{method.Name}"),
        ];
    }

    private sealed record Block(string Type, int First, int Last, string Area, string Category);

    private sealed record LogEvent(int Id, string Name, string? ExplicitName, LogLevel Level, string Type, string Where);
}
