using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Migrations;

public sealed class MigrationModelTests
{
    [Fact]
    public void Fold_WhisperEngineV1_CreatesThreeVectorsWithPerVectorHnswAndOptimizers()
    {
        var schema = MigrationModel.Fold(WhisperEngine.All(), "20261125120000_CreateMemories");

        Assert.True(schema.Exists);
        Assert.Equal(["content", "emotion", "semantic"], schema.Vectors.Keys.Order(StringComparer.Ordinal));
        foreach (var vector in schema.Vectors.Values)
        {
            Assert.Equal(384UL, vector.Size);
            Assert.Equal(Distance.Cosine, vector.Distance);
        }

        Assert.Equal(new HnswConfigDiff { M = 32, EfConstruct = 256 }, schema.Vectors["content"].HnswConfig);
        Assert.Equal(new HnswConfigDiff { M = 16, EfConstruct = 128 }, schema.Vectors["emotion"].HnswConfig);
        Assert.Equal(new HnswConfigDiff { M = 16, EfConstruct = 128 }, schema.Vectors["semantic"].HnswConfig);
        Assert.Equal(new OptimizersConfigDiff { IndexingThreshold = 20000, DefaultSegmentNumber = 2, FlushIntervalSec = 10 }, schema.Optimizers);
        Assert.Null(schema.Hnsw);
        Assert.Empty(schema.PayloadIndexes);
        Assert.Empty(schema.SparseVectors);
    }

    [Fact]
    public void Fold_WhisperEngineV2_AddsSixPayloadIndexes()
    {
        var schema = MigrationModel.Fold(WhisperEngine.All(), "20261126090000_AddPayloadIndexes");

        var indexes = schema.PayloadIndexes.ToDictionary(p => p.Key, p => p.Value.Type);
        Assert.Equal(
            new Dictionary<string, PayloadSchemaType>
            {
                ["content_hash"] = PayloadSchemaType.Integer,
                ["emotional_context"] = PayloadSchemaType.Keyword,
                ["memory_type"] = PayloadSchemaType.Keyword,
                ["semantic_key"] = PayloadSchemaType.Keyword,
                ["timestamp_unix"] = PayloadSchemaType.Float,
                ["user_id"] = PayloadSchemaType.Keyword,
            },
            indexes);
        Assert.All(schema.PayloadIndexes.Values, i => Assert.Null(i.Parameters));
    }

    [Fact]
    public void Fold_WhisperEngineV3_AddsRelationshipVector()
    {
        var schema = MigrationModel.Fold(WhisperEngine.All(), "20261201100000_AddRelationshipVector");

        Assert.Equal(4, schema.Vectors.Count);
        Assert.Equal(384UL, schema.Vectors["relationship"].Size);
        Assert.Equal(Distance.Cosine, schema.Vectors["relationship"].Distance);
        Assert.Contains("timestamp_unix", schema.PayloadIndexes.Keys);
    }

    [Fact]
    public void Fold_WhisperEngineLatest_SwapsTimestampIndexForCreatedAt()
    {
        var schema = MigrationModel.Fold(WhisperEngine.All());

        Assert.DoesNotContain("timestamp_unix", schema.PayloadIndexes.Keys);
        Assert.Equal(PayloadSchemaType.Datetime, schema.PayloadIndexes["created_at"].Type);
        Assert.Equal(6, schema.PayloadIndexes.Count);
        Assert.Equal(4, schema.Vectors.Count);
    }

    [Fact]
    public void Fold_MigrationsInAnyOrder_FoldsInIdOrder()
    {
        var ordered = MigrationModel.Fold(WhisperEngine.All());
        var shuffled = MigrationModel.Fold(WhisperEngine.All().Reverse());

        Assert.Equal(ordered.ToString(), shuffled.ToString());
    }

    [Fact]
    public void Fold_NoMigrations_ReturnsEmptySchema()
    {
        var schema = MigrationModel.Fold([]);

        Assert.Same(QdrantSchema.Schema.CollectionSchema.Empty, schema);
        Assert.False(schema.Exists);
    }

    [Fact]
    public void Fold_UnknownUpToId_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => MigrationModel.Fold(WhisperEngine.All(), "20990101000000_Nope"));

        Assert.Contains("There is no migration '20990101000000_Nope' in family 'memories'", error.Message);
    }

    [Fact]
    public void Fold_SeveralFamilies_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => MigrationModel.Fold(
            [new First(b => b.CreateCollection()), new OtherFamily(b => b.CreateCollection())]));

        Assert.Contains("several families ('other', 't')", error.Message);
    }

    [Fact]
    public void Schema_ReturnedProtos_AreCopies()
    {
        var schema = MigrationModel.Fold(WhisperEngine.All());

        schema.Vectors["content"].Size = 1;
        schema.Optimizers!.IndexingThreshold = 1;

        Assert.Equal(384UL, schema.Vectors["content"].Size);
        Assert.Equal(20000UL, schema.Optimizers!.IndexingThreshold);
    }

    [Fact]
    public void Builder_CallerMutatesProtoAfterDeclaring_SchemaKeepsDeclaredValue()
    {
        var hnsw = new HnswConfigDiff { M = 32 };
        var migration = new First(b => b.CreateCollection(c => c.AddVector("v", 4, Distance.Dot, v => v.Hnsw(hnsw))));

        var schema = MigrationModel.Fold([migration]);
        hnsw.M = 99;

        Assert.Equal(32UL, schema.Vectors["v"].HnswConfig.M);
    }

    [Fact]
    public void Catalog_WhisperEngine_DescribesEachMigration()
    {
        var family = MigrationCatalog.Create(WhisperEngine.All()).Families["memories"];

        Assert.Equal(
            ["20261125120000_CreateMemories", "20261126090000_AddPayloadIndexes", "20261201100000_AddRelationshipVector", "20261210080000_RenameTimestampToCreatedAt"],
            family.Migrations.Select(m => m.Id));
        Assert.Equal("Create memories", family.Migrations[0].Description);
        Assert.Equal("Add payload indexes", family.Migrations[1].Description);
        Assert.Equal("Rename timestamp_unix to created_at (datetime)", family.Migrations[3].Description);
        Assert.Equal(typeof(V2AddPayloadIndexes), family.Migrations[1].MigrationType);
        Assert.All(family.Migrations, m => Assert.Equal("memories", m.Family));
        Assert.False(family.Migrations[0].SchemaBefore.Exists);
        Assert.Equal(family.Migrations[0].SchemaAfter.ToString(), family.Migrations[1].SchemaBefore.ToString());
    }

    [Fact]
    public void Description_DefaultFromName_SplitsWordsAndKeepsAcronyms()
    {
        var migration = new DefaultFamilyMigration(b => b.CreateCollection());

        Assert.Equal("Add HNSW config to memories v2", migration.Description);
        Assert.Equal(MigrationAttribute.DefaultFamily, migration.Family);
        Assert.Equal("20260101000000_AddHNSWConfigToMemories_v2", migration.Id);
    }

    [Fact]
    public void Builder_DataSteps_AreRecordedWithTheirDelegates()
    {
        var family = MigrationCatalog.Create(WhisperEngine.All()).Families["memories"];
        var v4 = family.Migrations[3];

        var transform = Assert.IsType<QdrantSchema.Migrations.Operations.TransformPayloadDelegateOperation>(v4.Operations[1]);
        Assert.Equal("timestamp-unix-to-created-at", transform.StepName);
        var fill = Assert.IsType<QdrantSchema.Migrations.Operations.FillVectorFromTextOperation>(family.Migrations[2].Operations[1]);
        Assert.Equal(("relationship", "content"), (fill.VectorName, fill.PayloadField));
    }

    [Fact]
    public async Task TransformPayload_WhisperEngineDelegate_RenamesAndConvertsTimestamp()
    {
        var payload = new Dictionary<string, Value> { ["timestamp_unix"] = new Value { DoubleValue = 1764072000.5 }, ["user_id"] = "u1" };

        await WhisperEngine.TimestampToCreatedAt(new PayloadTransformContext(new PointId { Num = 1 }, payload));

        Assert.False(payload.ContainsKey("timestamp_unix"));
        Assert.Equal("2025-11-25T12:00:00.500Z", payload["created_at"].StringValue);
        await WhisperEngine.CreatedAtToTimestamp(new PayloadTransformContext(new PointId { Num = 1 }, payload));
        Assert.Equal(1764072000.5, payload["timestamp_unix"].DoubleValue);
    }
}
