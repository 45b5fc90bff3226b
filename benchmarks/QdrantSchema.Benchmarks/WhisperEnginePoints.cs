using Qdrant.Client.Grpc;

namespace QdrantSchema.Benchmarks;

/// <summary>
/// Points shaped like WhisperEngine's memories: named vectors <c>content</c>, <c>emotion</c>, <c>semantic</c>
/// (384-d, cosine) and about fifty payload fields of mixed types. Deterministic for a given seed.
/// </summary>
internal static class WhisperEnginePoints
{
    public const int Dimension = 384;
    public static readonly string[] VectorNames = ["content", "emotion", "semantic"];

    public static CreateCollection CollectionRequest(string name)
    {
        var map = new VectorParamsMap();
        foreach (var vector in VectorNames)
        {
            map.Map[vector] = new VectorParams { Size = Dimension, Distance = Distance.Cosine };
        }

        return new CreateCollection { CollectionName = name, VectorsConfig = new VectorsConfig { ParamsMap = map } };
    }

    public static List<PointStruct> Create(int count, int seed)
    {
        var random = new Random(seed);
        var points = new List<PointStruct>(count);
        for (var i = 0; i < count; i++)
        {
            var vectors = new NamedVectors();
            foreach (var vector in VectorNames)
            {
                var data = new float[Dimension];
                for (var d = 0; d < Dimension; d++)
                {
                    data[d] = (float)(random.NextDouble() * 2 - 1);
                }

                vectors.Vectors[vector] = new Vector { Dense = new DenseVector { Data = { data } } };
            }

            var point = new PointStruct { Id = new PointId { Num = (ulong)i }, Vectors = new Vectors { Vectors_ = vectors } };
            AddPayload(point, i, random);
            points.Add(point);
        }

        return points;
    }

    private static void AddPayload(PointStruct point, int i, Random random)
    {
        var p = point.Payload;
        p["user_id"] = $"user-{i % 97}";
        p["memory_type"] = (i % 4) switch { 0 => "conversation", 1 => "fact", 2 => "preference", _ => "episode" };
        p["semantic_key"] = $"topic-{i % 31}";
        p["emotional_context"] = (i % 3) switch { 0 => "joy", 1 => "calm", _ => "curious" };
        p["timestamp_unix"] = 1_700_000_000.0 + i;
        p["content_hash"] = (long)i * 7919;
        p["content"] = $"Memory number {i}: the user said something worth remembering about topic {i % 31}.";
        p["bot_name"] = "elena";
        p["importance"] = random.NextDouble();
        p["confidence"] = random.NextDouble();
        p["is_pinned"] = i % 10 == 0;
        for (var f = 0; f < 39; f++)
        {
            p[$"attr_{f:00}"] = (f % 3) switch
            {
                0 => (Value)$"value-{(i + f) % 50}",
                1 => (Value)((long)(i * f)),
                _ => (Value)(random.NextDouble() * 100),
            };
        }
    }
}
