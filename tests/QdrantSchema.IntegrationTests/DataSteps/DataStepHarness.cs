using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Execution;
using QdrantSchema.Execution.DataSteps;
using QdrantSchema.Families;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.DataSteps;

/// <summary>The migration whose id the data-step tests run under (its own operations are not executed).</summary>
[Migration("20260301000000_DataSteps", Family = "datasteps")]
internal sealed class DataStepsTestMigration : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c.AddVector("content", 4, Distance.Dot));
}

/// <summary>
/// Plays the migrator's part around <see cref="DataStepRunner"/>: one data collection, a history collection with the
/// real <see cref="QdrantHistoryStore"/>, and a running history record that every commit writes (cursor and count),
/// so that each run (a "process") starts from what the previous one left in Qdrant.
/// </summary>
internal sealed class DataStepHarness
{
    public const int Step = 1;

    private static readonly MigrationDescriptor Migration = MigrationDescriptor.Create(new DataStepsTestMigration(), new SchemaState(), out _);

    public DataStepHarness(QdrantBackend backend)
    {
        Client = backend.Client;
        Collection = QdrantBackend.NewName("ds");
        HistoryCollection = QdrantBackend.NewName("h");
    }

    public QdrantClient Client { get; }

    public string Collection { get; }

    public string HistoryCollection { get; }

    public string MigrationId => Migration.Id;

    /// <summary>Every commit the runner made, in order (cursor, count), across runs.</summary>
    public List<(PointId? Cursor, long Processed)> Commits { get; } = [];

    /// <summary>Called before each commit is written to history (the commit's 1-based number in this run); may throw.</summary>
    public Action<int>? BeforeCommit { get; set; }

    /// <summary>Called after each commit is written to history (the commit's 1-based number in this run); may throw.</summary>
    public Action<int>? AfterCommit { get; set; }

    /// <summary>Called on the history store's redo-page calls ("save"/"delete", after the real call); may throw.</summary>
    public Action<string>? AfterRedoCall { get; set; }

    public int BatchSize { get; set; } = 256;

    public int JournalBudgetBytes { get; set; } = DataStepRunner.DefaultJournalBudgetBytes;

    public Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>>? Embed { get; set; }

    public CancellationToken LockLost { get; set; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public async Task CreateCollectionAsync(bool withRelationship = true)
    {
        var map = new VectorParamsMap { Map = { ["content"] = new VectorParams { Size = 4, Distance = Distance.Dot } } };
        if (withRelationship)
        {
            map.Map["relationship"] = new VectorParams { Size = 4, Distance = Distance.Dot };
        }

        await Client.CreateCollectionAsync(Collection, map, cancellationToken: Token);
        await Store().EnsureCreatedAsync(Token);
    }

    /// <summary>Upserts points with ids from <paramref name="ids"/>, each with a content vector and the given payload.</summary>
    public async Task SeedAsync(IEnumerable<PointId> ids, Func<int, Dictionary<string, Value>> payload)
    {
        var batch = new List<PointStruct>();
        var i = 0;
        foreach (var id in ids)
        {
            var point = new PointStruct
            {
                Id = id,
                Vectors = new Dictionary<string, float[]> { ["content"] = [1, 0, 0, i] },
            };
            foreach (var (key, value) in payload(i))
            {
                point.Payload[key] = value;
            }

            batch.Add(point);
            i++;
            if (batch.Count == 500)
            {
                await Client.UpsertAsync(Collection, batch, cancellationToken: Token);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            await Client.UpsertAsync(Collection, batch, cancellationToken: Token);
        }
    }

    public static IEnumerable<PointId> NumericIds(int count, ulong first = 1)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new PointId { Num = first + (ulong)i };
        }
    }

    /// <summary>Deterministic UUIDs (not in id order of creation).</summary>
    public static IEnumerable<PointId> UuidIds(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var bytes = System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i));
            yield return new PointId { Uuid = new Guid(bytes.AsSpan(0, 16)).ToString() };
        }
    }

    /// <summary>One run of the step as a fresh process would do it: a new store and runner, the cursor read back from history.</summary>
    public Task RunAsync(DataOperation operation) => RunCancellableAsync(operation, Token);

    /// <summary>As <see cref="RunAsync(DataOperation)"/>, with the caller's token.</summary>
    public async Task RunCancellableAsync(DataOperation operation, CancellationToken cancellationToken)
    {
        var store = new FaultyHistoryStore(Store(), this);
        var record = (await store.ReadAsync(Collection, Token)).SingleOrDefault(r => r.MigrationId == MigrationId);
        var commits = 0;
        var context = new DataStepContext
        {
            Operation = OperationContext(store),
            Cursor = record?.Cursor,
            PointsProcessed = record?.PointsProcessed ?? 0,
            EmbedTextsAsync = Embed,
            CommitPageAsync = async (cursor, processed, ct) =>
            {
                var number = ++commits;
                BeforeCommit?.Invoke(number);
                await store.WriteAsync(Record(cursor, processed), ct);
                Commits.Add((cursor, processed));
                AfterCommit?.Invoke(number);
            },
        };
        var runner = new DataStepRunner { JournalBudgetBytes = JournalBudgetBytes };
        await runner.RunAsync(operation, context, cancellationToken);
    }

    public Task<long> CountAffectedAsync(DataOperation operation)
        => new DataStepRunner().CountAffectedAsync(operation, OperationContext(Store()), Token);

    public async Task<MigrationRecord?> ReadRecordAsync()
        => (await Store().ReadAsync(Collection, Token)).SingleOrDefault(r => r.MigrationId == MigrationId);

    public Task WriteRecordAsync(PointId? cursor, long processed)
        => Store().WriteAsync(Record(cursor, processed), Token);

    public Task<RedoPage?> LoadRedoPageAsync()
        => Store().LoadRedoPageAsync(Collection, MigrationId, Step, Token);

    /// <summary>Every point of the collection with payload and vectors, in id order.</summary>
    public async Task<List<RetrievedPoint>> ReadAllAsync()
    {
        var all = new List<RetrievedPoint>();
        PointId? offset = null;
        do
        {
            var page = await Client.ScrollAsync(Collection, limit: 500, offset: offset, vectorsSelector: true, cancellationToken: Token);
            all.AddRange(page.Result);
            offset = page.NextPageOffset;
        }
        while (offset is not null);
        return all;
    }

    private QdrantHistoryStore Store() => new(Client, HistoryCollection);

    private OperationContext OperationContext(IHistoryStore store) => new()
    {
        Client = Client,
        Member = new FamilyMember("datasteps", Collection, null, Exists: true),
        Migration = Migration,
        Step = Step,
        Server = new ServerInfo(new Version(1, 19, 0)),
        History = store,
        TimeProvider = TimeProvider.System,
        Logger = NullLogger.Instance,
        LockLost = LockLost,
        BatchSize = BatchSize,
    };

    private MigrationRecord Record(PointId? cursor, long processed) => new()
    {
        Collection = Collection,
        Family = Migration.Family,
        MigrationId = Migration.Id,
        Description = Migration.Description,
        Checksum = Migration.Checksum,
        Status = MigrationStatus.Running,
        Step = Step,
        Cursor = cursor,
        PointsProcessed = processed,
        StartedAt = DateTimeOffset.UnixEpoch,
        Host = "test",
        ProcessId = Environment.ProcessId,
        LibraryVersion = "test",
    };

    /// <summary>The real store, with faults injected after its redo-page calls.</summary>
    private sealed class FaultyHistoryStore(IHistoryStore inner, DataStepHarness harness) : IHistoryStore
    {
        public string CollectionName => inner.CollectionName;

        public Task EnsureCreatedAsync(CancellationToken cancellationToken) => inner.EnsureCreatedAsync(cancellationToken);

        public Task<IReadOnlyDictionary<string, IReadOnlyList<MigrationRecord>>> ReadAllAsync(CancellationToken cancellationToken) => inner.ReadAllAsync(cancellationToken);

        public Task<IReadOnlyList<MigrationRecord>> ReadAsync(string collection, CancellationToken cancellationToken) => inner.ReadAsync(collection, cancellationToken);

        public Task WriteAsync(MigrationRecord record, CancellationToken cancellationToken) => inner.WriteAsync(record, cancellationToken);

        public Task DeleteAsync(string collection, string migrationId, CancellationToken cancellationToken) => inner.DeleteAsync(collection, migrationId, cancellationToken);

        public async Task SaveRedoPageAsync(RedoPage page, CancellationToken cancellationToken)
        {
            await inner.SaveRedoPageAsync(page, cancellationToken);
            harness.AfterRedoCall?.Invoke("save");
        }

        public Task<RedoPage?> LoadRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken)
            => inner.LoadRedoPageAsync(collection, migrationId, step, cancellationToken);

        public async Task DeleteRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken)
        {
            await inner.DeleteRedoPageAsync(collection, migrationId, step, cancellationToken);
            harness.AfterRedoCall?.Invoke("delete");
        }
    }
}

/// <summary>The failure a test injects (a stand-in for a crash).</summary>
internal sealed class InjectedCrashException(string message) : Exception(message);
