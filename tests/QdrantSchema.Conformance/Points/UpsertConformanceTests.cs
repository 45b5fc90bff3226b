using System.Text.Json;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Points;

/// <summary>Upsert facts (QDRANT.md §6.1, §6.2): plain replacement, wait/status, operation ids, vectors, ids, errors.</summary>
public abstract class UpsertConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    [Fact]
    public async Task Upsert_ExistingId_ReplacesPayloadWholly()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(1, [1, 2], new() { ["a"] = 1, ["b"] = "x" }));

        await c.UpsertAsync(Point(1, [3, 4], new() { ["c"] = true }));

        var point = await c.GetAsync(1);
        Assert.NotNull(point);
        Assert.Equal(["c"], point.Payload.Keys.Order());
        AssertVector([3, 4], point.Dense());
    }

    [Fact]
    public async Task Upsert_ExistingIdWithoutPayload_DropsOldPayload()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(1, [1, 2], new() { ["a"] = 1 }));

        await c.UpsertAsync(Point(1, [1, 2]));

        var point = await c.GetAsync(1);
        Assert.NotNull(point);
        Assert.Empty(point.Payload);
    }

    [Fact]
    public async Task Upsert_NamedVectorOmitted_DropsThatVector()
    {
        // Plain upsert is a full replacement: omitted named vectors do not survive (lib/shard/src/update/points/upsert.rs).
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 2], ["b"] = [3, 4] }));

        await c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [5, 6] }));

        var point = await c.GetAsync(1);
        Assert.NotNull(point);
        Assert.Equal(["a"], point.VectorNames());
        AssertVector([5, 6], point.Dense("a"));
    }

    [Fact]
    public async Task UpsertAsync_WaitTrue_ReportsCompletedWithOperationId()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var result = await c.UpsertAsync(Point(1, [1, 2]));

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.True(result.HasOperationId);
    }

    [Fact]
    public async Task UpsertAsync_Twice_OperationIdIncreases()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var first = await c.UpsertAsync(Point(1, [1, 2]));
        var second = await c.UpsertAsync(Point(2, [1, 2]));

        Assert.True(second.OperationId > first.OperationId, $"{second.OperationId} > {first.OperationId}");
    }

    [Fact]
    public async Task Upsert_CosineCollection_StoresNormalizedVector()
    {
        // CosineMetric::preprocess normalises on insert (lib/segment/src/spaces/simple.rs).
        await using var c = await CollectionScope.CreateAsync(Backend, 2, Distance.Cosine);

        await c.UpsertAsync(Point(1, [3, 4]));

        var point = await c.GetAsync(1);
        AssertVector([0.6f, 0.8f], point!.Dense());
    }

    [Fact]
    public async Task Upsert_DotCollection_StoresVectorAsGiven()
    {
        // tests/openapi/test_conditional_update.py: "confirms we don't normalize" (Dot collection).
        await using var c = await CollectionScope.CreateAsync(Backend, 2, Distance.Dot);

        await c.UpsertAsync(Point(1, [3, 4]));

        var point = await c.GetAsync(1);
        AssertVector([3, 4], point!.Dense());
    }

    [Fact]
    public async Task Upsert_WrongDimension_FailsWithDimensionError()
    {
        // src/common/validate_vectors.rs (pre-WAL check).
        await using var c = await CollectionScope.CreateAsync(Backend, 2);

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Wrong input: Vector dimension error: expected dim: 2, got 3",
            () => c.UpsertAsync(Point(1, [1, 2, 3])));
        Assert.Null(await c.GetAsync(1));
    }

    [Fact]
    public async Task Upsert_WrongDimensionOfNamedVector_ErrorNamesTheVector()
    {
        // src/common/validate_vectors.rs::validate_single_vector_dim appends " for vector '{name}'".
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot));

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Wrong input: Vector dimension error: expected dim: 2, got 3 for vector 'a'",
            () => c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 2, 3] })));
    }

    [Fact]
    public async Task Upsert_UnknownVectorName_FailsWithNotExistingVectorName()
    {
        // OperationError::VectorNameNotExists (lib/segment/src/common/operation_error.rs) → BadInput.
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot));

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Wrong input: Not existing vector name error: zzz",
            () => c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 2], ["zzz"] = [1, 2] })));
    }

    [Fact]
    public async Task Upsert_MissingCollection_FailsWithNotFound()
    {
        var name = QdrantBackend.NewName("missing");

        await AssertRpcErrorAsync(
            StatusCode.NotFound,
            $"Not found: Collection `{name}` doesn't exist!",
            () => Backend.Client.UpsertAsync(name, [Point(1, [1, 2])], cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Upsert_UuidInSimpleUppercaseForm_ReadsBackHyphenatedLowercase()
    {
        // Ids are parsed with Uuid::parse_str (simple, hyphenated, urn, braced) and rendered hyphenated lowercase.
        await using var c = await CollectionScope.CreateAsync(Backend);
        var point = new PointStruct { Id = new PointId { Uuid = "B524A3C4C56843838019C9CA08243D6A" }, Vectors = new[] { 1f, 2f } };

        await c.UpsertAsync(point);

        var page = await c.Client.ScrollAsync(c.Name, cancellationToken: TestContext.Current.CancellationToken);
        var only = Assert.Single(page.Result);
        Assert.Equal("b524a3c4-c568-4383-8019-c9ca08243d6a", only.Id.Uuid);
    }

    [Fact]
    public async Task Upsert_UuidUrnFormOverRest_ReadsBackHyphenatedLowercase()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var put = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":"urn:uuid:1D675313-D3DD-4646-8B98-8052364872DA","vector":[1,2]}]}""");
        Assert.Equal(System.Net.HttpStatusCode.OK, put.Status);

        var get = await c.RestAsync(HttpMethod.Get, "/points/1d675313-d3dd-4646-8b98-8052364872da");
        Assert.Equal(System.Net.HttpStatusCode.OK, get.Status);
        Assert.Equal("1d675313-d3dd-4646-8b98-8052364872da", get.Result.GetProperty("id").GetString());
    }

    [Fact]
    public async Task RestUpsert_WithoutWait_AnswersAcknowledged()
    {
        // REST `wait` defaults to false: the op is acknowledged after the WAL write (QDRANT.md §6.1).
        await using var c = await CollectionScope.CreateAsync(Backend);

        var response = await c.RestAsync(HttpMethod.Put, "/points", """{"points":[{"id":1,"vector":[1,2]}]}""");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, response.Body.GetProperty("time").ValueKind);
        Assert.Equal("acknowledged", response.Result.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, response.Result.GetProperty("operation_id").ValueKind);
    }

    [Fact]
    public async Task RestUpsert_ListFormWaitTrue_AnswersCompletedAndStoresPoint()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var response = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":7,"vector":[0.5,1.5],"payload":{"city":"Berlin"}}]}""");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        Assert.Equal("completed", response.Result.GetProperty("status").GetString());
        var point = await c.GetAsync(7);
        Assert.NotNull(point);
        Assert.Equal("Berlin", point.Payload["city"].StringValue);
        AssertVector([0.5f, 1.5f], point.Dense());
    }

    [Fact]
    public async Task RestUpsert_BatchForm_StoresEveryColumn()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var response = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"batch":{"ids":[1,2],"vectors":[[1,0],[0,1]],"payloads":[{"k":"one"},{"k":"two"}]}}""");

        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
        var two = await c.GetAsync(2);
        Assert.NotNull(two);
        Assert.Equal("two", two.Payload["k"].StringValue);
        AssertVector([0, 1], two.Dense());
        Assert.Equal([1ul, 2ul], await c.IdsAsync());
    }

    [Fact]
    public async Task RestUpsert_WrongDimension_Answers400WithErrorEnvelope()
    {
        await using var c = await CollectionScope.CreateAsync(Backend, 2);

        var response = await c.RestAsync(HttpMethod.Put, "/points?wait=true", """{"points":[{"id":1,"vector":[1,2,3]}]}""");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Wrong input: Vector dimension error: expected dim: 2, got 3", response.Error);
        Assert.Equal(JsonValueKind.Number, response.Body.GetProperty("time").ValueKind);
    }

    [Fact]
    public async Task RestUpsert_WrongDimensionWithoutWait_StillRejected()
    {
        // Dimensions are validated before the WAL, so even wait=false reports them (src/common/update.rs).
        await using var c = await CollectionScope.CreateAsync(Backend, 2);

        var response = await c.RestAsync(HttpMethod.Put, "/points", """{"points":[{"id":1,"vector":[1,2,3]}]}""");

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Wrong input: Vector dimension error: expected dim: 2, got 3", response.Error);
    }
}

public sealed class UpsertConformanceTests_Server(ServerBackend backend) : UpsertConformanceTests(backend);

public sealed class UpsertConformanceTests_InProcess(InProcessBackend backend) : UpsertConformanceTests(backend);
