using Qdrant.Client.Grpc;
using QdrantSchema.IntegrationTests.Migrator.WhisperEngine;
using QdrantSchema.Migrations;

namespace QdrantSchema.IntegrationTests.Rollback;

/// <summary>
/// A family whose migrations each use one invertible operation, so every generated inverse is rolled back on a live
/// collection: create index, add vector, metadata set twice (previous value), alias create, collection update,
/// delete vector (its data is gone).
/// </summary>
internal static class Inverses
{
    public const string Family = "inverses";
    public const string Create = "20250101000000_Create";
    public const string Index = "20250102000000_IndexA";
    public const string AddVector = "20250103000000_AddVectorW";
    public const string OwnerA = "20250104000000_OwnerA";
    public const string OwnerB = "20250105000000_OwnerB";
    public const string Alias = "20250106000000_Alias";
    public const string Update = "20250107000000_Thresholds";
    public const string DeleteVector = "20250108000000_DeleteVectorW";

    public static List<QdrantMigration> Migrations(string alias) =>
        [new InvCreate(), new InvIndex(), new InvAddVector(), new InvOwnerA(), new InvOwnerB(), new InvAlias(alias), new InvUpdate(), new InvDeleteVector()];
}

[Migration(Inverses.Create, Family = Inverses.Family)]
internal sealed class InvCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c
            .AddVector("v", 4, Distance.Dot)
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 20000 })
            .Hnsw(new HnswConfigDiff { M = 16 }));
}

[Migration(Inverses.Index, Family = Inverses.Family)]
internal sealed class InvIndex : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("a", PayloadSchemaType.Keyword);
}

[Migration(Inverses.AddVector, Family = Inverses.Family)]
internal sealed class InvAddVector : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.AddVector("w", 4, Distance.Cosine);
}

[Migration(Inverses.OwnerA, Family = Inverses.Family)]
internal sealed class InvOwnerA : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.SetMetadata("owner", "team-a");
}

[Migration(Inverses.OwnerB, Family = Inverses.Family)]
internal sealed class InvOwnerB : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.SetMetadata("owner", "team-b");
}

[Migration(Inverses.Alias, Family = Inverses.Family)]
internal sealed class InvAlias(string alias) : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreateAlias(alias);
}

[Migration(Inverses.Update, Family = Inverses.Family)]
internal sealed class InvUpdate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.UpdateCollection(u => u
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 5000 })
            .Hnsw(new HnswConfigDiff { M = 32 }));
}

[Migration(Inverses.DeleteVector, Family = Inverses.Family)]
internal sealed class InvDeleteVector : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.DeleteVector("w");
}

/// <summary>A migration of three schema operations, for the failure policies (a fault is injected before the third).</summary>
internal static class Policy
{
    public const string Family = "policy";
    public const string Create = "20250101000000_Create";
    public const string ThreeSteps = "20250201000000_ThreeSteps";

    public static List<QdrantMigration> Migrations() => [new PolicyCreate(), new PolicyThreeSteps()];
}

[Migration(Policy.Create, Family = Policy.Family)]
internal sealed class PolicyCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot).Metadata("owner", "team-a"));
}

/// <summary>PolicyCreate with an index after the create (same id), to fail the first migration after it created the collection.</summary>
[Migration(Policy.Create, Family = Policy.Family)]
internal sealed class PolicyCreateAndIndex : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .CreateCollection(c => c.AddVector("v", 4, Distance.Dot).Metadata("owner", "team-a"))
            .CreatePayloadIndex("y", PayloadSchemaType.Keyword);
}

[Migration(Policy.ThreeSteps, Family = Policy.Family)]
internal sealed class PolicyThreeSteps : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .CreatePayloadIndex("x", PayloadSchemaType.Keyword)
            .SetMetadata("owner", "team-b")
            .AddVector("z", 4, Distance.Cosine);
}

/// <summary>
/// WhisperEngine v3 and v4 with hand-written Down: v3 deletes the relationship vector; v4 moves created_at back to
/// timestamp_unix (whole seconds: v4 dropped the fraction) and drops the transform counter. Their Up is v3's and v4's.
/// </summary>
internal static class ReversibleWhisper
{
    public static List<QdrantMigration> Migrations() => [new CreateMemory(), new AddPayloadIndexes(), new ReversibleV3(), new ReversibleV4()];
}

[Migration(Whisper.V3, Family = Whisper.Family)]
internal sealed class ReversibleV3 : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .AddVector("relationship", Whisper.Dimension, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .FillVectorFromText("relationship", "content");

    protected internal override void Down(MigrationBuilder migration) => migration.DeleteVector("relationship");
}

[Migration(Whisper.V4, Family = Whisper.Family)]
internal sealed class ReversibleV4 : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .DeletePayloadIndex("timestamp_unix")
            .TransformPayload(
                context =>
                {
                    if (context.Payload.Remove("timestamp_unix", out var timestamp))
                    {
                        context.Payload["created_at"] = Whisper.Rfc3339(timestamp.DoubleValue);
                    }

                    var count = context.Payload.TryGetValue("v4_transforms", out var previous) ? previous.IntegerValue : 0;
                    context.Payload["v4_transforms"] = count + 1;
                    return ValueTask.CompletedTask;
                },
                "timestamp_unix_to_created_at")
            .CreatePayloadIndex("created_at", PayloadSchemaType.Datetime);

    protected internal override void Down(MigrationBuilder migration)
        => migration
            .DeletePayloadIndex("created_at")
            .TransformPayload(
                context =>
                {
                    if (context.Payload.Remove("created_at", out var created))
                    {
                        context.Payload["timestamp_unix"] = (double)DateTimeOffset.Parse(created.StringValue, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeSeconds();
                    }

                    context.Payload.Remove("v4_transforms");
                    return ValueTask.CompletedTask;
                },
                "created_at_to_timestamp_unix")
            .CreatePayloadIndex("timestamp_unix", PayloadSchemaType.Float);
}
