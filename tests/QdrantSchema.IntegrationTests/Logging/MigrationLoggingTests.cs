using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Migrations;
using QdrantSchema.Snapshots;
using QdrantSchema.Testing;

namespace QdrantSchema.IntegrationTests.Logging;

/// <summary>
/// Log event ids, names, levels, categories and state of a migration run, the lease lock and the snapshot API, captured
/// with FakeLogger (STYLE.md §J), against an in-process emulator that requires an API key. No record may contain the
/// key or any payload or metadata value used here (STYLE.md §C).
/// </summary>
public sealed class MigrationLoggingTests : IAsyncDisposable
{
    private const string Collection = "logged_points";
    private const string History = "__logged_history";
    private const int Points = 5;

    private readonly QdrantEmulator _emulator = new(new QdrantEmulatorOptions { ApiKey = Logged.ApiKey });
    private readonly QdrantClient _client;
    private readonly LogCapture _logs = new();

    public MigrationLoggingTests() => _client = _emulator.CreateClient(Logged.ApiKey);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        _logs.Dispose();
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task MigrateAsync_SmallMigrationSet_LogsEventsInOrderUnderStableCategories()
    {
        Assert.True((await Migrator(new LoggedCreate()).MigrateAsync(cancellationToken: Ct)).Succeeded);
        await SeedAsync();
        var firstRun = _logs.Collector.Count;

        var result = await Migrator(new LoggedCreate(), new LoggedIndex(), new LoggedStamp(), new LoggedOwner()).MigrateAsync(cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        var run = _logs.Records.Skip(firstRun).ToList();
        LogCapture.AssertInOrder(
            run,
            "LockAcquired",
            "MigrationsPending",
            "PreMigrationSnapshotTaken",
            "MigrationStarting", "MigrationStep", "MigrationApplied",                           // IndexTag
            "MigrationStarting",                                                                // StampPayload
            "MigrationStep", "DataStepStarting", "DataPageCommitted", "DataStepPageCommitted", "DataStepCompleted",
            "MigrationStep", "DataStepStarting", "DataPageCommitted", "DataStepPageCommitted", "DataStepCompleted",
            "MigrationApplied",
            "MigrationStarting", "MigrationStep", "MigrationApplied",                           // OwnerMetadata
            "RunFinished",
            "LockReleased");
        AssertIds(run);

        Assert.Equal([Logged.Index, Logged.Stamp, Logged.Owner], Values(run, "MigrationStarting", "MigrationId"));
        Assert.Equal([Logged.Index, Logged.Stamp, Logged.Owner], Values(run, "MigrationApplied", "MigrationId"));
        Assert.All(Named(run, "MigrationStarting"), r => Assert.Equal(Collection, r.GetStructuredStateValue("Collection")));
        Assert.Equal(
            ["0 CreatePayloadIndex 'tag'", "0 TransformPayload", "1 TransformPayload 'stamp'", "0 SetMetadata 'owner'"],
            Named(run, "MigrationStep").Select(r => $"{r.GetStructuredStateValue("Step")} {r.GetStructuredStateValue("Operation")}"));

        // Batch size 2 over 5 points: three pages per data step, each committed once (3010) and reported by the runner (3101).
        Assert.Equal(["0:2", "0:4", "0:5", "1:2", "1:4", "1:5"], Named(run, "DataPageCommitted").Select(r => $"{r.GetStructuredStateValue("Step")}:{r.GetStructuredStateValue("PointsProcessed")}"));
        Assert.Equal(Named(run, "DataPageCommitted").Count, Named(run, "DataStepPageCommitted").Count);
        Assert.All(Named(run, "DataStepCompleted"), r => Assert.Equal(Points.ToString(System.Globalization.CultureInfo.InvariantCulture), r.GetStructuredStateValue("PointsProcessed")));

        var finished = Assert.Single(Named(run, "RunFinished"));
        Assert.Equal(LogLevel.Information, finished.Level);
        Assert.Equal("1", finished.GetStructuredStateValue("Succeeded"));
        Assert.Equal("0", finished.GetStructuredStateValue("Failed"));
        Assert.Equal(LogLevel.Debug, Named(run, "MigrationStep")[0].Level);
        Assert.Equal(LogLevel.Information, Named(run, "MigrationStarting")[0].Level);
        Assert.DoesNotContain(run, r => r.Level >= LogLevel.Warning);

        Assert.Equal(
            [LogCapture.Locking, LogCapture.Migrations, LogCapture.Snapshots],
            _logs.Records.Select(r => r.Category).Distinct().Order(StringComparer.Ordinal));

        // The sentinels really went through the steps, so their absence from the logs means something.
        var points = await _client.ScrollAsync(Collection, limit: 100, payloadSelector: true, cancellationToken: Ct);
        Assert.Equal(Points, points.Result.Count);
        Assert.All(points.Result, p =>
        {
            Assert.Equal(Logged.MergedPayload, p.Payload["merged"].StringValue);
            Assert.Equal(Logged.CodePayload, p.Payload["stamp"].StringValue);
            Assert.Equal(Logged.SeededPayload, p.Payload["secret_copy"].StringValue);
        });
        _logs.AssertCleanAndCategorized();
    }

    [Fact]
    public async Task MigrateAsync_TransformThrows_LogsMigrationFailedErrorWithException()
    {
        Assert.True((await Migrator(new LoggedCreate()).MigrateAsync(cancellationToken: Ct)).Succeeded);
        await SeedAsync();
        var firstRun = _logs.Collector.Count;

        var result = await Migrator(new LoggedCreate(), new LoggedBroken()).MigrateAsync(cancellationToken: Ct);

        Assert.False(result.Succeeded);
        var run = _logs.Records.Skip(firstRun).ToList();
        LogCapture.AssertInOrder(run, "LockAcquired", "MigrationStarting", "MigrationStep", "DataStepStarting", "MigrationFailed", "RunFinished", "LockReleased");
        AssertIds(run);
        Assert.Empty(Named(run, "MigrationApplied"));

        var failed = Assert.Single(Named(run, "MigrationFailed"));
        Assert.Equal(3006, failed.Id.Id);
        Assert.Equal(LogLevel.Error, failed.Level);
        Assert.Equal(LogCapture.Migrations, failed.Category);
        Assert.Equal(Logged.Broken, failed.GetStructuredStateValue("MigrationId"));
        Assert.Equal(Collection, failed.GetStructuredStateValue("Collection"));
        Assert.Equal("0", failed.GetStructuredStateValue("Step"));
        Assert.NotNull(failed.Exception);
        Assert.Contains(Chain(failed.Exception), e => e is InvalidOperationException && e.Message == Logged.InjectedFailure);

        var finished = Assert.Single(Named(run, "RunFinished"));
        Assert.Equal("1", finished.GetStructuredStateValue("Failed"));
        Assert.Equal("0", finished.GetStructuredStateValue("Succeeded"));
        _logs.AssertCleanAndCategorized();
    }

    [Fact]
    public async Task QdrantLeaseLock_AcquireContendRelease_LogsLockEventsUnderLockingCategory()
    {
        var options = new QdrantLeaseLockOptions { HistoryCollection = History, LockName = "logged-lock" };
        var holder = new QdrantLeaseLock(_client, options, loggerFactory: _logs.Factory);
        var waiter = new QdrantLeaseLock(_client, options, loggerFactory: _logs.Factory);

        var handle = await holder.AcquireAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Null(await waiter.TryAcquireAsync(TimeSpan.FromMilliseconds(200), Ct));
        await handle.DisposeAsync();

        var records = _logs.Records;
        LogCapture.AssertInOrder(records, "LockCollectionCreated", "LockAcquired", "LockBusy", "LockTimedOut", "LockReleased");
        AssertIds(records);
        Assert.All(records, r => Assert.Equal(LogCapture.Locking, r.Category));
        var acquired = Assert.Single(Named(records, "LockAcquired"));
        Assert.Equal(LogLevel.Information, acquired.Level);
        Assert.Equal("logged-lock", acquired.GetStructuredStateValue("LockName"));
        Assert.Equal(LogLevel.Warning, Assert.Single(Named(records, "LockTimedOut")).Level);
        Assert.Equal(LogLevel.Information, Assert.Single(Named(records, "LockReleased")).Level);
        _logs.AssertCleanAndCategorized();
    }

    [Fact]
    public async Task QdrantSnapshotManager_CreateDownloadRefusedDelete_LogsSnapshotEventsWithoutKeys()
    {
        await _client.CreateCollectionAsync(Collection, new VectorParamsMap { Map = { ["v"] = new VectorParams { Size = 4, Distance = Distance.Dot } } }, cancellationToken: Ct);
        await SeedAsync();
        var directory = Path.Combine(Path.GetTempPath(), "qs-logtest-" + Guid.NewGuid().ToString("N"));
        using var handler = _emulator.CreateHttpMessageHandler();
        using var wrongHandler = _emulator.CreateHttpMessageHandler();
        using var manager = new QdrantSnapshotManager(_client, SnapshotOptions(Logged.ApiKey, handler), _logs.Factory);
        using var wrongKey = new QdrantSnapshotManager(_client, SnapshotOptions(Logged.WrongApiKey, wrongHandler), _logs.Factory);
        try
        {
            var snapshot = await manager.CreateAsync(Collection, Ct);
            await manager.DownloadAsync(Collection, snapshot.Name, directory, Ct);
            await Assert.ThrowsAsync<QdrantSnapshotException>(() => wrongKey.DownloadAsync(Collection, snapshot.Name, directory, Ct));
            await manager.DeleteAsync(Collection, snapshot.Name, Ct);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }

        var records = _logs.Records;
        LogCapture.AssertInOrder(records, "SnapshotCreated", "SnapshotDownloaded", "RestFailed", "SnapshotDeleted");
        AssertIds(records);
        Assert.All(records, r => Assert.Equal(LogCapture.Snapshots, r.Category));
        var refused = Assert.Single(Named(records, "RestFailed"));
        Assert.Contains(refused.GetStructuredStateValue("StatusCode"), new[] { "401", "403" });
        Assert.Equal(Collection, refused.GetStructuredStateValue("Collection"));
        _logs.AssertCleanAndCategorized();
    }

    /// <summary>The names and ids of the events these tests look for (the full table is checked by <see cref="EventIdCatalogTests"/>).</summary>
    private static readonly Dictionary<string, int> KnownIds = new(StringComparer.Ordinal)
    {
        ["LockAcquired"] = 2001,
        ["LockBusy"] = 2002,
        ["LockTimedOut"] = 2003,
        ["LockReleased"] = 2008,
        ["LockCollectionCreated"] = 2011,
        ["MigrationsPending"] = 3001,
        ["MigrationStarting"] = 3002,
        ["MigrationStep"] = 3004,
        ["MigrationApplied"] = 3005,
        ["MigrationFailed"] = 3006,
        ["DataPageCommitted"] = 3010,
        ["RunFinished"] = 3011,
        ["DataStepStarting"] = 3100,
        ["DataStepPageCommitted"] = 3101,
        ["DataStepCompleted"] = 3102,
        ["PreMigrationSnapshotTaken"] = 3301,
        ["SnapshotCreated"] = 4001,
        ["SnapshotDeleted"] = 4002,
        ["SnapshotDownloaded"] = 4003,
        ["RestFailed"] = 4010,
    };

    private static void AssertIds(IEnumerable<FakeLogRecord> records)
    {
        foreach (var record in records)
        {
            if (record.Id.Name is { } name && KnownIds.TryGetValue(name, out var id))
            {
                Assert.True(id == record.Id.Id, $"Event '{name}' was logged with id {record.Id.Id}, expected {id}.");
            }
        }
    }

    private static List<FakeLogRecord> Named(IEnumerable<FakeLogRecord> records, string name)
        => [.. records.Where(r => r.Id.Name == name)];

    private static List<string?> Values(IEnumerable<FakeLogRecord> records, string name, string key)
        => [.. Named(records, name).Select(r => r.GetStructuredStateValue(key))];

    private static IEnumerable<Exception> Chain(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private QdrantMigrator Migrator(params QdrantMigration[] migrations)
    {
        var options = new QdrantMigratorOptions
        {
            HistoryCollection = History,
            DataStepBatchSize = 2,
            Lock = new QdrantLeaseLock(_client, new QdrantLeaseLockOptions { HistoryCollection = History }, loggerFactory: _logs.Factory),
        };
        return new QdrantMigrator(_client, migrations, [new CollectionFamily(Logged.Family) { Collections = { Collection } }], options, _logs.Factory);
    }

    private static QdrantSnapshotOptions SnapshotOptions(string apiKey, HttpMessageHandler handler) => new()
    {
        RestBaseAddress = new Uri("http://localhost:6333"),
        ApiKey = apiKey,
        HttpMessageHandler = handler,
        RetryDelay = TimeSpan.FromMilliseconds(1),
    };

    private async Task SeedAsync()
    {
        var points = Enumerable.Range(1, Points).Select(i => new PointStruct
        {
            Id = (ulong)i,
            Vectors = new Dictionary<string, float[]> { ["v"] = [i, 1f, 0f, 0f] },
            Payload = { ["secret"] = Logged.SeededPayload, ["tag"] = "t" + i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }).ToList();
        await _client.UpsertAsync(Collection, points, cancellationToken: Ct);
    }
}
