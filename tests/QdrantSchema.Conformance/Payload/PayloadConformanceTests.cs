using System.Net;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Payload;

/// <summary>Payload operations (QDRANT.md §6.7; tests/openapi/test_payload_operations.py).</summary>
public abstract class PayloadConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Value Null => new() { NullValue = NullValue.NullValue };

    private async Task<CollectionScope> SeedAsync()
    {
        var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new()
            {
                ["a"] = 1,
                ["b"] = "keep",
                ["n"] = new Dictionary<string, Value> { ["x"] = 1, ["y"] = 2 },
            }),
            Point(2, [1, 1], new() { ["a"] = 2, ["b"] = "other" }));
        return c;
    }

    [Fact]
    public async Task SetPayloadAsync_NewAndExistingKeys_MergesShallowly()
    {
        await using var c = await SeedAsync();

        await c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["a"] = 10, ["c"] = "new" }, [1ul], cancellationToken: Ct);

        var payload = (await c.GetAsync(1))!.Payload;
        Assert.Equal(["a", "b", "c", "n"], payload.Keys.Order());
        Assert.Equal(10, payload["a"].IntegerValue);
        Assert.Equal("keep", payload["b"].StringValue);
        Assert.Equal("new", payload["c"].StringValue);
    }

    [Fact]
    public async Task SetPayloadAsync_NestedObject_ReplacesItWhole()
    {
        // Payload::merge is a top-level merge (lib/segment/src/common/utils.rs::merge_map).
        await using var c = await SeedAsync();

        await c.Client.SetPayloadAsync(
            c.Name,
            new Dictionary<string, Value> { ["n"] = new Dictionary<string, Value> { ["z"] = 3 } },
            [1ul],
            cancellationToken: Ct);

        var nested = (await c.GetAsync(1))!.Payload["n"].StructValue.Fields;
        Assert.Equal(["z"], nested.Keys);
    }

    [Fact]
    public async Task SetPayloadAsync_NullValue_DeletesTheKey()
    {
        // merge_map: Value::Null => dest.remove(key).
        await using var c = await SeedAsync();

        await c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["a"] = Null }, [1ul], cancellationToken: Ct);

        Assert.Equal(["b", "n"], (await c.GetAsync(1))!.Payload.Keys.Order());
    }

    [Fact]
    public async Task SetPayloadAsync_WithKey_MergesAtThatPath()
    {
        // test_payload_operations.py: "set property of payload with top level key".
        await using var c = await SeedAsync();

        await c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["y"] = 20, ["w"] = "w" }, [1ul], key: "n", cancellationToken: Ct);

        var payload = (await c.GetAsync(1))!.Payload;
        Assert.Equal(["a", "b", "n"], payload.Keys.Order());
        var nested = payload["n"].StructValue.Fields;
        Assert.Equal(["w", "x", "y"], nested.Keys.Order());
        Assert.Equal(1, nested["x"].IntegerValue);
        Assert.Equal(20, nested["y"].IntegerValue);
    }

    [Fact]
    public async Task SetPayloadAsync_WithKeyMissingOnPoint_CreatesTheObject()
    {
        // test_payload_operations.py idempotence case: key "key" on a point without it gives {"key":{"key":"xxx"}}.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(9, [1, 1]));

        await c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["key"] = "xxx" }, [9ul], key: "key", cancellationToken: Ct);

        var payload = (await c.GetAsync(9))!.Payload;
        Assert.Equal(["key"], payload.Keys);
        Assert.Equal("xxx", payload["key"].StructValue.Fields["key"].StringValue);
    }

    [Fact]
    public async Task SetPayloadAsync_MissingId_FailsNotFoundButUpdatesFoundPoints()
    {
        // lib/shard/src/update/payload.rs: the chunk is applied, then check_unprocessed_points reports the first missing id.
        await using var c = await SeedAsync();

        await AssertRpcErrorAsync(
            StatusCode.NotFound,
            "Not found: No point with id 42 found",
            () => c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["flag"] = true }, [1ul, 42ul, 2ul], cancellationToken: Ct));

        Assert.True((await c.GetAsync(1))!.Payload["flag"].BoolValue);
        Assert.True((await c.GetAsync(2))!.Payload["flag"].BoolValue);
    }

    [Fact]
    public async Task SetPayloadAsync_ByFilter_UpdatesOnlyMatchingPoints()
    {
        await using var c = await SeedAsync();

        await c.Client.SetPayloadAsync(c.Name, new Dictionary<string, Value> { ["flag"] = true }, MatchKeyword("b", "other"), cancellationToken: Ct);

        Assert.False((await c.GetAsync(1))!.Payload.ContainsKey("flag"));
        Assert.True((await c.GetAsync(2))!.Payload["flag"].BoolValue);
    }

    [Fact]
    public async Task OverwritePayloadAsync_ReplacesWholePayload()
    {
        await using var c = await SeedAsync();

        await c.Client.OverwritePayloadAsync(c.Name, new Dictionary<string, Value> { ["only"] = "this" }, [1ul], cancellationToken: Ct);

        var payload = (await c.GetAsync(1))!.Payload;
        Assert.Equal(["only"], payload.Keys);
    }

    [Fact]
    public async Task DeletePayloadAsync_TopLevelAndNestedPaths_RemovesThem()
    {
        await using var c = await SeedAsync();

        await c.Client.DeletePayloadAsync(c.Name, ["a", "n.x"], [1ul], cancellationToken: Ct);

        var payload = (await c.GetAsync(1))!.Payload;
        Assert.Equal(["b", "n"], payload.Keys.Order());
        Assert.Equal(["y"], payload["n"].StructValue.Fields.Keys);
    }

    [Fact]
    public async Task DeletePayloadAsync_MissingId_FailsNotFound()
    {
        await using var c = await SeedAsync();

        await AssertRpcErrorAsync(
            StatusCode.NotFound,
            "Not found: No point with id 7 found",
            () => c.Client.DeletePayloadAsync(c.Name, ["a"], [7ul], cancellationToken: Ct));
    }

    [Fact]
    public async Task ClearPayloadAsync_EmptiesPayloadAndKeepsVector()
    {
        await using var c = await SeedAsync();

        await c.Client.ClearPayloadAsync(c.Name, [1ul], cancellationToken: Ct);

        var point = await c.GetAsync(1);
        Assert.Empty(point!.Payload);
        AssertVector([1, 1], point.Dense());
        Assert.NotEmpty((await c.GetAsync(2))!.Payload);
    }

    [Fact]
    public async Task RestSetPayload_MergesAndAnswersUpdateResult()
    {
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Post, "/points/payload?wait=true", """{"payload":{"b":null,"c":[1,2]},"points":[1]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("completed", response.Result.GetProperty("status").GetString());
        var payload = (await c.GetAsync(1))!.Payload;
        Assert.Equal(["a", "c", "n"], payload.Keys.Order());
        Assert.Equal(2, payload["c"].ListValue.Values.Count);
    }

    [Fact]
    public async Task RestOverwritePayload_ReplacesPayload()
    {
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Put, "/points/payload?wait=true", """{"payload":{"z":"z"},"points":[1,2]}""");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["z"], (await c.GetAsync(1))!.Payload.Keys);
        Assert.Equal(["z"], (await c.GetAsync(2))!.Payload.Keys);
    }

    [Fact]
    public async Task RestDeletePayloadAndClear_RemoveKeysThenEverything()
    {
        await using var c = await SeedAsync();

        var delete = await c.RestAsync(HttpMethod.Post, "/points/payload/delete?wait=true", """{"keys":["b"],"filter":{"must":[{"has_id":[1,2]}]}}""");
        Assert.Equal(HttpStatusCode.OK, delete.Status);
        Assert.Equal(["a", "n"], (await c.GetAsync(1))!.Payload.Keys.Order());
        Assert.Equal(["a"], (await c.GetAsync(2))!.Payload.Keys);

        var clear = await c.RestAsync(HttpMethod.Post, "/points/payload/clear?wait=true", """{"points":[2]}""");
        Assert.Equal(HttpStatusCode.OK, clear.Status);
        Assert.Empty((await c.GetAsync(2))!.Payload);
    }

    [Fact]
    public async Task RestSetPayload_MissingId_Answers404()
    {
        await using var c = await SeedAsync();

        var response = await c.RestAsync(HttpMethod.Post, "/points/payload?wait=true", """{"payload":{"k":1},"points":[42]}""");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("Not found: No point with id 42 found", response.Error);
    }
}

public sealed class PayloadConformanceTests_Server(ServerBackend backend) : PayloadConformanceTests(backend);

public sealed class PayloadConformanceTests_InProcess(InProcessBackend backend) : PayloadConformanceTests(backend);
