using System.Net;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.VectorNames;

/// <summary>
/// Named-vector CRUD, server ≥ 1.18 (QDRANT.md §4; lib/collection/src/collection/vector_name_schema.rs,
/// src/common/update.rs::do_create_vector_name, tests/openapi/test_named_vector_crud.py).
/// </summary>
public abstract class VectorNameConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static CreateVectorNameRequest Dense(string collection, string vector, ulong size, Distance distance = Distance.Cosine) => new()
    {
        CollectionName = collection,
        VectorName = vector,
        Wait = true,
        DenseConfig = new DenseVectorCreationConfig { Size = size, Distance = distance },
    };

    private static CreateVectorNameRequest Sparse(string collection, string vector, Modifier? modifier = null)
    {
        var config = new SparseVectorCreationConfig();
        if (modifier is { } m)
        {
            config.Modifier = m;
        }

        return new() { CollectionName = collection, VectorName = vector, Wait = true, SparseConfig = config };
    }

    private async Task<string> CreateNamedAsync(Scratch scratch)
    {
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, new VectorParamsMap { Map = { ["a"] = new VectorParams { Size = 4, Distance = Distance.Dot } } }, cancellationToken: Ct);
        return name;
    }

    [Fact]
    public async Task CreateVectorName_Dense_AddedToParamsMapWithoutTuning()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var result = await Backend.Client.CreateVectorNameAsync(Dense(name, "b", 8), Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        var map = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map;
        Assert.Equal(["a", "b"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(8UL, map["b"].Size);
        Assert.Equal(Distance.Cosine, map["b"].Distance);
        // dense_config_to_params: hnsw / quantization take collection defaults (unset).
        Assert.Null(map["b"].HnswConfig);
        Assert.Null(map["b"].QuantizationConfig);
    }

    [Fact]
    public async Task CreateVectorName_Sparse_AddedToSparseConfig()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        await Backend.Client.CreateVectorNameAsync(Sparse(name, "s", Modifier.Idf), Ct);

        var sparse = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.SparseVectorsConfig.Map;
        Assert.Equal(Modifier.Idf, sparse["s"].Modifier);
    }

    [Fact]
    public async Task CreateVectorName_IdenticalSchemaTwice_Idempotent()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);
        await Backend.Client.CreateVectorNameAsync(Dense(name, "b", 8), Ct);

        var again = await Backend.Client.CreateVectorNameAsync(Dense(name, "b", 8), Ct);

        Assert.Equal(UpdateStatus.Completed, again.Status);
        Assert.Equal(2, (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map.Count);
    }

    [Fact]
    public async Task CreateVectorName_ExistingDenseDifferentConfig_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Dense(name, "a", 5, Distance.Dot), Ct));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Wrong input: Vector `a` already exists with a different configuration", e.Status.Detail);
    }

    [Fact]
    public async Task CreateVectorName_DenseWhereSparseExists_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);
        await Backend.Client.CreateVectorNameAsync(Sparse(name, "s"), Ct);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Dense(name, "s", 4), Ct));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Wrong input: Vector `s` already exists as a sparse vector", e.Status.Detail);
    }

    [Fact]
    public async Task CreateVectorName_SparseWhereDenseExists_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Sparse(name, "a"), Ct));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Wrong input: Vector `a` already exists as a dense vector", e.Status.Detail);
    }

    [Fact]
    public async Task CreateVectorName_ExistingSparseDifferentModifier_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);
        await Backend.Client.CreateVectorNameAsync(Sparse(name, "s"), Ct);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Sparse(name, "s", Modifier.Idf), Ct));

        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Wrong input: Sparse vector `s` already exists with a different configuration", e.Status.Detail);
    }

    [Fact]
    public async Task CreateVectorName_OnSingleUnnamedConfig_ConvertsToMapWithEmptyKey()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(size: 4);

        await Backend.Client.CreateVectorNameAsync(Dense(name, "extra", 3), Ct);

        // VectorsConfig::insert turns Single into Multi {"": old, "extra": new}.
        var vectors = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig;
        Assert.Equal(VectorsConfig.ConfigOneofCase.ParamsMap, vectors.ConfigCase);
        Assert.Equal(["", "extra"], vectors.ParamsMap.Map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(4UL, vectors.ParamsMap.Map[""].Size);
    }

    [Fact]
    public async Task CreateVectorName_ExistingPoints_HaveNoValueForNewVector()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);
        await Backend.Client.UpsertAsync(name, [new PointStruct { Id = 1UL, Vectors = new Dictionary<string, float[]> { ["a"] = [1, 2, 3, 4] } }], cancellationToken: Ct);

        await Backend.Client.CreateVectorNameAsync(Dense(name, "b", 2), Ct);

        var point = Assert.Single(await Backend.Client.RetrieveAsync(name, 1UL, withPayload: false, withVectors: true, cancellationToken: Ct));
        Assert.Equal(["a"], point.Vectors.Vectors.Vectors.Keys);
        // Upserting a value for it afterwards works.
        await Backend.Client.UpdateVectorsAsync(name, [new PointVectors { Id = 1UL, Vectors = new Dictionary<string, float[]> { ["b"] = [1, 0] } }], cancellationToken: Ct);
        point = Assert.Single(await Backend.Client.RetrieveAsync(name, 1UL, withPayload: false, withVectors: true, cancellationToken: Ct));
        Assert.Equal(["a", "b"], point.Vectors.Vectors.Vectors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DeleteVectorName_Existing_RemovedFromConfigAndPoints()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map = { ["a"] = new VectorParams { Size = 2, Distance = Distance.Dot }, ["b"] = new VectorParams { Size = 2, Distance = Distance.Dot } },
        }, cancellationToken: Ct);
        await Backend.Client.UpsertAsync(name, [new PointStruct { Id = 1UL, Vectors = new Dictionary<string, float[]> { ["a"] = [1, 2], ["b"] = [3, 4] } }], cancellationToken: Ct);

        var result = await Backend.Client.DeleteVectorNameAsync(new DeleteVectorNameRequest { CollectionName = name, VectorName = "b", Wait = true }, Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Equal(["a"], (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map.Keys);
        var point = Assert.Single(await Backend.Client.RetrieveAsync(name, 1UL, withPayload: false, withVectors: true, cancellationToken: Ct));
        Assert.Equal(["a"], point.Vectors.Vectors.Vectors.Keys);
    }

    [Fact]
    public async Task DeleteVectorName_ThenRecreateWithOtherSize_OldDataGone()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map = { ["a"] = new VectorParams { Size = 2, Distance = Distance.Dot }, ["b"] = new VectorParams { Size = 2, Distance = Distance.Dot } },
        }, cancellationToken: Ct);
        await Backend.Client.UpsertAsync(name, [new PointStruct { Id = 1UL, Vectors = new Dictionary<string, float[]> { ["a"] = [1, 2], ["b"] = [3, 4] } }], cancellationToken: Ct);
        await Backend.Client.DeleteVectorNameAsync(new DeleteVectorNameRequest { CollectionName = name, VectorName = "b", Wait = true }, Ct);

        // tests/openapi/test_named_vector_crud.py: delete then recreate with different dims works.
        await Backend.Client.CreateVectorNameAsync(Dense(name, "b", 3, Distance.Dot), Ct);

        Assert.Equal(3UL, (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map["b"].Size);
        var point = Assert.Single(await Backend.Client.RetrieveAsync(name, 1UL, withPayload: false, withVectors: true, cancellationToken: Ct));
        Assert.Equal(["a"], point.Vectors.Vectors.Vectors.Keys);
    }

    [Fact]
    public async Task DeleteVectorName_Missing_Succeeds()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var result = await Backend.Client.DeleteVectorNameAsync(new DeleteVectorNameRequest { CollectionName = name, VectorName = "nope", Wait = true }, Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        Assert.Single((await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map);
    }

    [Fact]
    public async Task CreateVectorName_SizeZero_InvalidArgumentValidation()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Dense(name, "z", 0), Ct));

        // build.rs DenseVectorCreationConfig.size range(min = 1, max = 65536).
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("Validation error in body: [", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("size: value 0 invalid, must be from 1 to 65536", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateVectorName_ForbiddenCharInName_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateVectorNameAsync(Dense(name, "a/b", 2), Ct));

        // do_create_vector_name: "Invalid vector name `{name}`: {err}", err from validate_vector_name.
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("Wrong input: Invalid vector name `a/b`: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("vector name cannot contain \"/\" char", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RestCreateAndDeleteVectorName_UpdateResultMatchesSchema()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        (await Backend.Http.RestPutAsync($"/collections/{name}/vectors/v2?wait=true", RestCall.Json("""{"dense":{"size":6,"distance":"Dot"}}""")))
            .AssertOk().AssertSchema("put", "/collections/{collection_name}/vectors/{vector_name}");
        (await Backend.Http.RestPutAsync($"/collections/{name}/vectors/sp?wait=true", RestCall.Json("""{"sparse":{"modifier":"idf"}}"""))).AssertOk();
        var info = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk();
        Assert.Equal(6, info.Result!["config"]!["params"]!["vectors"]!["v2"]!["size"]!.GetValue<int>());
        Assert.Equal("idf", info.Result!["config"]!["params"]!["sparse_vectors"]!["sp"]!["modifier"]!.GetValue<string>());

        (await Backend.Http.RestDeleteAsync($"/collections/{name}/vectors/v2?wait=true"))
            .AssertOk().AssertSchema("delete", "/collections/{collection_name}/vectors/{vector_name}");
    }

    [Fact]
    public async Task RestCreateVectorName_SizeZeroOrTooLarge_422MentioningSize()
    {
        await using var scratch = new Scratch(Backend);
        var name = await CreateNamedAsync(scratch);

        var zero = await Backend.Http.RestPutAsync($"/collections/{name}/vectors/z?wait=true", RestCall.Json("""{"dense":{"size":0,"distance":"Cosine"}}"""));
        var huge = await Backend.Http.RestPutAsync($"/collections/{name}/vectors/h?wait=true", RestCall.Json("""{"dense":{"size":65537,"distance":"Cosine"}}"""));

        // tests/openapi/test_named_vector_crud.py::test_create_vector_rejects_zero_size / _oversize.
        Assert.Equal(HttpStatusCode.UnprocessableEntity, zero.Status);
        Assert.Contains("size", zero.Text, StringComparison.Ordinal);
        // src/actix/mod.rs: the JSON extractor's error handler is labelled "JSON body".
        Assert.StartsWith("Validation error in JSON body: [", zero.Error, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, huge.Status);
        Assert.Contains("size", huge.Text, StringComparison.Ordinal);
    }
}

public sealed class VectorNameConformanceTests_Server(ServerBackend backend) : VectorNameConformanceTests(backend);

public sealed class VectorNameConformanceTests_InProcess(InProcessBackend backend) : VectorNameConformanceTests(backend);
