using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Snapshots;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Snapshots;

internal static class Restorable
{
    public const string Family = "restorable";
    public const string Create = "20260201000000_Create";
    public const string IndexK = "20260202000000_IndexK";
    public const string Widen = "20260203000000_Widen";
    public const string Stamp = "20260204000000_Stamp";

    public static QdrantMigration[] All() => [new RestorableCreate(), new RestorableIndexK(), new RestorableWiden(), new RestorableStamp()];

    public static QdrantMigration[] PreRun() => [new RestorableCreate(), new RestorableIndexK()];
}

[Migration(Restorable.Create, Family = Restorable.Family)]
internal sealed class RestorableCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .CreateCollection(c => c.AddVector("v", 4, Distance.Dot))
        .SetMetadata("owner", new Value { StringValue = "team-a" });
}

[Migration(Restorable.IndexK, Family = Restorable.Family)]
internal sealed class RestorableIndexK : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("k", PayloadSchemaType.Keyword);
}

/// <summary>Changes the vectors config (so recovering into the existing collection would be refused), an index and metadata.</summary>
[Migration(Restorable.Widen, Family = Restorable.Family)]
internal sealed class RestorableWiden : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .AddVector("w", 4, Distance.Cosine)
        .CreatePayloadIndex("a", PayloadSchemaType.Integer)
        .SetMetadata("owner", new Value { StringValue = "team-b" });
}

/// <summary>A data step that fails on a point marked "boom", after the earlier pages were written.</summary>
[Migration(Restorable.Stamp, Family = Restorable.Family)]
internal sealed class RestorableStamp : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.TransformPayload(
        context =>
        {
            if (context.Payload.TryGetValue("boom", out var boom) && boom.BoolValue)
            {
                throw new InvalidOperationException("Injected failure on a point marked boom");
            }

            context.Payload["stamped"] = new Value { BoolValue = true };
            return ValueTask.CompletedTask;
        },
        "stamp");
}

/// <summary>Fails the first snapshot upload, as a crash during the restore would leave it.</summary>
internal sealed class FailFirstUpload(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private int _failures;

    public int Failures => Volatile.Read(ref _failures);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/snapshots/upload", StringComparison.Ordinal)
            && Interlocked.CompareExchange(ref _failures, 1, 0) == 0)
        {
            throw new HttpRequestException("Injected: connection lost during the upload");
        }

        return base.SendAsync(request, cancellationToken);
    }
}

/// <summary>FailurePolicy RestoreSnapshot (issue 5, "Failure policy during migrate"): the collection goes back to its pre-run state.</summary>
public abstract class RestoreSnapshotPolicyTests(QdrantBackend backend) : IAsyncDisposable
{
    private readonly List<string> _collections = [];
    private readonly List<string> _aliases = [];
    private readonly List<IDisposable> _disposables = [];

    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var alias in _aliases)
        {
            try
            {
                await Backend.Client.DeleteAliasAsync(alias);
            }
            catch (Exception)
            {
                // Best effort.
            }
        }

        foreach (var name in _collections)
        {
            try
            {
                foreach (var snapshot in await Backend.Client.ListSnapshotsAsync(name))
                {
                    await Backend.Client.DeleteSnapshotAsync(name, snapshot.Name);
                }
            }
            catch (Exception)
            {
                // Best effort: the test may never have created it.
            }

            try
            {
                await Backend.Client.DeleteCollectionAsync(name);
            }
            catch (Exception)
            {
                // Best effort.
            }
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract HttpMessageHandler CreateBackendHandler();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MigrateAsync_SecondMigrationFailsMidDataStep_RestoresPointsSchemaMetadataAndAliases(bool serverFile)
    {
        var (name, history, alias) = await PreRunAsync();
        var before = await PointsAsync(name);
        var migrator = NewMigrator(name, history, Rest(serverFile));

        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        var collection = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
        Assert.Equal(Restorable.Stamp, collection.FailedMigrationId);
        Assert.Contains("Injected failure on a point marked boom", collection.Error, StringComparison.Ordinal);
        Assert.Contains("FailurePolicy RestoreSnapshot restored the collection from snapshot", collection.Error, StringComparison.Ordinal);
        Assert.Equal(Restorable.IndexK, collection.Version);
        Assert.Empty(collection.AppliedMigrations);
        Assert.Single(collection.Reverted);
        await AssertPreRunStateAsync(name, alias, before);

        var records = (await new QdrantHistoryStore(Backend.Client, history).ReadAsync(name, Ct)).ToDictionary(r => r.MigrationId);
        Assert.Equal(MigrationStatus.Succeeded, records[Restorable.IndexK].Status);
        foreach (var undone in new[] { Restorable.Widen, Restorable.Stamp })
        {
            Assert.Equal(MigrationStatus.RolledBack, records[undone].Status);
            Assert.Equal(0, records[undone].Step);
            Assert.Equal(SnapshotRestoreState.Restored, records[undone].Restore!.State);
            Assert.Equal(records[Restorable.Widen].SnapshotName, records[undone].Restore!.SnapshotName);
            Assert.Contains("restored the collection from snapshot", records[undone].Error, StringComparison.Ordinal);
        }

        Assert.StartsWith("Failed at step 0: ", records[Restorable.Stamp].Error, StringComparison.Ordinal);
        var status = Assert.Single((await migrator.GetStatusAsync(Ct)).Collections);
        Assert.Equal(Restorable.IndexK, status.CurrentVersion);
        Assert.Null(status.Failed);
        Assert.Equal(
            $"fix the cause of the failure of {Restorable.Stamp} (the collection was restored from snapshot '{records[Restorable.Widen].SnapshotName}' " +
            $"to version {Restorable.IndexK}), then run MigrateAsync to apply 2 pending migration(s) up to {Restorable.Stamp}",
            status.NextAction);
        Assert.False(status.Drift!.HasErrors);

        // With the cause fixed, the next run applies both migrations again.
        await Backend.Client.DeletePayloadAsync(name, ["boom"], 5ul, cancellationToken: Ct);
        var retried = await migrator.MigrateAsync(cancellationToken: Ct);
        Assert.True(retried.Succeeded, retried.ToString());
        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);
        Assert.Contains("w", info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
        Assert.All((await PointsAsync(name)).Values, p => Assert.True(p.Payload["stamped"].BoolValue));
    }

    [Fact]
    public async Task MigrateAsync_UploadFailsMidRestore_StatusSaysFinishAndRerunCompletesTheRestore()
    {
        var (name, history, alias) = await PreRunAsync();
        var before = await PointsAsync(name);
        var failing = new FailFirstUpload(CreateBackendHandler());
        _disposables.Add(failing);
        var rest = Rest(serverFile: false, failing);
        rest.MaxRetryAttempts = 0;
        var migrator = NewMigrator(name, history, rest);

        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        var collection = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
        Assert.Equal(1, failing.Failures);
        Assert.Contains("could not restore snapshot", collection.Error, StringComparison.Ordinal);
        Assert.Contains("run MigrateAsync again to finish it", collection.Error, StringComparison.Ordinal);
        Assert.False(await Backend.Client.CollectionExistsAsync(name, Ct)); // deleted, not yet recovered
        var journal = (await new QdrantHistoryStore(Backend.Client, history).ReadAsync(name, Ct)).Single(r => r.MigrationId == Restorable.Stamp);
        Assert.Equal(MigrationStatus.Failed, journal.Status);
        Assert.Equal(SnapshotRestoreState.Restoring, journal.Restore!.State);
        Assert.Equal([Restorable.Widen, Restorable.Stamp], journal.Restore.Undo);
        Assert.Equal([alias], journal.Restore.Aliases);
        Assert.True(File.Exists(journal.Restore.File));
        var status = Assert.Single((await migrator.GetStatusAsync(Ct)).Collections);
        Assert.StartsWith(
            $"run MigrateAsync to finish restoring collection '{name}' from snapshot '{journal.Restore.SnapshotName}'", status.NextAction, StringComparison.Ordinal);
        var rollback = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.RollbackAsync(Restorable.Create, Ct));
        Assert.Contains("half-way through a snapshot restore", rollback.Message, StringComparison.Ordinal);

        // The rerun finishes the restore first; the target keeps it from migrating further.
        var rerun = await migrator.MigrateAsync(Restorable.IndexK, Ct);

        Assert.True(rerun.Succeeded, rerun.ToString());
        await AssertPreRunStateAsync(name, alias, before);
        Assert.False(File.Exists(journal.Restore.File));
        var records = (await new QdrantHistoryStore(Backend.Client, history).ReadAsync(name, Ct)).ToDictionary(r => r.MigrationId);
        Assert.Equal(MigrationStatus.RolledBack, records[Restorable.Widen].Status);
        Assert.Equal(MigrationStatus.RolledBack, records[Restorable.Stamp].Status);
        Assert.Equal(Restorable.IndexK, Assert.Single((await migrator.GetStatusAsync(Ct)).Collections).CurrentVersion);
    }

    [Fact]
    public async Task MigrateAsync_NoRestAddress_StopsAndMarksFailedNamingTheSetting()
    {
        var (name, history, _) = await PreRunAsync();
        var migrator = NewMigrator(name, history, new QdrantSnapshotOptions());

        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        var collection = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
        Assert.Contains("QdrantMigratorOptions.Snapshots.Rest.RestBaseAddress is not set", collection.Error, StringComparison.Ordinal);
        Assert.Contains("restore the snapshot taken before this run", collection.Error, StringComparison.Ordinal);
        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);
        Assert.True(info.PayloadSchema.ContainsKey("a")); // left as the failure left it
        var record = (await new QdrantHistoryStore(Backend.Client, history).ReadAsync(name, Ct)).Single(r => r.MigrationId == Restorable.Stamp);
        Assert.Equal(MigrationStatus.Failed, record.Status);
        Assert.Null(record.Restore);
        var status = Assert.Single((await migrator.GetStatusAsync(Ct)).Collections);
        Assert.Equal($"fix the cause of the failure, then run MigrateAsync to resume {Restorable.Stamp} from step 0", status.NextAction);
    }

    /// <summary>Creates the collection at IndexK with points (one marked "boom") and an alias.</summary>
    private async Task<(string Name, string History, string Alias)> PreRunAsync()
    {
        var name = Track(QdrantBackend.NewName("rst"));
        var history = Track(QdrantBackend.NewName("hist"));
        var alias = QdrantBackend.NewName("ral");
        _aliases.Add(alias);
        var setup = new QdrantMigrator(Backend.Client, Restorable.PreRun(), [Family(name)], new QdrantMigratorOptions { HistoryCollection = history });
        Assert.True((await setup.MigrateAsync(cancellationToken: Ct)).Succeeded);
        var points = Enumerable.Range(1, 6).Select(i => new PointStruct
        {
            Id = (ulong)i,
            Vectors = new Dictionary<string, float[]> { ["v"] = [i, 0.5f, 0f, 1f] },
            Payload = { ["n"] = i, ["k"] = $"key-{i}", ["boom"] = i == 5 },
        }).ToList();
        await Backend.Client.UpsertAsync(name, points, cancellationToken: Ct);
        await Backend.Client.CreateAliasAsync(alias, name, cancellationToken: Ct);
        return (name, history, alias);
    }

    private async Task AssertPreRunStateAsync(string name, string alias, Dictionary<ulong, RetrievedPoint> before)
    {
        var after = await PointsAsync(name);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (id, point) in before)
        {
            Assert.Equal(point.Payload, after[id].Payload);
            Assert.Equal(point.Vectors, after[id].Vectors);
            Assert.False(after[id].Payload.ContainsKey("stamped"));
        }

        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);
        Assert.Equal(["v"], info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
        Assert.True(info.PayloadSchema.ContainsKey("k"));
        Assert.False(info.PayloadSchema.ContainsKey("a"));
        Assert.Equal("team-a", info.Config.Metadata["owner"].StringValue);
        Assert.Equal(Restorable.IndexK, info.Config.Metadata[QdrantSchema.Migrator.CollectionMigrator.VersionMetadataKey].StructValue.Fields["version"].StringValue);
        var aliases = await Backend.Client.ListAliasesAsync(Ct);
        Assert.Equal(name, aliases.Single(a => a.AliasName == alias).CollectionName);
    }

    private async Task<Dictionary<ulong, RetrievedPoint>> PointsAsync(string name)
    {
        var scrolled = await Backend.Client.ScrollAsync(name, limit: 100, payloadSelector: true, vectorsSelector: true, cancellationToken: Ct);
        return scrolled.Result.ToDictionary(p => p.Id.Num);
    }

    private QdrantSnapshotOptions Rest(bool serverFile, HttpMessageHandler? handler = null)
    {
        if (handler is null)
        {
            handler = CreateBackendHandler();
            _disposables.Add(handler);
        }

        return new QdrantSnapshotOptions
        {
            RestBaseAddress = Backend.Http.BaseAddress,
            ApiKey = Backend.ApiKey,
            HttpMessageHandler = handler,
            ServerSnapshotsPath = serverFile ? Backend.ServerSnapshotsPath : null,
            RetryDelay = TimeSpan.FromMilliseconds(1),
        };
    }

    private QdrantMigrator NewMigrator(string name, string history, QdrantSnapshotOptions rest) => new(
        Backend.Client,
        Restorable.All(),
        [Family(name)],
        new QdrantMigratorOptions
        {
            HistoryCollection = history,
            FailurePolicy = MigrationFailurePolicy.RestoreSnapshot,
            DataStepBatchSize = 2,
            Snapshots = { Rest = rest },
        });

    private static CollectionFamily Family(string name) => new(Restorable.Family) { Collections = { name } };

    private string Track(string name)
    {
        _collections.Add(name);
        return name;
    }
}

public sealed class RestoreSnapshotPolicyTests_Server(ServerBackend backend) : RestoreSnapshotPolicyTests(backend)
{
    protected override HttpMessageHandler CreateBackendHandler() => new SocketsHttpHandler();
}

public sealed class RestoreSnapshotPolicyTests_InProcess(InProcessBackend backend) : RestoreSnapshotPolicyTests(backend)
{
    private readonly InProcessBackend _backend = backend;

    protected override HttpMessageHandler CreateBackendHandler() => _backend.Emulator.CreateHttpMessageHandler();
}
