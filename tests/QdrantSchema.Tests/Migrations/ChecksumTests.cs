using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Migrations;

public sealed class ChecksumTests
{
    private static string Checksum(QdrantMigration migration)
        => MigrationCatalog.Create([migration]).Families.Values.Single().Migrations.Single().Checksum;

    private static string ChecksumAfterCreate(Action<MigrationBuilder> up)
        => MigrationCatalog.Create([new First(Create), new Second(up)]).Families["t"].Migrations[1].Checksum;

    private static void Create(MigrationBuilder b)
        => b.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine).AddVector("emotion", 384, Distance.Cosine));

    [Fact]
    public void Checksum_WhisperEngineV1_IsStableAcrossRuns()
    {
        // Pinned: a change here changes the checksum of every applied migration in the field. Never update it lightly.
        var checksum = Checksum(new V1CreateMemories());

        Assert.Equal(Checksum(new V1CreateMemories()), checksum);
        Assert.Matches("^[0-9a-f]{64}$", checksum);
        Assert.Equal("7ffc4ebcaa9a3b7e18a7728b17a450f7207cf37b6cf687d9eaf9252af20154f6", checksum);
    }

    [Fact]
    public void CanonicalText_WhisperEngineV1_IsExact()
    {
        var descriptor = MigrationCatalog.Create([new V1CreateMemories()]).Families["memories"].Migrations[0];

        Assert.Equal(
            "CreateCollection" +
            " vector:\"content\"={size=384;distance=1;hnsw_config={m=32;ef_construct=256}}" +
            " vector:\"emotion\"={size=384;distance=1;hnsw_config={m=16;ef_construct=128}}" +
            " vector:\"semantic\"={size=384;distance=1;hnsw_config={m=16;ef_construct=128}}" +
            " optimizers_config={default_segment_number=2;indexing_threshold=20000;flush_interval_sec=10}\n",
            MigrationDescriptor.CanonicalText(descriptor.Operations));
    }

    [Fact]
    public void Checksum_VectorDeclarationOrder_DoesNotMatter()
    {
        var a = Checksum(new First(b => b.CreateCollection(c => c.AddVector("a", 4, Distance.Dot).AddVector("b", 4, Distance.Dot))));
        var b = Checksum(new First(b => b.CreateCollection(c => c.AddVector("b", 4, Distance.Dot).AddVector("a", 4, Distance.Dot))));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Checksum_MetadataStructKeyOrder_DoesNotMatter()
    {
        static Value Struct(params (string Key, Value Value)[] fields)
        {
            var value = new Value { StructValue = new Struct() };
            foreach (var (key, v) in fields)
            {
                value.StructValue.Fields.Add(key, v);
            }

            return value;
        }

        var a = ChecksumAfterCreate(b => b.SetMetadata("owner", Struct(("team", "ai"), ("bot", "elena"))));
        var b = ChecksumAfterCreate(b => b.SetMetadata("owner", Struct(("bot", "elena"), ("team", "ai"))));

        Assert.Equal(a, b);
    }

    [Fact]
    public void Checksum_OperationChanged_Changes()
    {
        var baseline = ChecksumAfterCreate(b => b.CreatePayloadIndex("user_id", PayloadSchemaType.Keyword));

        Assert.NotEqual(baseline, ChecksumAfterCreate(b => b.CreatePayloadIndex("user_id", PayloadSchemaType.Uuid)));
        Assert.NotEqual(baseline, ChecksumAfterCreate(b => b.CreatePayloadIndex("user", PayloadSchemaType.Keyword)));
        Assert.NotEqual(baseline, ChecksumAfterCreate(b => b.CreatePayloadIndex(
            "user_id", PayloadSchemaType.Keyword, new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } })));
        Assert.NotEqual(baseline, ChecksumAfterCreate(b => b
            .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("memory_type", PayloadSchemaType.Keyword)));
    }

    [Fact]
    public void Checksum_OperationOrder_Matters()
    {
        var a = ChecksumAfterCreate(b => b.CreatePayloadIndex("x", PayloadSchemaType.Keyword).CreatePayloadIndex("y", PayloadSchemaType.Keyword));
        var b = ChecksumAfterCreate(b => b.CreatePayloadIndex("y", PayloadSchemaType.Keyword).CreatePayloadIndex("x", PayloadSchemaType.Keyword));

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Checksum_DelegateSteps_CoverNameAndKindNotTheDelegate()
    {
        var a = ChecksumAfterCreate(b => b.TransformPayload(_ => ValueTask.CompletedTask, "step"));
        var sameNameOtherDelegate = ChecksumAfterCreate(b => b.TransformPayload(p => { p.Payload.Clear(); return ValueTask.CompletedTask; }, "step"));
        var otherName = ChecksumAfterCreate(b => b.TransformPayload(_ => ValueTask.CompletedTask, "step-v2"));
        var fill = ChecksumAfterCreate(b => b.FillVector("content", _ => ValueTask.FromResult(new float[384]), "step"));

        Assert.Equal(a, sameNameOtherDelegate);
        Assert.NotEqual(a, otherName);
        Assert.NotEqual(a, fill);
    }

    [Fact]
    public void Checksum_DeclaredTransform_CoversEveryAction()
    {
        var a = ChecksumAfterCreate(b => b.TransformPayload(t => t.RenameKey("a", "b")));
        var b = ChecksumAfterCreate(b => b.TransformPayload(t => t.RenameKey("a", "c")));
        var c = ChecksumAfterCreate(b => b.TransformPayload(t => t.RenameKey("a", "b").DeleteKeys("z")));
        var d = ChecksumAfterCreate(b => b.TransformPayload(t => t.SetMerge("k", 1L)));
        var e = ChecksumAfterCreate(b => b.TransformPayload(t => t.SetMerge("k", 2L)));

        Assert.Equal(5, new[] { a, b, c, d, e }.Distinct().Count());
    }

    [Fact]
    public void Checksum_DownChanges_DoNotChangeIt()
    {
        var a = MigrationCatalog.Create([new First(Create), new Second(b => b.CreatePayloadIndex("x", PayloadSchemaType.Keyword))]).Families["t"].Migrations[1];
        var b = MigrationCatalog.Create([new First(Create), new Second(b => b.CreatePayloadIndex("x", PayloadSchemaType.Keyword), d => d.DeletePayloadIndex("x"))]).Families["t"].Migrations[1];

        Assert.Equal(a.Checksum, b.Checksum);
    }
}
