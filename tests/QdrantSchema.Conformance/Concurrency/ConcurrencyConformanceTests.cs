using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Concurrency;

/// <summary>
/// Concurrent writers on a single-shard collection: one update worker applies the shard's operations in WAL order, and
/// a conditional upsert's filter check and write happen inside the same operation (QDRANT.md §6.1–§6.2;
/// lib/shard/src/update/points/upsert.rs::retain_conditional_upsert_points, lib/shard/src/resolve.rs in 1.19). So a
/// conditional upsert is a per-point test-and-set: racing writers see exactly one winner. The lease lock relies on it.
/// </summary>
public abstract class ConcurrencyConformanceTests(QdrantBackend backend)
{
    private const int Writers = 16;

    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upsert_InsertOnlyRaceOnOneId_ExactlyOneWriterWinsAndEveryoneSeesIt()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var racers = Enumerable.Range(0, Writers).Select(async writer =>
        {
            var point = Point(1, [1, 0], new Dictionary<string, Value> { ["owner"] = $"w{writer}" });
            await c.Client.UpsertAsync(
                new UpsertPoints { CollectionName = c.Name, Wait = true, Points = { point }, UpdateMode = UpdateMode.InsertOnly },
                Ct);
            return (await c.GetAsync(new PointId { Num = 1 }))!.Payload["owner"].StringValue;
        }).ToList();
        var seen = await Task.WhenAll(racers);

        // Every racer reads the same owner: the first insert stands, later insert_only writes are silently skipped.
        Assert.Single(seen.Distinct());
        Assert.Matches("^w[0-9]+$", seen[0]);
    }

    [Fact]
    public async Task Upsert_ConditionalTakeoverRace_OnlyOneFilterMatchSucceeds()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(7, [1, 0], new Dictionary<string, Value> { ["owner"] = "nobody", ["generation"] = 0 }));
        var free = new Filter { Must = { new Condition { Field = new FieldCondition { Key = "owner", Match = new Match { Keyword = "nobody" } } } } };

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => c.Client.UpsertAsync(
            c.Name,
            [Point(7, [1, 0], new Dictionary<string, Value> { ["owner"] = $"w{writer}", ["generation"] = 1 })],
            wait: true,
            updateFilter: free,
            cancellationToken: Ct)));

        // The first writer to be applied turns owner away from "nobody"; every later filter test fails, so the point
        // holds exactly one writer's payload, untouched by the other fifteen.
        var point = await c.GetAsync(new PointId { Num = 7 });
        Assert.Matches("^w[0-9]+$", point!.Payload["owner"].StringValue);
        Assert.Equal(1, point.Payload["generation"].IntegerValue);
    }

    [Fact]
    public async Task Upsert_ParallelBatchesIntoOneCollection_EveryPointLands()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(batch => c.Client.UpsertAsync(
            c.Name,
            [.. Enumerable.Range(0, 100).Select(i => Point((ulong)(batch * 100 + i + 1), [1, i]))],
            wait: true,
            cancellationToken: Ct)));

        Assert.Equal(800UL, await c.Client.CountAsync(c.Name, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task SetPayload_ParallelWritersOnDistinctKeys_AllMergesSurvive()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(3, [1, 0], new Dictionary<string, Value> { ["base"] = true }));

        // Each SetPayload is one operation applied whole by the shard's single update worker, so shallow merges of
        // different keys never lose each other's writes.
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => c.Client.SetPayloadAsync(
            c.Name,
            new Dictionary<string, Value> { [$"k{writer}"] = writer },
            id: 3UL,
            wait: true,
            cancellationToken: Ct)));

        var payload = (await c.GetAsync(new PointId { Num = 3 }))!.Payload;
        Assert.Equal(Writers + 1, payload.Count);
        Assert.All(Enumerable.Range(0, Writers), writer => Assert.Equal(writer, payload[$"k{writer}"].IntegerValue));
    }
}

public sealed class ConcurrencyConformanceTests_Server(ServerBackend backend) : ConcurrencyConformanceTests(backend);

public sealed class ConcurrencyConformanceTests_InProcess(InProcessBackend backend) : ConcurrencyConformanceTests(backend);
