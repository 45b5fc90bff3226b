using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator.WhisperEngine;

/// <summary>
/// Ten WhisperEngine bots on one backend, isolated by a name prefix: bots 0-2 are plain collections the migrations
/// create; bots 3-9 are aliases of legacy <c>*_7d</c> collections that already exist with the v1 vectors plus an
/// extra <c>legacy_7d</c> vector, and hold data.
/// </summary>
internal sealed class WhisperWorld
{
    public const int RealBots = 3;
    public const int AliasedBots = 7;

    public WhisperWorld(QdrantBackend backend)
    {
        Backend = backend;
        Prefix = QdrantBackend.NewName("we");
        HistoryCollection = QdrantBackend.NewName("hist");
        Bots = [.. Enumerable.Range(0, RealBots + AliasedBots).Select(i => $"{Prefix}_bot{i}")];
    }

    public QdrantBackend Backend { get; }

    public QdrantClient Client => Backend.Client;

    public string Prefix { get; }

    public string HistoryCollection { get; }

    /// <summary>The names the family knows: bots 0-2 physical, 3-9 aliases.</summary>
    public IReadOnlyList<string> Bots { get; }

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>The physical collection behind a bot name.</summary>
    public string Physical(int bot) => bot < RealBots ? Bots[bot] : Bots[bot] + "_7d";

    public IEnumerable<string> PhysicalNames => Enumerable.Range(0, Bots.Count).Select(Physical);

    public CollectionFamily Family() => Family(Bots);

    public static CollectionFamily Family(IEnumerable<string> names)
    {
        var family = new CollectionFamily(Whisper.Family);
        foreach (var name in names)
        {
            family.Collections.Add(name);
        }

        return family;
    }

    public QdrantMigratorOptions Options(Action<QdrantMigratorOptions>? configure = null)
    {
        var options = new QdrantMigratorOptions { HistoryCollection = HistoryCollection, EmbedTexts = Whisper.EmbedAsync, DataStepBatchSize = 64 };
        configure?.Invoke(options);
        return options;
    }

    public QdrantMigrator Migrator(
        IEnumerable<QdrantMigration>? migrations = null, Action<QdrantMigratorOptions>? configure = null, CollectionFamily? family = null)
        => new(Client, migrations ?? Whisper.Migrations(), [family ?? Family()], Options(configure));

    /// <summary>Creates the seven legacy <c>*_7d</c> collections with <paramref name="points"/> points each, and their aliases.</summary>
    public async Task CreateLegacyBotsAsync(int points)
    {
        for (var bot = RealBots; bot < Bots.Count; bot++)
        {
            await CreateV1ShapedAsync(Physical(bot), extraVector: true);
            await Client.CreateAliasAsync(Bots[bot], Physical(bot), cancellationToken: Token);
            await SeedAsync(Physical(bot), points);
        }
    }

    /// <summary>A collection with the v1 vectors made by hand (optionally with an extra vector), no indexes.</summary>
    public async Task CreateV1ShapedAsync(string collection, bool extraVector)
    {
        var map = new VectorParamsMap();
        foreach (var name in Whisper.Vectors)
        {
            map.Map[name] = new VectorParams
            {
                Size = Whisper.Dimension,
                Distance = Distance.Cosine,
                HnswConfig = name == "content" ? new HnswConfigDiff { M = 32, EfConstruct = 256 } : new HnswConfigDiff { M = 16, EfConstruct = 128 },
            };
        }

        if (extraVector)
        {
            map.Map["legacy_7d"] = new VectorParams { Size = 64, Distance = Distance.Dot };
        }

        await Client.CreateCollectionAsync(
            collection, map, optimizersConfig: new OptimizersConfigDiff { IndexingThreshold = 20000, DefaultSegmentNumber = 2 }, cancellationToken: Token);
    }

    /// <summary>Creates the six v2 payload indexes by hand.</summary>
    public async Task CreateV2IndexesAsync(string collection)
    {
        foreach (var field in new[] { "user_id", "memory_type", "semantic_key", "emotional_context" })
        {
            await Client.CreatePayloadIndexAsync(collection, field, PayloadSchemaType.Keyword, cancellationToken: Token);
        }

        await Client.CreatePayloadIndexAsync(collection, "timestamp_unix", PayloadSchemaType.Float, cancellationToken: Token);
        await Client.CreatePayloadIndexAsync(collection, "content_hash", PayloadSchemaType.Integer, cancellationToken: Token);
    }

    /// <summary>The payload point <paramref name="id"/> of <paramref name="collection"/> starts with (v2 shape).</summary>
    public static Dictionary<string, Value> OriginalPayload(string collection, ulong id) => new()
    {
        ["user_id"] = $"user{id % 5}",
        ["memory_type"] = id % 2 == 0 ? "conversation" : "fact",
        ["semantic_key"] = $"key{id}",
        ["emotional_context"] = id % 3 == 0 ? "joy" : "calm",
        ["timestamp_unix"] = TimestampOf(id),
        ["content_hash"] = (long)(id * 7919),
        ["content"] = ContentOf(collection, id),
    };

    public static double TimestampOf(ulong id) => 1_700_000_000 + (id * 37.5);

    public static string ContentOf(string collection, ulong id) => $"memory {id} of {collection}";

    /// <summary>Upserts points 1..<paramref name="count"/> (v2-shaped payload, a content vector).</summary>
    public async Task SeedAsync(string collection, int count)
    {
        for (var start = 1; start <= count; start += 100)
        {
            var batch = new List<PointStruct>();
            for (var id = (ulong)start; id < (ulong)Math.Min(start + 100, count + 1); id++)
            {
                var point = new PointStruct
                {
                    Id = id,
                    Vectors = new Dictionary<string, Vector> { ["content"] = Whisper.Embed("c" + id) },
                };
                foreach (var (key, value) in OriginalPayload(collection, id))
                {
                    point.Payload[key] = value;
                }

                batch.Add(point);
            }

            await Client.UpsertAsync(collection, batch, wait: true, cancellationToken: Token);
        }
    }

    /// <summary>Every point of the collection, with payload and vectors.</summary>
    public async Task<List<RetrievedPoint>> AllPointsAsync(string collection)
    {
        var points = new List<RetrievedPoint>();
        PointId? offset = null;
        do
        {
            var page = await Client.ScrollAsync(
                collection, limit: 200, offset: offset, payloadSelector: true, vectorsSelector: true, cancellationToken: Token);
            points.AddRange(page.Result);
            offset = page.NextPageOffset;
        }
        while (offset is not null);
        return points;
    }

    /// <summary>
    /// Checks every point after v4: created_at from the original timestamp, no timestamp_unix, the other fields intact,
    /// transformed exactly once, the content vector untouched and relationship = the embedding of the content text.
    /// </summary>
    public async Task VerifyV4DataAsync(string collection, int expectedPoints)
    {
        var points = await AllPointsAsync(collection);
        Assert.Equal(expectedPoints, points.Count);
        foreach (var point in points)
        {
            var id = point.Id.Num;
            var original = OriginalPayload(collection, id);
            var payload = point.Payload;
            Assert.False(payload.ContainsKey("timestamp_unix"), $"point {id} still has timestamp_unix");
            Assert.Equal(Whisper.Rfc3339(TimestampOf(id)), payload["created_at"].StringValue);
            Assert.Equal(1, payload["v4_transforms"].IntegerValue);
            foreach (var (key, value) in original.Where(p => p.Key != "timestamp_unix"))
            {
                Assert.True(payload.TryGetValue(key, out var found) && found.Equals(value), $"point {id}: payload '{key}' changed");
            }

            Assert.Equal(original.Count + 1, payload.Count); // - timestamp_unix + created_at + v4_transforms

            var vectors = point.Vectors.Vectors.Vectors;
            AssertDirection(Whisper.Embed("c" + id), Dense(vectors["content"]), $"point {id} content");
            AssertDirection(Whisper.Embed(ContentOf(collection, id)), Dense(vectors["relationship"]), $"point {id} relationship");
        }
    }

    /// <summary>The history records of a physical collection, from the history collection.</summary>
    public async Task<IReadOnlyList<MigrationRecord>> HistoryAsync(string physical)
        => await new QdrantHistoryStore(Client, HistoryCollection).ReadAsync(physical, Token);

#pragma warning disable CS0612 // VectorOutput.Data: servers before 1.19 fill only the deprecated field.
    public static float[] Dense(VectorOutput vector) => vector.Dense is { } dense ? [.. dense.Data] : [.. vector.Data];
#pragma warning restore CS0612

    /// <summary>Cosine collections store normalised vectors: compare directions.</summary>
    public static void AssertDirection(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double dot = 0, a = 0, b = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            dot += expected[i] * actual[i];
            a += expected[i] * expected[i];
            b += actual[i] * actual[i];
        }

        var cosine = dot / Math.Sqrt(a * b);
        Assert.True(cosine > 0.9999, $"{what}: cosine {cosine} with the expected vector");
    }
}
