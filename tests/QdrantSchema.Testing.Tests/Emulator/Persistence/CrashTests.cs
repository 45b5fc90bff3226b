using System.Diagnostics;
using System.Text.RegularExpressions;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Tests.Emulator.Persistence;

/// <summary>
/// Kills the standalone emulator with SIGKILL (<see cref="Process.Kill()"/>) in the middle of writes and checks that a
/// restart on the same data directory has every write the client saw acknowledged.
/// </summary>
public sealed partial class CrashTests : IDisposable
{
    private readonly string _directory = EngineCalls.TempDirectory();

    public void Dispose() => EngineCalls.TryDeleteDirectory(_directory);

    [Fact]
    public async Task Upsert_ProcessKilledMidWrite_RestartKeepsEveryAcknowledgedPoint()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var acknowledged = new List<ulong>();

        using (var first = await EmulatorProcess.StartAsync(_directory, cancellationToken))
        {
            using var client = new QdrantClient(first.GrpcAddress);
            await client.CreateCollectionAsync("crash", new VectorParams { Size = 4, Distance = Distance.Cosine }, cancellationToken: cancellationToken);

            var writer = Task.Run(async () =>
            {
                for (ulong batch = 0; ; batch++)
                {
                    var points = Enumerable.Range(0, 10).Select(i => new PointStruct
                    {
                        Id = (batch * 10) + (ulong)i,
                        Vectors = new[] { 1f, 2f, 3f, (float)i },
                        Payload = { ["batch"] = (long)batch },
                    }).ToList();
                    try
                    {
                        await client.UpsertAsync("crash", points, wait: true, cancellationToken: cancellationToken);
                    }
                    catch (Exception ex) when (ex is Grpc.Core.RpcException or HttpRequestException or IOException)
                    {
                        return;
                    }

                    lock (acknowledged)
                    {
                        acknowledged.AddRange(points.Select(p => p.Id.Num));
                    }
                }
            }, cancellationToken);

            while (Volatile.Read(ref acknowledged) is { } list && Count(list) < 300)
            {
                await Task.Delay(5, cancellationToken);
            }

            first.Kill();
            await writer.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        // A record torn by the crash: a few bytes of a header promising far more than follows.
        await File.AppendAllBytesAsync(Path.Combine(_directory, "journal.log"), [0x40, 0x00, 0x00, 0x00, 0x12], cancellationToken);

        using var second = await EmulatorProcess.StartAsync(_directory, cancellationToken);
        using var restarted = new QdrantClient(second.GrpcAddress);
        ulong[] expected;
        lock (acknowledged)
        {
            expected = [.. acknowledged];
        }

        var found = new HashSet<ulong>();
        foreach (var chunk in expected.Chunk(500))
        {
            var points = await restarted.RetrieveAsync("crash", [.. chunk.Select(id => new PointId { Num = id })], withPayload: true, cancellationToken: cancellationToken);
            foreach (var point in points)
            {
                found.Add(point.Id.Num);
            }
        }

        var missing = expected.Except(found).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {expected.Length} acknowledged points were lost, e.g. {string.Join(", ", missing.Take(5))}");
        second.Kill();
    }

    private static int Count(List<ulong> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }
}
