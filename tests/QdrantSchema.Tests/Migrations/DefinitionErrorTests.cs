using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.TestMigrations;

namespace QdrantSchema.Tests.Migrations;

public sealed class DefinitionErrorTests
{
    private static void CreateMemories(MigrationBuilder b)
        => b.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine).AddVector("emotion", 384, Distance.Cosine));

    private static QdrantMigrationDefinitionException Fails(params QdrantMigration[] migrations)
        => Assert.Throws<QdrantMigrationDefinitionException>(() => MigrationCatalog.Create(migrations));

    private static QdrantMigrationDefinitionException FailsAfterCreate(Action<MigrationBuilder> up)
        => Fails(new First(CreateMemories), new Second(up));

    private const string SecondPrefix = "Migration '20260102000000_Second' (family 't'): ";

    [Fact]
    public void AddVector_SameNameDifferentConfig_NamesMigrationExpectedAndFound()
    {
        var error = Fails(
            new CreateMemoriesDelegate(CreateMemories),
            new AddIndexesDelegate(b => b.AddVector("content", 768, Distance.Dot)));

        Assert.Equal(
            "Migration '20261125120000_AddIndexes' (family 'memories'): AddVector 'content' conflicts with the schema at that point: " +
            "expected size 384 Cosine, found 768 Dot. Change the migration or add a new one that deletes the vector first.",
            error.Message);
        Assert.Equal("20261125120000_AddIndexes", error.MigrationId);
        Assert.Equal("AddVector 'content'", error.Operation);
        Assert.IsAssignableFrom<QdrantSchemaException>(error);
    }

    [Fact]
    public void AddVector_SameSizeDifferentHnsw_ShowsFullSettings()
    {
        var error = FailsAfterCreate(b => b.AddVector("content", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 8 })));

        Assert.Equal(
            SecondPrefix + "AddVector 'content' conflicts with the schema at that point: expected {size=384;distance=1}, " +
            "found {size=384;distance=1;hnsw_config={m=8}}. Change the migration or add a new one that deletes the vector first.",
            error.Message);
    }

    [Fact]
    public void AddVector_IdenticalReAdd_IsIdempotent()
    {
        var catalog = MigrationCatalog.Create([new First(CreateMemories), new Second(b => b.AddVector("content", 384, Distance.Cosine))]);

        Assert.Equal(2, catalog.Families["t"].Latest.Vectors.Count);
    }

    [Fact]
    public void AddVector_NameIsSparseVector_Throws()
    {
        var error = Fails(
            new First(b => b.CreateCollection(c => c.AddSparseVector("keywords"))),
            new Second(b => b.AddVector("keywords", 4, Distance.Dot)));

        Assert.Equal(
            SecondPrefix + "AddVector 'keywords' conflicts with the schema at that point: the name is already a sparse vector. " +
            "Dense and sparse vector names must be unique; choose another name or delete the sparse vector first.",
            error.Message);
    }

    [Fact]
    public void AddSparseVector_NameIsDenseVector_Throws()
    {
        var error = FailsAfterCreate(b => b.AddSparseVector("content"));

        Assert.StartsWith(SecondPrefix + "AddSparseVector 'content' conflicts with the schema at that point: the name is already a dense vector.", error.Message);
    }

    [Fact]
    public void AddSparseVector_EmptyName_Throws()
    {
        var error = FailsAfterCreate(b => b.AddSparseVector(""));

        Assert.Equal(SecondPrefix + "AddSparseVector '' uses an invalid vector name '': a sparse vector name cannot be empty. Choose another name.", error.Message);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(65537UL)]
    public void AddVector_SizeOutOfRange_Throws(ulong size)
    {
        var error = FailsAfterCreate(b => b.AddVector("relationship", size, Distance.Cosine));

        Assert.Equal(
            SecondPrefix + $"AddVector 'relationship' declares size {size} for vector 'relationship'; Qdrant allows 1 to 65536. Use the dimension of your embedding model.",
            error.Message);
    }

    [Fact]
    public void AddVector_MaximumSize_IsAccepted()
    {
        var catalog = MigrationCatalog.Create([new First(CreateMemories), new Second(b => b.AddVector("big", 65536, Distance.Dot))]);

        Assert.Equal(65536UL, catalog.Families["t"].Latest.Vectors["big"].Size);
    }

    [Fact]
    public void CreateCollection_VectorSizeZero_Throws()
    {
        var error = Fails(new First(b => b.CreateCollection(c => c.AddVector("content", 0, Distance.Cosine))));

        Assert.StartsWith("Migration '20260101000000_First' (family 't'): CreateCollection declares size 0 for vector 'content'", error.Message);
    }

    [Fact]
    public void AddVector_UnknownDistance_Throws()
    {
        var error = FailsAfterCreate(b => b.AddVector("x", 4, Distance.UnknownDistance));

        Assert.Equal(SecondPrefix + "AddVector 'x' declares no distance for vector 'x'. Pass Distance.Cosine, Euclid, Dot or Manhattan.", error.Message);
    }

    [Theory]
    [InlineData("a/b", "/")]
    [InlineData("a:b", ":")]
    [InlineData("a*b", "*")]
    [InlineData("a\u001fb", "\\x1F")]
    [InlineData("a\0b", "\\0")]
    public void AddVector_ForbiddenCharacter_Throws(string name, string shown)
    {
        var error = FailsAfterCreate(b => b.AddVector(name, 4, Distance.Dot));

        Assert.Contains($"uses an invalid vector name", error.Message);
        Assert.Contains($"the name contains the character \"{shown}\", which Qdrant forbids. Choose another name.", error.Message);
    }

    [Fact]
    public void AddVector_NameOver200Bytes_Throws()
    {
        var name = new string('é', 101); // 202 UTF-8 bytes

        var error = FailsAfterCreate(b => b.AddVector(name, 4, Distance.Dot));

        Assert.Contains("the name is 202 bytes long; Qdrant allows at most 200. Choose another name.", error.Message);
    }

    [Fact]
    public void CreateCollection_DenseAndSparseShareName_Throws()
    {
        var error = Fails(new First(b => b.CreateCollection(c => c.AddVector("x", 4, Distance.Dot).AddSparseVector("x"))));

        Assert.Equal(
            "Migration '20260101000000_First' (family 't'): CreateCollection declares the vector name 'x' twice. " +
            "Dense and sparse vector names must be unique; rename one of them.",
            error.Message);
    }

    [Fact]
    public void CreatePayloadIndex_OnVectorName_Throws()
    {
        var error = FailsAfterCreate(b => b.CreatePayloadIndex("content", PayloadSchemaType.Keyword));

        Assert.Equal(
            SecondPrefix + "CreatePayloadIndex 'content' indexes 'content', which is a vector name in the schema at that point. " +
            "Payload indexes are for payload keys; check the field name.",
            error.Message);
        Assert.Equal("CreatePayloadIndex 'content'", error.Operation);
    }

    [Fact]
    public void CreatePayloadIndex_DifferentTypeOnExistingIndex_SuggestsChangePayloadIndex()
    {
        var error = FailsAfterCreate(b => b
            .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("user_id", PayloadSchemaType.Uuid));

        Assert.Equal(
            SecondPrefix + "CreatePayloadIndex 'user_id' conflicts with the schema at that point: expected Keyword, found Uuid. " +
            "Use ChangePayloadIndex (delete + create) to change an index.",
            error.Message);
    }

    [Fact]
    public void CreatePayloadIndex_ParamsOfOtherType_Throws()
    {
        var error = FailsAfterCreate(b => b.CreatePayloadIndex(
            "n", PayloadSchemaType.Integer, new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams() }));

        Assert.Equal(SecondPrefix + "CreatePayloadIndex 'n' declares a Integer index with KeywordIndexParams parameters. Pass IntegerIndexParams parameters, or none.", error.Message);
    }

    [Fact]
    public void CreatePayloadIndex_UnknownType_Throws()
    {
        var error = FailsAfterCreate(b => b.CreatePayloadIndex("n", PayloadSchemaType.UnknownType));

        Assert.StartsWith(SecondPrefix + "CreatePayloadIndex 'n' has no index type.", error.Message);
    }

    [Fact]
    public void ChangePayloadIndex_ExistingIndex_SwapsType()
    {
        var catalog = MigrationCatalog.Create([
            new First(b => { CreateMemories(b); b.CreatePayloadIndex("user_id", PayloadSchemaType.Keyword); }),
            new Second(b => b.ChangePayloadIndex("user_id", PayloadSchemaType.Uuid)),
        ]);

        Assert.Equal(PayloadSchemaType.Uuid, catalog.Families["t"].Latest.PayloadIndexes["user_id"].Type);
    }

    [Fact]
    public void DeleteVector_Missing_ListsExistingVectors()
    {
        var error = FailsAfterCreate(b => b.DeleteVector("relationship"));

        Assert.Equal(
            SecondPrefix + "DeleteVector 'relationship' deletes a vector that does not exist in the schema at that point (vectors: 'content', 'emotion'). " +
            "Fix the name or remove the operation.",
            error.Message);
    }

    [Fact]
    public void DeletePayloadIndex_Missing_Throws()
    {
        var error = FailsAfterCreate(b => b.DeletePayloadIndex("timestamp_unix"));

        Assert.Equal(
            SecondPrefix + "DeletePayloadIndex 'timestamp_unix' deletes an index that does not exist in the schema at that point (indexes: none). " +
            "Fix the field name or remove the operation.",
            error.Message);
    }

    [Fact]
    public void RemoveMetadata_Missing_Throws()
    {
        var error = FailsAfterCreate(b => b.RemoveMetadata("owner"));

        Assert.StartsWith(SecondPrefix + "RemoveMetadata 'owner' removes a metadata key that does not exist", error.Message);
    }

    [Fact]
    public void SetMetadata_NullValue_SuggestsRemoveMetadata()
    {
        var error = FailsAfterCreate(b => b.SetMetadata("owner", new Value { NullValue = NullValue.NullValue }));

        Assert.Equal(
            SecondPrefix + "SetMetadata 'owner' sets metadata key 'owner' to null, which Qdrant treats as removing the key. Use RemoveMetadata(\"owner\") instead.",
            error.Message);
    }

    [Fact]
    public void Operation_BeforeCreateCollection_Throws()
    {
        var error = Fails(new First(b => b.CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)));

        Assert.Equal(
            "Migration '20260101000000_First' (family 't'): CreatePayloadIndex 'user_id' comes before the collection exists. " +
            "Call CreateCollection in this or an earlier migration of the family first.",
            error.Message);
    }

    [Fact]
    public void CreateCollection_Twice_Throws()
    {
        var error = FailsAfterCreate(b => b.CreateCollection());

        Assert.Equal(
            SecondPrefix + "CreateCollection creates the collection a second time: an earlier operation already created it. " +
            "Remove this CreateCollection, or change the collection with AddVector, UpdateCollection or CreatePayloadIndex.",
            error.Message);
    }

    [Fact]
    public void Migration_NoOperations_Throws()
    {
        var error = Fails(new First(CreateMemories), new Second(_ => { }));

        Assert.Equal(SecondPrefix + "declares no operations in Up. Add operations, or delete the migration.", error.Message);
        Assert.Equal("20260102000000_Second", error.MigrationId);
        Assert.Null(error.Operation);
    }

    [Fact]
    public void Migrations_DuplicateId_NamesBothClasses()
    {
        var error = Fails(new First(CreateMemories), new FirstDuplicate(CreateMemories));

        Assert.Equal(
            "Migration id '20260101000000_First' is used by two classes: 'QdrantSchema.Tests.TestMigrations.First' and " +
            "'QdrantSchema.Tests.TestMigrations.FirstDuplicate'. Give one of them a new id (a later timestamp).",
            error.Message);
    }

    [Fact]
    public void Migration_NoAttribute_Throws()
    {
        var error = Fails(new NoAttribute(CreateMemories));

        Assert.Equal(
            "Migration class 'QdrantSchema.Tests.TestMigrations.NoAttribute' has no [Migration(\"yyyyMMddHHmmss_Name\")] attribute. " +
            "Add one with a unique id, for example [Migration(\"20261125120000_CreateMemories\")].",
            error.Message);
        Assert.Null(error.MigrationId);
    }

    [Fact]
    public void Migration_MalformedId_NamesClass()
    {
        var error = Fails(new MalformedId(CreateMemories));

        Assert.Equal(
            "Migration class 'QdrantSchema.Tests.TestMigrations.MalformedId' has the id '2026-01-01_Bad', which is not of the form yyyyMMddHHmmss_Name " +
            "(a valid 14-digit UTC timestamp, an underscore and an identifier). Use for example [Migration(\"20261125120000_CreateMemories\")].",
            error.Message);
    }

    [Fact]
    public void Migration_InvalidTimestamp_Throws()
    {
        var error = Fails(new InvalidDate(CreateMemories));

        Assert.Contains("has the id '20261345000000_BadDate', which is not of the form yyyyMMddHHmmss_Name", error.Message);
    }

    [Fact]
    public void Migration_InvalidFamilyName_Throws()
    {
        var error = Fails(new InvalidFamily(CreateMemories));

        Assert.StartsWith(
            "Migration '20260101000000_BadFamily' (class 'QdrantSchema.Tests.TestMigrations.InvalidFamily') names the family 'a/b', which is not valid: " +
            "the name contains the character \"/\", which Qdrant forbids.",
            error.Message);
    }

    [Fact]
    public void CreateAlias_InvalidName_Throws()
    {
        var error = FailsAfterCreate(b => b.CreateAlias("memories|live"));

        Assert.Equal(SecondPrefix + "CreateAlias 'memories|live' uses an invalid alias name: the name contains the character \"|\", which Qdrant forbids. Choose another name.", error.Message);
    }

    [Fact]
    public void UpdateCollection_NoChanges_Throws()
    {
        var error = FailsAfterCreate(b => b.UpdateCollection(u => u.Hnsw(new HnswConfigDiff())));

        Assert.StartsWith(SecondPrefix + "UpdateCollection declares no changes.", error.Message);
    }

    [Fact]
    public void UpdateCollection_UnknownVector_Throws()
    {
        var error = FailsAfterCreate(b => b.UpdateCollection(u => u.Vector("relationship", new VectorParamsDiff { HnswConfig = new HnswConfigDiff { M = 8 } })));

        Assert.Equal(
            SecondPrefix + "UpdateCollection changes vector 'relationship', which is not a dense vector in the schema at that point. Fix the name or add the vector first.",
            error.Message);
    }

    [Fact]
    public void FillVector_UnknownVector_Throws()
    {
        var error = FailsAfterCreate(b => b.FillVectorFromText("relationship", "content"));

        Assert.Equal(
            SecondPrefix + "FillVectorFromText 'relationship' fills vector 'relationship', which does not exist in the schema at that point. Add it with AddVector first.",
            error.Message);
    }

    [Fact]
    public void FillVector_SparseVector_Throws()
    {
        var error = Fails(
            new First(b => b.CreateCollection(c => c.AddSparseVector("keywords"))),
            new Second(b => b.FillVector("keywords", _ => ValueTask.FromResult(Array.Empty<float>()), "fill")));

        Assert.StartsWith(SecondPrefix + "FillVector 'fill' fills 'keywords', which is a sparse vector", error.Message);
    }

    [Fact]
    public void DataSteps_DuplicateName_Throws()
    {
        var error = FailsAfterCreate(b => b
            .TransformPayload(_ => ValueTask.CompletedTask, "step")
            .FillVector("content", _ => ValueTask.FromResult(new float[384]), "step"));

        Assert.Equal(SecondPrefix + "FillVector 'step' reuses the step name 'step'. Step names must be unique within a migration.", error.Message);
    }

    [Fact]
    public void TransformPayload_BlankName_Throws()
    {
        var error = FailsAfterCreate(b => b.TransformPayload(_ => ValueTask.CompletedTask, " "));

        Assert.StartsWith(SecondPrefix + "TransformPayload ' ' has no name.", error.Message);
    }

    [Fact]
    public void TransformPayload_RenameToItself_Throws()
    {
        var error = FailsAfterCreate(b => b.TransformPayload(t => t.RenameKey("a", "a")));

        Assert.Equal(SecondPrefix + "TransformPayload renames 'a' to itself. Remove the rename.", error.Message);
    }

    [Fact]
    public void DeletePoints_EmptyFilter_Throws()
    {
        var error = FailsAfterCreate(b => b.DeletePoints(new Filter()));

        Assert.StartsWith(SecondPrefix + "DeletePoints has an empty filter, which matches every point.", error.Message);
    }

    [Fact]
    public void Irreversible_InUp_Throws()
    {
        var error = FailsAfterCreate(b => b.Irreversible("because"));

        Assert.Equal(SecondPrefix + "Irreversible can only be declared in Down. Remove it from Up.", error.Message);
    }

    [Fact]
    public void ChangeVector_NoImmutableChange_SuggestsUpdateCollection()
    {
        var error = FailsAfterCreate(b => b.ChangeVector("content", 384, Distance.Cosine, v => v.OnDisk()));

        Assert.StartsWith(SecondPrefix + "ChangeVector 'content' does not change the size, distance, datatype or multivector setting (size 384 Cosine).", error.Message);
    }

    [Fact]
    public void Builder_NullArguments_ThrowArgumentNullException()
    {
        var up = new MigrationBuilderProbe();

        Assert.Throws<ArgumentNullException>(() => up.Builder.AddVector(null!, 4, Distance.Dot));
        Assert.Throws<ArgumentNullException>(() => up.Builder.CreatePayloadIndex(null!, PayloadSchemaType.Keyword));
        Assert.Throws<ArgumentNullException>(() => up.Builder.SetMetadata("k", null!));
        Assert.Throws<ArgumentNullException>(() => up.Builder.DeletePoints(null!));
        Assert.Throws<ArgumentNullException>(() => up.Builder.TransformPayload(null!, "x"));
        Assert.Throws<ArgumentNullException>(() => up.Builder.UpdateCollection(null!));
        Assert.Throws<ArgumentException>(() => up.Builder.Irreversible(" "));
    }

    private sealed class MigrationBuilderProbe
    {
        public MigrationBuilder Builder { get; } = new();
    }
}
