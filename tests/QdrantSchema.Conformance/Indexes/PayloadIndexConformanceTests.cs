using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.Indexes;

/// <summary>Payload indexes (QDRANT.md §7; lib/collection/src/collection/payload_index_schema.rs, src/common/update.rs).</summary>
public abstract class PayloadIndexConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<PayloadSchemaType> AllTypes =>
    [
        PayloadSchemaType.Keyword, PayloadSchemaType.Integer, PayloadSchemaType.Float, PayloadSchemaType.Geo,
        PayloadSchemaType.Text, PayloadSchemaType.Bool, PayloadSchemaType.Datetime, PayloadSchemaType.Uuid,
    ];

    private async Task<PayloadSchemaInfo?> SchemaOf(string collection, string field)
    {
        var info = await Backend.Client.GetCollectionInfoAsync(collection, Ct);
        return info.PayloadSchema.TryGetValue(field, out var schema) ? schema : null;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public async Task CreateIndex_BareType_ReportedWithDataTypeNoParamsZeroPoints(PayloadSchemaType type)
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.CreatePayloadIndexAsync(name, "field", type, cancellationToken: Ct);

        var schema = await SchemaOf(name, "field");
        Assert.NotNull(schema);
        Assert.Equal(type, schema.DataType);
        Assert.Null(schema.Params); // omitted when created with a bare type
        Assert.Equal(0UL, schema.Points);
    }

    [Fact]
    public async Task CreateIndex_KeywordTenant_ParamsReported()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.CreatePayloadIndexAsync(
            name, "tenant", PayloadSchemaType.Keyword, new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } }, cancellationToken: Ct);

        var schema = await SchemaOf(name, "tenant");
        Assert.Equal(PayloadSchemaType.Keyword, schema!.DataType);
        Assert.True(schema.Params.KeywordIndexParams.IsTenant);
    }

    [Fact]
    public async Task CreateIndex_IntegerLookupRange_ParamsReported()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.CreatePayloadIndexAsync(
            name, "n", PayloadSchemaType.Integer, new PayloadIndexParams { IntegerIndexParams = new IntegerIndexParams { Lookup = false, Range = true, IsPrincipal = true } }, cancellationToken: Ct);

        var p = (await SchemaOf(name, "n"))!.Params.IntegerIndexParams;
        Assert.False(p.Lookup);
        Assert.True(p.Range);
        Assert.True(p.IsPrincipal);
    }

    [Fact]
    public async Task CreateIndex_TextWithTokenizer_ParamsReported()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.CreatePayloadIndexAsync(name, "body", PayloadSchemaType.Text, new PayloadIndexParams
        {
            TextIndexParams = new TextIndexParams { Tokenizer = TokenizerType.Word, Lowercase = true, MinTokenLen = 2, MaxTokenLen = 20, PhraseMatching = true },
        }, cancellationToken: Ct);

        var p = (await SchemaOf(name, "body"))!.Params.TextIndexParams;
        Assert.Equal(TokenizerType.Word, p.Tokenizer);
        Assert.True(p.Lowercase);
        Assert.Equal(2UL, p.MinTokenLen);
        Assert.Equal(20UL, p.MaxTokenLen);
        Assert.True(p.PhraseMatching);
    }

    [Fact]
    public async Task CreateIndex_ExistingPoints_PointsCountsPointsWithCompatibleValue()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 7);
        // tests/openapi/test_payload_indexing.py::test_boolean_index: 7 points (one with [true, false]) → points == 7.
        await Backend.Client.SetPayloadAsync(name, new Dictionary<string, Value> { ["flag"] = false }, [1UL, 2UL, 3UL, 4UL], cancellationToken: Ct);
        await Backend.Client.SetPayloadAsync(name, new Dictionary<string, Value> { ["flag"] = new Value { ListValue = new ListValue { Values = { true, false } } } }, 5UL, cancellationToken: Ct);

        await Backend.Client.CreatePayloadIndexAsync(name, "flag", PayloadSchemaType.Bool, cancellationToken: Ct);

        Assert.Equal(5UL, (await SchemaOf(name, "flag"))!.Points);
        await Backend.Client.SetPayloadAsync(name, new Dictionary<string, Value> { ["flag"] = true }, [6UL, 7UL], cancellationToken: Ct);
        Assert.Equal(7UL, (await SchemaOf(name, "flag"))!.Points);
    }

    [Fact]
    public async Task CreateIndex_FieldNoPointHas_AllowedWithZeroPoints()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 3);

        await Backend.Client.CreatePayloadIndexAsync(name, "absent", PayloadSchemaType.Keyword, cancellationToken: Ct);

        Assert.Equal(0UL, (await SchemaOf(name, "absent"))!.Points);
        Assert.Null(await SchemaOf(name, "n")); // only declared indexes are listed
    }

    [Fact]
    public async Task CreateIndex_SameFieldDifferentType_ReplacesSchema()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await Backend.Client.CreatePayloadIndexAsync(name, "f", PayloadSchemaType.Keyword, cancellationToken: Ct);

        // Re-creating with another schema is not an error; the entry is replaced (payload_index_schema.rs).
        await Backend.Client.CreatePayloadIndexAsync(name, "f", PayloadSchemaType.Integer, cancellationToken: Ct);

        Assert.Equal(PayloadSchemaType.Integer, (await SchemaOf(name, "f"))!.DataType);
    }

    [Fact]
    public async Task DeleteIndex_Indexed_RemovedFromSchema()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await Backend.Client.CreatePayloadIndexAsync(name, "f", PayloadSchemaType.Keyword, cancellationToken: Ct);
        await Backend.Client.CreatePayloadIndexAsync(name, "g", PayloadSchemaType.Float, cancellationToken: Ct);

        var result = await Backend.Client.DeletePayloadIndexAsync(name, "f", cancellationToken: Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
        var schema = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).PayloadSchema;
        Assert.Equal(["g"], schema.Keys);
    }

    [Fact]
    public async Task DeleteIndex_FieldNotIndexed_Succeeds()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        // Idempotent delete (QDRANT.md §7 Behaviour).
        var result = await Backend.Client.DeletePayloadIndexAsync(name, "never_indexed", cancellationToken: Ct);

        Assert.Equal(UpdateStatus.Completed, result.Status);
    }

    [Fact]
    public async Task CreateIndex_ViaAliasAndNestedPath_ReportedOnCollection()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        await Backend.Client.CreatePayloadIndexAsync(alias, "meta.tags[]", PayloadSchemaType.Keyword, cancellationToken: Ct);

        Assert.Equal(PayloadSchemaType.Keyword, (await SchemaOf(collection, "meta.tags[]"))!.DataType);
    }

    [Fact]
    public async Task RestCreateIndex_ObjectSchema_PayloadSchemaJsonShape()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        (await Backend.Http.RestPutAsync($"/collections/{name}/index?wait=true", RestCall.Json("""{"field_name":"tenant","field_schema":{"type":"keyword","is_tenant":true}}""")))
            .AssertOk().AssertSchema("put", "/collections/{collection_name}/index");
        (await Backend.Http.RestPutAsync($"/collections/{name}/index?wait=true", RestCall.Json("""{"field_name":"plain","field_schema":"integer"}"""))).AssertOk();

        var info = (await Backend.Http.RestGetAsync($"/collections/{name}")).AssertOk().AssertSchema("get", "/collections/{collection_name}");
        var schema = info.Result!["payload_schema"]!;
        Assert.Equal("keyword", schema["tenant"]!["data_type"]!.GetValue<string>());
        Assert.Equal("keyword", schema["tenant"]!["params"]!["type"]!.GetValue<string>());
        Assert.True(schema["tenant"]!["params"]!["is_tenant"]!.GetValue<bool>());
        Assert.Equal(0, schema["tenant"]!["points"]!.GetValue<int>());
        Assert.Equal("integer", schema["plain"]!["data_type"]!.GetValue<string>());
        Assert.False(schema["plain"]!.AsObject().ContainsKey("params"));
    }

    [Fact]
    public async Task RestDeleteIndex_Wait_UpdateResultMatchesSchema()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await Backend.Client.CreatePayloadIndexAsync(name, "f", PayloadSchemaType.Keyword, cancellationToken: Ct);

        var response = (await Backend.Http.RestDeleteAsync($"/collections/{name}/index/f?wait=true"))
            .AssertOk().AssertSchema("delete", "/collections/{collection_name}/index/{field_name}");

        Assert.Equal("completed", response.Result!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task RestCreateIndex_NoSchema_BadRequestCannotAutoDetect()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = await Backend.Http.RestPutAsync($"/collections/{name}/index?wait=true", RestCall.Json("""{"field_name":"f"}"""));

        // src/common/update.rs::do_create_index.
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Bad request: Can't auto-detect field type, please specify `field_schema` in the request", response.Error);
    }
}

public sealed class PayloadIndexConformanceTests_Server(ServerBackend backend) : PayloadIndexConformanceTests(backend);

public sealed class PayloadIndexConformanceTests_InProcess(InProcessBackend backend) : PayloadIndexConformanceTests(backend);
