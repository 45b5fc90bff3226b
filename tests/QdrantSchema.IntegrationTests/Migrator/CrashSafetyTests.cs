using QdrantSchema.History;
using QdrantSchema.IntegrationTests.Migrator.WhisperEngine;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>
/// A run broken at every step boundary (exception or cancellation) and inside data steps (mid-page) is resumed by the
/// next run: each point is transformed exactly once and the history ends consistent.
/// </summary>
public abstract class CrashSafetyTests(QdrantBackend backend)
{
    private const int Points = 150; // three pages of 64 per data step
    private const int TotalSteps = 1 + 6 + 2 + 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_ExceptionAtEveryStepBoundary_ResumesEachTimeAndTransformsEveryPointOnce()
    {
        var (world, legacy) = await LegacyBotAsync();
        var hook = new BreakEveryBoundaryOnce(cancel: false);
        var migrator = world.Migrator(configure: o => o.StepHook = hook, family: WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));

        var failures = 0;
        while (true)
        {
            var result = await migrator.MigrateAsync(cancellationToken: Token);
            if (result.Succeeded)
            {
                break;
            }

            failures++;
            Assert.True(failures <= TotalSteps, result.ToString());
            var collection = Assert.Single(result.Collections);
            Assert.Equal(CollectionRunOutcome.Failed, collection.Outcome);
            Assert.Contains("Injected fault before", collection.Error, StringComparison.Ordinal);
            Assert.Contains("run migrate again to resume", collection.Error, StringComparison.Ordinal);

            // The failed record names the step; status reports it; the next run resumes there.
            var status = await migrator.GetStatusAsync(Token);
            var failed = Assert.Single(status.Collections).Failed;
            Assert.NotNull(failed);
            Assert.Equal(collection.FailedMigrationId, failed.MigrationId);
            Assert.Equal(collection.FailedStep, failed.Step);
            Assert.Equal(MigrationStatus.Failed, failed.Status);
        }

        Assert.Equal(TotalSteps, failures);
        Assert.Equal(TotalSteps, hook.Broken.Count);
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertHistoryConsistentAsync(world, legacy);
    }

    [Fact]
    public async Task MigrateAsync_CancelledAtEveryStepBoundary_ResumesEachTimeAndTransformsEveryPointOnce()
    {
        var (world, legacy) = await LegacyBotAsync();
        var hook = new BreakEveryBoundaryOnce(cancel: true);
        var migrator = world.Migrator(configure: o => o.StepHook = hook, family: WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));

        var cancellations = 0;
        while (true)
        {
            using var run = CancellationTokenSource.CreateLinkedTokenSource(Token);
            hook.Run = run;
            try
            {
                var result = await migrator.MigrateAsync(cancellationToken: run.Token);
                Assert.True(result.Succeeded, result.ToString());
                break;
            }
            catch (OperationCanceledException)
            {
                cancellations++;
                Assert.True(cancellations <= TotalSteps);
            }

            // A cancelled migration stays recorded as running (resumable), never failed.
            var status = await migrator.GetStatusAsync(Token);
            var report = Assert.Single(status.Collections);
            Assert.Null(report.Failed);
            Assert.NotNull(report.Running);
        }

        Assert.Equal(TotalSteps, cancellations);
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertHistoryConsistentAsync(world, legacy);
    }

    [Fact]
    public async Task MigrateAsync_ExceptionInsideDataStepMidPage_ResumesFromCommittedCursorAndTransformsOnce()
    {
        var (world, legacy) = await LegacyBotAsync();
        var faults = new DataFaults();
        var transformed = 0;
        faults.BeforeTransform = id =>
        {
            // Break once in the middle of the second page (points 65..128 with pages of 64).
            if (Interlocked.Increment(ref transformed) == 100)
            {
                throw new InvalidOperationException("Injected fault in the transform of point " + id.Num);
            }
        };
        var embedCalls = 0;
        var migrator = world.Migrator(
            Whisper.Migrations(faults),
            o => o.EmbedTexts = (texts, ct) =>
                Interlocked.Increment(ref embedCalls) == 2
                    ? throw new InvalidOperationException("Injected embedding failure")
                    : Whisper.EmbedAsync(texts, ct),
            WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));

        var first = await migrator.MigrateAsync(cancellationToken: Token);
        var failedV3 = Assert.Single(first.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, failedV3.Outcome);
        Assert.Equal(Whisper.V3, failedV3.FailedMigrationId);
        Assert.Equal(1, failedV3.FailedStep);
        Assert.Contains("Injected embedding failure", failedV3.Error, StringComparison.Ordinal);
        var record = (await world.HistoryAsync(legacy)).Single(r => r.MigrationId == Whisper.V3);
        Assert.Equal(MigrationStatus.Failed, record.Status);
        Assert.Equal(64, record.PointsProcessed);
        Assert.NotNull(record.Cursor);

        var second = await migrator.MigrateAsync(cancellationToken: Token);
        var failedV4 = Assert.Single(second.Collections);
        Assert.Equal(CollectionRunOutcome.Failed, failedV4.Outcome);
        Assert.Equal([Whisper.V3], failedV4.AppliedMigrations);
        Assert.Equal(Whisper.V4, failedV4.FailedMigrationId);
        Assert.Equal(1, failedV4.FailedStep);

        var third = await migrator.MigrateAsync(cancellationToken: Token);
        Assert.True(third.Succeeded, third.ToString());
        Assert.Equal([Whisper.V4], third.Collections[0].AppliedMigrations);
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertHistoryConsistentAsync(world, legacy);
    }

    [Fact]
    public async Task MigrateAsync_CancelledInsideDataStepMidPage_LeavesRunningRecordAndResumes()
    {
        var (world, legacy) = await LegacyBotAsync();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var faults = new DataFaults();
        var transformed = 0;
        faults.BeforeTransform = _ =>
        {
            if (Interlocked.Increment(ref transformed) == 90)
            {
                run.Cancel();
            }
        };
        var migrator = world.Migrator(Whisper.Migrations(faults), family: WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => migrator.MigrateAsync(cancellationToken: run.Token));

        var status = await migrator.GetStatusAsync(Token);
        var running = Assert.Single(status.Collections).Running;
        Assert.NotNull(running);
        Assert.Equal(Whisper.V4, running.MigrationId);
        Assert.Equal(1, running.Step);
        Assert.Equal(Whisper.V3, status.Collections[0].CurrentVersion);

        var plan = await migrator.PlanAsync(cancellationToken: Token);
        Assert.Equal(1, plan.Collections[0].Migrations.Single().ResumesAtStep);

        var resumed = await migrator.MigrateAsync(cancellationToken: Token);
        Assert.True(resumed.Succeeded, resumed.ToString());
        await world.VerifyV4DataAsync(legacy, Points);
        await AssertHistoryConsistentAsync(world, legacy);
    }

    [Fact]
    public async Task MigrateAsync_ResumedMigration_SkipsCompletedSteps()
    {
        var (world, _) = await LegacyBotAsync();
        var family = WhisperWorld.Family([world.Bots[WhisperWorld.RealBots]]);
        var breaker = new BreakAt(Whisper.V2, 3);

        // Resuming from the failed step is StopAndMarkFailed's behaviour; the default (RevertMigration) would undo the
        // completed index creations first and redo them.
        var first = await world.Migrator(
            configure: o =>
            {
                o.StepHook = breaker;
                o.FailurePolicy = MigrationFailurePolicy.StopAndMarkFailed;
            },
            family: family).MigrateAsync(cancellationToken: Token);
        Assert.Equal(3, first.Collections[0].FailedStep);

        var recorder = new RecordingHook();
        var second = await world.Migrator(configure: o => o.StepHook = recorder, family: family).MigrateAsync(cancellationToken: Token);

        Assert.True(second.Succeeded);
        var v2Steps = recorder.Steps.Where(s => s.MigrationId == Whisper.V2).ToList();
        Assert.Equal([3, 4, 5], v2Steps.Select(s => s.Step));
        Assert.True(v2Steps[0].Resuming);
        Assert.DoesNotContain(recorder.Steps, s => s.MigrationId == Whisper.V1);
    }

    private async Task<(WhisperWorld World, string Legacy)> LegacyBotAsync()
    {
        var world = new WhisperWorld(backend);
        var bot = WhisperWorld.RealBots;
        await world.CreateV1ShapedAsync(world.Physical(bot), extraVector: true);
        await world.Client.CreateAliasAsync(world.Bots[bot], world.Physical(bot), cancellationToken: Token);
        await world.SeedAsync(world.Physical(bot), Points);
        return (world, world.Physical(bot));
    }

    private static async Task AssertHistoryConsistentAsync(WhisperWorld world, string physical)
    {
        var history = await world.HistoryAsync(physical);
        Assert.Equal([Whisper.V1, Whisper.V2, Whisper.V3, Whisper.V4], history.Select(r => r.MigrationId));
        Assert.All(history, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
        Assert.All(history, r => Assert.Null(r.Error));
        Assert.All(history, r => Assert.Null(r.Cursor));
        Assert.Equal([1, 6, 2, 3], history.Select(r => r.Step));
        var store = new QdrantHistoryStore(world.Client, world.HistoryCollection);
        foreach (var (migration, steps) in new[] { (Whisper.V3, 2), (Whisper.V4, 3) })
        {
            for (var step = 0; step < steps; step++)
            {
                Assert.Null(await store.LoadRedoPageAsync(physical, migration, step, Token));
            }
        }
    }

    private sealed class BreakAt(string migrationId, int step) : QdrantSchema.Migrator.IMigrationStepHook
    {
        public ValueTask BeforeStepAsync(QdrantSchema.Migrator.MigrationStepContext context, CancellationToken cancellationToken)
            => context.Migration.Id == migrationId && context.Step == step
                ? throw new InvalidOperationException("Injected")
                : ValueTask.CompletedTask;
    }
}

public sealed class CrashSafetyTests_Server(ServerBackend backend) : CrashSafetyTests(backend);

public sealed class CrashSafetyTests_InProcess(InProcessBackend backend) : CrashSafetyTests(backend);
