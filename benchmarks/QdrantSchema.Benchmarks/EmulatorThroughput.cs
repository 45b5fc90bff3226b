using System.Diagnostics;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing;

namespace QdrantSchema.Benchmarks;

/// <summary>
/// Emulator throughput: upsert and scroll of WhisperEngine-shaped points in batches of 256, in-process and over
/// loopback (the same engine behind Kestrel), as points/s with the ratio loopback / in-process, and the bytes held
/// per point. Each figure is the best of several rounds to damp noise from the shared 2-core machine.
/// </summary>
internal static class EmulatorThroughput
{
    private const int BatchSize = 256;

    public static async Task RunAsync(int pointCount, int rounds)
    {
        Console.WriteLine($"Emulator throughput: {pointCount} WhisperEngine-shaped points (3 x 384-d cosine, ~50 payload fields), batches of {BatchSize}, best of {rounds} rounds");
        var points = WhisperEnginePoints.Create(pointCount, seed: 42);

        await using var emulator = new QdrantEmulator();
        await using var server = await emulator.StartServerAsync(0, 0);
        using var inProcess = emulator.CreateClient();
        var loopbackChannel = Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcEndpoint, new Grpc.Net.Client.GrpcChannelOptions
        {
            MaxReceiveMessageSize = 64 * 1024 * 1024,
        });
        using var loopback = new QdrantClient(new QdrantGrpcClient(loopbackChannel));

        // Warm up both paths (JIT, connection).
        await MeasureUpsertAsync(inProcess, "warm_in", points.GetRange(0, Math.Min(2048, pointCount)));
        await MeasureUpsertAsync(loopback, "warm_lo", points.GetRange(0, Math.Min(2048, pointCount)));

        double bestInUpsert = 0, bestLoUpsert = 0, bestInScroll = 0, bestLoScroll = 0;
        for (var r = 0; r < rounds; r++)
        {
            bestInUpsert = Math.Max(bestInUpsert, await MeasureUpsertAsync(inProcess, $"in_{r}", points));
            bestInScroll = Math.Max(bestInScroll, await MeasureScrollAsync(inProcess, $"in_{r}", pointCount));
            bestLoUpsert = Math.Max(bestLoUpsert, await MeasureUpsertAsync(loopback, $"lo_{r}", points));
            bestLoScroll = Math.Max(bestLoScroll, await MeasureScrollAsync(loopback, $"lo_{r}", pointCount));
            await inProcess.DeleteCollectionAsync($"in_{r}");
            await loopback.DeleteCollectionAsync($"lo_{r}");
        }

        Console.WriteLine();
        Console.WriteLine("| path | upsert points/s | scroll points/s |");
        Console.WriteLine("| --- | ---: | ---: |");
        Console.WriteLine($"| in-process | {bestInUpsert:N0} | {bestInScroll:N0} |");
        Console.WriteLine($"| loopback | {bestLoUpsert:N0} | {bestLoScroll:N0} |");
        Console.WriteLine($"| ratio in-process / loopback (slowdown) | {bestInUpsert / bestLoUpsert:F2}x | {bestInScroll / bestLoScroll:F2}x |");

        // Where loopback time goes: the wire path pays protobuf serialisation in the client and parsing in the server,
        // which the in-process path skips entirely. Measured on the same batches in this run.
        var (serialize, parse) = MeasureProtobuf(points);
        var floor = 1 / (1 / serialize + 1 / parse + 1 / bestInUpsert);
        Console.WriteLine();
        Console.WriteLine($"Same-run baselines for one upsert request of {BatchSize} points: protobuf serialise {serialize:N0} points/s, parse {parse:N0} points/s.");
        Console.WriteLine($"Serial floor for loopback upsert (serialise + parse + in-process engine): {floor:N0} points/s = {bestInUpsert / floor:F2}x slower than in-process before any transport cost; measured loopback is {floor / bestLoUpsert:F2}x that floor.");

        var (valueBytes, managedBytes) = await MeasureBytesPerPointAsync(points);
        Console.WriteLine();
        Console.WriteLine($"Bytes per point: {valueBytes:N0} B of stored values (vectors + encoded payload); {managedBytes:N0} B of managed heap growth per point, all bookkeeping included.");
        Console.WriteLine($"Raw vector floats alone: {3 * WhisperEnginePoints.Dimension * sizeof(float):N0} B per point.");
    }

    private static (double Serialize, double Parse) MeasureProtobuf(List<PointStruct> points)
    {
        var requests = new List<UpsertPoints>();
        for (var i = 0; i < points.Count; i += BatchSize)
        {
            var request = new UpsertPoints { CollectionName = "c", Wait = true };
            request.Points.AddRange(points.GetRange(i, Math.Min(BatchSize, points.Count - i)));
            requests.Add(request);
        }

        double bestSerialize = 0, bestParse = 0;
        for (var round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            var bytes = requests.Select(r => Google.Protobuf.MessageExtensions.ToByteArray(r)).ToList();
            bestSerialize = Math.Max(bestSerialize, points.Count / watch.Elapsed.TotalSeconds);
            watch.Restart();
            foreach (var b in bytes)
            {
                UpsertPoints.Parser.ParseFrom(b);
            }

            bestParse = Math.Max(bestParse, points.Count / watch.Elapsed.TotalSeconds);
        }

        return (bestSerialize, bestParse);
    }

    private static async Task<double> MeasureUpsertAsync(QdrantClient client, string collection, List<PointStruct> points)
    {
        await client.CreateCollectionAsync(WhisperEnginePoints.CollectionRequest(collection));
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < points.Count; i += BatchSize)
        {
            await client.UpsertAsync(collection, points.GetRange(i, Math.Min(BatchSize, points.Count - i)), wait: true);
        }

        watch.Stop();
        return points.Count / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> MeasureScrollAsync(QdrantClient client, string collection, int expected)
    {
        var watch = Stopwatch.StartNew();
        PointId? offset = null;
        var seen = 0;
        do
        {
            var page = await client.ScrollAsync(collection, limit: BatchSize, offset: offset, payloadSelector: true, vectorsSelector: true);
            seen += page.Result.Count;
            offset = page.NextPageOffset;
        }
        while (offset is not null);

        watch.Stop();
        if (seen != expected)
        {
            throw new InvalidOperationException($"scroll of {collection} returned {seen} points, expected {expected}");
        }

        return seen / watch.Elapsed.TotalSeconds;
    }

    private static async Task<(long ValueBytes, long ManagedBytes)> MeasureBytesPerPointAsync(List<PointStruct> points)
    {
        await using var emulator = new QdrantEmulator();
        using var client = emulator.CreateClient();
        await client.CreateCollectionAsync(WhisperEnginePoints.CollectionRequest("bytes"));
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < points.Count; i += BatchSize)
        {
            await client.UpsertAsync("bytes", points.GetRange(i, Math.Min(BatchSize, points.Count - i)), wait: true);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var valueBytes = emulator.Engine.Read(() => emulator.Engine.Collections["bytes"].Points.ValueBytes);
        return (valueBytes / points.Count, (after - before) / points.Count);
    }
}
