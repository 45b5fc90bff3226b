using System.Net;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;
using static QdrantSchema.Conformance.Infrastructure.PointsTestData;

namespace QdrantSchema.Conformance.Filters;

/// <summary>Filter semantics (QDRANT.md §6.8; tests/openapi/test_filter*.py, test_match_except_empty.py).</summary>
public abstract class FilterConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Value Null => new() { NullValue = NullValue.NullValue };

    /// <summary>
    /// 1: Berlin, n=1, flag=true, tags [a,b]; 2: London, n=2, flag=false, tags [c]; 3: Paris, n=3, flag=true, tags [];
    /// 4: no payload at all.
    /// </summary>
    private async Task<CollectionScope> SeedCitiesAsync()
    {
        var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 0], new() { ["city"] = "Berlin", ["n"] = 1, ["flag"] = true, ["tags"] = new[] { "a", "b" } }),
            Point(2, [0, 1], new() { ["city"] = "London", ["n"] = 2, ["flag"] = false, ["tags"] = new[] { "c" } }),
            Point(3, [1, 1], new() { ["city"] = "Paris", ["n"] = 3, ["flag"] = true, ["tags"] = Array.Empty<string>() }),
            Point(4, [2, 2]));
        return c;
    }

    [Fact]
    public async Task Filter_MustMatchKeyword_SelectsEqualValues()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([1ul], await c.IdsAsync(MatchKeyword("city", "Berlin")));
    }

    [Fact]
    public async Task Filter_Should_SelectsAnyMatchingCondition()
    {
        await using var c = await SeedCitiesAsync();
        var filter = new Filter { Should = { MatchKeyword("city", "Berlin"), MatchKeyword("city", "London") } };

        Assert.Equal([1ul, 2], await c.IdsAsync(filter));
    }

    [Fact]
    public async Task Filter_MustNot_IncludesPointsWithoutTheField()
    {
        await using var c = await SeedCitiesAsync();
        var filter = new Filter { MustNot = { MatchKeyword("city", "Berlin") } };

        Assert.Equal([2ul, 3, 4], await c.IdsAsync(filter));
    }

    [Fact]
    public async Task Filter_MustAndMustNotCombined_IntersectsThem()
    {
        await using var c = await SeedCitiesAsync();
        var filter = new Filter { Must = { Match("flag", true) }, MustNot = { MatchKeyword("city", "Paris") } };

        Assert.Equal([1ul], await c.IdsAsync(filter));
    }

    [Fact]
    public async Task Filter_MinShould_RequiresAtLeastMinCountConditions()
    {
        // tests/openapi/test_filter_min_should.py.
        await using var c = await SeedCitiesAsync();
        var filter = new Filter
        {
            MinShould = new MinShould
            {
                MinCount = 2,
                Conditions = { MatchKeyword("city", "Paris"), Match("flag", true), Range("n", new Qdrant.Client.Grpc.Range { Lte = 1 }) },
            },
        };

        Assert.Equal([1ul, 3], await c.IdsAsync(filter));
    }

    [Fact]
    public async Task Filter_MatchInteger_SelectsEqualValues()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([2ul], await c.IdsAsync(Match("n", 2)));
    }

    [Fact]
    public async Task Filter_MatchBool_SelectsEqualValues()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([2ul], await c.IdsAsync(Match("flag", false)));
    }

    [Fact]
    public async Task Filter_MatchAnyKeywordsAndIntegers_SelectsAnyListedValue()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([1ul, 3], await c.IdsAsync(Match("city", ["Paris", "Berlin", "Rome"])));
        Assert.Equal([2ul, 3], await c.IdsAsync(Match("n", [2L, 3L])));
    }

    [Fact]
    public async Task Filter_MatchExcept_SelectsPointsWithOtherValues()
    {
        // tests/openapi/test_match_except_empty.py: except [1] excludes only point 1 among points having the field.
        await using var c = await SeedCitiesAsync();

        var ids = await c.IdsAsync(new Filter { Must = { MatchExcept("city", ["Berlin"]) }, MustNot = { IsEmpty("city") } });

        Assert.Equal([2ul, 3], ids);
    }

    [Fact]
    public async Task Filter_Range_AppliesBounds()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([2ul, 3], await c.IdsAsync(Range("n", new Qdrant.Client.Grpc.Range { Gt = 1, Lte = 3 })));
        Assert.Equal([1ul], await c.IdsAsync(Range("n", new Qdrant.Client.Grpc.Range { Lt = 2 })));
    }

    [Fact]
    public async Task Filter_DatetimeRange_ComparesRfc3339Values()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["at"] = "2024-01-01T00:00:00Z" }),
            Point(2, [1, 1], new() { ["at"] = "2024-06-15T12:30:00Z" }),
            Point(3, [1, 1], new() { ["at"] = "2025-01-01T00:00:00Z" }));

        var ids = await c.IdsAsync(DatetimeRange(
            "at",
            gte: new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc),
            lt: new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc)));

        Assert.Equal([2ul], ids);
    }

    [Fact]
    public async Task Filter_HasId_SelectsListedIdsOnly()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([2ul, 4], await c.IdsAsync(HasId([4ul, 2ul, 99ul])));
    }

    [Fact]
    public async Task Filter_ArrayValue_MatchesWhenAnyElementMatches()
    {
        await using var c = await SeedCitiesAsync();

        Assert.Equal([1ul], await c.IdsAsync(MatchKeyword("tags", "b")));
    }

    [Fact]
    public async Task Filter_NestedKeyPath_MatchesInsideObjects()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["obj"] = new Dictionary<string, Value> { ["inner"] = "x" } }),
            Point(2, [1, 1], new() { ["obj"] = new Dictionary<string, Value> { ["inner"] = "y" } }));

        Assert.Equal([2ul], await c.IdsAsync(MatchKeyword("obj.inner", "y")));
    }

    [Fact]
    public async Task Filter_IsEmpty_MatchesMissingNullAndEmptyArray()
    {
        // tests/openapi/test_filter_is_empty.py: explicit null and missing are empty; §6.8: [] too.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["v"] = Null }),
            Point(2, [1, 1], new() { ["other"] = 1 }),
            Point(3, [1, 1], new() { ["v"] = Array.Empty<string>() }),
            Point(4, [1, 1], new() { ["v"] = "live" }));

        Assert.Equal([1ul, 2, 3], await c.IdsAsync(IsEmpty("v")));
    }

    [Fact]
    public async Task Filter_IsNull_MatchesOnlyExplicitNull()
    {
        // lib/segment/src/common/utils.rs: is_null is true when a value at the path is null; missing is not null.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new() { ["v"] = Null }),
            Point(2, [1, 1], new() { ["other"] = 1 }),
            Point(3, [1, 1], new() { ["v"] = Array.Empty<string>() }),
            Point(4, [1, 1], new() { ["v"] = "live" }));

        Assert.Equal([1ul], await c.IdsAsync(IsNull("v")));
    }

    [Fact]
    public async Task Filter_ValuesCount_CountsArrayElements()
    {
        // tests/openapi/test_filter_values_count.py.
        await using var c = await SeedCitiesAsync();

        Assert.Equal([1ul], await c.IdsAsync(ValuesCount("tags", new ValuesCount { Gte = 2 })));
        Assert.Equal([2ul], await c.IdsAsync(ValuesCount("tags", new ValuesCount { Gte = 1, Lt = 2 })));
    }

    [Fact]
    public async Task Filter_Nested_RequiresOneArrayElementToMatchAllConditions()
    {
        // tests/openapi/test_nested_payload_query.py: nested evaluates the inner filter per array element.
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(
            Point(1, [1, 1], new()
            {
                ["items"] = new Value[]
                {
                    new Dictionary<string, Value> { ["a"] = 1, ["b"] = "x" },
                    new Dictionary<string, Value> { ["a"] = 2, ["b"] = "y" },
                },
            }),
            Point(2, [1, 1], new()
            {
                ["items"] = new Value[] { new Dictionary<string, Value> { ["a"] = 1, ["b"] = "y" } },
            }));
        var inner = new Filter { Must = { Match("a", 1), MatchKeyword("b", "y") } };
        var flat = new Filter { Must = { Match("items[].a", 1), MatchKeyword("items[].b", "y") } };

        Assert.Equal([2ul], await c.IdsAsync(Nested("items", inner)));
        Assert.Equal([1ul, 2], await c.IdsAsync(flat));
    }

    [Fact]
    public async Task Filter_HasVector_SelectsPointsCarryingThatVector()
    {
        // tests/openapi/test_filter_has_vector.py.
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot), ("b", 2, Distance.Dot));
        await c.UpsertAsync(
            Point(1, new Dictionary<string, float[]> { ["a"] = [1, 1] }),
            Point(2, new Dictionary<string, float[]> { ["a"] = [1, 1], ["b"] = [1, 1] }),
            Point(3, new Dictionary<string, float[]> { ["b"] = [1, 1] }));

        Assert.Equal([2ul, 3], await c.IdsAsync(HasVector("b")));
        Assert.Equal([1ul, 2], await c.IdsAsync(HasVector("a")));
    }

    [Fact]
    public async Task Filter_HasVectorOnNewlyCreatedName_MatchesNoExistingPoint()
    {
        // lib/segment/src/segment/vector_name_ops.rs: a new vector name starts empty for existing points (QDRANT.md §4).
        await using var c = await CollectionScope.CreateNamedAsync(Backend, ("a", 2, Distance.Dot));
        await c.UpsertAsync(Point(1, new Dictionary<string, float[]> { ["a"] = [1, 1] }), Point(2, new Dictionary<string, float[]> { ["a"] = [1, 1] }));
        await c.Client.CreateVectorNameAsync(
            new CreateVectorNameRequest
            {
                CollectionName = c.Name,
                VectorName = "fresh",
                Wait = true,
                DenseConfig = new DenseVectorCreationConfig { Size = 2, Distance = Distance.Dot },
            },
            Ct);

        Assert.Empty(await c.IdsAsync(HasVector("fresh")));

        await c.UpsertAsync(Point(3, new Dictionary<string, float[]> { ["a"] = [1, 1], ["fresh"] = [2, 2] }));

        Assert.Equal([3ul], await c.IdsAsync(HasVector("fresh")));
        Assert.Equal([1ul, 2, 3], await c.IdsAsync(HasVector("a")));
    }

    [Fact]
    public async Task RestScroll_JsonFilter_AppliesMustShouldAndMustNot()
    {
        await using var c = await SeedCitiesAsync();

        var response = await c.RestAsync(
            HttpMethod.Post,
            "/points/scroll",
            """
            {"filter":{
               "must":[{"key":"flag","match":{"value":true}}],
               "should":[{"key":"n","range":{"gte":3}},{"has_id":[1]}],
               "must_not":[{"key":"tags","match":{"any":["b"]}}]},
             "limit":10}
            """);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal([3ul], response.Result.GetProperty("points").NumIds());
    }

    [Fact]
    public async Task RestCount_IsEmptyAndIsNullJson_CountsAsGrpcDoes()
    {
        await using var c = await CollectionScope.CreateAsync(Backend);
        await c.UpsertAsync(Point(1, [1, 1], new() { ["v"] = Null }), Point(2, [1, 1]), Point(3, [1, 1], new() { ["v"] = 0 }));

        var empty = await c.RestAsync(HttpMethod.Post, "/points/count", """{"filter":{"must":[{"is_empty":{"key":"v"}}]}}""");
        var isNull = await c.RestAsync(HttpMethod.Post, "/points/count", """{"filter":{"must":[{"is_null":{"key":"v"}}]}}""");

        Assert.Equal(2, empty.Result.GetProperty("count").GetInt32());
        Assert.Equal(1, isNull.Result.GetProperty("count").GetInt32());
    }
}

public sealed class FilterConformanceTests_Server(ServerBackend backend) : FilterConformanceTests(backend);

public sealed class FilterConformanceTests_InProcess(InProcessBackend backend) : FilterConformanceTests(backend);
