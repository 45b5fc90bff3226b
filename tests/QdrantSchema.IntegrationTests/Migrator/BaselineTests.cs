using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.IntegrationTests.Migrator.WhisperEngine;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>Baseline: record the version of an existing unversioned collection without running anything.</summary>
public abstract class BaselineTests(QdrantBackend backend)
{
    private const int Points = 300; // several pages of 64

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BaselineAsync_UnversionedV2ShapedCollectionWithData_DetectsV2AndMigratesToV4KeepingEveryPoint()
    {
        var world = new WhisperWorld(backend);
        var collection = world.Bots[0];
        await world.CreateV1ShapedAsync(collection, extraVector: false);
        await world.CreateV2IndexesAsync(collection);
        await world.SeedAsync(collection, Points);
        var migrator = world.Migrator(family: WhisperWorld.Family([collection]));

        var before = await migrator.ValidateAsync(Token);
        Assert.False(before.IsValid);
        Assert.Contains("Run BaselineAsync", before.Collections.Single().Problem, StringComparison.Ordinal);

        var baseline = await migrator.BaselineAsync(cancellationToken: Token);

        var entry = Assert.Single(baseline.Collections);
        Assert.Equal(BaselineOutcome.Recorded, entry.Outcome);
        Assert.Equal(Whisper.V2, entry.Version);
        Assert.False(entry.Comparison!.HasErrors);
        var history = await world.HistoryAsync(collection);
        Assert.Equal([Whisper.V1, Whisper.V2], history.Select(r => r.MigrationId));
        Assert.All(history, r => Assert.True(r.Baseline));
        Assert.All(history, r => Assert.Equal(MigrationStatus.Succeeded, r.Status));
        var info = await world.Client.GetCollectionInfoAsync(collection, Token);
        Assert.Equal(Whisper.V2, info.Config.Metadata["qdrant_schema"].StructValue.Fields["version"].StringValue);
        Assert.Equal(Points, (long)info.PointsCount);

        // Nothing ran: the data is untouched.
        var untouched = await world.AllPointsAsync(collection);
        Assert.All(untouched, p => Assert.True(p.Payload.ContainsKey("timestamp_unix")));

        var status = await migrator.GetStatusAsync(Token);
        Assert.Equal([Whisper.V3, Whisper.V4], status.Collections.Single().Pending);
        Assert.Equal(Whisper.V2, status.Collections.Single().CurrentVersion);

        var migrated = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.True(migrated.Succeeded, migrated.ToString());
        Assert.Equal([Whisper.V3, Whisper.V4], migrated.Collections.Single().AppliedMigrations);
        await world.VerifyV4DataAsync(collection, Points);
        Assert.True((await migrator.ValidateAsync(Token)).IsValid);

        // A second baseline leaves a versioned collection alone.
        var again = await migrator.BaselineAsync(cancellationToken: Token);
        Assert.Equal(BaselineOutcome.AlreadyVersioned, again.Collections.Single().Outcome);
        Assert.Equal(Whisper.V4, again.Collections.Single().Version);
    }

    [Fact]
    public async Task BaselineAsync_V1ShapedCollection_DetectsV1()
    {
        var world = new WhisperWorld(backend);
        var collection = world.Bots[0];
        await world.CreateV1ShapedAsync(collection, extraVector: true);
        var migrator = world.Migrator(family: WhisperWorld.Family([collection]));

        var baseline = await migrator.BaselineAsync(cancellationToken: Token);

        var entry = baseline.Collections.Single();
        Assert.Equal(BaselineOutcome.Recorded, entry.Outcome);
        Assert.Equal(Whisper.V1, entry.Version);
        Assert.Contains(entry.Comparison!.Warnings, w => w.Path.Contains("legacy_7d", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BaselineAsync_NoVersionMatches_RecordsNothingAndReportsDiffAgainstLatest()
    {
        var world = new WhisperWorld(backend);
        var collection = world.Bots[0];
        await world.Client.CreateCollectionAsync(
            collection, new VectorParamsMap { Map = { ["content"] = new VectorParams { Size = 128, Distance = Distance.Dot } } }, cancellationToken: Token);
        var migrator = world.Migrator(family: WhisperWorld.Family([collection]));

        var baseline = await migrator.BaselineAsync(cancellationToken: Token);

        var entry = baseline.Collections.Single();
        Assert.Equal(BaselineOutcome.NoMatch, entry.Outcome);
        Assert.Null(entry.Version);
        Assert.Contains(entry.Comparison!.Errors, e => e.Path.StartsWith("vectors.content", StringComparison.Ordinal));
        Assert.Contains(entry.Comparison.Errors, e => e.Path.Contains("relationship", StringComparison.Ordinal));
        Assert.Empty(await world.HistoryAsync(collection));
        Assert.Contains("NoMatch", baseline.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BaselineAsync_ExplicitVersion_RecordsItWithoutRunningAnything()
    {
        var world = new WhisperWorld(backend);
        var collection = world.Bots[0];
        await world.CreateV1ShapedAsync(collection, extraVector: false);
        var missing = world.Bots[1];
        var migrator = world.Migrator(family: WhisperWorld.Family([collection, missing]));

        var baseline = await migrator.BaselineAsync(Whisper.V1, Token);

        Assert.Equal(BaselineOutcome.Recorded, baseline.Collections.Single(c => c.Collection == collection).Outcome);
        Assert.Equal(BaselineOutcome.Missing, baseline.Collections.Single(c => c.Collection == missing).Outcome);
        Assert.Equal([Whisper.V1], (await world.HistoryAsync(collection)).Select(r => r.MigrationId));
        Assert.False(await world.Client.CollectionExistsAsync(missing, Token));
    }

    [Fact]
    public async Task BaselineAsync_UnknownVersion_ThrowsArgumentExceptionNamingIt()
    {
        var world = new WhisperWorld(backend);
        var migrator = world.Migrator(family: WhisperWorld.Family([world.Bots[0]]));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => migrator.BaselineAsync("20990101000000_Nope", Token));

        Assert.Contains("'20990101000000_Nope' is not the id of any migration", error.Message, StringComparison.Ordinal);
        Assert.Contains(Whisper.V4, error.Message, StringComparison.Ordinal);
    }
}

public sealed class BaselineTests_Server(ServerBackend backend) : BaselineTests(backend);

public sealed class BaselineTests_InProcess(InProcessBackend backend) : BaselineTests(backend);
