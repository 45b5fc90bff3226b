using QdrantSchema.History;
using QdrantSchema.IntegrationTests.Migrator.WhisperEngine;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Rollback;

/// <summary>
/// The WhisperEngine story rolled back from v4 to v2 (v3 and v4 with hand-written Down), crash-safe and resumable,
/// then migrated forward again; and the original, irreversible v3/v4 refused.
/// </summary>
public abstract class WhisperRollbackTests(QdrantBackend backend)
{
    private const int Points = 150;
    private const int DownSteps = 3 + 1; // v4: delete index, transform back, create index; v3: delete vector

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RollbackAsync_V4ToV2WithWrittenDown_RestoresSchemaAndDataThenMigrateReapplies()
    {
        var (world, legacy) = await LegacyBotAsync();
        var migrator = Migrator(world);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);
        await world.VerifyV4DataAsync(legacy, Points);

        var plan = await migrator.PlanRollbackAsync(Whisper.V2, Token);
        var planned = Assert.Single(plan.Collections);
        Assert.Equal([Whisper.V4, Whisper.V3], planned.Migrations.Select(m => m.Id));
        Assert.Equal(
            ["DeletePayloadIndex 'created_at'", "TransformPayload 'created_at_to_timestamp_unix'", "CreatePayloadIndex 'timestamp_unix'"],
            planned.Migrations[0].Operations.Select(o => o.Description));
        Assert.Equal(Points, planned.Migrations[0].Operations[1].PointsAffected);
        Assert.Contains(planned.Migrations[1].Warnings, w => w.Contains("DeleteVector 'relationship'", StringComparison.Ordinal));

        var result = await migrator.RollbackAsync(Whisper.V2, Token);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal([Whisper.V4, Whisper.V3], result.Collections[0].RolledBackMigrations);
        Assert.Equal(Whisper.V2, result.Collections[0].Version);
        Assert.Contains(result.Warnings, w => w.Contains("relationship", StringComparison.Ordinal));
        await VerifyV2DataAsync(world, legacy);
        await AssertSchemaAtAsync(world, legacy, Whisper.V2);
        var history = await world.HistoryAsync(legacy);
        Assert.Equal(
            [MigrationStatus.Succeeded, MigrationStatus.Succeeded, MigrationStatus.RolledBack, MigrationStatus.RolledBack],
            history.Select(r => r.Status));
        Assert.Equal([0, 0, 1, 3], history.Select(r => r.Direction == MigrationDirection.Down ? r.Step : 0));
        Assert.All(history.Skip(2), r => Assert.Equal(Whisper.V2, r.RollbackTarget));
        var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
        Assert.Equal(Whisper.V2, status.CurrentVersion);
        Assert.Equal([Whisper.V3, Whisper.V4], status.Pending);
        Assert.Equal($"run MigrateAsync to apply 2 pending migration(s) up to {Whisper.V4}", status.NextAction);

        var again = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal([Whisper.V3, Whisper.V4], again.Collections[0].AppliedMigrations);
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertSchemaAtAsync(world, legacy, Whisper.V4);
        Assert.All(await world.HistoryAsync(legacy), r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
        Assert.Null(Assert.Single((await migrator.GetStatusAsync(Token)).Collections).NextAction);
    }

    [Fact]
    public async Task RollbackAsync_IrreversibleMigrations_RefusesNamingReasonsAndSnapshotAndChangesNothing()
    {
        var (world, legacy) = await LegacyBotAsync();
        var migrator = world.Migrator(family: WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);
        var before = await world.HistoryAsync(legacy);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.RollbackAsync(Whisper.V2, Token));

        Assert.StartsWith($"Rollback to '{Whisper.V2}' refused; nothing was changed.", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Migration '{Whisper.V4}' is irreversible", error.Message, StringComparison.Ordinal);
        Assert.Contains($"Migration '{Whisper.V3}' is irreversible", error.Message, StringComparison.Ordinal);
        Assert.Contains("TransformPayload 'timestamp_unix_to_created_at' is a data step, which has no generated inverse", error.Message, StringComparison.Ordinal);
        Assert.Contains("restore the snapshot taken before it ran", error.Message, StringComparison.Ordinal);
        Assert.Equal(before.Select(r => (r.MigrationId, r.Status, r.Step, r.Direction)), (await world.HistoryAsync(legacy)).Select(r => (r.MigrationId, r.Status, r.Step, r.Direction)));
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertSchemaAtAsync(world, legacy, Whisper.V4);

        var plan = await migrator.PlanRollbackAsync(Whisper.V2, Token);
        Assert.True(plan.HasRefusals);
        Assert.False(plan.Collections[0].Migrations[0].IsReversible);
        Assert.NotEmpty(plan.Collections[0].Migrations[0].IrreversibleReasons);
        Assert.Empty(plan.Collections[0].Migrations[0].Operations);

        // Rolling back only past reversible migrations is fine: nothing after v4.
        Assert.True((await migrator.RollbackAsync(Whisper.V4, Token)).Succeeded);
    }

    [Fact]
    public async Task RollbackAsync_ExceptionAtEveryDownStepBoundary_ResumesEachTimeAndMigrateWaitsForIt()
    {
        var (world, legacy) = await LegacyBotAsync();
        var hook = new BreakEveryDownStepOnce();
        var migrator = Migrator(world, o => o.StepHook = hook);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);

        var failures = 0;
        while (true)
        {
            var result = await migrator.RollbackAsync(Whisper.V2, Token);
            if (result.Succeeded)
            {
                break;
            }

            failures++;
            Assert.True(failures <= DownSteps, result.ToString());
            var collection = Assert.Single(result.Collections);
            Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
            Assert.Contains("Injected fault before", collection.Error, StringComparison.Ordinal);
            Assert.Contains($"run RollbackAsync(\"{Whisper.V2}\") again", collection.Error, StringComparison.Ordinal);
            Assert.Throws<QdrantMigrationFailedException>(result.ThrowIfFailed);

            // The history and the status say the rollback is half done and what to run; migrate refuses meanwhile.
            var record = (await world.HistoryAsync(legacy)).Single(r => r.MigrationId == collection.FailedMigrationId);
            Assert.Equal(MigrationStatus.Failed, record.Status);
            Assert.Equal(MigrationDirection.Down, record.Direction);
            Assert.Equal(collection.FailedStep, record.Step);
            var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
            Assert.Equal(
                $"run RollbackAsync(\"{Whisper.V2}\") to finish the rollback of {collection.FailedMigrationId} from Down step {collection.FailedStep}",
                status.NextAction);
            Assert.True(status.Failed!.IsRollback);
            var refused = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.MigrateAsync(cancellationToken: Token));
            Assert.Contains("Finish the rollback first: run RollbackAsync", refused.Message, StringComparison.Ordinal);
            Assert.True((await migrator.PlanAsync(cancellationToken: Token)).HasRefusals);
        }

        Assert.Equal(DownSteps, failures);
        Assert.Equal(DownSteps, hook.Broken.Count);
        await VerifyV2DataAsync(world, legacy);
        await AssertSchemaAtAsync(world, legacy, Whisper.V2);

        var again = await migrator.MigrateAsync(cancellationToken: Token);
        Assert.True(again.Succeeded, again.ToString());
        await world.VerifyV4DataAsync(legacy, Points);
    }

    [Fact]
    public async Task RollbackAsync_CancelledMidRollback_LeavesRunningDownRecordAndResumes()
    {
        var (world, legacy) = await LegacyBotAsync();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var migrator = Migrator(world, o => o.StepHook = new CancelBeforeDownStep(Whisper.V4, 2, run));
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrator.RollbackAsync(Whisper.V2, run.Token));

        var record = (await world.HistoryAsync(legacy)).Single(r => r.MigrationId == Whisper.V4);
        Assert.Equal(MigrationStatus.Running, record.Status);
        Assert.Equal(MigrationDirection.Down, record.Direction);
        Assert.Equal(2, record.Step);
        var plan = await migrator.PlanRollbackAsync(Whisper.V2, Token);
        Assert.Equal(2, plan.Collections[0].Migrations[0].ResumesAtStep);

        var resumed = await migrator.RollbackAsync(Whisper.V2, Token);
        Assert.True(resumed.Succeeded, resumed.ToString());
        await VerifyV2DataAsync(world, legacy);
        await AssertSchemaAtAsync(world, legacy, Whisper.V2);
    }

    private static QdrantMigrator Migrator(WhisperWorld world, Action<QdrantMigratorOptions>? configure = null)
        => world.Migrator(ReversibleWhisper.Migrations(), configure, WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));

    private async Task<(WhisperWorld World, string Legacy)> LegacyBotAsync()
    {
        var world = new WhisperWorld(backend);
        var bot = WhisperWorld.RealBots;
        await world.CreateV1ShapedAsync(world.Physical(bot), extraVector: true);
        await world.Client.CreateAliasAsync(world.Bots[bot], world.Physical(bot), cancellationToken: Token);
        await world.SeedAsync(world.Physical(bot), Points);
        return (world, world.Physical(bot));
    }

    /// <summary>After v4's Down: the original payload back (timestamp in whole seconds, as v4 kept it), no relationship vector.</summary>
    private static async Task VerifyV2DataAsync(WhisperWorld world, string collection)
    {
        var points = await world.AllPointsAsync(collection);
        Assert.Equal(Points, points.Count);
        foreach (var point in points)
        {
            var id = point.Id.Num;
            var original = WhisperWorld.OriginalPayload(collection, id);
            Assert.Equal(original.Count, point.Payload.Count);
            Assert.Equal(Math.Floor(WhisperWorld.TimestampOf(id)), point.Payload["timestamp_unix"].DoubleValue);
            foreach (var (key, value) in original.Where(p => p.Key != "timestamp_unix"))
            {
                Assert.True(point.Payload.TryGetValue(key, out var found) && found.Equals(value), $"point {id}: payload '{key}' changed");
            }

            var vectors = point.Vectors.Vectors.Vectors;
            Assert.False(vectors.ContainsKey("relationship"), $"point {id} still has a relationship vector");
            WhisperWorld.AssertDirection(Whisper.Embed("c" + id), WhisperWorld.Dense(vectors["content"]), $"point {id} content");
        }
    }

    private static async Task AssertSchemaAtAsync(WhisperWorld world, string collection, string version)
    {
        var info = await world.Client.GetCollectionInfoAsync(collection, Token);
        var comparison = Schema.CollectionSchema.Compare(MigrationModel.Fold(ReversibleWhisper.Migrations(), version), info);
        Assert.False(comparison.HasErrors, comparison.ToString());
        Assert.Equal(version, info.Config.Metadata["qdrant_schema"].StructValue.Fields["version"].StringValue);
    }

    private sealed class CancelBeforeDownStep(string migrationId, int step, CancellationTokenSource run) : QdrantSchema.Migrator.IMigrationStepHook
    {
        public ValueTask BeforeStepAsync(QdrantSchema.Migrator.MigrationStepContext context, CancellationToken cancellationToken)
        {
            if (context.RollingBack && context.Migration.Id == migrationId && context.Step == step && !context.Resuming)
            {
                run.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }

            return ValueTask.CompletedTask;
        }
    }
}

public sealed class WhisperRollbackTests_Server(ServerBackend backend) : WhisperRollbackTests(backend);

public sealed class WhisperRollbackTests_InProcess(InProcessBackend backend) : WhisperRollbackTests(backend);
