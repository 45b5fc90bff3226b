using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Migrations;

public sealed class ClassificationTests
{
    private static void Create(MigrationBuilder b) => b.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine));

    private static MigrationDescriptor Describe(Action<MigrationBuilder> up)
        => MigrationCatalog.Create([new First(Create), new Second(up)]).Families["t"].Migrations[1];

    [Fact]
    public void Kind_WhisperEngineStory_IsMetadataThenDataThenData()
    {
        var kinds = MigrationCatalog.Create(WhisperEngine.All()).Families["memories"].Migrations.Select(m => m.Kind);

        Assert.Equal([OperationKind.MetadataOnly, OperationKind.MetadataOnly, OperationKind.InPlaceData, OperationKind.InPlaceData], kinds);
    }

    [Fact]
    public void Kind_VectorSizeChange_IsRebuild()
    {
        var d = Describe(b => b.CreatePayloadIndex("x", PayloadSchemaType.Keyword).ChangeVector("content", 768, Distance.Cosine));

        Assert.Equal(OperationKind.Rebuild, d.Kind);
        Assert.Equal(768UL, d.SchemaAfter.Vectors["content"].Size);
    }

    [Theory]
    [InlineData("distance")]
    [InlineData("datatype")]
    [InlineData("multivector")]
    public void Kind_OtherImmutableVectorChanges_AreRebuild(string change)
    {
        var d = Describe(b => _ = change switch
        {
            "distance" => b.ChangeVector("content", 384, Distance.Dot),
            "datatype" => b.ChangeVector("content", 384, Distance.Cosine, v => v.Datatype(Datatype.Float16)),
            _ => b.ChangeVector("content", 384, Distance.Cosine, v => v.Multivector()),
        });

        Assert.Equal(OperationKind.Rebuild, d.Kind);
    }

    [Fact]
    public void Kind_ShardNumberChange_IsRebuild()
    {
        var d = Describe(b => b.ChangeShardNumber(4));

        Assert.Equal(OperationKind.Rebuild, d.Kind);
        Assert.Equal(4U, d.SchemaAfter.ShardNumber);
    }

    [Fact]
    public void Kind_ConfigAndIndexChanges_AreMetadataOnly()
    {
        var d = Describe(b => b
            .UpdateCollection(u => u.Hnsw(new HnswConfigDiff { M = 8 }))
            .CreatePayloadIndex("x", PayloadSchemaType.Keyword)
            .AddVector("v", 4, Distance.Dot)
            .SetMetadata("k", "v")
            .CreateAlias("a"));

        Assert.Equal(OperationKind.MetadataOnly, d.Kind);
        Assert.False(d.HasDataSteps);
    }

    [Fact]
    public void Kind_DataSteps_AreInPlaceData()
    {
        var d = Describe(b => b.DeletePoints(new Filter { Must = { Conditions.MatchKeyword("memory_type", "temp") } }));

        Assert.Equal(OperationKind.InPlaceData, d.Kind);
        Assert.True(d.HasDataSteps);
        Assert.True(d.IsDestructive);
    }
}
