using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Schema;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Schema;

public sealed class DiffTests
{
    private static readonly CollectionSchema Latest = MigrationModel.Fold(WhisperEngine.All());

    private static void DeclareLatest(MigrationBuilder b) => b
        .CreateCollection(c => c
            .AddVector("content", 384, Distance.Cosine)
            .AddVector("emotion", 384, Distance.Cosine)
            .AddVector("semantic", 384, Distance.Cosine)
            .AddVector("relationship", 384, Distance.Cosine))
        .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("memory_type", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("semantic_key", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("emotional_context", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("created_at", PayloadSchemaType.Datetime)
        .CreatePayloadIndex("content_hash", PayloadSchemaType.Integer);

    [Fact]
    public void Diff_DeclaredMatchesFold_HasNoDifferences()
    {
        var comparison = CollectionSchema.Diff(CollectionSchema.Build(DeclareLatest), Latest);

        Assert.True(comparison.IsIdentical, comparison.ToString());
    }

    [Fact]
    public void Diff_DeclaredVectorWithoutMigration_IsErrorSuggestingMigration()
    {
        var declared = CollectionSchema.Build(b => { DeclareLatest(b); b.AddVector("persona", 384, Distance.Cosine); });

        var error = Assert.Single(CollectionSchema.Diff(declared, Latest).Errors);

        Assert.Equal("vectors.persona", error.Path);
        Assert.Equal("Vector 'persona' (size 384 Cosine) is declared, but no migration creates it. Add a migration with AddVector(\"persona\", ...).", error.Message);
    }

    [Fact]
    public void Diff_DeclaredIndexTypeChangedWithoutMigration_IsError()
    {
        var declared = CollectionSchema.Build(b => { DeclareLatest(b); b.ChangePayloadIndex("content_hash", PayloadSchemaType.Keyword); });

        var error = Assert.Single(CollectionSchema.Diff(declared, Latest).Errors);

        Assert.Equal(("payload_schema.content_hash.type", "Keyword", "Integer"), (error.Path, error.Expected, error.Actual));
        Assert.Equal("Payload index 'content_hash' is declared as Keyword, but the migrations make it Integer. Add a migration with ChangePayloadIndex.", error.Message);
    }

    [Fact]
    public void Diff_DeclaredVectorSizeChanged_IsErrorSuggestingChangeVector()
    {
        var declared = CollectionSchema.Build(b => { DeclareLatest(b); b.ChangeVector("content", 768, Distance.Cosine); });

        var error = Assert.Single(CollectionSchema.Diff(declared, Latest).Errors);

        Assert.Equal("Vector 'content' is declared with size 768, but the migrations give it 384. Add a migration with ChangeVector(\"content\", ...).", error.Message);
    }

    [Fact]
    public void Diff_FoldHasUndeclaredItems_AreWarnings()
    {
        var declared = CollectionSchema.Build(b => b.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine)).CreatePayloadIndex("user_id", PayloadSchemaType.Keyword));

        var comparison = CollectionSchema.Diff(declared, Latest);

        Assert.False(comparison.HasErrors);
        Assert.Equal(8, comparison.Warnings.Count);
        Assert.Contains(comparison.Warnings, w => w.Message == "Vector 'relationship' is created by the migrations but not declared by the application. Declare it, or add a migration that deletes it.");
    }

    [Fact]
    public void Diff_DeclaredSettingNotInFold_IsWarningNotSet()
    {
        var declared = CollectionSchema.Build(b => { DeclareLatest(b); b.UpdateCollection(u => u.Hnsw(new HnswConfigDiff { M = 48 })); });

        var warning = Assert.Single(CollectionSchema.Diff(declared, Latest).Warnings);

        Assert.Equal(("hnsw_config.m", "48", "(not set)"), (warning.Path, warning.Expected, warning.Actual));
    }

    [Fact]
    public void Diff_DeclaredCollectionButNoMigrations_IsError()
    {
        var error = Assert.Single(CollectionSchema.Diff(CollectionSchema.Build(DeclareLatest), CollectionSchema.Empty).Errors);

        Assert.Equal("The declared schema has a collection, but no migration creates it. Add a migration with CreateCollection.", error.Message);
    }

    [Fact]
    public void Build_InvalidDeclaration_Throws()
    {
        var error = Assert.Throws<QdrantMigrationDefinitionException>(() => CollectionSchema.Build(b => b.CreateCollection(c => c.AddVector("v", 0, Distance.Dot))));

        Assert.StartsWith("Migration '(declared schema)' (family '(declared)'): CreateCollection declares size 0", error.Message);
    }

    [Fact]
    public void ToString_Schema_IsCanonicalAndStable()
    {
        var text = MigrationModel.Fold(WhisperEngine.All(), "20261126090000_AddPayloadIndexes").ToString();

        Assert.Equal(
            "exists true\n" +
            "optimizers_config {default_segment_number=2;indexing_threshold=20000;flush_interval_sec=10}\n" +
            "payload_schema.content_hash Integer\n" +
            "payload_schema.emotional_context Keyword\n" +
            "payload_schema.memory_type Keyword\n" +
            "payload_schema.semantic_key Keyword\n" +
            "payload_schema.timestamp_unix Float\n" +
            "payload_schema.user_id Keyword\n" +
            "vectors.content {size=384;distance=1;hnsw_config={m=32;ef_construct=256}}\n" +
            "vectors.emotion {size=384;distance=1;hnsw_config={m=16;ef_construct=128}}\n" +
            "vectors.semantic {size=384;distance=1;hnsw_config={m=16;ef_construct=128}}\n",
            text);
    }
}
