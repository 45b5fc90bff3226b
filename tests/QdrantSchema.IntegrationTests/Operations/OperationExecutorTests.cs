using Qdrant.Client.Grpc;
using QdrantSchema.Execution;
using QdrantSchema.Families;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;
using QdrantSchema.Tests.Backends;
using static QdrantSchema.IntegrationTests.Operations.OperationTestKit;

namespace QdrantSchema.IntegrationTests.Operations;

public abstract class OperationExecutorTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly OperationExecutor _executor = new();
    private ServerInfo? _server;

    private async Task<ServerInfo> ServerAsync() => _server ??= await new ServerInfoProbe(Backend.Client).GetAsync(Ct);

    /// <summary>Runs the operation twice (the second run must change nothing and not fail).</summary>
    private async Task RunTwiceAsync(MigrationOperation operation, FamilyMember member, int memberCount = 1)
    {
        var context = Context(Backend.Client, member, await ServerAsync(), memberCount: memberCount);
        await _executor.ExecuteAsync(operation, context, Ct);
        await _executor.ExecuteAsync(operation, context, Ct);
    }

    private async Task<QdrantSchemaException> FailAsync(MigrationOperation operation, FamilyMember member, int memberCount = 1)
    {
        var context = Context(Backend.Client, member, await ServerAsync(), step: 3, memberCount: memberCount);
        return await Assert.ThrowsAsync<QdrantSchemaException>(() => _executor.ExecuteAsync(operation, context, Ct));
    }

    private static void AssertNamesContext(QdrantSchemaException error, FamilyMember member, string operation)
    {
        Assert.Contains($"Migration '{MigrationId}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"collection '{member.DisplayName}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(operation, error.Message, StringComparison.Ordinal);
    }

    private async Task<string> CreateSimpleAsync(string? name = null)
    {
        name ??= QdrantBackend.NewName("op");
        await Backend.Client.CreateCollectionAsync(
            name,
            new VectorParamsMap { Map = { ["content"] = new VectorParams { Size = 4, Distance = Distance.Cosine } } },
            cancellationToken: Ct);
        return name;
    }

    private Task<CollectionInfo> InfoAsync(string name) => Backend.Client.GetCollectionInfoAsync(name, Ct);

    [Fact]
    public async Task CreateCollection_NewMember_CreatesEverythingDeclaredAndRerunIsNoOp()
    {
        var name = QdrantBackend.NewName("op");
        var operation = One(m => m.CreateCollection(c => c
            .AddVector("content", 8, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 32, EfConstruct = 256 }))
            .AddVector("emotion", 8, Distance.Dot, v => v.Datatype(Datatype.Float16))
            .AddSparseVector("keywords", Modifier.Idf)
            .Hnsw(new HnswConfigDiff { M = 24 })
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 20000 })
            .Quantization(new QuantizationConfig { Scalar = new ScalarQuantization { Type = QuantizationType.Int8, Quantile = 0.99f } })
            .ShardNumber(1)
            .ReplicationFactor(1)
            .OnDiskPayload(true)
            .Metadata("owner", new Value { StringValue = "whisperengine" })));

        await RunTwiceAsync(operation, Member(name, exists: false));

        var differences = SchemaComparer.Compare(Fold([operation]), SchemaComparer.FromCollectionInfo(await InfoAsync(name)), SchemaComparer.Mode.Live);
        Assert.Empty(differences);
    }

    [Fact]
    public async Task CreateCollection_UnnamedVector_CreatesSingleVectorConfig()
    {
        var name = QdrantBackend.NewName("op");

        await RunTwiceAsync(One(m => m.CreateCollection(c => c.AddVector("", 4, Distance.Euclid))), Member(name, exists: false));

        var info = await InfoAsync(name);
        Assert.Equal(VectorsConfig.ConfigOneofCase.Params, info.Config.Params.VectorsConfig.ConfigCase);
        Assert.Equal(4UL, info.Config.Params.VectorsConfig.Params.Size);
    }

    [Fact]
    public async Task CreateCollection_ExistingWithMatchingVectorsAndExtras_IsNoOp()
    {
        var name = await CreateSimpleAsync();
        await Backend.Client.CreateVectorNameAsync(
            new CreateVectorNameRequest { CollectionName = name, VectorName = "extra", DenseConfig = new DenseVectorCreationConfig { Size = 2, Distance = Distance.Dot }, Wait = true },
            Ct);

        await RunTwiceAsync(One(m => m.CreateCollection(c => c.AddVector("content", 4, Distance.Cosine))), Member(name));

        Assert.Equal(2, (await InfoAsync(name)).Config.Params.VectorsConfig.ParamsMap.Map.Count);
    }

    [Fact]
    public async Task CreateCollection_ExistingWithOtherVectors_FailsNamingExpectedAndFound()
    {
        var name = await CreateSimpleAsync();
        var member = Member(name);

        var error = await FailAsync(One(m => m.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine).AddVector("emotion", 384, Distance.Cosine))), member);

        AssertNamesContext(error, member, "step 3 CreateCollection");
        Assert.Contains("Expected 'content': size 384 Cosine, 'emotion': size 384 Cosine; found 'content': size 4 Cosine, no vector 'emotion'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("baseline", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteCollection_Existing_DeletesAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();

        await RunTwiceAsync(One(m => m.DeleteCollection()), Member(name));

        Assert.False(await Backend.Client.CollectionExistsAsync(name, Ct));
    }

    [Fact]
    public async Task AddVector_WithPerVectorHnsw_AddsItAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();

        await RunTwiceAsync(One(m => m.AddVector("relationship", 4, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))), Member(name));

        var vector = (await InfoAsync(name)).Config.Params.VectorsConfig.ParamsMap.Map["relationship"];
        Assert.Equal(4UL, vector.Size);
        Assert.Equal(Distance.Cosine, vector.Distance);
        Assert.Equal(16UL, vector.HnswConfig.M);
        Assert.Equal(128UL, vector.HnswConfig.EfConstruct);
    }

    [Fact]
    public async Task AddVector_ThroughAlias_ChangesThePhysicalCollection()
    {
        var physical = await CreateSimpleAsync();
        var alias = physical + "_alias";
        await Backend.Client.CreateAliasAsync(alias, physical, cancellationToken: Ct);

        await RunTwiceAsync(One(m => m.AddVector("relationship", 4, Distance.Cosine)), Member(physical, alias));

        Assert.True((await InfoAsync(physical)).Config.Params.VectorsConfig.ParamsMap.Map.ContainsKey("relationship"));
    }

    [Fact]
    public async Task AddVector_ExistingWithOtherSize_FailsNamingBothNamesAndSizes()
    {
        var physical = await CreateSimpleAsync();
        var alias = physical + "_alias";
        await Backend.Client.CreateAliasAsync(alias, physical, cancellationToken: Ct);
        var member = Member(physical, alias);

        var error = await FailAsync(One(m => m.AddVector("content", 8, Distance.Cosine)), member);

        AssertNamesContext(error, member, "AddVector 'content'");
        Assert.Contains($"'{alias} -> {physical}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Expected size 8 Cosine; found size 4 Cosine.", error.Message, StringComparison.Ordinal);
        Assert.Contains("DeleteVector", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSparseVector_WithIdf_AddsItAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();

        await RunTwiceAsync(One(m => m.AddSparseVector("keywords", Modifier.Idf)), Member(name));

        var sparse = (await InfoAsync(name)).Config.Params.SparseVectorsConfig.Map["keywords"];
        Assert.Equal(Modifier.Idf, sparse.Modifier);
    }

    [Fact]
    public async Task DeleteVector_Existing_DeletesAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();
        await Backend.Client.CreateVectorNameAsync(
            new CreateVectorNameRequest { CollectionName = name, VectorName = "old", DenseConfig = new DenseVectorCreationConfig { Size = 2, Distance = Distance.Dot }, Wait = true },
            Ct);

        await RunTwiceAsync(One(m => m.DeleteVector("old")), Member(name));

        Assert.False((await InfoAsync(name)).Config.Params.VectorsConfig.ParamsMap.Map.ContainsKey("old"));
    }

    [Fact]
    public async Task CreatePayloadIndex_WithParams_CreatesAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();
        var parameters = new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } };

        await RunTwiceAsync(One(m => m.CreatePayloadIndex("user_id", PayloadSchemaType.Keyword, parameters)), Member(name));
        await RunTwiceAsync(One(m => m.CreatePayloadIndex("timestamp_unix", PayloadSchemaType.Float)), Member(name));

        var schema = (await InfoAsync(name)).PayloadSchema;
        Assert.Equal(PayloadSchemaType.Keyword, schema["user_id"].DataType);
        Assert.True(schema["user_id"].Params.KeywordIndexParams.IsTenant);
        Assert.Equal(PayloadSchemaType.Float, schema["timestamp_unix"].DataType);
    }

    [Fact]
    public async Task CreatePayloadIndex_ExistingWithOtherType_FailsNamingExpectedAndFound()
    {
        var name = await CreateSimpleAsync();
        await Backend.Client.CreatePayloadIndexAsync(name, "created_at", PayloadSchemaType.Integer, cancellationToken: Ct);
        var member = Member(name);

        var error = await FailAsync(One(m => m.CreatePayloadIndex("created_at", PayloadSchemaType.Datetime)), member);

        AssertNamesContext(error, member, "CreatePayloadIndex 'created_at'");
        Assert.Contains("Expected Datetime; found Integer.", error.Message, StringComparison.Ordinal);
        Assert.Contains("ChangePayloadIndex", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletePayloadIndex_Existing_DeletesAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();
        await Backend.Client.CreatePayloadIndexAsync(name, "timestamp_unix", PayloadSchemaType.Float, cancellationToken: Ct);

        await RunTwiceAsync(One(m => m.DeletePayloadIndex("timestamp_unix")), Member(name));

        Assert.False((await InfoAsync(name)).PayloadSchema.ContainsKey("timestamp_unix"));
    }

    [Fact]
    public async Task UpdateCollection_EverySection_AppliesAndRerunIsNoOp()
    {
        var name = await CreateSimpleAsync();
        var operation = One(m => m.UpdateCollection(u => u
            .Hnsw(new HnswConfigDiff { M = 20, EfConstruct = 150 })
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 30000, DeletedThreshold = 0.3 })
            .Quantization(new QuantizationConfigDiff { Scalar = new ScalarQuantization { Type = QuantizationType.Int8 } })
            .StrictMode(new StrictModeConfig { Enabled = true, MaxQueryLimit = 500 })
            .Vector("content", new VectorParamsDiff { HnswConfig = new HnswConfigDiff { M = 48 } })));

        await RunTwiceAsync(operation, Member(name));

        var config = (await InfoAsync(name)).Config;
        Assert.Equal(20UL, config.HnswConfig.M);
        Assert.Equal(150UL, config.HnswConfig.EfConstruct);
        Assert.Equal(30000UL, config.OptimizerConfig.IndexingThreshold);
        Assert.Equal(QuantizationType.Int8, config.QuantizationConfig.Scalar.Type);
        Assert.Equal(500U, config.StrictModeConfig.MaxQueryLimit);
        Assert.Equal(48UL, config.Params.VectorsConfig.ParamsMap.Map["content"].HnswConfig.M);
    }

    [Fact]
    public async Task UpdateCollection_UnknownVector_FailsWithQdrantsAnswerInside()
    {
        var name = await CreateSimpleAsync();
        var member = Member(name);
        var update = new CollectionUpdate();
        update.Vectors["missing"] = new VectorParamsDiff { HnswConfig = new HnswConfigDiff { M = 8 } };

        var error = await FailAsync(new UpdateCollectionOperation(update), member);

        AssertNamesContext(error, member, "UpdateCollection");
        Assert.Contains("Qdrant refused the request", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.IsType<Grpc.Core.RpcException>(error.InnerException);
    }

    [Fact]
    public async Task SetMetadataThenRemoveMetadata_RunTwiceEach_SetsAndRemovesTheKey()
    {
        var name = await CreateSimpleAsync();
        var value = new Value { StructValue = new Struct { Fields = { ["version"] = new Value { StringValue = "v2" } } } };

        await RunTwiceAsync(One(m => m.SetMetadata("schema", value)), Member(name));
        var afterSet = (await InfoAsync(name)).Config.Metadata;
        await RunTwiceAsync(One(m => m.RemoveMetadata("schema")), Member(name));
        var afterRemove = (await InfoAsync(name)).Config.Metadata;

        Assert.Equal(value, afterSet["schema"]);
        Assert.False(afterRemove.ContainsKey("schema"));
    }

    [Fact]
    public async Task RemoveMetadata_NoMetadataAtAll_SendsNothing()
    {
        var name = await CreateSimpleAsync();

        await RunTwiceAsync(One(m => m.RemoveMetadata("never_set")), Member(name));

        Assert.Empty((await InfoAsync(name)).Config.Metadata);
    }

    [Fact]
    public async Task CreateAlias_CollectionPlaceholder_CreatesPerMemberAliasAndRerunIsNoOp()
    {
        var physical = await CreateSimpleAsync();
        var logical = physical + "_bot";
        await Backend.Client.CreateAliasAsync(logical, physical, cancellationToken: Ct);

        await RunTwiceAsync(One(m => m.CreateAlias("{collection}_current")), Member(physical, logical), memberCount: 3);

        Assert.Contains(logical + "_current", await Backend.Client.ListCollectionAliasesAsync(physical, Ct));
    }

    [Fact]
    public async Task SwapAlias_AliasOnOtherCollection_RepointsItAndRerunIsNoOp()
    {
        var before = await CreateSimpleAsync();
        var after = await CreateSimpleAsync();
        var alias = after + "_live";
        await Backend.Client.CreateAliasAsync(alias, before, cancellationToken: Ct);

        await RunTwiceAsync(One(m => m.SwapAlias(alias)), Member(after));

        Assert.Contains(alias, await Backend.Client.ListCollectionAliasesAsync(after, Ct));
        Assert.DoesNotContain(alias, await Backend.Client.ListCollectionAliasesAsync(before, Ct));
    }

    [Fact]
    public async Task DeleteAlias_PhysicalPlaceholder_DeletesAndRerunIsNoOp()
    {
        var physical = await CreateSimpleAsync();
        await Backend.Client.CreateAliasAsync(physical + "_old", physical, cancellationToken: Ct);

        await RunTwiceAsync(One(m => m.DeleteAlias("{physical}_old")), Member(physical), memberCount: 2);

        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(physical, Ct));
    }

    [Fact]
    public async Task CreateAlias_AliasOnAnotherCollection_FailsAndLeavesItAlone()
    {
        var other = await CreateSimpleAsync();
        var mine = await CreateSimpleAsync();
        var alias = mine + "_shared";
        await Backend.Client.CreateAliasAsync(alias, other, cancellationToken: Ct);
        var member = Member(mine);

        var error = await FailAsync(One(m => m.CreateAlias(alias)), member);

        AssertNamesContext(error, member, "CreateAlias");
        Assert.Contains($"Expected '{alias}' -> '{mine}'; found '{alias}' -> '{other}'.", error.Message, StringComparison.Ordinal);
        Assert.Contains("SwapAlias", error.Message, StringComparison.Ordinal);
        Assert.Contains(alias, await Backend.Client.ListCollectionAliasesAsync(other, Ct));
    }

    [Fact]
    public async Task CreateAlias_PlainNameOnFamilyOfSeveral_FailsAskingForPlaceholder()
    {
        var name = await CreateSimpleAsync();
        var member = Member(name);

        var error = await FailAsync(One(m => m.CreateAlias("memories_current")), member, memberCount: 2);

        AssertNamesContext(error, member, "CreateAlias 'memories_current'");
        Assert.Contains("{collection}", error.Message, StringComparison.Ordinal);
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(name, Ct));
    }

    [Fact]
    public async Task Irreversible_Executed_FailsWithItsReason()
    {
        var member = Member(QdrantBackend.NewName("op"));

        var error = await FailAsync(new IrreversibleOperation("the old embeddings are gone"), member);

        AssertNamesContext(error, member, "Irreversible");
        Assert.Contains("the old embeddings are gone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangeVectorAndShardNumber_Executed_RefusedAsNeedingRebuild()
    {
        var name = await CreateSimpleAsync();
        var member = Member(name);

        var vector = await FailAsync(One(m => m.ChangeVector("content", 8, Distance.Cosine)), member);
        var shards = await FailAsync(new ChangeShardNumberOperation(3), member);

        Assert.Contains("needs a rebuild behind an alias (not supported yet)", vector.Message, StringComparison.Ordinal);
        Assert.Contains("needs a rebuild behind an alias (not supported yet)", shards.Message, StringComparison.Ordinal);
        AssertNamesContext(vector, member, "ChangeVector 'content'");
        Assert.Equal(4UL, (await InfoAsync(name)).Config.Params.VectorsConfig.ParamsMap.Map["content"].Size);
    }

    [Fact]
    public async Task ExecuteAsync_DataStep_ThrowsArgumentException()
    {
        var context = Context(Backend.Client, Member("x"), await ServerAsync());

        await Assert.ThrowsAsync<ArgumentException>(
            () => _executor.ExecuteAsync(One(m => m.DeletePoints(new Filter())), context, Ct));
    }

    [Fact]
    public async Task AnyOperation_CollectionMissing_FailsSayingSo()
    {
        var member = Member(QdrantBackend.NewName("op"), exists: false);

        var error = await FailAsync(One(m => m.CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)), member);

        AssertNamesContext(error, member, "CreatePayloadIndex 'user_id'");
        Assert.Contains("the collection does not exist", error.Message, StringComparison.Ordinal);
    }
}

public sealed class OperationExecutorTests_Server(ServerBackend backend) : OperationExecutorTests(backend);

public sealed class OperationExecutorTests_InProcess(InProcessBackend backend) : OperationExecutorTests(backend);
