using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Schema;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Schema;

public sealed class CompareTests
{
    private static readonly CollectionSchema V2 = MigrationModel.Fold(WhisperEngine.All(), "20261126090000_AddPayloadIndexes");

    /// <summary>What GetCollectionInfo returns for a v2 WhisperEngine collection: everything with server defaults filled in.</summary>
    private static CollectionInfo LiveV2()
    {
        var vectors = new VectorParamsMap();
        vectors.Map["content"] = new VectorParams { Size = 384, Distance = Distance.Cosine, HnswConfig = new HnswConfigDiff { M = 32, EfConstruct = 256 } };
        vectors.Map["emotion"] = new VectorParams { Size = 384, Distance = Distance.Cosine, HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 128 } };
        vectors.Map["semantic"] = new VectorParams { Size = 384, Distance = Distance.Cosine, HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 128 } };
        var info = new CollectionInfo
        {
            Status = CollectionStatus.Green,
            Config = new CollectionConfig
            {
                Params = new CollectionParams { ShardNumber = 1, ReplicationFactor = 1, WriteConsistencyFactor = 1, VectorsConfig = new VectorsConfig { ParamsMap = vectors } },
                HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 100, FullScanThreshold = 10000, MaxIndexingThreads = 0 },
                OptimizerConfig = new OptimizersConfigDiff { DeletedThreshold = 0.2, VacuumMinVectorNumber = 1000, DefaultSegmentNumber = 2, IndexingThreshold = 20000, FlushIntervalSec = 10 },
                WalConfig = new WalConfigDiff { WalCapacityMb = 32, WalSegmentsAhead = 0 },
            },
        };
        foreach (var (field, type) in new[]
        {
            ("user_id", PayloadSchemaType.Keyword), ("memory_type", PayloadSchemaType.Keyword), ("semantic_key", PayloadSchemaType.Keyword),
            ("emotional_context", PayloadSchemaType.Keyword), ("timestamp_unix", PayloadSchemaType.Float), ("content_hash", PayloadSchemaType.Integer),
        })
        {
            info.PayloadSchema[field] = new PayloadSchemaInfo { DataType = type, Points = 0 };
        }

        return info;
    }

    private static VectorParams Vector(CollectionInfo info, string name) => info.Config.Params.VectorsConfig.ParamsMap.Map[name];

    [Fact]
    public void Compare_MatchingLiveCollectionWithServerDefaults_HasNoDifferences()
    {
        var comparison = CollectionSchema.Compare(V2, LiveV2());

        Assert.True(comparison.IsIdentical, comparison.ToString());
    }

    [Fact]
    public void Compare_MissingVector_IsError()
    {
        var live = LiveV2();
        live.Config.Params.VectorsConfig.ParamsMap.Map.Remove("emotion");

        var error = Assert.Single(CollectionSchema.Compare(V2, live).Errors);

        Assert.Equal("vectors.emotion", error.Path);
        Assert.Equal("size 384 Cosine", error.Expected);
        Assert.Null(error.Actual);
        Assert.Equal(SchemaDifferenceSeverity.Error, error.Severity);
        Assert.Equal(
            "Vector 'emotion' is missing from the collection; the schema expects size 384 Cosine. Apply the pending migrations, or check that the collection belongs to this family.",
            error.Message);
    }

    [Fact]
    public void Compare_SizeMismatch_IsErrorSayingRebuild()
    {
        var live = LiveV2();
        Vector(live, "content").Size = 768;

        var error = Assert.Single(CollectionSchema.Compare(V2, live).Errors);

        Assert.Equal(("vectors.content.size", "384", "768"), (error.Path, error.Expected, error.Actual));
        Assert.Equal(
            "Vector 'content' has size 768 in the collection, but the schema expects 384. Qdrant cannot change it in place: rebuild the collection, or recreate the vector (DeleteVector + AddVector) and fill it again.",
            error.Message);
    }

    [Fact]
    public void Compare_DistanceDatatypeMultivectorMismatch_AreErrors()
    {
        var live = LiveV2();
        Vector(live, "content").Distance = Distance.Dot;
        Vector(live, "emotion").MultivectorConfig = new MultiVectorConfig();

        var paths = CollectionSchema.Compare(V2, live).Errors.Select(e => e.Path);

        Assert.Equal(["vectors.content.distance", "vectors.emotion.multivector_config"], paths);
    }

    [Fact]
    public void Compare_DatatypeDeclared_DefaultAndFloat32AreEquivalent()
    {
        var expected = CollectionSchema.Build(b => b.CreateCollection(c => c.AddVector("", 4, Distance.Dot, v => v.Datatype(Datatype.Float32))));
        var live = new CollectionInfo { Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Dot, Datatype = Datatype.Default } } } } };

        Assert.Empty(CollectionSchema.Compare(expected, live).Errors);
    }

    [Fact]
    public void Compare_UnnamedSingleVector_IsKeyedByEmptyName()
    {
        var expected = CollectionSchema.Build(b => b.CreateCollection(c => c.AddVector("", 4, Distance.Dot)));
        var live = new CollectionInfo { Config = new CollectionConfig { Params = new CollectionParams { VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = 8, Distance = Distance.Dot } } } } };

        var error = Assert.Single(CollectionSchema.Compare(expected, live).Errors);

        Assert.Equal("vectors.\"\".size", error.Path);
    }

    [Fact]
    public void Compare_MissingIndexAndTypeMismatch_AreErrors()
    {
        var live = LiveV2();
        live.PayloadSchema.Remove("user_id");
        live.PayloadSchema["content_hash"].DataType = PayloadSchemaType.Keyword;

        var errors = CollectionSchema.Compare(V2, live).Errors;

        Assert.Equal(["payload_schema.content_hash.type", "payload_schema.user_id"], errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e.Message == "Payload index 'content_hash' is Keyword in the collection, but the schema expects Integer. Recreate the index with the expected type (ChangePayloadIndex).");
    }

    [Fact]
    public void Compare_MissingSparseVector_IsError()
    {
        var expected = CollectionSchema.Build(b => b.CreateCollection(c => c.AddSparseVector("keywords", Modifier.Idf)));
        var live = new CollectionInfo { Config = new CollectionConfig { Params = new CollectionParams() } };

        var error = Assert.Single(CollectionSchema.Compare(expected, live).Errors);

        Assert.Equal("sparse_vectors.keywords", error.Path);
    }

    [Fact]
    public void Compare_ExtraVectorsAndIndexes_AreWarnings()
    {
        var live = LiveV2();
        live.Config.Params.VectorsConfig.ParamsMap.Map["legacy_7d"] = new VectorParams { Size = 7, Distance = Distance.Euclid };
        live.Config.Params.SparseVectorsConfig = new SparseVectorConfig { Map = { ["bm25"] = new SparseVectorParams() } };
        live.PayloadSchema["bot_name"] = new PayloadSchemaInfo { DataType = PayloadSchemaType.Keyword };

        var comparison = CollectionSchema.Compare(V2, live);

        Assert.False(comparison.HasErrors);
        Assert.Equal(["payload_schema.bot_name", "sparse_vectors.bm25", "vectors.legacy_7d"], comparison.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
        Assert.All(comparison.Warnings, w => Assert.Null(w.Expected));
        Assert.Contains(comparison.Warnings, w => w.Message == "Vector 'legacy_7d' exists in the collection but not in the schema. Leave it, or add a migration that declares or deletes it.");
    }

    [Fact]
    public void Compare_DifferentHnswAndOptimizers_AreWarnings()
    {
        var live = LiveV2();
        Vector(live, "content").HnswConfig.M = 16;
        live.Config.OptimizerConfig.IndexingThreshold = 10000;

        var comparison = CollectionSchema.Compare(V2, live);

        Assert.False(comparison.HasErrors);
        Assert.Equal(["optimizers_config.indexing_threshold", "vectors.content.hnsw_config.m"], comparison.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
        var hnsw = comparison.Warnings.Single(w => w.Path == "vectors.content.hnsw_config.m");
        Assert.Equal(("32", "16"), (hnsw.Expected, hnsw.Actual));
        Assert.Equal(
            "'vectors.content.hnsw_config.m' is 16 in the collection, but the schema expects 32. Apply the pending migrations, or add one with UpdateCollection to make them agree.",
            hnsw.Message);
    }

    [Fact]
    public void Compare_VectorHnswUnsetLive_FallsBackToCollectionHnsw()
    {
        var live = LiveV2();
        Vector(live, "emotion").HnswConfig = null; // live vector inherits the collection's m=16; ef_construct=100 differs from 128

        var warning = Assert.Single(CollectionSchema.Compare(V2, live).Warnings);

        Assert.Equal(("vectors.emotion.hnsw_config.ef_construct", "128", "100"), (warning.Path, warning.Expected, warning.Actual));
    }

    [Fact]
    public void Compare_OnDiskQuantizationMetadataAndIndexParams_AreWarnings()
    {
        var expected = CollectionSchema.Build(b => b
            .CreateCollection(c => c
                .AddVector("v", 4, Distance.Dot, v => v.OnDisk())
                .Quantization(new QuantizationConfig { Scalar = new ScalarQuantization { Type = QuantizationType.Int8 } })
                .Metadata("owner", "elena")
                .ShardNumber(2))
            .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword, new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } }));
        var live = new CollectionInfo
        {
            Config = new CollectionConfig
            {
                Params = new CollectionParams { ShardNumber = 1, VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap { Map = { ["v"] = new VectorParams { Size = 4, Distance = Distance.Dot } } } } },
                Metadata = { ["owner"] = "gabriel", ["qdrant_schema.version"] = "x" },
            },
        };
        live.PayloadSchema["user_id"] = new PayloadSchemaInfo { DataType = PayloadSchemaType.Keyword };

        var comparison = CollectionSchema.Compare(expected, live);

        Assert.False(comparison.HasErrors);
        Assert.Equal(
            ["metadata.owner", "payload_schema.user_id.params.is_tenant", "quantization_config", "shard_number", "vectors.v.on_disk"],
            comparison.Warnings.Select(w => w.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compare_SchemaWithoutCollection_IsError()
    {
        var error = Assert.Single(CollectionSchema.Compare(CollectionSchema.Empty, LiveV2()).Errors);

        Assert.Equal("collection", error.Path);
    }

    [Fact]
    public void Compare_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => CollectionSchema.Compare(null!, LiveV2()));
        Assert.Throws<ArgumentNullException>(() => CollectionSchema.Compare(V2, null!));
        Assert.Throws<ArgumentNullException>(() => CollectionSchema.Diff(V2, null!));
    }
}
