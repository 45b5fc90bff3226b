using System.Net;
using System.Text.Json;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Scroll;

/// <summary>Scroll and count (QDRANT.md §6.4, §6.5; lib/collection/src/collection/point_ops.rs::scroll_by).</summary>
public abstract class ScrollConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Points 1..count, payload {"n": id, "even": id % 2 == 0}, inserted in reverse order.</summary>
    private async Task<CollectionScope> SeedAsync(int count)
    {
        var c = await CollectionScope.CreateAsync(Backend);
        var points = Enumerable.Range(1, count).Reverse()
            .Select(i => Point((ulong)i, [i, 1], new() { ["n"] = i, ["even"] = i % 2 == 0 }))
            .ToArray();
        await c.UpsertAsync(points);
        return c;
    }

    [Fact]
    public async Task RestScroll_NoLimit_ReturnsTenPointsAndNextOffset()
    {
        // ScrollRequestInternal.limit: "Page size. Default: 10" (lib/shard/src/scroll.rs).
        await using var c = await SeedAsync(12);

        var response = await c.RestAsync(HttpMethod.Post, "/points/scroll", "{}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("ok", response.Body.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Number, response.Body.GetProperty("time").ValueKind);
        var points = response.Result.GetProperty("points");
        Assert.Equal([1ul, 2, 3, 4, 5, 6, 7, 8, 9, 10], points.NumIds());
        Assert.Equal(11, response.Result.GetProperty("next_page_offset").GetInt32());
    }

    [Fact]
    public async Task RestScroll_LastPage_HasNullNextOffset()
    {
        await using var c = await SeedAsync(3);

        var response = await c.RestAsync(HttpMethod.Post, "/points/scroll", """{"offset":2,"limit":5}""");

        Assert.Equal([2ul, 3], response.Result.GetProperty("points").NumIds());
        Assert.Equal(JsonValueKind.Null, response.Result.GetProperty("next_page_offset").ValueKind);
    }

    [Fact]
    public async Task RestScroll_Defaults_IncludePayloadButNoVector()
    {
        await using var c = await SeedAsync(1);

        var response = await c.RestAsync(HttpMethod.Post, "/points/scroll", """{"limit":1}""");

        var point = response.Result.GetProperty("points")[0];
        Assert.Equal(1, point.GetProperty("payload").GetProperty("n").GetInt32());
        Assert.False(point.TryGetProperty("vector", out var v) && v.ValueKind != JsonValueKind.Null);
    }

    [Fact]
    public async Task ScrollAsync_LimitZero_FailsValidation()
    {
        // lib/api/build.rs: ScrollPoints.limit range(min = 1); src/tonic/api/mod.rs labels "Validation error in body".
        await using var c = await SeedAsync(2);

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Validation error in body: [limit: value 0 invalid, must be 1 or larger]",
            () => c.Client.ScrollAsync(c.Name, limit: 0, cancellationToken: Ct));
    }

    [Fact]
    public async Task RestScroll_LimitZero_Answers422()
    {
        // src/actix/mod.rs validation_error_handler: Validate errors → 422 "Validation error in JSON body: [...]".
        await using var c = await SeedAsync(2);

        var response = await c.RestAsync(HttpMethod.Post, "/points/scroll", """{"limit":0}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.StartsWith("Validation error in JSON body: [", response.Error, StringComparison.Ordinal);
        Assert.Contains("limit: value 0 invalid, must be 1 or larger]", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScrollAsync_Offset_IsInclusiveAndNextOffsetIsFirstOfNextPage()
    {
        await using var c = await SeedAsync(6);

        var page = await c.Client.ScrollAsync(c.Name, limit: 2, offset: 3, cancellationToken: Ct);

        Assert.Equal([3ul, 4], page.Result.NumIds());
        Assert.Equal(5ul, page.NextPageOffset.Num);
    }

    [Fact]
    public async Task ScrollAsync_LastPage_HasNoNextOffset()
    {
        await using var c = await SeedAsync(3);

        var page = await c.Client.ScrollAsync(c.Name, limit: 3, cancellationToken: Ct);

        Assert.Equal([1ul, 2, 3], page.Result.NumIds());
        Assert.Null(page.NextPageOffset);
    }

    [Fact]
    public async Task ScrollAsync_MixedIds_NumericSortBeforeUuids()
    {
        // ExtendedPointId derives Ord with NumId first (lib/segment/src/types.rs).
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            new PointStruct { Id = Guid.Parse("00000000-0000-0000-0000-000000000001"), Vectors = new[] { 1f, 1f } },
            Point(1000, [1, 1]),
            new PointStruct { Id = Guid.Parse("ffffffff-0000-0000-0000-000000000000"), Vectors = new[] { 1f, 1f } },
            Point(2, [1, 1]));

        var page = await c.Client.ScrollAsync(c.Name, limit: 10, cancellationToken: Ct);

        Assert.Equal(
            ["2", "1000", "00000000-0000-0000-0000-000000000001", "ffffffff-0000-0000-0000-000000000000"],
            page.Result.Select(p => p.Id.HasNum ? p.Id.Num.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Id.Uuid));
    }

    [Fact]
    public async Task ScrollAsync_PageEndsOnNumeric_NextOffsetIsUuid()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            new PointStruct { Id = Guid.Parse("11111111-2222-3333-4444-555555555555"), Vectors = new[] { 1f, 1f } },
            Point(7, [1, 1]));

        var page = await c.Client.ScrollAsync(c.Name, limit: 1, cancellationToken: Ct);

        Assert.Equal([7ul], page.Result.NumIds());
        Assert.Equal("11111111-2222-3333-4444-555555555555", page.NextPageOffset.Uuid);
    }

    [Fact]
    public async Task ScrollAsync_Filter_ReturnsOnlyMatchingPoints()
    {
        await using var c = await SeedAsync(6);

        var page = await c.Client.ScrollAsync(c.Name, Match("even", true), limit: 2, cancellationToken: Ct);

        Assert.Equal([2ul, 4], page.Result.NumIds());
        Assert.Equal(6ul, page.NextPageOffset.Num);
    }

    [Fact]
    public async Task ScrollAsync_OrderByWithoutRangeIndex_FailsWithIndexError()
    {
        // OperationError::MissingRangeIndexForOrderBy (lib/segment/src/common/operation_error.rs).
        await using var c = await SeedAsync(3);

        await AssertRpcErrorAsync(
            StatusCode.InvalidArgument,
            "Wrong input: No range index for `order_by` key: `n`. Please create one to use `order_by`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload schemas support Range conditions",
            () => c.Client.ScrollAsync(c.Name, limit: 10, orderBy: "n", cancellationToken: Ct));
    }

    [Fact]
    public async Task ScrollAsync_OrderByIndexedField_OrdersByValueWithoutNextOffset()
    {
        // scroll_by with order_by: results ordered by (value, id); next_page_offset is always None.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["rank"] = 30 }),
            Point(2, [1, 1], new() { ["rank"] = 10 }),
            Point(3, [1, 1], new() { ["rank"] = 20 }),
            Point(4, [1, 1], new() { ["rank"] = 10 }));
        await c.Client.CreatePayloadIndexAsync(c.Name, "rank", PayloadSchemaType.Integer, cancellationToken: Ct);

        var asc = await c.Client.ScrollAsync(c.Name, limit: 3, orderBy: new OrderBy { Key = "rank", Direction = Direction.Asc }, cancellationToken: Ct);
        var desc = await c.Client.ScrollAsync(c.Name, limit: 10, orderBy: new OrderBy { Key = "rank", Direction = Direction.Desc }, cancellationToken: Ct);

        Assert.Equal([10L, 10, 20], asc.Result.Select(p => p.OrderValue.Int));
        Assert.Equal(new ulong[] { 2, 4 }, asc.Result.Take(2).NumIds().Order());
        Assert.Equal(3ul, asc.Result[2].Id.Num);
        Assert.Null(asc.NextPageOffset);
        Assert.Equal([30L, 20, 10, 10], desc.Result.Select(p => p.OrderValue.Int));
        Assert.Null(desc.NextPageOffset);
    }

    [Fact]
    public async Task CountAsync_Exact_CountsAllPoints()
    {
        await using var c = await SeedAsync(7);

        Assert.Equal(7ul, await c.Client.CountAsync(c.Name, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task CountAsync_WithFilter_CountsMatchingPoints()
    {
        await using var c = await SeedAsync(7);

        Assert.Equal(3ul, await c.Client.CountAsync(c.Name, Match("even", true), exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task RestCount_DefaultExactWithFilter_ReturnsCountObject()
    {
        await using var c = await SeedAsync(7);

        var all = await c.RestAsync(HttpMethod.Post, "/points/count", "{}");
        var filtered = await c.RestAsync(HttpMethod.Post, "/points/count", """{"filter":{"must":[{"key":"n","range":{"gte":5}}]},"exact":true}""");

        Assert.Equal(HttpStatusCode.OK, all.Status);
        Assert.Equal(7, all.Result.GetProperty("count").GetInt32());
        Assert.Equal(3, filtered.Result.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task CountAsync_EmptyCollection_IsZero()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);

        Assert.Equal(0ul, await c.Client.CountAsync(c.Name, cancellationToken: Ct));
    }
}

public sealed class ScrollConformanceTests_Server(ServerBackend backend) : ScrollConformanceTests(backend);

public sealed class ScrollConformanceTests_InProcess(InProcessBackend backend) : ScrollConformanceTests(backend);
