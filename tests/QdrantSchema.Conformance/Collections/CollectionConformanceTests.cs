// on_disk / on_disk_payload / always_ram are deprecated in 1.19 (replaced by `memory`) but still accepted and reported.
#pragma warning disable CS0612
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Collections;

/// <summary>Create / get / list / exists / delete / update of collections over gRPC (QDRANT.md §3, §1.4).</summary>
public abstract class CollectionConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_OnlyVectors_InfoReportsServerDefaults()
    {
        await using var scratch = new Scratch(Backend);
        // Raw request: the .NET convenience overloads always send shard_number/on_disk_payload themselves.
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Cosine } },
        });

        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);

        // Defaults: config/config.yaml @ v1.19.0 and CollectionInfo conversion in lib/collection/src/operations/conversions.rs.
        Assert.Equal(CollectionStatus.Green, info.Status);
        Assert.True(info.OptimizerStatus.Ok);
        Assert.Equal(0UL, info.PointsCount);
        var p = info.Config.Params;
        Assert.Equal(4UL, p.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Cosine, p.VectorsConfig.Params.Distance);
        Assert.Equal(1U, p.ShardNumber);
        Assert.Equal(1U, p.ReplicationFactor);
        Assert.Equal(1U, p.WriteConsistencyFactor);
        Assert.True(p.OnDiskPayload);
        var hnsw = info.Config.HnswConfig;
        Assert.Equal(16UL, hnsw.M);
        Assert.Equal(100UL, hnsw.EfConstruct);
        Assert.Equal(10000UL, hnsw.FullScanThreshold);
        Assert.Equal(0UL, hnsw.MaxIndexingThreads);
        var opt = info.Config.OptimizerConfig;
        Assert.Equal(0.2, opt.DeletedThreshold, 6);
        Assert.Equal(1000UL, opt.VacuumMinVectorNumber);
        Assert.Equal(0UL, opt.DefaultSegmentNumber);
        Assert.Equal(10000UL, opt.IndexingThreshold);
        Assert.Equal(5UL, opt.FlushIntervalSec);
        Assert.Equal(32UL, info.Config.WalConfig.WalCapacityMb);
        Assert.Equal(0UL, info.Config.WalConfig.WalSegmentsAhead);
        Assert.Empty(info.Config.Metadata);
        Assert.Empty(info.PayloadSchema);
    }

    [Fact]
    public async Task Create_NamedVectors_InfoReportsParamsMap()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map =
            {
                ["text"] = new VectorParams { Size = 8, Distance = Distance.Cosine },
                ["image"] = new VectorParams { Size = 3, Distance = Distance.Euclid, OnDisk = true },
            },
        }, cancellationToken: Ct);

        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);

        var map = info.Config.Params.VectorsConfig.ParamsMap.Map;
        Assert.Equal(["image", "text"], map.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(8UL, map["text"].Size);
        Assert.Equal(Distance.Cosine, map["text"].Distance);
        Assert.Equal(3UL, map["image"].Size);
        Assert.Equal(Distance.Euclid, map["image"].Distance);
        Assert.True(map["image"].OnDisk);
    }

    [Fact]
    public async Task Create_SparseVectorsWithIdf_InfoReportsSparseConfig()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap { Map = { ["dense"] = new VectorParams { Size = 4, Distance = Distance.Dot } } } },
            SparseVectorsConfig = new SparseVectorConfig { Map = { ["bm25"] = new SparseVectorParams { Modifier = Modifier.Idf } } },
        });

        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);

        var sparse = info.Config.Params.SparseVectorsConfig.Map;
        Assert.Single(sparse);
        Assert.Equal(Modifier.Idf, sparse["bm25"].Modifier);
        Assert.Single(info.Config.Params.VectorsConfig.ParamsMap.Map);
    }

    [Fact]
    public async Task Create_DatatypeAndMultivector_InfoReportsThem()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig
            {
                ParamsMap = new VectorParamsMap
                {
                    Map =
                    {
                        ["half"] = new VectorParams { Size = 4, Distance = Distance.Dot, Datatype = Datatype.Float16 },
                        ["colbert"] = new VectorParams
                        {
                            Size = 4,
                            Distance = Distance.Cosine,
                            Datatype = Datatype.Uint8,
                            MultivectorConfig = new MultiVectorConfig { Comparator = MultiVectorComparator.MaxSim },
                        },
                    },
                },
            },
        });

        var map = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map;

        Assert.Equal(Datatype.Float16, map["half"].Datatype);
        Assert.Null(map["half"].MultivectorConfig);
        Assert.Equal(Datatype.Uint8, map["colbert"].Datatype);
        Assert.Equal(MultiVectorComparator.MaxSim, map["colbert"].MultivectorConfig.Comparator);
    }

    [Fact]
    public async Task Create_CustomHnswOptimizerWal_InfoReportsMergedWithDefaults()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            HnswConfig = new HnswConfigDiff { M = 32 },
            OptimizersConfig = new OptimizersConfigDiff { IndexingThreshold = 1234 },
            WalConfig = new WalConfigDiff { WalCapacityMb = 64 },
        });

        var config = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config;

        Assert.Equal(32UL, config.HnswConfig.M);
        Assert.Equal(100UL, config.HnswConfig.EfConstruct); // untouched field keeps the default
        Assert.Equal(1234UL, config.OptimizerConfig.IndexingThreshold);
        Assert.Equal(0.2, config.OptimizerConfig.DeletedThreshold, 6);
        Assert.Equal(64UL, config.WalConfig.WalCapacityMb);
        Assert.Equal(0UL, config.WalConfig.WalSegmentsAhead);
    }

    [Fact]
    public async Task Create_ScalarQuantization_InfoReportsIt()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            QuantizationConfig = new QuantizationConfig { Scalar = new ScalarQuantization { Type = QuantizationType.Int8, Quantile = 0.99f, AlwaysRam = true } },
        });

        var quantization = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.QuantizationConfig;

        Assert.Equal(QuantizationConfig.QuantizationOneofCase.Scalar, quantization.QuantizationCase);
        Assert.Equal(QuantizationType.Int8, quantization.Scalar.Type);
        Assert.Equal(0.99f, quantization.Scalar.Quantile, 5);
    }

    [Fact]
    public async Task Create_StrictModeConfig_InfoReportsIt()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            StrictModeConfig = new StrictModeConfig { Enabled = true, MaxQueryLimit = 100, UnindexedFilteringRetrieve = false },
        });

        var strict = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.StrictModeConfig;

        Assert.True(strict.Enabled);
        Assert.Equal(100U, strict.MaxQueryLimit);
        Assert.False(strict.UnindexedFilteringRetrieve);
    }

    [Fact]
    public async Task Create_ShardAndReplicationNumbers_InfoReportsThem()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            ShardNumber = 3,
            ReplicationFactor = 1,
            WriteConsistencyFactor = 1,
            OnDiskPayload = false,
        });

        var p = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params;

        Assert.Equal(3U, p.ShardNumber);
        Assert.Equal(1U, p.ReplicationFactor);
        Assert.Equal(1U, p.WriteConsistencyFactor);
        Assert.False(p.OnDiskPayload);
    }

    [Fact]
    public async Task Create_NoVectorsAtAll_IsAllowed()
    {
        await using var scratch = new Scratch(Backend);
        // QDRANT.md §3.1: gRPC vectors_config absent → empty map.
        var name = await scratch.CreateAsync(new CreateCollection());

        var info = await Backend.Client.GetCollectionInfoAsync(name, Ct);

        var vectors = info.Config.Params.VectorsConfig;
        Assert.True(vectors is null || vectors.ConfigCase == VectorsConfig.ConfigOneofCase.None || vectors.ParamsMap.Map.Count == 0);
    }

    [Fact]
    public async Task Create_ExistingName_AlreadyExistsWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Backend.Client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct));

        // collections_ops.rs validate_collection_not_exists; AlreadyExists keeps the "Wrong input" prefix (errors.rs).
        Assert.Equal(StatusCode.AlreadyExists, e.StatusCode);
        Assert.Equal($"Wrong input: Collection `{name}` already exists!", e.Status.Detail);
    }

    [Fact]
    public async Task Create_NameTakenByAlias_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Backend.Client.CreateCollectionAsync(alias, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct));

        // toc/create_collection.rs; tests/openapi/test_alias.py asserts 400.
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal($"Wrong input: Can't create collection with name {alias}. Alias with the same name already exists", e.Status.Detail);
    }

    [Fact]
    public async Task Create_NameWithForbiddenChar_InvalidArgumentValidationText()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Backend.Client.CreateCollectionAsync("bad:name", new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct));

        // lib/api/build.rs CreateCollection.collection_name → common::validation::validate_collection_name; label_errors format.
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Validation error in body: [collection_name: collection name cannot contain \":\" char]", e.Status.Detail);
    }

    [Fact]
    public async Task Create_EmptyName_InvalidArgumentLengthValidation()
    {
        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Backend.Client.CreateCollectionAsync(string.Empty, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct));

        // length(min = 1, max = 255): describe_error "must be from 1 to 255 characters".
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("Validation error in body: [collection_name: ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("must be from 1 to 255 characters", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_VectorSizeZero_InvalidArgumentRangeValidation()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            Backend.Client.CreateCollectionAsync(name, new VectorParams { Size = 0, Distance = Distance.Dot }, cancellationToken: Ct));

        // build.rs VectorParams.size range(min = 1, max = 65536).
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.StartsWith("Validation error in body: [", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("size: value 0 invalid, must be from 1 to 65536", e.Status.Detail, StringComparison.Ordinal);
        Assert.False(await Backend.Client.CollectionExistsAsync(name, Ct));
    }

    [Fact]
    public async Task GetInfo_MissingCollection_NotFoundWithQdrantText()
    {
        var name = QdrantBackend.NewName("missing");

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.GetCollectionInfoAsync(name, Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{name}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task GetInfo_ViaAlias_ReturnsTheCollection()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync(size: 7);
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        var info = await Backend.Client.GetCollectionInfoAsync(alias, Ct);

        Assert.Equal(7UL, info.Config.Params.VectorsConfig.Params.Size);
    }

    [Fact]
    public async Task List_SeveralCollections_SortedByNameWithoutAliases()
    {
        await using var scratch = new Scratch(Backend);
        var prefix = QdrantBackend.NewName("l");
        var names = new[] { prefix + "_b", prefix + "_c", prefix + "_a" };
        foreach (var n in names)
        {
            await Backend.Client.CreateCollectionAsync(n, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct);
        }

        try
        {
            var alias = prefix + "_alias";
            await Backend.Client.CreateAliasAsync(alias, names[0], cancellationToken: Ct);

            var listed = await Backend.Client.ListCollectionsAsync(Ct);

            // ≥1.18 the registry is a BTreeMap (collections_ops.rs), so the list is sorted; aliases are not listed.
            var mine = listed.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).ToList();
            Assert.Equal([prefix + "_a", prefix + "_b", prefix + "_c"], mine);
            Assert.Equal(listed.Order(StringComparer.Ordinal), listed);
        }
        finally
        {
            foreach (var n in names)
            {
                await Backend.Client.DeleteCollectionAsync(n, cancellationToken: Ct);
            }
        }
    }

    [Fact]
    public async Task Exists_ExistingMissingAndAlias_TrueFalseTrue()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        Assert.True(await Backend.Client.CollectionExistsAsync(collection, Ct));
        Assert.False(await Backend.Client.CollectionExistsAsync(QdrantBackend.NewName("missing"), Ct));
        // Exists resolves through get_collection, so an alias answers true (QDRANT.md §3.2).
        Assert.True(await Backend.Client.CollectionExistsAsync(alias, Ct));
    }

    [Fact]
    public async Task Delete_MissingCollection_ClientThrowsCouldNotBeDeleted()
    {
        var name = QdrantBackend.NewName("missing");

        // The server answers OK with result=false; the .NET client turns that into QdrantException.
        var e = await Assert.ThrowsAsync<QdrantException>(() => Backend.Client.DeleteCollectionAsync(name, cancellationToken: Ct));

        Assert.Equal($"Collection '{name}' could not be deleted", e.Message);
    }

    [Fact]
    public async Task Delete_AliasName_ResultFalseAndNothingRemoved()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        // delete_collection removes by exact name only (toc/collection_meta_ops.rs).
        var e = await Assert.ThrowsAsync<QdrantException>(() => Backend.Client.DeleteCollectionAsync(alias, cancellationToken: Ct));

        Assert.Equal($"Collection '{alias}' could not be deleted", e.Message);
        Assert.True(await Backend.Client.CollectionExistsAsync(collection, Ct));
        Assert.Equal([alias], await Backend.Client.ListCollectionAliasesAsync(collection, Ct));
    }

    [Fact]
    public async Task Delete_CollectionWithAliases_RemovesItsAliases()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias1 = scratch.Alias();
        var alias2 = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias1, collection, cancellationToken: Ct);
        await Backend.Client.CreateAliasAsync(alias2, collection, cancellationToken: Ct);

        await Backend.Client.DeleteCollectionAsync(collection, cancellationToken: Ct);

        var all = await Backend.Client.ListAliasesAsync(Ct);
        Assert.DoesNotContain(all, a => a.AliasName == alias1 || a.AliasName == alias2);
        Assert.False(await Backend.Client.CollectionExistsAsync(alias1, Ct));
        // A new collection with the same name starts without aliases.
        await Backend.Client.CreateCollectionAsync(collection, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct);
        Assert.Empty(await Backend.Client.ListCollectionAliasesAsync(collection, Ct));
    }

    [Fact]
    public async Task Update_HnswAndOptimizers_MergedFieldByField()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.UpdateCollectionAsync(
            name, optimizersConfig: new OptimizersConfigDiff { IndexingThreshold = 777 }, hnswConfig: new HnswConfigDiff { EfConstruct = 123 }, cancellationToken: Ct);
        await Backend.Client.UpdateCollectionAsync(name, hnswConfig: new HnswConfigDiff { M = 8 }, cancellationToken: Ct);

        var config = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config;
        Assert.Equal(8UL, config.HnswConfig.M);
        Assert.Equal(123UL, config.HnswConfig.EfConstruct);
        Assert.Equal(10000UL, config.HnswConfig.FullScanThreshold);
        Assert.Equal(777UL, config.OptimizerConfig.IndexingThreshold);
        Assert.Equal(1000UL, config.OptimizerConfig.VacuumMinVectorNumber);
    }

    [Fact]
    public async Task Update_ParamsDiff_ReplicationAndOnDiskPayloadChange()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        await Backend.Client.UpdateCollectionAsync(name, collectionParams: new CollectionParamsDiff { OnDiskPayload = true, ReadFanOutFactor = 2 }, cancellationToken: Ct);

        var p = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params;
        Assert.True(p.OnDiskPayload);
        Assert.Equal(2U, p.ReadFanOutFactor);
        Assert.Equal(4UL, p.VectorsConfig.Params.Size);
    }

    [Fact]
    public async Task Update_NamedVectorDiff_AppliesOnlyToThatVector()
    {
        await using var scratch = new Scratch(Backend);
        var name = scratch.Name();
        await Backend.Client.CreateCollectionAsync(name, new VectorParamsMap
        {
            Map = { ["a"] = new VectorParams { Size = 4, Distance = Distance.Dot }, ["b"] = new VectorParams { Size = 4, Distance = Distance.Dot } },
        }, cancellationToken: Ct);

        await Backend.Client.UpdateCollectionAsync(name, new VectorParamsDiffMap { Map = { ["a"] = new VectorParamsDiff { HnswConfig = new HnswConfigDiff { M = 32 }, OnDisk = true } } }, cancellationToken: Ct);

        var map = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.ParamsMap.Map;
        Assert.Equal(32UL, map["a"].HnswConfig.M);
        Assert.True(map["a"].OnDisk);
        Assert.Null(map["b"].HnswConfig);
        Assert.Equal(4UL, map["a"].Size);
    }

    [Fact]
    public async Task Update_UnknownVectorName_InvalidArgumentWithQdrantText()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.UpdateCollectionAsync(
            name, new VectorParamsDiffMap { Map = { ["i_do_no_exist"] = new VectorParamsDiff { OnDisk = true } } }, cancellationToken: Ct));

        // tests/openapi/test_collection_update_multivec.py:230.
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Equal("Wrong input: Not existing vector name error: i_do_no_exist", e.Status.Detail);
    }

    [Fact]
    public async Task Update_NoChanges_Succeeds()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        // qdrant-dotnet CollectionTests.UpdateCollection_with_no_changes.
        await Backend.Client.UpdateCollectionAsync(name, cancellationToken: Ct);

        Assert.Equal(4UL, (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.Params.VectorsConfig.Params.Size);
    }

    [Fact]
    public async Task Update_ViaAlias_UpdatesTheCollection()
    {
        await using var scratch = new Scratch(Backend);
        var collection = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, collection, cancellationToken: Ct);

        await Backend.Client.UpdateCollectionAsync(alias, hnswConfig: new HnswConfigDiff { M = 48 }, cancellationToken: Ct);

        Assert.Equal(48UL, (await Backend.Client.GetCollectionInfoAsync(collection, Ct)).Config.HnswConfig.M);
    }

    [Fact]
    public async Task Update_MissingCollection_NotFoundWithQdrantText()
    {
        var name = QdrantBackend.NewName("missing");

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.UpdateCollectionAsync(name, hnswConfig: new HnswConfigDiff { M = 8 }, cancellationToken: Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{name}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task Update_QuantizationDisabled_ClearsCollectionQuantization()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            QuantizationConfig = new QuantizationConfig { Scalar = new ScalarQuantization { Type = QuantizationType.Int8 } },
        });

        await Backend.Client.UpdateCollectionAsync(name, quantizationConfig: new QuantizationConfigDiff { Disabled = new Disabled() }, cancellationToken: Ct);

        var config = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config;
        Assert.True(config.QuantizationConfig is null || config.QuantizationConfig.QuantizationCase == QuantizationConfig.QuantizationOneofCase.None);
    }

    [Fact]
    public async Task Update_StrictMode_MergedWithExisting()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync(new CreateCollection
        {
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot } },
            StrictModeConfig = new StrictModeConfig { Enabled = true, MaxQueryLimit = 100 },
        });

        await Backend.Client.UpdateCollectionAsync(name, strictModeConfig: new StrictModeConfig { MaxTimeout = 5 }, cancellationToken: Ct);

        // collection_ops.rs update_strict_mode_config merges the diff into the stored config (QDRANT.md §3.4 step 8).
        var strict = (await Backend.Client.GetCollectionInfoAsync(name, Ct)).Config.StrictModeConfig;
        Assert.True(strict.Enabled);
        Assert.Equal(100U, strict.MaxQueryLimit);
        Assert.Equal(5U, strict.MaxTimeout);
    }
}

public sealed class CollectionConformanceTests_Server(ServerBackend backend) : CollectionConformanceTests(backend);

public sealed class CollectionConformanceTests_InProcess(InProcessBackend backend) : CollectionConformanceTests(backend);
