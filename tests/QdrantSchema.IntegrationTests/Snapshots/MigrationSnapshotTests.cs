using Grpc.Core;
using Grpc.Core.Interceptors;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Snapshots;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Snapshots;

internal static class Snap
{
    public const string Family = "snapshotted";
    public const string Create = "20260101000000_Create";
    public const string IndexA = "20260102000000_IndexA";
    public const string IndexOptOut = "20260103000000_IndexOptOut";
    public const string Transform = "20260104000000_Transform";
    public const string IndexC = "20260105000000_IndexC";
    public const string BadOptOut = "20260106000000_BadOptOut";
    public const string TwoSteps = "20260107000000_TwoSteps";
}

[Migration(Snap.TwoSteps, Family = Snap.Family)]
internal sealed class SnapTwoSteps : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .CreatePayloadIndex("d", PayloadSchemaType.Keyword)
        .TransformPayload(t => t.SetMerge("two", new Value { BoolValue = true }));
}

[Migration(Snap.Create, Family = Snap.Family)]
internal sealed class SnapCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot));
}

[Migration(Snap.IndexA, Family = Snap.Family)]
internal sealed class SnapIndexA : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("a", PayloadSchemaType.Keyword);
}

[Migration(Snap.IndexOptOut, Family = Snap.Family)]
internal sealed class SnapIndexOptOut : QdrantMigration
{
    protected internal override bool SnapshotBeforeApply => false;

    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("b", PayloadSchemaType.Keyword);
}

[Migration(Snap.Transform, Family = Snap.Family)]
internal sealed class SnapTransform : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.TransformPayload(t => t.SetMerge("migrated", new Value { BoolValue = true }));
}

[Migration(Snap.IndexC, Family = Snap.Family)]
internal sealed class SnapIndexC : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("c", PayloadSchemaType.Keyword);
}

/// <summary>Opts out of the snapshot although it has a data step: refused.</summary>
[Migration(Snap.BadOptOut, Family = Snap.Family)]
internal sealed class SnapBadOptOut : QdrantMigration
{
    protected internal override bool SnapshotBeforeApply => false;

    protected internal override void Up(MigrationBuilder migration)
        => migration.TransformPayload(t => t.SetMerge("bad", new Value { BoolValue = true }));
}

/// <summary>Fails every gRPC snapshot creation, as a full disk would.</summary>
internal sealed class FailSnapshotCreate : Interceptor
{
    public int Calls { get; private set; }

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
    {
        if (context.Method.FullName == "/qdrant.Snapshots/Create")
        {
            Calls++;
            throw new RpcException(new Status(StatusCode.Internal, "Service internal error: No space left on device"));
        }

        return continuation(request, context);
    }
}

/// <summary>The pre-run snapshots the migrator takes (issue 5, "Snapshots", first bullet), against every backend.</summary>
public abstract class MigrationSnapshotTests(QdrantBackend backend) : IAsyncDisposable
{
    private readonly List<string> _collections = [];
    private readonly List<IDisposable> _disposables = [];

    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
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
                // Best effort: the test may never have created it.
            }
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    protected abstract HttpMessageHandler CreateBackendHandler();

    /// <summary>A client over the same backend whose calls go through <paramref name="interceptor"/>, or null when not possible.</summary>

    [Fact]
    public async Task MigrateAsync_ExistingCollection_SnapshotsOnceBeforeFirstChangeAndRecordsIt()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        Assert.Empty(await Backend.Client.ListSnapshotsAsync(name, Ct)); // a collection the run creates is not snapshotted
        await SeedAsync(name, 5);
        var alias = Track(QdrantBackend.NewName("al"));
        await Backend.Client.CreateAliasAsync(alias, name, cancellationToken: Ct);
        var migrator = NewMigrator(name, history, [new SnapCreate(), new SnapIndexA(), new SnapTransform()]);

        var plan = await migrator.PlanAsync(cancellationToken: Ct);
        Assert.Equal(Snap.IndexA, plan.Collections.Single().SnapshotBefore);
        Assert.Contains("snapshot before " + Snap.IndexA, plan.ToString(), StringComparison.Ordinal);
        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        Assert.True(result.Succeeded, result.ToString());
        var snapshot = Assert.Single(await Backend.Client.ListSnapshotsAsync(name, Ct));
        var records = await History(history).ReadAsync(name, Ct);
        Assert.Null(records.Single(r => r.MigrationId == Snap.Create).SnapshotName);
        var protectedRecord = records.Single(r => r.MigrationId == Snap.IndexA);
        Assert.Equal(snapshot.Name, protectedRecord.SnapshotName);
        Assert.Equal(snapshot.Checksum, protectedRecord.SnapshotChecksum);
        Assert.Equal(snapshot.Size, protectedRecord.SnapshotSize);
        Assert.Equal([alias], protectedRecord.SnapshotAliases);
        Assert.Null(records.Single(r => r.MigrationId == Snap.Transform).SnapshotName);
        Assert.Empty(await Backend.Client.ListSnapshotsAsync(history, Ct));

        // The snapshot holds the points as they were before the run: restored into a scratch collection, no point is migrated.
        using var manager = RestManager();
        var scratch = Track(QdrantBackend.NewName("scratch"));
        await manager.RestoreAsync(scratch, SnapshotRestoreSource.FromServer(name, snapshot.Name), Ct);
        var restored = await Backend.Client.ScrollAsync(scratch, limit: 100, payloadSelector: true, cancellationToken: Ct);
        Assert.Equal(5, restored.Result.Count);
        Assert.All(restored.Result, p => Assert.False(p.Payload.ContainsKey("migrated")));
        var current = await Backend.Client.ScrollAsync(name, limit: 100, payloadSelector: true, cancellationToken: Ct);
        Assert.All(current.Result, p => Assert.True(p.Payload["migrated"].BoolValue));
    }

    [Fact]
    public async Task MigrateAsync_OptedOutMigrations_SnapshotOnlyBeforeFirstMigrationThatDoesNotOptOut()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        await SeedAsync(name, 3);

        var optOutOnly = NewMigrator(name, history, [new SnapCreate(), new SnapIndexOptOut()]);
        Assert.Null((await optOutOnly.PlanAsync(cancellationToken: Ct)).Collections.Single().SnapshotBefore);
        Assert.True((await optOutOnly.MigrateAsync(cancellationToken: Ct)).Succeeded);
        Assert.Empty(await Backend.Client.ListSnapshotsAsync(name, Ct));

        var migrator = NewMigrator(name, history, [new SnapCreate(), new SnapIndexOptOut(), new SnapTransform()]);
        Assert.Equal(Snap.Transform, (await migrator.PlanAsync(cancellationToken: Ct)).Collections.Single().SnapshotBefore);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Ct)).Succeeded);
        var snapshot = Assert.Single(await Backend.Client.ListSnapshotsAsync(name, Ct));
        var records = await History(history).ReadAsync(name, Ct);
        Assert.Equal(snapshot.Name, records.Single(r => r.MigrationId == Snap.Transform).SnapshotName);
        Assert.Empty(records.Single(r => r.MigrationId == Snap.Transform).SnapshotAliases!);
    }

    [Fact]
    public async Task PlanAsync_OptOutWithDataStep_RefusedAsDefinitionError()
    {
        var (name, history) = Names();
        var migrator = NewMigrator(name, history, [new SnapCreate(), new SnapBadOptOut()]);

        var e = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => migrator.PlanAsync(cancellationToken: Ct));

        Assert.Contains("SnapshotBeforeApply", e.Message, StringComparison.Ordinal);
        Assert.Contains("not MetadataOnly", e.Message, StringComparison.Ordinal);
        Assert.Equal(Snap.BadOptOut, e.MigrationId);
    }

    [Fact]
    public async Task MigrateAsync_SnapshotsDisabled_TakesNone()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        await SeedAsync(name, 3);
        var migrator = NewMigrator(name, history, [new SnapCreate(), new SnapIndexA()], o => o.Snapshots.Enabled = false);

        Assert.Null((await migrator.PlanAsync(cancellationToken: Ct)).Collections.Single().SnapshotBefore);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Ct)).Succeeded);

        Assert.Empty(await Backend.Client.ListSnapshotsAsync(name, Ct));
        Assert.Null((await History(history).ReadAsync(name, Ct)).Single(r => r.MigrationId == Snap.IndexA).SnapshotName);
    }

    [Fact]
    public async Task MigrateAsync_SnapshotCreationFails_CollectionFailsWithNothingChanged()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        await SeedAsync(name, 3);
        var interceptor = new FailSnapshotCreate();
        var client = Backend.CreateInterceptedClient(interceptor);

        using var owned = client;
        var migrator = NewMigrator(name, history, [new SnapCreate(), new SnapIndexA(), new SnapTransform()], client: client);

        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        var collection = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
        Assert.Equal(Snap.IndexA, collection.FailedMigrationId);
        Assert.Contains("snapshot", collection.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", collection.Error, StringComparison.Ordinal);
        Assert.Contains("No space left on device", collection.Error, StringComparison.Ordinal);
        Assert.Equal(1, interceptor.Calls);
        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);
        Assert.False(info.PayloadSchema.ContainsKey("a"));
        var points = await Backend.Client.ScrollAsync(name, limit: 100, payloadSelector: true, cancellationToken: Ct);
        Assert.All(points.Result, p => Assert.False(p.Payload.ContainsKey("migrated")));
        Assert.Equal([Snap.Create], (await History(history).ReadAsync(name, Ct)).Select(r => r.MigrationId));

        // With the cause gone, the next run snapshots and migrates.
        var retried = await NewMigrator(name, history, [new SnapCreate(), new SnapIndexA(), new SnapTransform()]).MigrateAsync(cancellationToken: Ct);
        Assert.True(retried.Succeeded, retried.ToString());
        Assert.Single(await Backend.Client.ListSnapshotsAsync(name, Ct));
    }

    [Fact]
    public async Task MigrateAsync_Retention_KeepsLastNRecordedAndNeverOthers()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        await SeedAsync(name, 3);
        var manual = await Backend.Client.CreateSnapshotAsync(name, Ct);
        List<QdrantMigration> migrations = [new SnapCreate()];
        var names = new List<string>();
        foreach (var next in new QdrantMigration[] { new SnapIndexA(), new SnapTransform(), new SnapIndexC() })
        {
            migrations.Add(next);
            await Task.Delay(1100, Ct); // snapshot names and times have whole seconds
            var result = await NewMigrator(name, history, migrations, o => o.Snapshots.KeepLast = 1).MigrateAsync(cancellationToken: Ct);
            Assert.True(result.Succeeded, result.ToString());
            names.Add((await History(history).ReadAsync(name, Ct)).Single(r => r.MigrationId == next.Id).SnapshotName!);
        }

        var listed = (await Backend.Client.ListSnapshotsAsync(name, Ct)).Select(s => s.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { manual.Name, names[^1] }.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task MigrateAsync_RestoreSnapshotPolicy_NamesThePreRunSnapshot()
    {
        var (name, history) = Names();
        await NewMigrator(name, history, [new SnapCreate()]).MigrateAsync(cancellationToken: Ct);
        await SeedAsync(name, 3);
        var migrator = NewMigrator(
            name,
            history,
            [new SnapCreate(), new SnapTwoSteps()],
            o =>
            {
                o.FailurePolicy = MigrationFailurePolicy.RestoreSnapshot;
                o.StepHook = new FailAt(Snap.TwoSteps, 1);
            });

        var result = await migrator.MigrateAsync(cancellationToken: Ct);

        var collection = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
        var snapshot = Assert.Single(await Backend.Client.ListSnapshotsAsync(name, Ct));
        Assert.Contains($"restore the snapshot taken before this run, '{snapshot.Name}'", collection.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_InvalidSnapshotSettings_ThrowNamingTheOption()
    {
        var keep = Assert.Throws<ArgumentException>(() => NewMigrator("c", "h", [new SnapCreate()], o => o.Snapshots.KeepLast = -1));
        Assert.Contains("Snapshots.KeepLast", keep.Message, StringComparison.Ordinal);

        var rest = Assert.Throws<ArgumentException>(() => NewMigrator(
            "c", "h", [new SnapCreate()], o => o.Snapshots.Rest.RestBaseAddress = new Uri("ftp://qdrant.example")));
        Assert.Contains("Snapshots.Rest", rest.Message, StringComparison.Ordinal);
        Assert.Contains("RestBaseAddress", rest.Message, StringComparison.Ordinal);

        var options = new QdrantMigratorOptions();
        Assert.True(options.Snapshots.Enabled);
        Assert.Equal(3, options.Snapshots.KeepLast);
        Assert.Null(options.Snapshots.Rest.RestBaseAddress);
    }

    private (string Name, string History) Names() => (Track(QdrantBackend.NewName("snap")), Track(QdrantBackend.NewName("hist")));

    private string Track(string name)
    {
        _collections.Add(name);
        return name;
    }

    private QdrantHistoryStore History(string history) => new(Backend.Client, history);

    private QdrantMigrator NewMigrator(
        string name, string history, IEnumerable<QdrantMigration> migrations, Action<QdrantMigratorOptions>? configure = null, QdrantClient? client = null)
    {
        var options = new QdrantMigratorOptions { HistoryCollection = history };
        configure?.Invoke(options);
        return new QdrantMigrator(client ?? Backend.Client, migrations, [new CollectionFamily(Snap.Family) { Collections = { name } }], options);
    }

    private QdrantSnapshotManager RestManager()
    {
        var handler = CreateBackendHandler();
        _disposables.Add(handler);
        return new QdrantSnapshotManager(
            Backend.Client,
            new QdrantSnapshotOptions
            {
                RestBaseAddress = Backend.Http.BaseAddress,
                ApiKey = Backend.ApiKey,
                HttpMessageHandler = handler,
                ServerSnapshotsPath = Backend.ServerSnapshotsPath,
                RetryDelay = TimeSpan.FromMilliseconds(1),
            });
    }

    private async Task SeedAsync(string name, int count)
    {
        var points = Enumerable.Range(1, count).Select(i => new PointStruct
        {
            Id = (ulong)i,
            Vectors = new Dictionary<string, float[]> { ["v"] = [i, 1f, 0f, 0f] },
            Payload = { ["n"] = i },
        }).ToList();
        await Backend.Client.UpsertAsync(name, points, cancellationToken: Ct);
    }

    /// <summary>Fails one step of one migration.</summary>
    private sealed class FailAt(string migrationId, int step) : QdrantSchema.Migrator.IMigrationStepHook
    {
        public ValueTask BeforeStepAsync(QdrantSchema.Migrator.MigrationStepContext context, CancellationToken cancellationToken)
            => context.Migration.Id == migrationId && context.Step == step ? throw new InvalidOperationException("Injected data step failure") : ValueTask.CompletedTask;
    }
}

public sealed class MigrationSnapshotTests_Server(ServerBackend backend) : MigrationSnapshotTests(backend)
{
    protected override HttpMessageHandler CreateBackendHandler() => new SocketsHttpHandler();
}

public sealed class MigrationSnapshotTests_InProcess(InProcessBackend backend) : MigrationSnapshotTests(backend)
{
    private readonly InProcessBackend _backend = backend;

    protected override HttpMessageHandler CreateBackendHandler() => _backend.Emulator.CreateHttpMessageHandler();
}
