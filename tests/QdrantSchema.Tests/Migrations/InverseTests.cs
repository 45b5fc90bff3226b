using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Migrations;

public sealed class InverseTests
{
    private static void Create(MigrationBuilder b) => b.CreateCollection(c => c
        .AddVector("content", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 32, EfConstruct = 256 }))
        .AddSparseVector("keywords", Modifier.Idf)
        .Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 100 })
        .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 20000 })
        .Quantization(new QuantizationConfig { Scalar = new ScalarQuantization { Type = QuantizationType.Int8 } })
        .Metadata("owner", "elena"));

    private static void SetUp(MigrationBuilder b) => b
        .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword, new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } })
        .CreateAlias("memories_live");

    private static MigrationDescriptor Describe(Action<MigrationBuilder> up, Action<MigrationBuilder>? down = null)
        => MigrationCatalog.Create([new First(b => { Create(b); SetUp(b); }), new Second(up, down)]).Families["t"].Migrations[1];

    /// <summary>Folding Up then the generated Down gives back exactly the schema before Up.</summary>
    private static MigrationDescriptor AssertRoundTrip(Action<MigrationBuilder> up)
    {
        var descriptor = Describe(up);
        Assert.True(descriptor.IsReversible, string.Join("; ", descriptor.IrreversibleReasons));
        var state = descriptor.SchemaAfter.State.Clone();
        var context = new FoldContext(descriptor.Id, descriptor.Family, "Down");
        foreach (var operation in descriptor.DownOperations!)
        {
            operation.Apply(state, context);
        }

        Assert.Equal(descriptor.SchemaBefore.ToString(), new CollectionSchema(state).ToString());
        return descriptor;
    }

    [Fact]
    public void CreatePayloadIndex_Inverse_DeletesIndex()
    {
        var d = AssertRoundTrip(b => b.CreatePayloadIndex("memory_type", PayloadSchemaType.Keyword));

        var inverse = Assert.IsType<DeletePayloadIndexOperation>(Assert.Single(d.DownOperations!));
        Assert.Equal("memory_type", inverse.Field);
    }

    [Fact]
    public void DeletePayloadIndex_Inverse_RecreatesWithPreviousDefinition()
    {
        var d = AssertRoundTrip(b => b.DeletePayloadIndex("user_id"));

        var inverse = Assert.IsType<CreatePayloadIndexOperation>(Assert.Single(d.DownOperations!));
        Assert.Equal(PayloadSchemaType.Keyword, inverse.Type);
        Assert.True(inverse.Parameters!.KeywordIndexParams.IsTenant);
    }

    [Fact]
    public void ChangePayloadIndex_Inverse_RestoresPreviousIndex()
        => AssertRoundTrip(b => b.ChangePayloadIndex("user_id", PayloadSchemaType.Uuid));

    [Fact]
    public void AddVector_Inverse_DeletesVectorWithDataLossWarning()
    {
        var d = AssertRoundTrip(b => b.AddVector("relationship", 384, Distance.Cosine));

        Assert.IsType<DeleteVectorOperation>(Assert.Single(d.DownOperations!));
        Assert.Equal("Down deletes vector 'relationship' and the values every point has for it.", Assert.Single(d.DownWarnings));
    }

    [Fact]
    public void AddSparseVector_Inverse_DeletesIt() => AssertRoundTrip(b => b.AddSparseVector("tags"));

    [Fact]
    public void DeleteVector_Inverse_RecreatesWithPreviousSettingsAndWarns()
    {
        var d = AssertRoundTrip(b => b.DeleteVector("content").DeleteVector("keywords"));

        Assert.Equal(2, d.DownOperations!.Count);
        Assert.Contains("Down re-creates vector 'content' empty: the values deleted with it are not restored.", d.DownWarnings);
    }

    [Fact]
    public void AddVector_IdenticalReAdd_InverseIsNothing()
    {
        var d = AssertRoundTrip(b => b.AddVector("content", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 32, EfConstruct = 256 })));

        Assert.Empty(d.DownOperations!);
    }

    [Fact]
    public void SetMetadata_NewKey_InverseRemovesIt()
    {
        var d = AssertRoundTrip(b => b.SetMetadata("version", 3L));

        Assert.IsType<RemoveMetadataOperation>(Assert.Single(d.DownOperations!));
    }

    [Fact]
    public void SetMetadata_ExistingKey_InverseRestoresPreviousValue()
    {
        var d = AssertRoundTrip(b => b.SetMetadata("owner", "gabriel"));

        var inverse = Assert.IsType<SetMetadataOperation>(Assert.Single(d.DownOperations!));
        Assert.Equal("elena", inverse.Value.StringValue);
    }

    [Fact]
    public void RemoveMetadata_Inverse_SetsPreviousValue() => AssertRoundTrip(b => b.RemoveMetadata("owner"));

    [Fact]
    public void CreateAlias_Inverse_DeletesIt() => AssertRoundTrip(b => b.CreateAlias("memories_v2"));

    [Fact]
    public void DeleteAlias_CreatedByMigrations_InverseRecreatesIt() => AssertRoundTrip(b => b.DeleteAlias("memories_live"));

    [Fact]
    public void DeleteAlias_NotCreatedByMigrations_IsIrreversible()
    {
        var d = Describe(b => b.DeleteAlias("external"));

        Assert.False(d.IsReversible);
        Assert.Contains("no earlier migration created the alias", Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void SwapAlias_NewAlias_IsIrreversible()
    {
        var d = Describe(b => b.SwapAlias("memories_current"));

        Assert.Equal(
            "SwapAlias 'memories_current': the collection the alias pointed to before is unknown. Override Down.",
            Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void UpdateCollection_DeclaredFields_InverseRestoresPreviousValues()
    {
        var d = AssertRoundTrip(b => b.UpdateCollection(u => u
            .Hnsw(new HnswConfigDiff { M = 24 })
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 50000 })
            .Quantization(new QuantizationConfigDiff { Disabled = new Disabled() })
            .Vector("content", new VectorParamsDiff { HnswConfig = new HnswConfigDiff { EfConstruct = 512 }, QuantizationConfig = new QuantizationConfigDiff { Binary = new BinaryQuantization() } })));

        var inverse = Assert.IsType<UpdateCollectionOperation>(Assert.Single(d.DownOperations!));
        Assert.Equal(16UL, inverse.Update.Hnsw!.M);
        Assert.Equal(20000UL, inverse.Update.Optimizers!.IndexingThreshold);
        Assert.Equal(QuantizationConfigDiff.QuantizationOneofCase.Scalar, inverse.Update.Quantization!.QuantizationCase);
        Assert.Equal(256UL, inverse.Update.Vectors["content"].HnswConfig.EfConstruct);
        Assert.Equal(QuantizationConfigDiff.QuantizationOneofCase.Disabled, inverse.Update.Vectors["content"].QuantizationConfig.QuantizationCase);
    }

    [Fact]
    public void UpdateCollection_UndeclaredField_IsIrreversibleNamingTheField()
    {
        var d = Describe(b => b.UpdateCollection(u => u.Hnsw(new HnswConfigDiff { FullScanThreshold = 5000 })));

        Assert.False(d.IsReversible);
        Assert.Equal(
            "UpdateCollection sets hnsw_config.full_scan_threshold, whose previous value no earlier migration declared, so Down cannot restore it. " +
            "Override Down and state the values to restore.",
            Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void UpdateCollection_SparseModifier_InverseRestoresIt() => AssertRoundTrip(b => b.UpdateCollection(u => u.SparseVector("keywords", new SparseVectorParams { Modifier = Modifier.None })));

    [Fact]
    public void CreateCollection_Inverse_IsDestructiveDeleteCollection()
    {
        var d = MigrationCatalog.Create([new First(Create)]).Families["t"].Migrations[0];

        Assert.True(d.IsReversible);
        Assert.IsType<DeleteCollectionOperation>(Assert.Single(d.DownOperations!));
        Assert.True(d.DownOperations![0].IsDestructive);
        Assert.Equal("Down deletes the collection and every point in it; nothing can bring the data back.", Assert.Single(d.DownWarnings));
    }

    [Fact]
    public void DataStep_WithoutDown_MakesMigrationIrreversible()
    {
        var d = Describe(b => b.CreatePayloadIndex("x", PayloadSchemaType.Keyword).TransformPayload(_ => ValueTask.CompletedTask, "backfill"));

        Assert.False(d.IsReversible);
        Assert.Null(d.DownOperations);
        Assert.Equal(
            "TransformPayload 'backfill' is a data step, which has no generated inverse. Override Down to undo it, or call Irreversible(reason) there.",
            Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void DeleteCollection_IsIrreversible()
    {
        var d = Describe(b => b.DeleteCollection());

        Assert.Equal("DeleteCollection deletes every point of the collection, which nothing can restore.", Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void ExplicitDown_RestoringSchema_IsUsed()
    {
        var family = MigrationCatalog.Create(WhisperEngine.All()).Families["memories"];
        var v4 = family.Migrations[3];

        Assert.True(v4.IsReversible);
        Assert.True(v4.HasExplicitDown);
        Assert.Equal(["CreatePayloadIndex 'timestamp_unix'", "TransformPayload 'created-at-to-timestamp-unix'", "DeletePayloadIndex 'created_at'"], v4.DownOperations!.Select(o => o.DisplayName));
    }

    [Fact]
    public void ExplicitDown_NotRestoringSchema_ThrowsWithDifference()
    {
        var error = Assert.Throws<QdrantMigrationDefinitionException>(() => Describe(
            b => b.CreatePayloadIndex("created_at", PayloadSchemaType.Datetime),
            d => d.CreatePayloadIndex("other", PayloadSchemaType.Keyword)));

        Assert.Equal(
            "Migration '20260102000000_Second' (family 't') Down: does not restore the schema that Up started from: " +
            "payload_schema.created_at: expected (absent), found Datetime; payload_schema.other: expected (absent), found Keyword. " +
            "Fix Down so that it undoes every schema change of Up, or call Irreversible(reason) in it.",
            error.Message);
    }

    [Fact]
    public void ExplicitDown_InvalidOperation_ThrowsNamingDown()
    {
        var error = Assert.Throws<QdrantMigrationDefinitionException>(() => Describe(
            b => b.CreatePayloadIndex("created_at", PayloadSchemaType.Datetime),
            d => d.DeletePayloadIndex("nope")));

        Assert.StartsWith("Migration '20260102000000_Second' (family 't') Down: DeletePayloadIndex 'nope' deletes an index that does not exist", error.Message);
    }

    [Fact]
    public void ExplicitDown_Irreversible_RecordsReason()
    {
        var d = Describe(b => b.DeletePoints(new Filter { Must = { Qdrant.Client.Grpc.Conditions.MatchKeyword("memory_type", "temp") } }), d => d.Irreversible("Deleted memories are gone."));

        Assert.False(d.IsReversible);
        Assert.Equal("Deleted memories are gone.", Assert.Single(d.IrreversibleReasons));
    }

    [Fact]
    public void ExplicitDown_CallsBaseAndDeclaresOperations_Throws()
    {
        var error = Assert.Throws<QdrantMigrationDefinitionException>(() => MigrationCatalog.Create([
            new First(b => { Create(b); SetUp(b); }),
            new BaseAndMore(),
        ]));

        Assert.Contains("Down both calls base.Down (generate the inverse) and declares operations.", error.Message);
    }

    [Migration("20260102000000_BaseAndMore", Family = "t")]
    private sealed class BaseAndMore : QdrantMigration
    {
        protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("x", PayloadSchemaType.Keyword);

        protected internal override void Down(MigrationBuilder migration)
        {
            base.Down(migration);
            migration.DeletePayloadIndex("x");
        }
    }

    [Fact]
    public void GeneratedDown_SeveralOperations_InvertsInReverseOrder()
    {
        var d = AssertRoundTrip(b => b
            .AddVector("relationship", 384, Distance.Cosine)
            .CreatePayloadIndex("created_at", PayloadSchemaType.Datetime)
            .SetMetadata("schema", "v2"));

        Assert.Equal(
            ["RemoveMetadata 'schema'", "DeletePayloadIndex 'created_at'", "DeleteVector 'relationship'"],
            d.DownOperations!.Select(o => o.DisplayName));
    }
}
