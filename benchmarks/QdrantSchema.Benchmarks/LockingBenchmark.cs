using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Testing;

namespace QdrantSchema.Benchmarks;

/// <summary>
/// The schema lock's cost: an uncontended acquire + release cycle in round trips and microseconds, in-process and over
/// loopback, against a same-run baseline of one plain upsert + retrieve pair; the time for 16 processes racing for the
/// lock to settle, against 16 processes taking 16 different locks; and the takeover time after SIGKILL, in leases.
/// </summary>
internal static class LockingBenchmark
{
    private static readonly TimeSpan RaceLease = TimeSpan.FromSeconds(2);

    public static async Task RunAsync(int cycles, int rounds)
    {
        Console.WriteLine($"Schema lock: {cycles} uncontended cycles per path, best of {rounds} rounds");
        await using var emulator = new QdrantEmulator();
        await using var server = await emulator.StartServerAsync(0, 0);

        var inProcessCounter = new CountingInterceptor();
        using var inProcess = new QdrantClient(new QdrantGrpcClient(emulator.CreateCallInvoker().Intercept(inProcessCounter)));
        var loopbackCounter = new CountingInterceptor();
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcEndpoint);
        using var loopback = new QdrantClient(new QdrantGrpcClient(channel.CreateCallInvoker().Intercept(loopbackCounter)));

        Console.WriteLine();
        Console.WriteLine("| path | acquire + release: round trips | µs per cycle | baseline upsert + retrieve: round trips | µs per pair | ratio |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, client, counter) in new[] { ("in-process", inProcess, inProcessCounter), ("loopback", loopback, loopbackCounter) })
        {
            var (lockTrips, lockMicros, baseTrips, baseMicros) = await UncontendedAsync(client, counter, cycles, rounds);
            Console.WriteLine($"| {name} | {lockTrips:F1} | {lockMicros:N0} | {baseTrips:F1} | {baseMicros:N0} | {lockMicros / baseMicros:F2}x |");
        }

        Console.WriteLine();
        Console.WriteLine($"16 processes, one critical section each (lease {RaceLease.TotalSeconds:F0} s), wall time from start to the last exit:");
        Console.WriteLine("| round | one shared lock (race) | 16 different locks (baseline) | race cost |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        for (var r = 0; r < rounds; r++)
        {
            var race = await SixteenProcessesAsync(server.GrpcPort, loopback, shared: true, r);
            var baseline = await SixteenProcessesAsync(server.GrpcPort, loopback, shared: false, r);
            Console.WriteLine($"| {r + 1} | {race.TotalSeconds:F2} s | {baseline.TotalSeconds:F2} s | {(race - baseline).TotalSeconds:F2} s |");
        }

        Console.WriteLine();
        Console.WriteLine($"Takeover after SIGKILL of the holder (lease {RaceLease.TotalSeconds:F0} s, renewal every {(RaceLease / 3).TotalMilliseconds:F0} ms, margin {(RaceLease / 10).TotalMilliseconds:F0} ms):");
        Console.WriteLine("| round | takeover | in leases |");
        Console.WriteLine("| --- | ---: | ---: |");
        for (var r = 0; r < rounds; r++)
        {
            var takeover = await TakeoverAsync(server.GrpcPort, loopback, r);
            Console.WriteLine($"| {r + 1} | {takeover.TotalMilliseconds:N0} ms | {takeover / RaceLease:F2} |");
        }
    }

    private static async Task<(double LockTrips, double LockMicros, double BaseTrips, double BaseMicros)> UncontendedAsync(
        QdrantClient client, CountingInterceptor counter, int cycles, int rounds)
    {
        var collection = $"bench_lock_{Guid.NewGuid():N}"[..24];
        var schemaLock = new QdrantLeaseLock(client, new QdrantLeaseLockOptions { LockName = "bench", HistoryCollection = collection });
        for (var i = 0; i < 20; i++)
        {
            await (await schemaLock.TryAcquireAsync(TimeSpan.Zero))!.DisposeAsync(); // warm-up, creates the collection
        }

        var point = new PointStruct { Id = new PointId { Num = 7 }, Vectors = new Vectors { Vectors_ = new NamedVectors() }, Payload = { ["owner"] = "x", ["token"] = 1L, ["expires_at"] = 1L } };
        var ids = new[] { new PointId { Num = 7 } };
        double bestLock = double.MaxValue, bestBase = double.MaxValue, lockTrips = 0, baseTrips = 0;
        for (var r = 0; r < rounds; r++)
        {
            var before = counter.Calls;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < cycles; i++)
            {
                var handle = await schemaLock.TryAcquireAsync(TimeSpan.Zero) ?? throw new InvalidOperationException("uncontended lock was busy");
                await handle.DisposeAsync();
            }

            bestLock = Math.Min(bestLock, watch.Elapsed.TotalMicroseconds / cycles);
            lockTrips = (double)(counter.Calls - before) / cycles;

            before = counter.Calls;
            watch.Restart();
            for (var i = 0; i < cycles; i++)
            {
                await client.UpsertAsync(new UpsertPoints { CollectionName = collection, Wait = true, Points = { point } });
                await client.RetrieveAsync(collection, ids, new WithPayloadSelector { Enable = true }, new WithVectorsSelector { Enable = false });
            }

            bestBase = Math.Min(bestBase, watch.Elapsed.TotalMicroseconds / cycles);
            baseTrips = (double)(counter.Calls - before) / cycles;
        }

        await client.DeleteCollectionAsync(collection);
        return (lockTrips, bestLock, baseTrips, bestBase);
    }

    private static async Task<TimeSpan> SixteenProcessesAsync(int port, QdrantClient client, bool shared, int round)
    {
        var suffix = $"{(shared ? "race" : "solo")}_{round}_{Guid.NewGuid():N}"[..20];
        var counter = $"counter_{suffix}";
        await client.CreateCollectionAsync(new CreateCollection { CollectionName = counter });
        var watch = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, 16)
            .Select(i => StartHost([Text(port), shared ? $"race-{suffix}" : $"solo-{suffix}-{i}", "1", Text((int)RaceLease.TotalMilliseconds), $"locks_{suffix}", counter]))
            .ToList();
        foreach (var process in processes)
        {
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"lock host failed: {await process.StandardError.ReadToEndAsync()}");
            }

            process.Dispose();
        }

        return watch.Elapsed;
    }

    private static async Task<TimeSpan> TakeoverAsync(int port, QdrantClient client, int round)
    {
        var name = $"killed-{round}-{Guid.NewGuid():N}"[..20];
        var collection = $"locks_killed_{round}";
        using var holder = StartHost(["hold", Text(port), name, Text((int)RaceLease.TotalMilliseconds), collection]);
        while (await holder.StandardOutput.ReadLineAsync() is { } line && !line.StartsWith("HELD ", StringComparison.Ordinal))
        {
        }

        // A random point within the renewal period, as a crash would fall.
        await Task.Delay(Random.Shared.Next((int)(RaceLease / 3).TotalMilliseconds));
        var taker = new QdrantLeaseLock(client, new QdrantLeaseLockOptions
        {
            LockName = name,
            HistoryCollection = collection,
            LeaseDuration = RaceLease,
            ClockSkewMargin = RaceLease / 10,
            AllowShortLeaseForTesting = true,
        });
        holder.Kill();
        await holder.WaitForExitAsync();
        var watch = Stopwatch.StartNew();
        await using var handle = await taker.AcquireAsync(TimeSpan.FromSeconds(30));
        return watch.Elapsed;
    }

    private static Process StartHost(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(LocateHost());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
    }

    private static string LocateHost()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var hostBin = Path.Combine(output.Parent!.Parent!.FullName, "QdrantSchema.LockTestHost");
        var direct = Path.Combine(hostBin, output.Name, "QdrantSchema.LockTestHost.dll");
        return File.Exists(direct)
            ? direct
            : Directory.EnumerateFiles(hostBin, "QdrantSchema.LockTestHost.dll", SearchOption.AllDirectories).First();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Counts unary calls (every Qdrant RPC the lock makes is unary).</summary>
    private sealed class CountingInterceptor : Interceptor
    {
        private long _calls;

        public long Calls => Interlocked.Read(ref _calls);

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Interlocked.Increment(ref _calls);
            return continuation(request, context);
        }
    }
}
