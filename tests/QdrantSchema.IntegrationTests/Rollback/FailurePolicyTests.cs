using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Rollback;

/// <summary>What each <see cref="MigrationFailurePolicy"/> leaves behind when a migration's third operation fails.</summary>
public abstract class FailurePolicyTests(QdrantBackend backend)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_RevertMigrationAndThirdOperationFails_LeavesPreMigrationSchemaAndRecordsTheRevert()
    {
        var (collection, history, migrator) = Create(MigrationFailurePolicy.RevertMigration, new BreakBeforeUpStep(Policy.ThreeSteps, 2));

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        var single = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, single.Outcome);
        Assert.Equal(Policy.ThreeSteps, single.FailedMigrationId);
        Assert.Equal(0, single.FailedStep);
        Assert.Equal(
            ["step 1 SetMetadata 'owner' (undone by SetMetadata 'owner')", "step 0 CreatePayloadIndex 'x' (undone by DeletePayloadIndex 'x')"],
            single.Reverted);
        Assert.Contains("FailurePolicy RevertMigration reverted 2 completed operation(s)", single.Error, StringComparison.Ordinal);

        var info = await backend.Client.GetCollectionInfoAsync(collection, Token);
        Assert.False(Schema.CollectionSchema.Compare(MigrationModel.Fold(Policy.Migrations(), Policy.Create), info).HasErrors);
        Assert.False(info.PayloadSchema.ContainsKey("x"));
        Assert.Equal("team-a", info.Config.Metadata["owner"].StringValue);
        Assert.DoesNotContain("z", info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);

        var record = await RecordAsync(collection, history);
        Assert.Equal(MigrationStatus.Failed, record.Status);
        Assert.Equal(0, record.Step);
        Assert.Contains("Injected fault before step 2", record.Error, StringComparison.Ordinal);
        Assert.Contains("reverted 2 completed operation(s): step 1 SetMetadata 'owner'", record.Error, StringComparison.Ordinal);
        var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
        Assert.Equal($"fix the cause of the failure, then run MigrateAsync to resume {Policy.ThreeSteps} from step 0", status.NextAction);

        var fixedMigrator = Create(collection, history, MigrationFailurePolicy.RevertMigration, hook: null);
        Assert.True((await fixedMigrator.MigrateAsync(cancellationToken: Token)).Succeeded);
        var after = await backend.Client.GetCollectionInfoAsync(collection, Token);
        Assert.False(Schema.CollectionSchema.Compare(MigrationModel.Fold(Policy.Migrations()), after).HasErrors);
    }

    [Fact]
    public async Task MigrateAsync_StopAndMarkFailedAndThirdOperationFails_LeavesCompletedOperationsAndResumesThere()
    {
        var (collection, history, migrator) = Create(MigrationFailurePolicy.StopAndMarkFailed, new BreakBeforeUpStep(Policy.ThreeSteps, 2));

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        var single = Assert.Single(result.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, single.Outcome);
        Assert.Equal(2, single.FailedStep);
        Assert.Empty(single.Reverted);
        var info = await backend.Client.GetCollectionInfoAsync(collection, Token);
        Assert.True(info.PayloadSchema.ContainsKey("x"));
        Assert.Equal("team-b", info.Config.Metadata["owner"].StringValue);
        var record = await RecordAsync(collection, history);
        Assert.Equal(MigrationStatus.Failed, record.Status);
        Assert.Equal(2, record.Step);
        var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
        Assert.Equal($"fix the cause of the failure, then run MigrateAsync to resume {Policy.ThreeSteps} from step 2", status.NextAction);
    }

    [Fact]
    public async Task MigrateAsync_RestoreSnapshotAndThirdOperationFails_StopsAndTellsTheOperatorToRestore()
    {
        var (collection, history, migrator) = Create(MigrationFailurePolicy.RestoreSnapshot, new BreakBeforeUpStep(Policy.ThreeSteps, 2));

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        var single = Assert.Single(result.Collections);
        Assert.Equal(2, single.FailedStep);
        Assert.Contains("restore the snapshot taken before", single.Error, StringComparison.Ordinal);
        Assert.Contains("with the snapshot API", single.Error, StringComparison.Ordinal);
        var record = await RecordAsync(collection, history);
        Assert.Equal(2, record.Step);
        Assert.Contains("cannot restore it itself: this run took no snapshot of the collection", record.Error, StringComparison.Ordinal);
        Assert.True((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("x"));
    }

    [Fact]
    public void Options_DefaultPolicy_IsRevertMigrationAndUndefinedIsRejected()
    {
        Assert.Equal(MigrationFailurePolicy.RevertMigration, new QdrantMigratorOptions().FailurePolicy);
        var error = Assert.Throws<ArgumentException>(() => new QdrantMigrator(
            backend.Client, Policy.Migrations(), [new CollectionFamily(Policy.Family)], new QdrantMigratorOptions { FailurePolicy = (MigrationFailurePolicy)42 }));
        Assert.Contains("FailurePolicy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_RevertMigrationAndFirstMigrationFails_KeepsTheCreatedCollection()
    {
        var collection = QdrantBackend.NewName("pol");
        var options = new QdrantMigratorOptions
        {
            HistoryCollection = QdrantBackend.NewName("hist"),
            FailurePolicy = MigrationFailurePolicy.RevertMigration,
            StepHook = new BreakBeforeUpStep(Policy.Create, 1),
        };
        var migrator = new QdrantMigrator(backend.Client, [new PolicyCreateAndIndex()], [Family(collection)], options);

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        var single = Assert.Single(result.Collections);
        Assert.Equal(1, single.FailedStep);
        Assert.Empty(single.Reverted);
        Assert.Contains("is not reverted, because deleting the collection could delete points", single.Error, StringComparison.Ordinal);
        Assert.True(await backend.Client.CollectionExistsAsync(collection, Token));
    }

    [Fact]
    public async Task MigrateAsync_RunningMigrationInterrupted_StatusSaysResume()
    {
        var collection = QdrantBackend.NewName("pol");
        var history = QdrantBackend.NewName("hist");
        using var run = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var migrator = Create(collection, history, MigrationFailurePolicy.RevertMigration, new CancelBefore(Policy.ThreeSteps, 1, run));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrator.MigrateAsync(cancellationToken: run.Token));

        // Cancellation is not a failure: nothing is reverted and the migration resumes where it stopped.
        var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
        Assert.Equal(
            $"run MigrateAsync to resume {Policy.ThreeSteps} from step 1 (unless another process is running it now)",
            status.NextAction);
        Assert.True((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("x"));
    }

    private async Task<MigrationRecord> RecordAsync(string collection, string history)
        => (await new QdrantHistoryStore(backend.Client, history).ReadAsync(collection, Token)).Single(r => r.MigrationId == Policy.ThreeSteps);

    private (string Collection, string History, QdrantMigrator Migrator) Create(MigrationFailurePolicy policy, QdrantSchema.Migrator.IMigrationStepHook? hook)
    {
        var collection = QdrantBackend.NewName("pol");
        var history = QdrantBackend.NewName("hist");
        return (collection, history, Create(collection, history, policy, hook));
    }

    private static CollectionFamily Family(string collection)
    {
        var family = new CollectionFamily(Policy.Family);
        family.Collections.Add(collection);
        return family;
    }

    private QdrantMigrator Create(string collection, string history, MigrationFailurePolicy policy, QdrantSchema.Migrator.IMigrationStepHook? hook)
    {
        var family = Family(collection);
        var options = new QdrantMigratorOptions { HistoryCollection = history, FailurePolicy = policy };
        if (hook is not null)
        {
            options.StepHook = hook;
        }

        return new QdrantMigrator(backend.Client, Policy.Migrations(), [family], options);
    }

    private sealed class CancelBefore(string migrationId, int step, CancellationTokenSource run) : QdrantSchema.Migrator.IMigrationStepHook
    {
        public ValueTask BeforeStepAsync(QdrantSchema.Migrator.MigrationStepContext context, CancellationToken cancellationToken)
        {
            if (context.Migration.Id == migrationId && context.Step == step)
            {
                run.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return ValueTask.CompletedTask;
        }
    }
}

public sealed class FailurePolicyTests_Server(ServerBackend backend) : FailurePolicyTests(backend);

public sealed class FailurePolicyTests_InProcess(InProcessBackend backend) : FailurePolicyTests(backend);
