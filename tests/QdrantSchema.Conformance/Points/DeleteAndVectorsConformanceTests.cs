using System.Net;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Points;

/// <summary>Delete points, update vectors and delete vectors (QDRANT.md §6.6, §6.7).</summary>
public abstract class DeleteAndVectorsConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CollectionScope> SeedNamedAsync()
    {
        var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(
            Point(1, new Dictionary<string, float[]> { ["a"] = [1, 1], ["b"] = [2, 2] }, new() { ["version"] = 1 }),
            Point(2, new Dictionary<string, float[]> { ["a"] = [3, 3], ["b"] = [4, 4] }, new() { ["version"] = 5 }));
        return c;
    }

    [Fact]
    public async Task DeleteAsync_ByIdsIncludingMissing_DeletesExistingWithoutError()
    {
        // lib/shard/src/update/points/delete.rs has no unprocessed-points check.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(1, [1, 1]), Point(2, [1, 1]), Point(3, [1, 1]));

        var result = await c.Client.DeleteAsync(c.Name, [1ul, 99ul], cancellationToken: Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal([2ul, 3ul], await c.IdsAsync());
    }

    [Fact]
    public async Task DeleteAsync_ByFilter_DeletesMatchingPoints()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["city"] = "Berlin" }),
            Point(2, [1, 1], new() { ["city"] = "London" }),
            Point(3, [1, 1], new() { ["city"] = "Berlin" }));

        await c.Client.DeleteAsync(c.Name, MatchKeyword("city", "Berlin"), cancellationToken: Ct);

        Assert.Equal([2ul], await c.IdsAsync());
    }

    [Fact]
    public async Task RestDelete_ByPointsAndByHasIdFilter_DeletesThem()
    {
        // tests/openapi/test_delete_points.py.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(1, [1, 1]), Point(2, [1, 1]), Point(3, [1, 1]), Point(4, [1, 1]));

        var byFilter = await c.RestAsync(HttpMethod.Post, "/points/delete?wait=true", """{"filter":{"must":[{"has_id":[4]}]}}""");
        var byIds = await c.RestAsync(HttpMethod.Post, "/points/delete?wait=true", """{"points":[1,2,42]}""");

        Assert.Equal(HttpStatusCode.OK, byFilter.Status);
        Assert.Equal(HttpStatusCode.OK, byIds.Status);
        Assert.Equal("completed", byIds.Result.GetProperty("status").GetString());
        Assert.Equal([3ul], await c.IdsAsync());
    }

    [Fact]
    public async Task UpdateVectorsAsync_OneName_KeepsOtherVectorsAndPayload()
    {
        await using var c = await SeedNamedAsync();

        await c.Client.UpdateVectorsAsync(
            c.Name,
            [new PointVectors { Id = 1, Vectors = new Dictionary<string, float[]> { ["a"] = [9, 9] } }],
            cancellationToken: Ct);

        var point = await c.GetAsync(1);
        Assert.NotNull(point);
        AssertVector([9, 9], point.Dense("a"));
        AssertVector([2, 2], point.Dense("b"));
        Assert.Equal(1, point.Payload["version"].IntegerValue);
    }

    [Fact]
    public async Task UpdateVectorsAsync_MissingId_FailsNotFoundAfterUpdatingExisting()
    {
        // lib/shard/src/update/vectors.rs: check_unprocessed_points runs after the chunk is applied.
        await using var c = await SeedNamedAsync();

        await AssertRpcErrorAsync(
            StatusCode.NotFound,
            "Not found: No point with id 99 found",
            () => c.Client.UpdateVectorsAsync(
                c.Name,
                [
                    new PointVectors { Id = 1, Vectors = new Dictionary<string, float[]> { ["a"] = [7, 7] } },
                    new PointVectors { Id = 99, Vectors = new Dictionary<string, float[]> { ["a"] = [7, 7] } },
                ],
                cancellationToken: Ct));

        AssertVector([7, 7], (await c.GetAsync(1))!.Dense("a"));
        Assert.Null(await c.GetAsync(99));
    }

    [Fact]
    public async Task UpdateVectorsAsync_WithUpdateFilter_SkipsNonMatchingPoints()
    {
        // lib/shard/src/update/vectors.rs::update_vectors_conditional; tests/openapi/test_conditional_update.py.
        await using var c = await SeedNamedAsync();

        var result = await c.Client.UpdateVectorsAsync(
            c.Name,
            [
                new PointVectors { Id = 1, Vectors = new Dictionary<string, float[]> { ["a"] = [8, 8] } },
                new PointVectors { Id = 2, Vectors = new Dictionary<string, float[]> { ["a"] = [8, 8] } },
            ],
            Range("version", new Qdrant.Client.Grpc.Range { Lt = 4 }),
            cancellationToken: Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        AssertVector([8, 8], (await c.GetAsync(1))!.Dense("a"));
        AssertVector([3, 3], (await c.GetAsync(2))!.Dense("a"));
    }

    [Fact]
    public async Task DeleteVectorsAsync_ByName_RemovesOnlyThatVector()
    {
        await using var c = await SeedNamedAsync();

        await c.Client.DeleteVectorsAsync(c.Name, ["b"], [1ul], cancellationToken: Ct);

        var point = await c.GetAsync(1);
        Assert.NotNull(point);
        Assert.Equal(["a"], point.VectorNames());
        Assert.Equal(1, point.Payload["version"].IntegerValue);
        Assert.Equal(["a", "b"], (await c.GetAsync(2))!.VectorNames());
    }

    [Fact]
    public async Task DeleteVectorsAsync_MissingId_FailsNotFound()
    {
        // lib/shard/src/update/vectors.rs::delete_vectors → check_unprocessed_points.
        await using var c = await SeedNamedAsync();

        await AssertRpcErrorAsync(
            StatusCode.NotFound,
            "Not found: No point with id 42 found",
            () => c.Client.DeleteVectorsAsync(c.Name, ["b"], [42ul], cancellationToken: Ct));
    }

    [Fact]
    public async Task RestDeleteVectors_UnknownName_Answers400()
    {
        // tests/openapi/test_optional_vectors.py::test_delete_unknown_vectors.
        await using var c = await SeedNamedAsync();

        var response = await c.RestAsync(HttpMethod.Post, "/points/vectors/delete?wait=true", """{"points":[1,2],"vector":["zzz"]}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("Wrong input: Not existing vector name error: zzz", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestUpdateVectors_UpdatesListedVectorOnly()
    {
        await using var c = await SeedNamedAsync();

        var response = await c.RestAsync(HttpMethod.Put, "/points/vectors?wait=true", """{"points":[{"id":2,"vector":{"b":[0.5,0.25]}}]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("completed", response.Result.GetProperty("status").GetString());
        var point = await c.GetAsync(2);
        AssertVector([3, 3], point!.Dense("a"));
        AssertVector([0.5f, 0.25f], point!.Dense("b"));
    }
}

public sealed class DeleteAndVectorsConformanceTests_Server(ServerBackend backend) : DeleteAndVectorsConformanceTests(backend);

public sealed class DeleteAndVectorsConformanceTests_InProcess(InProcessBackend backend) : DeleteAndVectorsConformanceTests(backend);
