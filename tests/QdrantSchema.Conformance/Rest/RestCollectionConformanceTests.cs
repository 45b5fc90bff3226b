using System.Net;
using System.Text.Json.Nodes;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Rest;

/// <summary>REST-only facts about collections and aliases, each body checked against Qdrant's OpenAPI schema (QDRANT.md §1.2, §3, §5).</summary>
public abstract class RestCollectionConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string CollectionPath = "/collections/{collection_name}";

    [Fact]
    public async Task Create_Put_TrueAndInfoMatchesSchema()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();

        var created = (await Backend.Http.RestPutAsync($"/collections/{name}", RestCall.Json("""
            {"vectors":{"text":{"size":4,"distance":"Cosine"}},"sparse_vectors":{"s":{}},"hnsw_config":{"m":20},"metadata":{"k":"v"}}
            """))).AssertOk().AssertSchema("put", CollectionPath);

        Assert.True(created.Result!.GetValue<bool>());
        Assert.True(created.Json!["time"] is not null);
        var info = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk().AssertSchema("get", CollectionPath).Result!;
        Assert.Equal("green", info["status"]!.GetValue<string>());
        Assert.Equal("ok", info["optimizer_status"]!.GetValue<string>());
        Assert.Equal(4, info["config"]!["params"]!["vectors"]!["text"]!["size"]!.GetValue<int>());
        Assert.Equal("Cosine", info["config"]!["params"]!["vectors"]!["text"]!["distance"]!.GetValue<string>());
        Assert.Equal(20, info["config"]!["hnsw_config"]!["m"]!.GetValue<int>());
        Assert.Equal(0, info["points_count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Create_Existing_409WithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = await Backend.Http.RestPutAsync($"/collections/{name}", RestCall.Json("""{"vectors":{"size":4,"distance":"Dot"}}"""));

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        response.AssertSchema("put", CollectionPath);
        Assert.Equal($"Wrong input: Collection `{name}` already exists!", response.Error);
    }

    [Fact]
    public async Task Create_AliasName_400()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var response = await Backend.Http.RestPutAsync($"/collections/{alias}", RestCall.Json("""{"vectors":{"size":4,"distance":"Dot"}}"""));

        // tests/openapi/test_alias.py::test_cant_create_collection_if_alias_exists.
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"Wrong input: Can't create collection with name {alias}. Alias with the same name already exists", response.Error);
    }

    [Fact]
    public async Task Create_ForbiddenCharInPath_422ValidationInPath()
    {
        var response = await Backend.Http.RestPutAsync("/collections/bad*name", RestCall.Json("""{"vectors":{"size":4,"distance":"Dot"}}"""));

        // StrictCollectionPath (src/actix/api/mod.rs); src/actix/mod.rs labels the path extractor "path parameters".
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("Validation error in path parameters: [collection_name: collection name cannot contain \"*\" char]", response.Error);
    }

    [Fact]
    public async Task Get_Missing_404WithQdrantTextAndErrorSchema()
    {
        var name = QdrantBackend.NewName("missing");

        var response = await Backend.Http.RestGetAsync($"/collections/{name}");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        response.AssertSchema("get", CollectionPath);
        Assert.Equal($"Not found: Collection `{name}` doesn't exist!", response.Error);
        Assert.True(response.Json!["time"] is not null);
    }

    [Fact]
    public async Task List_Get_SortedNamesMatchSchema()
    {
        await using var scratch = new Scratch(Backend);
        var a = await scratch.CreateAsync();
        var b = await scratch.CreateAsync();

        var response = (await Backend.Http.RestGetAsync("/collections")).AssertOk().AssertSchema("get", "/collections");

        var names = response.Result!["collections"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()).ToList();
        Assert.Contains(a, names);
        Assert.Contains(b, names);
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Exists_CollectionAliasMissing_TrueTrueFalse()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var yes = (await Backend.Http.RestGetAsync($"/collections/{collection}/exists")).AssertOk().AssertSchema("get", "/collections/{collection_name}/exists");
        var viaAlias = (await Backend.Http.RestGetAsync($"/collections/{alias}/exists")).AssertOk();
        var no = (await Backend.Http.RestGetAsync($"/collections/{QdrantBackend.NewName("wrong")}/exists")).AssertOk();

        Assert.True(yes.Result!["exists"]!.GetValue<bool>());
        Assert.True(viaAlias.Result!["exists"]!.GetValue<bool>());
        Assert.False(no.Result!["exists"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Delete_MissingOrAlias_200ResultFalse()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var missing = (await Backend.Http.RestDeleteAsync($"/collections/{QdrantBackend.NewName("missing")}")).AssertOk().AssertSchema("delete", CollectionPath);
        var byAlias = (await Backend.Http.RestDeleteAsync($"/collections/{alias}")).AssertOk();

        Assert.False(missing.Result!.GetValue<bool>());
        Assert.False(byAlias.Result!.GetValue<bool>());
        Assert.True(await Backend.Client.CollectionExistsAsync(collection, Ct));
    }

    [Fact]
    public async Task Delete_Existing_200ResultTrue()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = (await Backend.Http.RestDeleteAsync($"/collections/{name}")).AssertOk();

        Assert.True(response.Result!.GetValue<bool>());
        Assert.False(await Backend.Client.CollectionExistsAsync(name, Ct));
    }

    [Fact]
    public async Task Patch_ImmutableParams_IgnoredSilently()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(size: 4);

        // VectorParamsDiff / UpdateCollection have no deny_unknown_fields: size/distance/shard_number are dropped.
        var response = (await Backend.Http.RestPatchAsync($"/collections/{name}", RestCall.Json("""{"vectors":{"":{"size":8,"distance":"Euclid"}},"shard_number":5}""")))
            .AssertOk().AssertSchema("patch", CollectionPath);

        Assert.True(response.Result!.GetValue<bool>());
        var p = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params;
        Assert.Equal(4UL, p.VectorsConfig.Params.Size);
        Assert.Equal(Qdrant.Client.Grpc.Distance.Dot, p.VectorsConfig.Params.Distance);
        Assert.Equal(1U, p.ShardNumber);
    }

    [Fact]
    public async Task Patch_EmptyBody_Ok()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = (await Backend.Http.RestPatchAsync($"/collections/{name}", new JsonObject())).AssertOk();

        Assert.True(response.Result!.GetValue<bool>());
    }

    [Fact]
    public async Task Patch_UnknownVectorName_400WithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = await Backend.Http.RestPatchAsync($"/collections/{name}", RestCall.Json("""{"vectors":{"i_do_no_exist":{"on_disk":true}}}"""));

        // tests/openapi/test_collection_update_multivec.py:228-230.
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Wrong input: Not existing vector name error: i_do_no_exist", response.Error);
    }

    [Fact]
    public async Task Patch_OptimizersAndHnsw_MergedAndReportedOverRest()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        (await Backend.Http.RestPatchAsync($"/collections/{name}", RestCall.Json("""{"optimizers_config":{"indexing_threshold":2000},"hnsw_config":{"ef_construct":123}}"""))).AssertOk();

        var config = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk().Result!["config"]!;
        Assert.Equal(2000, config["optimizer_config"]!["indexing_threshold"]!.GetValue<int>());
        Assert.Equal(123, config["hnsw_config"]!["ef_construct"]!.GetValue<int>());
        Assert.Equal(16, config["hnsw_config"]!["m"]!.GetValue<int>());
    }

    [Fact]
    public async Task Aliases_PostListAndPerCollection_MatchSchema()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        var body = new JsonObject
        {
            ["actions"] = new JsonArray(new JsonObject { ["create_alias"] = new JsonObject { ["collection_name"] = collection, ["alias_name"] = alias } }),
        };

        var posted = (await Backend.Http.RestPostAsync("/collections/aliases", body)).AssertOk().AssertSchema("post", "/collections/aliases");
        var all = (await Backend.Http.RestGetAsync("/aliases")).AssertOk().AssertSchema("get", "/aliases");
        var mine = (await Backend.Http.RestGetAsync($"/collections/{collection}/aliases")).AssertOk().AssertSchema("get", "/collections/{collection_name}/aliases");

        Assert.True(posted.Result!.GetValue<bool>());
        Assert.Contains(all.Result!["aliases"]!.AsArray(), a => a!["alias_name"]!.GetValue<string>() == alias && a["collection_name"]!.GetValue<string>() == collection);
        var only = Assert.Single(mine.Result!["aliases"]!.AsArray());
        Assert.Equal(alias, only!["alias_name"]!.GetValue<string>());
        Assert.Equal(collection, only["collection_name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Aliases_CreateNamedLikeCollection_409()
    {
        await using var scratch = new Scratch(Backend);
        var target = await scratch.CreateAsync();
        var other = await scratch.CreateAsync();
        var body = new JsonObject
        {
            ["actions"] = new JsonArray(new JsonObject { ["create_alias"] = new JsonObject { ["collection_name"] = target, ["alias_name"] = other } }),
        };

        var response = await Backend.Http.RestPostAsync("/collections/aliases", body);

        // tests/openapi/test_alias.py::test_cant_create_alias_if_collection_exists.
        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal($"Wrong input: Collection `{other}` already exists!", response.Error);
    }

    [Fact]
    public async Task Aliases_RenameMissing_404WithQdrantText()
    {
        var from = QdrantBackend.NewName("a");
        var body = new JsonObject
        {
            ["actions"] = new JsonArray(new JsonObject { ["rename_alias"] = new JsonObject { ["old_alias_name"] = from, ["new_alias_name"] = QdrantBackend.NewName("a") } }),
        };

        var response = await Backend.Http.RestPostAsync("/collections/aliases", body);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal($"Not found: Alias {from} does not exists!", response.Error);
    }

    [Fact]
    public async Task Query_ViaAlias_ResolvesAndAfterDeleteIs404()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        await scratch.UpsertAsync(collection, 4);
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var hit = (await Backend.Http.RestPostAsync($"/collections/{alias}/points/query", RestCall.Json("""{"query":[0.2,0.1,0.9,0.7],"limit":3}"""))).AssertOk();
        await Backend.Client.DeleteAliasAsync(alias, cancellationToken: Ct);
        var miss = await Backend.Http.RestPostAsync($"/collections/{alias}/points/query", RestCall.Json("""{"query":[0.2,0.1,0.9,0.7],"limit":3}"""));

        // tests/openapi/test_alias.py::test_alias_operations.
        Assert.Equal(3, hit.Result!["points"]!.AsArray().Count);
        Assert.Equal(HttpStatusCode.NotFound, miss.Status);
    }
}

public sealed class RestCollectionConformanceTests_Server(ServerBackend backend) : RestCollectionConformanceTests(backend);

public sealed class RestCollectionConformanceTests_InProcess(InProcessBackend backend) : RestCollectionConformanceTests(backend);
