using System.Text.Json;
using Microsoft.Extensions.AI;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator.WhisperEngine;

/// <summary>The WhisperEngine story end to end: ten bots (three plain, seven behind aliases of legacy *_7d collections), v1..v4.</summary>
public abstract class WhisperEngineTests(QdrantBackend backend)
{
    private const int LegacyPoints = 150;
    private const int NewBotPoints = 70;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_TenBotsThreeRealSevenAliased_AppliesV1ToV4AndTransformsEveryPoint()
    {
        var world = new WhisperWorld(backend);
        await world.CreateLegacyBotsAsync(LegacyPoints);
        var migrator = world.Migrator();

        // v1..v2 first (a target applies to its family), then the new bots get data.
        var toV2 = await migrator.MigrateAsync(Whisper.V2, Token);
        Assert.True(toV2.Succeeded, toV2.ToString());
        Assert.Equal(10, toV2.Collections.Count);
        Assert.All(toV2.Collections, c => Assert.Equal(Whisper.V2, c.Version));
        Assert.All(toV2.Collections, c => Assert.Equal([Whisper.V1, Whisper.V2], c.AppliedMigrations));
        for (var bot = 0; bot < WhisperWorld.RealBots; bot++)
        {
            await world.SeedAsync(world.Physical(bot), NewBotPoints);
        }

        // The plan to latest: v3 adds a vector in place and fills it, v4 rewrites every point.
        var plan = await migrator.PlanAsync(cancellationToken: Token);
        Assert.False(plan.HasRefusals, plan.ToString());
        var legacyPlan = plan.Collections.Single(c => c.Collection == world.Physical(5));
        Assert.Equal(world.Bots[5], legacyPlan.Alias);
        Assert.Equal(Whisper.V2, legacyPlan.CurrentVersion);
        Assert.Equal(Whisper.V4, legacyPlan.TargetVersion);
        Assert.Equal([Whisper.V3, Whisper.V4], legacyPlan.Migrations.Select(m => m.Id));
        var v3 = legacyPlan.Migrations[0];
        Assert.Equal(OperationKind.InPlaceData, v3.Kind);
        Assert.Equal(OperationKind.MetadataOnly, v3.Operations[0].Kind);
        Assert.Null(v3.Operations[0].PointsAffected);
        Assert.Equal(OperationKind.InPlaceData, v3.Operations[1].Kind);
        Assert.Equal(LegacyPoints, v3.Operations[1].PointsAffected);
        Assert.Equal(LegacyPoints, legacyPlan.Migrations[1].Operations[1].PointsAffected);
        Assert.Equal(NewBotPoints, plan.Collections.Single(c => c.Collection == world.Physical(0)).Migrations[1].Operations[1].PointsAffected);

        var toLatest = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.True(toLatest.Succeeded, toLatest.ToString());
        Assert.All(toLatest.Collections, c => Assert.Equal(CollectionRunOutcome.Succeeded, c.Outcome));
        Assert.All(toLatest.Collections, c => Assert.Equal([Whisper.V3, Whisper.V4], c.AppliedMigrations));
        for (var bot = 0; bot < world.Bots.Count; bot++)
        {
            var physical = world.Physical(bot);
            await world.VerifyV4DataAsync(physical, bot < WhisperWorld.RealBots ? NewBotPoints : LegacyPoints);
            var info = await world.Client.GetCollectionInfoAsync(physical, Token);
            Assert.Equal(PayloadSchemaType.Datetime, info.PayloadSchema["created_at"].DataType);
            Assert.False(info.PayloadSchema.ContainsKey("timestamp_unix"));
            Assert.Equal(6, info.PayloadSchema.Count);
            Assert.Contains("relationship", info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
            var marker = info.Config.Metadata[QdrantSchema.Migrator.CollectionMigrator.VersionMetadataKey].StructValue.Fields;
            Assert.Equal(Whisper.V4, marker["version"].StringValue);
            Assert.Equal(Whisper.Family, marker["family"].StringValue);

            var history = await world.HistoryAsync(physical);
            Assert.Equal([Whisper.V1, Whisper.V2, Whisper.V3, Whisper.V4], history.Select(r => r.MigrationId));
            Assert.All(history, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
            Assert.All(history, r => Assert.False(r.Baseline));
            Assert.All(history, r => Assert.NotNull(r.FinishedAt));
            Assert.All(history, r => Assert.Equal(Environment.ProcessId, r.ProcessId));
        }

        // Status: everyone up to date; the legacy collections drift only by their extra vector (a warning).
        var status = await migrator.GetStatusAsync(Token);
        Assert.True(status.IsUpToDate, status.ToString());
        Assert.Equal(10, status.Collections.Count);
        foreach (var report in status.Collections)
        {
            Assert.Equal(Whisper.V4, report.CurrentVersion);
            Assert.Empty(report.Pending);
            Assert.NotNull(report.Drift);
            Assert.False(report.Drift.HasErrors, report.ToString());
        }

        var legacy = status.Collections.Where(c => c.Alias is not null).ToList();
        Assert.Equal(WhisperWorld.AliasedBots, legacy.Count);
        Assert.All(legacy, c => Assert.Contains(c.Drift!.Warnings, w => w.Path.Contains("legacy_7d", StringComparison.Ordinal)));
        Assert.All(legacy, c => Assert.EndsWith("_7d", c.Collection, StringComparison.Ordinal));

        var validation = await migrator.ValidateAsync(Token);
        Assert.True(validation.IsValid, validation.ToString());

        // A second run has nothing to do.
        var again = await migrator.MigrateAsync(cancellationToken: Token);
        Assert.True(again.Succeeded);
        Assert.All(again.Collections, c => Assert.Equal(CollectionRunOutcome.NothingToDo, c.Outcome));
        Assert.Equal(0, again.AppliedCount);
    }

    [Fact]
    public async Task GetStatusAsync_BeforeAnyMigration_ReportsEveryBotPendingAndNothingWritten()
    {
        var world = new WhisperWorld(backend);
        await world.CreateLegacyBotsAsync(5);
        var migrator = world.Migrator();

        var status = await migrator.GetStatusAsync(Token);

        Assert.False(status.IsUpToDate);
        Assert.True(status.HasPending);
        Assert.Equal(10, status.Collections.Count);
        Assert.All(status.Collections, c => Assert.Equal(4, c.Pending.Count));
        Assert.All(status.Collections, c => Assert.Null(c.CurrentVersion));
        Assert.Equal(3, status.Collections.Count(c => !c.Exists));
        Assert.False(await world.Client.CollectionExistsAsync(world.HistoryCollection, Token));
        Assert.Contains("4 pending", status.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PlanAsync_NewBots_ShowsCreationAndWritesNothing()
    {
        var world = new WhisperWorld(backend);
        var migrator = world.Migrator(family: WhisperWorld.Family(world.Bots.Take(2)));

        var plan = await migrator.PlanAsync(cancellationToken: Token);

        Assert.Equal(2, plan.Collections.Count);
        Assert.All(plan.Collections, c => Assert.True(c.WillCreate));
        Assert.All(plan.Collections, c => Assert.Equal(4, c.Migrations.Count));
        Assert.All(plan.Collections, c => Assert.Equal(0, c.Migrations[2].Operations[1].PointsAffected));
        Assert.False(await world.Client.CollectionExistsAsync(world.Bots[0], Token));
        Assert.False(await world.Client.CollectionExistsAsync(world.HistoryCollection, Token));
        Assert.Contains("(will be created)", plan.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_EmbeddingGeneratorOption_FillsRelationshipFromPayloadText()
    {
        var world = new WhisperWorld(backend);
        var bot = WhisperWorld.RealBots;
        await world.CreateV1ShapedAsync(world.Physical(bot), extraVector: true);
        await world.Client.CreateAliasAsync(world.Bots[bot], world.Physical(bot), cancellationToken: Token);
        await world.SeedAsync(world.Physical(bot), 40);
        using var generator = new FakeEmbeddingGenerator();
        var migrator = world.Migrator(
            configure: o =>
            {
                o.EmbedTexts = null;
                o.EmbeddingGenerator = generator;
            },
            family: WhisperWorld.Family([world.Bots[bot]]));

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.True(result.Succeeded, result.ToString());
        Assert.True(generator.Calls > 0);
        await world.VerifyV4DataAsync(world.Physical(bot), 40);
    }

    [Fact]
    public async Task Results_SerializeToJsonWithTheirPropertyNames()
    {
        var world = new WhisperWorld(backend);
        var migrator = world.Migrator(family: WhisperWorld.Family([world.Bots[0]]));
        var run = await migrator.MigrateAsync(Whisper.V1, Token);

        var status = JsonSerializer.Serialize(await migrator.GetStatusAsync(Token));
        var plan = JsonSerializer.Serialize(await migrator.PlanAsync(cancellationToken: Token));
        var result = JsonSerializer.Serialize(run);
        var validation = JsonSerializer.Serialize(await migrator.ValidateAsync(Token));

        Assert.Contains($"\"CurrentVersion\":\"{Whisper.V1}\"", status, StringComparison.Ordinal);
        Assert.Contains("\"Pending\":[", status, StringComparison.Ordinal);
        Assert.Contains("\"PointsAffected\":0", plan, StringComparison.Ordinal);
        Assert.Contains($"\"AppliedMigrations\":[\"{Whisper.V1}\"]", result, StringComparison.Ordinal);
        Assert.DoesNotContain("Cause", result, StringComparison.Ordinal);
        Assert.Contains("\"IsValid\":true", validation, StringComparison.Ordinal);
    }

    private sealed class FakeEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
    {
        public int Calls { get; private set; }

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Whisper.Embed(v)))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

public sealed class WhisperEngineTests_Server(ServerBackend backend) : WhisperEngineTests(backend);

public sealed class WhisperEngineTests_InProcess(InProcessBackend backend) : WhisperEngineTests(backend);
