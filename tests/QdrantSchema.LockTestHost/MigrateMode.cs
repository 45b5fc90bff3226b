using System.Globalization;
using System.Text;
using System.Text.Json;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Migrations;
using QdrantSchema.Migrator;

namespace QdrantSchema.LockTestHost;

/// <summary>
/// <c>migrate &lt;grpcPort&gt; &lt;leaseMs&gt; &lt;scenario&gt; [gateFile]</c>: migrates family <c>race</c> (collections
/// <c>race_a</c>, <c>race_b</c>, <c>race_c</c>, which the test creates with their points beforehand) under a
/// <see cref="QdrantLeaseLock"/> with a short lease. Scenario <c>race</c> runs the data step at full speed; <c>slow</c>
/// pauses on every page so that a run lasts a few seconds. With a gate file the host connects, prints <c>STARTED</c>
/// and waits for the file to exist before migrating, so that many hosts start the race together.
/// </summary>
/// <remarks>
/// Output lines: <c>STARTED &lt;unixMs&gt;</c>; <c>ACQUIRED &lt;unixMs&gt; &lt;token&gt;</c> when the lock is held;
/// <c>RESUMED &lt;collection&gt; &lt;migrationId&gt; &lt;step&gt;</c> for each migration resumed from the history;
/// <c>IN-DATA-STEP</c> once the data step has committed a page; <c>MIGRATED &lt;json&gt;</c> on success (exit 0);
/// <c>LOCK-TIMEOUT</c> (exit 3), <c>LOCK-LOST &lt;message&gt;</c> (exit 4), <c>ERROR &lt;message&gt;</c> (exit 1).
/// </remarks>
internal static class MigrateMode
{
    public const string Family = "race";
    public const string V1 = "20260101000000_CreateRace";
    public const string V2 = "20260102000000_IndexTag";
    public const string V3 = "20260103000000_IncrementN";
    public const string V4 = "20260104000000_MarkDone";

    public static readonly string[] Collections = ["race_a", "race_b", "race_c"];

    private static readonly object OutputLock = new();

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 3 || args[2] is not ("race" or "slow"))
        {
            Console.Error.WriteLine("usage: migrate <grpcPort> <leaseMs> <race|slow> [gateFile]");
            return 2;
        }

        var port = int.Parse(args[0], CultureInfo.InvariantCulture);
        var lease = TimeSpan.FromMilliseconds(int.Parse(args[1], CultureInfo.InvariantCulture));
        var slow = args[2] == "slow";
        var gate = args.Length > 3 ? args[3] : null;

        using var client = new QdrantClient("127.0.0.1", port);
        var counter = new RaceCounter(slow ? 50 : 100, slow ? TimeSpan.FromMilliseconds(200) : TimeSpan.Zero);
        var schemaLock = new AnnouncingLock(new QdrantLeaseLock(client, new QdrantLeaseLockOptions
        {
            LeaseDuration = lease,
            ClockSkewMargin = lease / 10,
            AllowShortLeaseForTesting = true,
        }));
        var family = new CollectionFamily(Family);
        foreach (var collection in Collections)
        {
            family.Collections.Add(collection);
        }

        var migrator = new QdrantMigrator(
            client,
            [new CreateRace(), new IndexTag(), new IncrementN(counter), new MarkDone()],
            [family],
            new QdrantMigratorOptions
            {
                Lock = schemaLock,
                LockTimeout = TimeSpan.FromSeconds(60),
                DataStepBatchSize = counter.PageSize,
                StepHook = new ResumeReporter(),
            });

        try
        {
            // Connect and warm up (the channel, and the engine's read path: a status needs no lock) before the gate, so
            // that the race starts from connected processes and measures the lock rather than start-up work.
            await client.HealthAsync();
            await migrator.GetStatusAsync();
            Print($"STARTED {Now()}");
            if (gate is not null)
            {
                while (!File.Exists(gate))
                {
                    await Task.Delay(10);
                }
            }

            var result = await migrator.MigrateAsync();
            if (!result.Succeeded)
            {
                Print($"ERROR {OneLine(result.ToString())}");
                return 1;
            }

            Print($"MIGRATED {Describe(result, schemaLock.FencingToken, counter.Calls)}");
            return 0;
        }
        catch (QdrantSchemaLockTimeoutException)
        {
            Print("LOCK-TIMEOUT");
            return 3;
        }
        catch (QdrantSchemaLockLostException e)
        {
            Print($"LOCK-LOST {OneLine(e.Message)}");
            return 4;
        }
        catch (Exception e)
        {
            Print($"ERROR {OneLine(e.Message)}");
            Console.Error.WriteLine(e.ToString());
            return 1;
        }
    }

    public static void Print(string line)
    {
        lock (OutputLock)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>{"token":7,"delegateCalls":1800,"collections":[{"collection":"race_a","outcome":"Succeeded","version":"...","applied":["..."]}]}.</summary>
    private static string Describe(MigrationRunResult result, long? token, long delegateCalls)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (token is { } value)
            {
                json.WriteNumber("token", value);
            }

            json.WriteNumber("delegateCalls", delegateCalls);
            json.WriteStartArray("collections");
            foreach (var collection in result.Collections)
            {
                json.WriteStartObject();
                json.WriteString("collection", collection.Collection);
                json.WriteString("outcome", collection.Outcome.ToString());
                json.WriteString("version", collection.Version);
                json.WriteStartArray("applied");
                foreach (var id in collection.AppliedMigrations)
                {
                    json.WriteStringValue(id);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Counts the data step's delegate calls, slows its pages down, and announces the first committed page.</summary>
    internal sealed class RaceCounter(int pageSize, TimeSpan pageDelay)
    {
        private long _calls;
        private int _announced;

        public int PageSize => pageSize;

        public long Calls => Interlocked.Read(ref _calls);

        public async ValueTask IncrementAsync(PayloadTransformContext context)
        {
            Interlocked.Increment(ref _calls);

            // The test numbers the points 1..N and pages run in id order, so the first point of a page is
            // id % pageSize == 1, and reaching point pageSize + 1 means the first page was committed.
            var id = context.Id.Num;
            if (id == (ulong)pageSize + 1 && Interlocked.Exchange(ref _announced, 1) == 0)
            {
                Print("IN-DATA-STEP");
            }

            if (pageDelay > TimeSpan.Zero && id % (ulong)pageSize == 1)
            {
                await Task.Delay(pageDelay, context.CancellationToken);
            }

            var n = context.Payload.TryGetValue("n", out var current) ? current.IntegerValue : 0;
            context.Payload["n"] = n + 1;
        }
    }

    /// <summary>Prints the acquisition time and token; the handle is the lease lock's own (the engine fences through it).</summary>
    private sealed class AnnouncingLock(IQdrantSchemaLock inner) : IQdrantSchemaLock
    {
        public long? FencingToken { get; private set; }

        public async ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            var handle = await inner.TryAcquireAsync(timeout, cancellationToken);
            if (handle is not null)
            {
                Announce(handle);
            }

            return handle;
        }

        public async ValueTask<IQdrantSchemaLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        {
            var handle = await inner.AcquireAsync(timeout, cancellationToken);
            Announce(handle);
            return handle;
        }

        private void Announce(IQdrantSchemaLockHandle handle)
        {
            FencingToken = handle.FencingToken;
            Print($"ACQUIRED {Now()} {handle.FencingToken}");
        }
    }

    private sealed class ResumeReporter : IMigrationStepHook
    {
        public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
        {
            if (context.Resuming)
            {
                Print($"RESUMED {context.Member.PhysicalName} {context.Migration.Id} {context.Step}");
            }

            return ValueTask.CompletedTask;
        }
    }
}

[Migration(MigrateMode.V1, Family = MigrateMode.Family)]
internal sealed class CreateRace : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot));
}

[Migration(MigrateMode.V2, Family = MigrateMode.Family)]
internal sealed class IndexTag : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("tag", PayloadSchemaType.Keyword);
}

[Migration(MigrateMode.V3, Family = MigrateMode.Family)]
internal sealed class IncrementN(MigrateMode.RaceCounter counter) : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.TransformPayload(counter.IncrementAsync, "increment_n");
}

[Migration(MigrateMode.V4, Family = MigrateMode.Family)]
internal sealed class MarkDone : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.SetMetadata("race_done", new Value { BoolValue = true });
}
