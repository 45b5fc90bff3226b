using System.Net;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Batch;

/// <summary>UpdateBatch applies its operations in order (tests/openapi/test_batch_update.py).</summary>
public abstract class UpdateBatchConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PointsSelector Ids(params ulong[] ids)
    {
        var list = new PointsIdsList();
        foreach (var id in ids)
        {
            list.Ids.Add(id);
        }

        return new PointsSelector { Points = list };
    }

    private static PointsUpdateOperation Upsert(params PointStruct[] points)
    {
        var list = new PointsUpdateOperation.Types.PointStructList();
        list.Points.AddRange(points);
        return new PointsUpdateOperation { Upsert = list };
    }

    [Fact]
    public async Task UpdateBatchAsync_UpsertDeleteUpsert_AppliesInOrder()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var results = await c.Client.UpdateBatchAsync(
            c.Name,
            [
                Upsert(Point(7, [1, 2]), Point(8, [1, 2])),
                new PointsUpdateOperation { DeletePoints = new PointsUpdateOperation.Types.DeletePoints { Points = Ids(8) } },
                Upsert(Point(7, [2, 1])),
            ],
            cancellationToken: Ct);

        Assert.Equal(3, results.Count);
        Assert.All(results, r => Assert.Equal(UpdateStatus.Completed, r.Status));
        Assert.Equal([7ul], await c.IdsAsync());
        AssertVector([2, 1], (await c.GetAsync(7))!.Dense());
    }

    [Fact]
    public async Task UpdateBatchAsync_PayloadOperations_SeeEarlierOperations()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        var set = new PointsUpdateOperation.Types.SetPayload { PointsSelector = Ids(1) };
        set.Payload["a"] = 1;
        set.Payload["b"] = 2;
        var overwrite = new PointsUpdateOperation.Types.OverwritePayload { PointsSelector = Ids(2) };
        overwrite.Payload["only"] = "x";
        var deleteKeys = new PointsUpdateOperation.Types.DeletePayload { PointsSelector = Ids(1), Keys = { "a" } };

        await c.Client.UpdateBatchAsync(
            c.Name,
            [
                Upsert(Point(1, [1, 1], new() { ["keep"] = true }), Point(2, [1, 1], new() { ["drop"] = true })),
                new PointsUpdateOperation { SetPayload = set },
                new PointsUpdateOperation { OverwritePayload = overwrite },
                new PointsUpdateOperation { DeletePayload = deleteKeys },
            ],
            cancellationToken: Ct);

        Assert.Equal(["b", "keep"], (await c.GetAsync(1))!.Payload.Keys.Order());
        Assert.Equal(["only"], (await c.GetAsync(2))!.Payload.Keys);
    }

    [Fact]
    public async Task UpdateBatchAsync_UpdateAndDeleteVectors_AppliedAfterUpsert()
    {
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        var update = new PointsUpdateOperation.Types.UpdateVectors
        {
            Points = { new PointVectors { Id = 1, Vectors = new Dictionary<string, float[]> { ["a"] = [5, 5] } } },
        };
        var delete = new PointsUpdateOperation.Types.DeleteVectors
        {
            PointsSelector = Ids(1),
            Vectors = new VectorsSelector { Names = { "b" } },
        };

        await c.Client.UpdateBatchAsync(
            c.Name,
            [
                Upsert(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 1], ["b"] = [2, 2] })),
                new PointsUpdateOperation { UpdateVectors = update },
                new PointsUpdateOperation { DeleteVectors = delete },
            ],
            cancellationToken: Ct);

        var point = (await c.GetAsync(1))!;
        Assert.Equal(["a"], point.VectorNames());
        AssertVector([5, 5], point.Dense("a"));
    }

    [Fact]
    public async Task RestBatch_Operations_ReturnOneUpdateResultEach()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        var response = await c.RestAsync(
            HttpMethod.Post,
            "/points/batch?wait=true",
            """
            {"operations":[
              {"upsert":{"points":[{"id":1,"vector":[1,2],"payload":{}},{"id":2,"vector":[1,2]}]}},
              {"delete":{"points":[2]}},
              {"set_payload":{"payload":{"k":"v"},"points":[1]}}
            ]}
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(JsonValueKind.Array, response.Result.ValueKind);
        Assert.Equal(3, response.Result.GetArrayLength());
        Assert.All(response.Result.EnumerateArray(), r => Assert.Equal("completed", r.GetProperty("status").GetString()));
        Assert.Equal([1ul], await c.IdsAsync());
        Assert.Equal("v", (await c.GetAsync(1))!.Payload["k"].StringValue);
    }
}

public sealed class UpdateBatchConformanceTests_Server(ServerBackend backend) : UpdateBatchConformanceTests(backend);

public sealed class UpdateBatchConformanceTests_InProcess(InProcessBackend backend) : UpdateBatchConformanceTests(backend);
