using System.Diagnostics;
using System.Text.RegularExpressions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Testing;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>
/// Real processes (<c>QdrantSchema.LockTestHost</c>) contending for one <see cref="QdrantLeaseLock"/> on one emulator
/// server over loopback: mutual exclusion of a read-increment-write critical section, and takeover after SIGKILL.
/// </summary>
public sealed partial class CrossProcessLockTests : IAsyncLifetime
{
    private const int Processes = 16;
    private const int SectionsPerProcess = 2;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    // The race checks mutual exclusion, not takeover time: a longer lease keeps a holder starved of CPU by fifteen
    // starting processes from losing its lease for reasons the test is not about.
    private static readonly TimeSpan RaceLease = TimeSpan.FromSeconds(6);

    private readonly QdrantEmulator _emulator = new();
    private QdrantEmulatorServer? _server;
    private QdrantClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _server = await _emulator.StartServerAsync(0, 0, Ct);
        _client = _server.CreateClient();
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        await _emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task QdrantLeaseLock_SixteenProcessesRace_EveryCriticalSectionRunsAlone(int round)
    {
        var lockName = $"race-{round}";
        var lockCollection = $"locks_race_{round}";
        var counter = $"counter_{round}";
        await _client!.CreateCollectionAsync(new CreateCollection { CollectionName = counter }, Ct);

        var hosts = Enumerable.Range(0, Processes)
            .Select(_ => LockHost.Start(_server!.GrpcPort, lockName, SectionsPerProcess, RaceLease, lockCollection, counter))
            .ToList();
        try
        {
            var outputs = await Task.WhenAll(hosts.Select(h => h.WaitForExitAsync(TimeSpan.FromSeconds(120), Ct)));

            var failed = hosts.Where(h => h.ExitCode != 0).Select(h => $"exit {h.ExitCode}: {h.Errors}").ToList();
            Assert.True(failed.Count == 0, string.Join(Environment.NewLine, failed));
            var tokens = outputs.SelectMany(o => AcquiredLine().Matches(o).Select(m => long.Parse(m.Groups["token"].Value))).ToList();
            Assert.Equal(Processes * SectionsPerProcess, tokens.Count);
            Assert.Equal(tokens.Count, tokens.Distinct().Count());
            var value = (await _client.RetrieveAsync(counter, new PointId { Num = 1 }, cancellationToken: Ct))[0].Payload["value"].IntegerValue;
            Assert.Equal(Processes * SectionsPerProcess, value);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
        }
    }

    [Fact]
    public async Task QdrantLeaseLock_HolderKilled_AnotherProcessTakesOverWithinLeasePlusOneRenewal()
    {
        var options = QdrantLeaseLockConformanceTests.ShortLease("killed", "locks_killed");
        using var holder = LockHost.Hold(_server!.GrpcPort, options.LockName, Lease, options.HistoryCollection);
        var heldToken = await holder.WaitForLineAsync(HeldLine(), TimeSpan.FromSeconds(60), Ct);
        var taker = new QdrantLeaseLock(_client!, options);
        Assert.Null(await taker.TryAcquireAsync(TimeSpan.Zero, Ct));

        holder.Kill();
        var watch = Stopwatch.StartNew();
        await using var taken = await taker.AcquireAsync(TimeSpan.FromSeconds(30), Ct);
        var takeover = watch.Elapsed;

        // The killed holder renewed at most one renewal period before it died, so its lease ends within one lease of the
        // kill; the taker adds the clock-skew margin and its poll interval. Allow 750 ms for a loaded 2-core machine.
        var renewal = Lease / 3;
        TestContext.Current.SendDiagnosticMessage($"takeover after SIGKILL: {takeover.TotalMilliseconds:F0} ms ({takeover / Lease:F2} leases)");
        Assert.InRange(takeover, TimeSpan.Zero, Lease + renewal + TimeSpan.FromMilliseconds(750));
        Assert.Equal(long.Parse(heldToken) + 1, taken.FencingToken);
    }

    [GeneratedRegex(@"^ACQUIRED (?<token>\d+) ", RegexOptions.Multiline)]
    private static partial Regex AcquiredLine();

    [GeneratedRegex(@"^HELD (?<value>\d+)$")]
    private static partial Regex HeldLine();
}
