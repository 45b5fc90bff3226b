using System.Net;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Conditional;

/// <summary>
/// Conditional upsert: update_filter and update_mode (QDRANT.md §6.2; src/common/update.rs::do_upsert_points,
/// lib/shard/src/update/points/upsert.rs; tests/openapi/test_conditional_update.py, test_update_mode.py).
/// </summary>
public abstract class ConditionalUpsertConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Filter VersionBelow4 => Range("version", new Qdrant.Client.Grpc.Range { Lt = 4 });

    /// <summary>Point 1 has version 1 (matches version &lt; 4), point 2 has version 5 (does not).</summary>
    private async Task<CollectionScope> SeedAsync()
    {
        var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["version"] = 1, ["old"] = true }),
            Point(2, [2, 2], new() { ["version"] = 5, ["old"] = true }));
        return c;
    }

    private static PointStruct[] Incoming(params ulong[] ids) =>
        [.. ids.Select(id => Point(id, [9, 9], new() { ["version"] = 10 }))];

    private static async Task<long?> VersionAsync(CollectionScope c, ulong id)
    {
        var point = await c.GetAsync(id);
        return point?.Payload["version"].IntegerValue;
    }

    private Task<UpdateResult> UpsertAsync(CollectionScope c, PointStruct[] points, Filter? filter, UpdateMode? mode)
    {
        var request = new UpsertPoints { CollectionName = c.Name, Wait = true };
        request.Points.AddRange(points);
        if (filter is not null)
        {
            request.UpdateFilter = filter;
        }

        if (mode is { } m)
        {
            request.UpdateMode = m;
        }

        return c.Client.UpsertAsync(request, Ct);
    }

    [Fact]
    public async Task UpsertWithUpdateFilter_ExistingMatchingPoint_IsReplaced()
    {
        await using var c = await SeedAsync();

        await c.Client.UpsertAsync(c.Name, Incoming(1), VersionBelow4, cancellationToken: Ct);

        var point = await c.GetAsync(1);
        Assert.Equal(10, point!.Payload["version"].IntegerValue);
        Assert.False(point.Payload.ContainsKey("old"));
        AssertVector([9, 9], point.Dense());
    }

    [Fact]
    public async Task UpsertWithUpdateFilter_ExistingNonMatchingPoint_IsUntouched()
    {
        await using var c = await SeedAsync();

        await c.Client.UpsertAsync(c.Name, Incoming(2), VersionBelow4, cancellationToken: Ct);

        var point = await c.GetAsync(2);
        Assert.Equal(5, point!.Payload["version"].IntegerValue);
        AssertVector([2, 2], point.Dense());
    }

    [Fact]
    public async Task UpsertWithUpdateFilter_NewId_IsInserted()
    {
        // retain_conditional_upsert_points only filters ids that already exist.
        await using var c = await SeedAsync();

        await c.Client.UpsertAsync(c.Name, Incoming(3), VersionBelow4, cancellationToken: Ct);

        Assert.Equal(10, await VersionAsync(c, 3));
    }

    [Fact]
    public async Task UpsertWithUpdateFilter_SkippedPoints_StillReportCompleted()
    {
        // The response does not say which points were skipped (test_conditional_update.py only checks response.ok).
        await using var c = await SeedAsync();

        var result = await c.Client.UpsertAsync(c.Name, Incoming(1, 2, 3), VersionBelow4, cancellationToken: Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal(10, await VersionAsync(c, 1));
        Assert.Equal(5, await VersionAsync(c, 2));
        Assert.Equal(10, await VersionAsync(c, 3));
    }

    [Fact]
    public async Task UpsertInsertOnly_ExistingUntouchedNewInserted()
    {
        // test_update_mode.py::test_insert_only_mode.
        await using var c = await SeedAsync();

        var result = await UpsertAsync(c, Incoming(1, 99), filter: null, UpdateMode.InsertOnly);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal(1, await VersionAsync(c, 1));
        Assert.True((await c.GetAsync(1))!.Payload["old"].BoolValue);
        Assert.Equal(10, await VersionAsync(c, 99));
    }

    [Fact]
    public async Task UpsertInsertOnly_UpdateFilterIsIgnored()
    {
        // do_upsert_points: insert_only drops the update_filter; point 1 matches the filter but stays untouched.
        await using var c = await SeedAsync();

        await UpsertAsync(c, Incoming(1, 3), VersionBelow4, UpdateMode.InsertOnly);

        Assert.Equal(1, await VersionAsync(c, 1));
        Assert.Equal(10, await VersionAsync(c, 3));
    }

    [Fact]
    public async Task UpsertUpdateOnly_ExistingReplacedNewDropped()
    {
        // test_update_mode.py::test_update_only_mode.
        await using var c = await SeedAsync();

        var result = await UpsertAsync(c, Incoming(1, 99), filter: null, UpdateMode.UpdateOnly);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal(10, await VersionAsync(c, 1));
        Assert.Null(await c.GetAsync(99));
    }

    [Fact]
    public async Task UpsertUpdateOnlyWithFilter_OnlyMatchingExistingReplaced()
    {
        await using var c = await SeedAsync();

        await UpsertAsync(c, Incoming(1, 2, 99), VersionBelow4, UpdateMode.UpdateOnly);

        Assert.Equal(10, await VersionAsync(c, 1));
        Assert.Equal(5, await VersionAsync(c, 2));
        Assert.Null(await c.GetAsync(99));
        Assert.Equal([1ul, 2], await c.IdsAsync());
    }

    [Fact]
    public async Task UpsertExplicitUpsertMode_BehavesAsPlainUpsert()
    {
        await using var c = await SeedAsync();

        await UpsertAsync(c, Incoming(2, 4), filter: null, UpdateMode.Upsert);

        Assert.Equal(10, await VersionAsync(c, 2));
        Assert.Equal(10, await VersionAsync(c, 4));
    }

    [Fact]
    public async Task RestConditionalUpsert_FollowsPythonScenario()
    {
        // tests/openapi/test_conditional_update.py, verbatim scenario (Dot collection, so no normalisation).
        await using var c = await CollectionScope.CreateAsync(Backend, 4, Distance.Dot);
        await c.UpsertAsync(Point(6, [0.1f, 0.2f, 0.3f, 0.4f]));
        await c.RestAsync(HttpMethod.Post, "/points/payload?wait=true", """{"points":[6],"payload":{"version":5}}""");

        var skipped = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":6,"vector":[1.1,1.2,1.3,1.4],"payload":{"version":4,"test":"test_value"}}],"update_filter":{"must":{"key":"version","range":{"lt":4}}}}""");
        Assert.Equal(HttpStatusCode.OK, skipped.Status);
        Assert.Equal(["operation_id", "status"], skipped.Result.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal("completed", skipped.Result.GetProperty("status").GetString());
        var afterSkip = await c.RestAsync(HttpMethod.Get, "/points/6");
        Assert.Equal(5, afterSkip.Result.GetProperty("payload").GetProperty("version").GetInt32());

        var applied = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":6,"vector":[1.1,1.2,1.3,1.4],"payload":{"version":6,"test":"test_value"}}],"update_filter":{"must":{"key":"version","range":{"lt":6}}}}""");
        Assert.Equal(HttpStatusCode.OK, applied.Status);
        var afterApply = await c.RestAsync(HttpMethod.Get, "/points/6");
        Assert.Equal(6, afterApply.Result.GetProperty("payload").GetProperty("version").GetInt32());
        Assert.Equal(1.1f, afterApply.Result.GetProperty("vector")[0].GetSingle(), 4);

        var vectors = await c.RestAsync(
            HttpMethod.Put,
            "/points/vectors?wait=true",
            """{"points":[{"id":6,"vector":[2.1,2.2,2.3,2.4]}],"update_filter":{"must":{"key":"version","range":{"lt":4}}}}""");
        Assert.Equal(HttpStatusCode.OK, vectors.Status);
        var afterVectors = await c.RestAsync(HttpMethod.Get, "/points/6");
        Assert.Equal(1.1f, afterVectors.Result.GetProperty("vector")[0].GetSingle(), 4);
    }

    [Fact]
    public async Task RestUpdateMode_InsertOnlyAndUpdateOnly_FollowPythonScenario()
    {
        // tests/openapi/test_update_mode.py: GET of the dropped id answers 404.
        await using var c = await CollectionScope.CreateAsync(Backend, 4, Distance.Dot);
        await c.UpsertAsync(Point(1, [0.05f, 0.61f, 0.76f, 0.74f], new() { ["city"] = "Berlin" }));

        var updateOnly = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":1,"vector":[9,9,9,9],"payload":{"updated":true}},{"id":999,"vector":[1,1,1,1],"payload":{"new":true}}],"update_mode":"update_only"}""");
        Assert.Equal(HttpStatusCode.OK, updateOnly.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await c.RestAsync(HttpMethod.Get, "/points/999")).Status);
        var one = await c.RestAsync(HttpMethod.Get, "/points/1");
        Assert.True(one.Result.GetProperty("payload").GetProperty("updated").GetBoolean());
        Assert.Equal(9f, one.Result.GetProperty("vector")[0].GetSingle(), 4);

        var insertOnly = await c.RestAsync(
            HttpMethod.Put,
            "/points?wait=true",
            """{"points":[{"id":1,"vector":[5,5,5,5],"payload":{"again":true}},{"id":999,"vector":[1,1,1,1],"payload":{"new":true}}],"update_mode":"insert_only"}""");
        Assert.Equal(HttpStatusCode.OK, insertOnly.Status);
        var oneAgain = await c.RestAsync(HttpMethod.Get, "/points/1");
        Assert.False(oneAgain.Result.GetProperty("payload").TryGetProperty("again", out _));
        var created = await c.RestAsync(HttpMethod.Get, "/points/999");
        Assert.True(created.Result.GetProperty("payload").GetProperty("new").GetBoolean());
    }
}

public sealed class ConditionalUpsertConformanceTests_Server(ServerBackend backend) : ConditionalUpsertConformanceTests(backend);

public sealed class ConditionalUpsertConformanceTests_InProcess(InProcessBackend backend) : ConditionalUpsertConformanceTests(backend);
