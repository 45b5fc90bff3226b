using System.Net;
using System.Text.Json;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Query;

/// <summary>Query API basics with exact scores (QDRANT.md §6.8; lib/segment/src/spaces/simple.rs).</summary>
public abstract class QueryConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CollectionScope> SeedAsync(Distance distance, params (ulong Id, float[] Vector)[] points)
    {
        var c = await CollectionScope.CreateAsync(Backend, 2, distance);
        await c.UpsertAsync([.. points.Select(p => Point(p.Id, p.Vector, new() { ["id"] = (long)p.Id }))]);
        return c;
    }

    [Fact]
    public async Task QueryAsync_Cosine_ScoresAreCosineSimilarityDescending()
    {
        await using var c = await SeedAsync(Distance.Cosine, (1, [3, 4]), (2, [1, 0]), (3, [0, 1]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 2, 0 }, cancellationToken: Ct);

        Assert.Equal([2ul, 1, 3], result.NumIds());
        Assert.Equal(1.0f, result[0].Score, 4);
        Assert.Equal(0.6f, result[1].Score, 4);
        Assert.Equal(0.0f, result[2].Score, 4);
    }

    [Fact]
    public async Task QueryAsync_Dot_ScoresAreRawDotProducts()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 2]), (2, [3, 4]), (3, [-1, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 1, 1 }, cancellationToken: Ct);

        Assert.Equal([2ul, 1, 3], result.NumIds());
        Assert.Equal(7f, result[0].Score, 4);
        Assert.Equal(3f, result[1].Score, 4);
        Assert.Equal(-1f, result[2].Score, 4);
    }

    [Fact]
    public async Task QueryAsync_Euclid_ScoresAreDistancesAscending()
    {
        // Euclid reports sqrt of the internal -Σ(a−b)² similarity, closest first (tests/openapi/test_euclid_dist.py).
        await using var c = await SeedAsync(Distance.Euclid, (1, [3, 4]), (2, [1, 1]), (3, [0, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 0, 0 }, cancellationToken: Ct);

        Assert.Equal([3ul, 2, 1], result.NumIds());
        Assert.Equal(0f, result[0].Score, 4);
        Assert.Equal(MathF.Sqrt(2), result[1].Score, 4);
        Assert.Equal(5f, result[2].Score, 4);
    }

    [Fact]
    public async Task QueryAsync_Manhattan_ScoresAreL1DistancesAscending()
    {
        // tests/openapi/test_manhattan_dist.py.
        await using var c = await SeedAsync(Distance.Manhattan, (1, [3, 4]), (2, [1, 1]), (3, [0, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 0, 0 }, cancellationToken: Ct);

        Assert.Equal([3ul, 2, 1], result.NumIds());
        Assert.Equal(0f, result[0].Score, 4);
        Assert.Equal(2f, result[1].Score, 4);
        Assert.Equal(7f, result[2].Score, 4);
    }

    [Fact]
    public async Task QueryAsync_LimitAndOffset_PageThroughRanking()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]), (3, [3, 0]), (4, [4, 0]), (5, [5, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 1, 0 }, limit: 2, offset: 1, cancellationToken: Ct);

        Assert.Equal([4ul, 3], result.NumIds());
    }

    [Fact]
    public async Task QueryAsync_ScoreThreshold_DropsLowerScores()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]), (3, [3, 0]), (4, [4, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 1, 0 }, scoreThreshold: 2.5f, cancellationToken: Ct);

        Assert.Equal([4ul, 3], result.NumIds());
    }

    [Fact]
    public async Task QueryAsync_Filter_RanksOnlyMatchingPoints()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]), (3, [3, 0]));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 1, 0 }, filter: Range("id", new Qdrant.Client.Grpc.Range { Lte = 2 }), cancellationToken: Ct);

        Assert.Equal([2ul, 1], result.NumIds());
        Assert.Equal(2, result[0].Payload["id"].IntegerValue);
    }

    [Fact]
    public async Task QueryAsync_UsingNamedVector_ScoresAgainstThatVector()
    {
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(
            Point(1, new Dictionary<string, float[]> { ["a"] = [10, 0], ["b"] = [0, 1] }),
            Point(2, new Dictionary<string, float[]> { ["a"] = [1, 0], ["b"] = [0, 5] }));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 0, 1 }, usingVector: "b", cancellationToken: Ct);

        Assert.Equal([2ul, 1], result.NumIds());
        Assert.Equal(5f, result[0].Score, 4);
        Assert.Equal(1f, result[1].Score, 4);
    }

    [Fact]
    public async Task QueryAsync_PointsWithoutTheVector_AreNotReturned()
    {
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(
            Point(1, new Dictionary<string, float[]> { ["a"] = [1, 0], ["b"] = [1, 0] }),
            Point(2, new Dictionary<string, float[]> { ["a"] = [1, 0] }));

        var result = await c.Client.QueryAsync(c.Name, new float[] { 1, 0 }, usingVector: "b", cancellationToken: Ct);

        Assert.Equal([1ul], result.NumIds());
    }

    [Fact]
    public async Task QueryAsync_UnknownVectorName_FailsWithInvalidArgument()
    {
        // The segment search rejects the name (lib/segment/src/segment/read_view/search.rs:
        // OperationError::vector_name_not_exists) before the collection-level get_distance runs.
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot));
        await c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 0] }));

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Wrong input: Not existing vector name error: zzz",
            () => c.Client.QueryAsync(c.Name, new float[] { 1, 0 }, usingVector: "zzz", cancellationToken: Ct));
    }

    [Fact]
    public async Task QueryAsync_WrongQueryDimension_FailsWithDimensionError()
    {
        // tests/openapi/test_multi_vector.py::test_search_legacy_api asserts the same text for query vectors.
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]));

        // The python test only asserts containment, so this does too.
        var ex = await Assert.ThrowsAsync<RpcException>(() => c.Client.QueryAsync(c.Name, new float[] { 1, 0, 0 }, cancellationToken: Ct));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("Wrong input: Vector dimension error: expected dim: 2, got 3", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_ByPointId_UsesItsVectorAndExcludesIt()
    {
        // collection_query.rs::exclude_referenced_ids edits the filter to drop referenced ids.
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]), (3, [0, 1]));

        var result = await c.Client.QueryAsync(c.Name, 1ul, cancellationToken: Ct);

        Assert.Equal([2ul, 3], result.NumIds());
        Assert.Equal(2f, result[0].Score, 4);
        Assert.Equal(0f, result[1].Score, 4);
    }

    [Fact]
    public async Task RestQuery_Defaults_ReturnScoredPointsWithoutPayloadOrVector()
    {
        // Query defaults: with_payload=false, with_vector=false; api::rest::ScoredPoint skips None fields.
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]));

        var response = await c.RestAsync(HttpMethod.Post, "/points/query", """{"query":[1,0]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("status").GetString());
        var points = response.Result.GetProperty("points");
        Assert.Equal([2ul, 1], points.NumIds());
        var first = points[0];
        Assert.Equal(2f, first.GetProperty("score").GetSingle(), 4);
        Assert.Equal(JsonValueKind.Number, first.GetProperty("version").ValueKind);
        Assert.False(first.TryGetProperty("payload", out _));
        Assert.False(first.TryGetProperty("vector", out _));
    }

    [Fact]
    public async Task RestQuery_NearestWithPayloadAndLimit_ReturnsPayload()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]), (2, [2, 0]), (3, [3, 0]));

        var response = await c.RestAsync(HttpMethod.Post, "/points/query", """{"query":{"nearest":[1,0]},"limit":1,"with_payload":true}""");

        var point = Assert.Single(response.Result.GetProperty("points").EnumerateArray());
        Assert.Equal(3, point.GetProperty("id").GetInt32());
        Assert.Equal(3, point.GetProperty("payload").GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task RestQuery_DimensionMismatch_Answers400()
    {
        await using var c = await SeedAsync(Distance.Dot, (1, [1, 0]));

        var response = await c.RestAsync(HttpMethod.Post, "/points/query", """{"query":[1,0,0]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Wrong input: Vector dimension error: expected dim: 2, got 3", response.Error, StringComparison.Ordinal);
    }
}

public sealed class QueryConformanceTests_Server(ServerBackend backend) : QueryConformanceTests(backend);

public sealed class QueryConformanceTests_InProcess(InProcessBackend backend) : QueryConformanceTests(backend);
