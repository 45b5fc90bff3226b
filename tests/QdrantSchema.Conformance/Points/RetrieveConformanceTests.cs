using System.Net;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Points;

/// <summary>Retrieve facts (QDRANT.md §6.3).</summary>
public abstract class RetrieveConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<CollectionScope> SeedAsync()
    {
        var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(
            Point(1, new Dictionary<string, float[]> { ["a"] = [1, 2], ["b"] = [3, 4] }, new() { ["x"] = 1, ["y"] = "two", ["z"] = true }),
            Point(2, new Dictionary<string, float[]> { ["a"] = [5, 6], ["b"] = [7, 8] }, new() { ["x"] = 2 }));
        return c;
    }

    [Fact]
    public async Task RetrieveAsync_MissingIds_AreOmittedWithoutError()
    {
        // collection/point_ops.rs::retrieve: missing ids are simply absent.
        await using var c = await SeedAsync();

        var points = await c.Client.RetrieveAsync(c.Name, [2, 99, 1], cancellationToken: Ct);

        Assert.Equal([1ul, 2ul], points.NumIds().Order());
    }

    [Fact]
    public async Task RetrieveAsync_PayloadInclude_ReturnsOnlyListedKeys()
    {
        await using var c = await SeedAsync();
        var include = new WithPayloadSelector { Include = new PayloadIncludeSelector { Fields = { "x", "z" } } };

        var points = await c.Client.RetrieveAsync(c.Name, [1], include, new WithVectorsSelector { Enable = false }, cancellationToken: Ct);

        Assert.Equal(["x", "z"], Assert.Single(points).Payload.Keys.Order());
    }

    [Fact]
    public async Task RetrieveAsync_PayloadExclude_DropsListedKeys()
    {
        await using var c = await SeedAsync();
        var exclude = new WithPayloadSelector { Exclude = new PayloadExcludeSelector { Fields = { "x" } } };

        var points = await c.Client.RetrieveAsync(c.Name, [1], exclude, new WithVectorsSelector { Enable = false }, cancellationToken: Ct);

        Assert.Equal(["y", "z"], Assert.Single(points).Payload.Keys.Order());
    }

    [Fact]
    public async Task RetrieveAsync_VectorNamesSelector_ReturnsOnlyThoseVectors()
    {
        await using var c = await SeedAsync();
        var vectors = new WithVectorsSelector { Include = new VectorsSelector { Names = { "b" } } };

        var points = await c.Client.RetrieveAsync(c.Name, [1], new WithPayloadSelector { Enable = false }, vectors, cancellationToken: Ct);

        var point = Assert.Single(points);
        Assert.Equal(["b"], point.VectorNames());
        AssertVector([3, 4], point.Dense("b"));
        Assert.Empty(point.Payload);
    }

    [Fact]
    public async Task RetrieveAsync_NoVectorsNoPayload_ReturnsBareIds()
    {
        await using var c = await SeedAsync();

        var points = await c.Client.RetrieveAsync(c.Name, [1], withPayload: false, withVectors: false, cancellationToken: Ct);

        var point = Assert.Single(points);
        Assert.Empty(point.Payload);
        Assert.Null(point.Vectors);
    }

    [Fact]
    public async Task RetrieveAsync_UnknownVectorName_FailsWithNotExistingVectorName()
    {
        // tests/openapi/test_basic_retrieve_multivec_api.py::test_retrieve_invalid_vector.
        await using var c = await SeedAsync();
        var vectors = new WithVectorsSelector { Include = new VectorsSelector { Names = { "a", "i_do_no_exist" } } };

        await AssertRpcErrorAsync(
            Grpc.Core.StatusCode.InvalidArgument,
            "Wrong input: Not existing vector name error: i_do_no_exist",
            () => c.Client.RetrieveAsync(c.Name, [1], new WithPayloadSelector { Enable = true }, vectors, cancellationToken: Ct));
    }

    [Fact]
    public async Task RestGetPoint_Missing_Answers404WithPointText()
    {
        // src/actix/api/retrieve_api.rs: StorageError::not_found("Point with id {id} does not exists!").
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Get, "/points/42");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("Not found: Point with id 42 does not exists!", response.Error);
    }

    [Fact]
    public async Task RestGetPoint_Existing_ReturnsPayloadAndNamedVectors()
    {
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Get, "/points/2");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("status").GetString());
        var result = response.Result;
        Assert.Equal(2, result.GetProperty("id").GetInt32());
        Assert.Equal(2, result.GetProperty("payload").GetProperty("x").GetInt32());
        var vectorA = result.GetProperty("vector").GetProperty("a");
        Assert.Equal([5f, 6f], vectorA.EnumerateArray().Select(v => v.GetSingle()));
    }

    [Fact]
    public async Task RestRetrieve_ByIds_OmitsMissingAndHonoursSelectors()
    {
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Post, "/points", """{"ids":[1,42,2],"with_payload":["x"],"with_vector":false}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var points = response.Result;
        Assert.Equal(JsonValueKind.Array, points.ValueKind);
        Assert.Equal([1ul, 2ul], points.NumIds().Order());
        foreach (var point in points.EnumerateArray())
        {
            Assert.Equal(["x"], point.GetProperty("payload").EnumerateObject().Select(p => p.Name));
            Assert.False(point.TryGetProperty("vector", out var v) && v.ValueKind != JsonValueKind.Null);
        }
    }
}

public sealed class RetrieveConformanceTests_Server(ServerBackend backend) : RetrieveConformanceTests(backend);

public sealed class RetrieveConformanceTests_InProcess(InProcessBackend backend) : RetrieveConformanceTests(backend);
