using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>A small family for history and bad-input tests.</summary>
internal static class Small
{
    public const string Family = "small";
    public const string Create = "20250101000000_Create";
    public const string IndexA = "20250102000000_IndexA";
    public const string IndexB = "20250102120000_IndexB";
    public const string IndexC = "20250103000000_IndexC";
    public const string AddVector = "20250104000000_AddVector";
}

[Migration(Small.Create, Family = Small.Family)]
internal sealed class SmallCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot));
}

[Migration(Small.IndexA, Family = Small.Family)]
internal sealed class SmallIndexA : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("a", PayloadSchemaType.Keyword);
}

/// <summary>IndexA edited after it ran: same id, another index type.</summary>
[Migration(Small.IndexA, Family = Small.Family)]
internal sealed class SmallIndexAEdited : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("a", PayloadSchemaType.Integer);
}

[Migration(Small.IndexB, Family = Small.Family)]
internal sealed class SmallIndexB : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("b", PayloadSchemaType.Keyword);
}

[Migration(Small.IndexC, Family = Small.Family)]
internal sealed class SmallIndexC : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("c", PayloadSchemaType.Keyword);
}

[Migration(Small.AddVector, Family = Small.Family)]
internal sealed class SmallAddVector : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("w", 4, Distance.Cosine);
}

/// <summary>Shares SmallCreate's id.</summary>
[Migration(Small.Create, Family = Small.Family)]
internal sealed class SmallDuplicateId : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("d", PayloadSchemaType.Keyword);
}

[Migration("20250105000000_Empty", Family = Small.Family)]
internal sealed class SmallEmpty : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
    {
    }
}

/// <summary>Adds 'v' again with another size: invalid at that point (v exists with size 4).</summary>
[Migration("20250106000000_AddVAgain", Family = Small.Family)]
internal sealed class SmallAddVectorTwice : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("v", 8, Distance.Dot);
}

[Migration("20250107000000_IndexOnVector", Family = Small.Family)]
internal sealed class SmallIndexOnVectorName : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("v", PayloadSchemaType.Keyword);
}

[Migration("20250108000000_ZeroDimension", Family = Small.Family)]
internal sealed class SmallZeroDimension : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("zero", 0, Distance.Dot);
}

[Migration("20250109000000_HugeDimension", Family = Small.Family)]
internal sealed class SmallHugeDimension : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("huge", 65537, Distance.Dot);
}

[Migration("20250110000000_BadVectorName", Family = Small.Family)]
internal sealed class SmallBadVectorName : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("a/b", 4, Distance.Dot);
}

[Migration("20250111000000_ChangeSize", Family = Small.Family)]
internal sealed class SmallChangeVectorSize : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.ChangeVector("v", 8, Distance.Dot);
}

[Migration("20250101000000_Other", Family = "other")]
internal sealed class OtherCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c.AddVector("x", 4, Distance.Dot));
}
