using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;

namespace QdrantSchema.IntegrationTests.Logging;

/// <summary>
/// The family the logging tests migrate, and the sentinels they hide in payloads, metadata and API keys. No log record
/// may ever contain a sentinel (STYLE.md §C: never log API keys or point payloads).
/// </summary>
internal static class Logged
{
    public const string Family = "logged";
    public const string Create = "20270101000000_Create";
    public const string Index = "20270102000000_IndexTag";
    public const string Stamp = "20270103000000_StampPayload";
    public const string Owner = "20270104000000_OwnerMetadata";
    public const string Broken = "20270105000000_BrokenTransform";

    public const string ApiKey = "qs-logtest-API-KEY-3c1f9e7d0b2a";
    public const string WrongApiKey = "qs-logtest-WRONG-KEY-71d2c8e4";

    /// <summary>Seeded into every point's payload under <c>secret</c>.</summary>
    public const string SeededPayload = "PAYLOAD-SEED-SENTINEL-8d41f0";

    /// <summary>Written by the declarative set-merge step.</summary>
    public const string MergedPayload = "PAYLOAD-MERGE-SENTINEL-52ae77";

    /// <summary>Written by the code transform (which also copies <see cref="SeededPayload"/>).</summary>
    public const string CodePayload = "PAYLOAD-CODE-SENTINEL-b07c19";

    /// <summary>The value of the metadata key the Owner migration sets.</summary>
    public const string MetadataValue = "METADATA-VALUE-SENTINEL-e9a364";

    public const string InjectedFailure = "Injected transform failure (logging test)";

    public static readonly string[] Secrets = [ApiKey, WrongApiKey, SeededPayload, MergedPayload, CodePayload, MetadataValue];
}

[Migration(Logged.Create, Family = Logged.Family)]
internal sealed class LoggedCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot));
}

[Migration(Logged.Index, Family = Logged.Family)]
internal sealed class LoggedIndex : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("tag", PayloadSchemaType.Keyword);
}

/// <summary>Two data steps: a declared set-merge (step 0) and a code transform that reads and writes payload values (step 1).</summary>
[Migration(Logged.Stamp, Family = Logged.Family)]
internal sealed class LoggedStamp : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .TransformPayload(t => t.SetMerge("merged", new Value { StringValue = Logged.MergedPayload }))
        .TransformPayload(
            context =>
            {
                context.Payload["stamp"] = new Value { StringValue = Logged.CodePayload };
                if (context.Payload.TryGetValue("secret", out var secret))
                {
                    context.Payload["secret_copy"] = secret;
                }

                return ValueTask.CompletedTask;
            },
            "stamp");
}

[Migration(Logged.Owner, Family = Logged.Family)]
internal sealed class LoggedOwner : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.SetMetadata("owner", new Value { StringValue = Logged.MetadataValue });
}

/// <summary>A code transform that throws on the first point it sees.</summary>
[Migration(Logged.Broken, Family = Logged.Family)]
internal sealed class LoggedBroken : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.TransformPayload(_ => throw new InvalidOperationException(Logged.InjectedFailure), "explode");
}
