// Overrides are "protected internal" here only because this assembly sees QdrantSchema internals (InternalsVisibleTo);
// user code writes "protected override".
using System.Globalization;
using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;

namespace QdrantSchema.Tests.TestMigrations;

// The WhisperEngine story: one collection per bot (whisperengine_memory_{bot}), family "memories".

[Migration("20261125120000_CreateMemories", Family = WhisperEngine.Family)]
internal sealed class V1CreateMemories : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) =>
        migration.CreateCollection(c => c
            .AddVector("content", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 32, EfConstruct = 256 }))
            .AddVector("emotion", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .AddVector("semantic", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 20000, DefaultSegmentNumber = 2, FlushIntervalSec = 10 }));
}

[Migration("20261126090000_AddPayloadIndexes", Family = WhisperEngine.Family)]
internal sealed class V2AddPayloadIndexes : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("memory_type", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("semantic_key", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("emotional_context", PayloadSchemaType.Keyword)
        .CreatePayloadIndex("timestamp_unix", PayloadSchemaType.Float)
        .CreatePayloadIndex("content_hash", PayloadSchemaType.Integer);
}

[Migration("20261201100000_AddRelationshipVector", Family = WhisperEngine.Family)]
internal sealed class V3AddRelationshipVector : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .AddVector("relationship", 384, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
        .FillVectorFromText("relationship", "content");
}

[Migration("20261210080000_RenameTimestampToCreatedAt", Family = WhisperEngine.Family)]
internal sealed class V4RenameTimestampToCreatedAt : QdrantMigration
{
    public override string Description => "Rename timestamp_unix to created_at (datetime)";

    protected internal override void Up(MigrationBuilder migration) => migration
        .CreatePayloadIndex("created_at", PayloadSchemaType.Datetime)
        .TransformPayload(WhisperEngine.TimestampToCreatedAt, "timestamp-unix-to-created-at")
        .DeletePayloadIndex("timestamp_unix");

    protected internal override void Down(MigrationBuilder migration) => migration
        .CreatePayloadIndex("timestamp_unix", PayloadSchemaType.Float)
        .TransformPayload(WhisperEngine.CreatedAtToTimestamp, "created-at-to-timestamp-unix")
        .DeletePayloadIndex("created_at");
}

internal static class WhisperEngine
{
    public const string Family = "memories";

    public static QdrantMigration[] All() =>
        [new V1CreateMemories(), new V2AddPayloadIndexes(), new V3AddRelationshipVector(), new V4RenameTimestampToCreatedAt()];

    public static ValueTask TimestampToCreatedAt(PayloadTransformContext point)
    {
        if (point.Payload.Remove("timestamp_unix", out var value) && value.KindCase == Value.KindOneofCase.DoubleValue)
        {
            var instant = DateTimeOffset.FromUnixTimeMilliseconds((long)(value.DoubleValue * 1000));
            point.Payload["created_at"] = new Value { StringValue = instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) };
        }

        return ValueTask.CompletedTask;
    }

    public static ValueTask CreatedAtToTimestamp(PayloadTransformContext point)
    {
        if (point.Payload.Remove("created_at", out var value) && value.KindCase == Value.KindOneofCase.StringValue)
        {
            var instant = DateTimeOffset.Parse(value.StringValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            point.Payload["timestamp_unix"] = new Value { DoubleValue = instant.ToUnixTimeMilliseconds() / 1000.0 };
        }

        return ValueTask.CompletedTask;
    }
}
