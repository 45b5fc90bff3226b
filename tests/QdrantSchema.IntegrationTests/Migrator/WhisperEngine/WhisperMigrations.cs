using System.Globalization;
using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;

namespace QdrantSchema.IntegrationTests.Migrator.WhisperEngine;

/// <summary>The WhisperEngine bot-memory schema: one family of per-bot collections, four migrations.</summary>
internal static class Whisper
{
    public const string Family = "whisperengine";
    public const int Dimension = 384;

    public const string V1 = "20250101000000_CreateMemory";
    public const string V2 = "20250201000000_AddPayloadIndexes";
    public const string V3 = "20250301000000_AddRelationshipVector";
    public const string V4 = "20250401000000_TimestampToCreatedAt";

    public static readonly string[] Vectors = ["content", "emotion", "semantic"];

    /// <summary>The four migrations; <paramref name="faults"/> lets a test break the v4 data step mid-page.</summary>
    public static List<QdrantMigration> Migrations(DataFaults? faults = null, int upTo = 4)
    {
        List<QdrantMigration> all = [new CreateMemory(), new AddPayloadIndexes(), new AddRelationshipVector(), new TimestampToCreatedAt(faults ?? new DataFaults())];
        return all.Take(upTo).ToList();
    }

    /// <summary>RFC 3339 UTC with whole seconds, as v4 writes <c>created_at</c>.</summary>
    public static string Rfc3339(double unixSeconds)
        => DateTimeOffset.FromUnixTimeSeconds((long)Math.Floor(unixSeconds)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A deterministic fake embedding of a text (what FillVectorFromText stores, before cosine normalisation).</summary>
    public static float[] Embed(string text)
    {
        var vector = new float[Dimension];
        var seed = 17u;
        foreach (var c in text)
        {
            seed = unchecked((seed * 31) + c);
        }

        for (var i = 0; i < vector.Length; i++)
        {
            seed = unchecked((seed * 1103515245) + 12345);
            vector[i] = ((seed >> 8) % 2000 / 1000f) - 1f + 0.0005f;
        }

        return vector;
    }

    public static Task<IReadOnlyList<float[]>> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(Embed)]);
    }
}

/// <summary>Faults a test injects into the v4 payload transform (called for each point before it is transformed).</summary>
internal sealed class DataFaults
{
    public Action<PointId>? BeforeTransform { get; set; }
}

[Migration(Whisper.V1, Family = Whisper.Family)]
internal sealed class CreateMemory : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration.CreateCollection(c => c
            .AddVector("content", Whisper.Dimension, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 32, EfConstruct = 256 }))
            .AddVector("emotion", Whisper.Dimension, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .AddVector("semantic", Whisper.Dimension, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .Optimizers(new OptimizersConfigDiff { IndexingThreshold = 20000, DefaultSegmentNumber = 2 }));
}

[Migration(Whisper.V2, Family = Whisper.Family)]
internal sealed class AddPayloadIndexes : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .CreatePayloadIndex("user_id", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("memory_type", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("semantic_key", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("emotional_context", PayloadSchemaType.Keyword)
            .CreatePayloadIndex("timestamp_unix", PayloadSchemaType.Float)
            .CreatePayloadIndex("content_hash", PayloadSchemaType.Integer);
}

[Migration(Whisper.V3, Family = Whisper.Family)]
internal sealed class AddRelationshipVector : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .AddVector("relationship", Whisper.Dimension, Distance.Cosine, v => v.Hnsw(new HnswConfigDiff { M = 16, EfConstruct = 128 }))
            .FillVectorFromText("relationship", "content");
}

/// <summary>
/// timestamp_unix (float seconds) becomes created_at (RFC 3339 datetime) on every point. The transform also counts its
/// applications in <c>v4_transforms</c>, so tests can prove each point was transformed exactly once.
/// </summary>
[Migration(Whisper.V4, Family = Whisper.Family)]
internal sealed class TimestampToCreatedAt(DataFaults faults) : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration)
        => migration
            .DeletePayloadIndex("timestamp_unix")
            .TransformPayload(
                context =>
                {
                    faults.BeforeTransform?.Invoke(context.Id);
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
}
