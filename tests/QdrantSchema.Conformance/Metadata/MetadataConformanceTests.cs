using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.Metadata;

/// <summary>Collection metadata (QDRANT.md §3.5; lib/collection/src/collection/collection_ops.rs::update_metadata, merge_map).</summary>
public abstract class MetadataConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Value Null => new() { NullValue = NullValue.NullValue };

    private static VectorParams Vector => new() { Size = 4, Distance = Distance.Dot };

    [Fact]
    public async Task Create_WithMetadata_ReadBackOverGrpc()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        var nested = new Value { StructValue = new Struct { Fields = { ["x"] = 1, ["y"] = "z" } } };
        await Backend.Client.CreateCollectionAsync(name, Vector, new Dictionary<string, Value> { ["owner"] = "team-a", ["version"] = 3, ["nested"] = nested }, cancellationToken: Ct);

        var metadata = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;

        Assert.Equal(3, metadata.Count);
        Assert.Equal("team-a", metadata["owner"].StringValue);
        Assert.Equal(3, metadata["version"].IntegerValue);
        Assert.Equal(1, metadata["nested"].StructValue.Fields["x"].IntegerValue);
    }

    [Fact]
    public async Task Update_SequenceOfPatches_ShallowMergeAndNullDeletes()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        // The exact sequence of tests/openapi/test_collection_metadata.py.
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["new_meta"] = "value" }, cancellationToken: Ct);
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["new_meta_2"] = "value2" }, cancellationToken: Ct);
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["new_meta"] = "value3" }, cancellationToken: Ct);
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["new_meta_2"] = Null }, cancellationToken: Ct);

        var metadata = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;
        Assert.Single(metadata);
        Assert.Equal("value3", metadata["new_meta"].StringValue);
    }

    [Fact]
    public async Task Update_NestedObject_ReplacedWholeNotDeepMerged()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        var before = new Value { StructValue = new Struct { Fields = { ["a"] = 1, ["b"] = 2 } } };
        await Backend.Client.CreateCollectionAsync(name, Vector, new Dictionary<string, Value> { ["obj"] = before, ["keep"] = true }, cancellationToken: Ct);

        var after = new Value { StructValue = new Struct { Fields = { ["c"] = 3 } } };
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["obj"] = after }, cancellationToken: Ct);

        var metadata = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;
        Assert.Equal(["c"], metadata["obj"].StructValue.Fields.Keys);
        Assert.True(metadata["keep"].BoolValue);
    }

    [Fact]
    public async Task Update_NullWhenNothingStoredYet_StoredVerbatim()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        // update_metadata: with no metadata yet the whole map is stored as given (merge_map is not used), nulls included.
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value> { ["gone"] = Null, ["kept"] = "x" }, cancellationToken: Ct);

        var metadata = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;
        Assert.Equal(2, metadata.Count);
        Assert.Equal(Value.KindOneofCase.NullValue, metadata["gone"].KindCase);
        Assert.Equal("x", metadata["kept"].StringValue);
    }

    [Fact]
    public async Task Update_EmptyMap_LeavesMetadataUnchanged()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, Vector, new Dictionary<string, Value> { ["a"] = 1 }, cancellationToken: Ct);

        // conversions.rs: an empty gRPC metadata map means "no change".
        await Backend.Client.UpdateCollectionAsync(name, new Dictionary<string, Value>(), cancellationToken: Ct);

        var metadata = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;
        Assert.Single(metadata);
        Assert.Equal(1, metadata["a"].IntegerValue);
    }

    [Fact]
    public async Task RestPatch_Metadata_ReadBackOverRestAndGrpc()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        (await Backend.Http.RestPatchAsync($"/collections/{name}", RestCall.Json("""{"metadata":{"a":{"deep":[1,2]},"b":"x"}}""")))
            .AssertOk().AssertSchema("patch", "/collections/{collection_name}");
        (await Backend.Http.RestPatchAsync($"/collections/{name}", RestCall.Json("""{"metadata":{"b":null,"c":true}}"""))).AssertOk();

        var rest = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk().AssertSchema("get", "/collections/{collection_name}");
        Assert.Equal("""{"a":{"deep":[1,2]},"c":true}""", rest.Result!["config"]!["metadata"]!.ToJsonString());
        var grpc = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Metadata;
        Assert.Equal(["a", "c"], grpc.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(2, grpc["a"].StructValue.Fields["deep"].ListValue.Values[1].IntegerValue);
    }

    [Fact]
    public async Task RestGet_NeverSetMetadata_FieldOmitted()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var rest = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk();

        // CollectionConfig.metadata is Option with skip_serializing_if none (QDRANT.md §3.5 readback).
        Assert.False(rest.Result!["config"]!.AsObject().ContainsKey("metadata"));
    }

    [Fact]
    public async Task RestCreate_EmptyMetadataObject_ReadBackAsEmptyObject()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();

        (await Backend.Http.RestPutAsync($"/collections/{name}", RestCall.Json("""{"vectors":{"size":4,"distance":"Dot"},"metadata":{}}"""))).AssertOk();

        var rest = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk();
        Assert.Equal("{}", rest.Result!["config"]!["metadata"]!.ToJsonString());
    }
}

public sealed class MetadataConformanceTests_Server(ServerBackend backend) : MetadataConformanceTests(backend);

public sealed class MetadataConformanceTests_InProcess(InProcessBackend backend) : MetadataConformanceTests(backend);
