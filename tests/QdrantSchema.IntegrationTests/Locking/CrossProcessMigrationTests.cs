using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Time.Testing;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.IntegrationTests.Migrator;
using QdrantSchema.Locking;
using QdrantSchema.Migrations;
using QdrantSchema.Migrator;
using QdrantSchema.Testing;
using static Qdrant.Client.Grpc.Conditions;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>
/// Migrations under the <see cref="QdrantLeaseLock"/> across real processes (<c>QdrantSchema.LockTestHost migrate</c>)
/// on one emulator server over loopback: 16 processes migrate family <c>race</c> at once and every migration is recorded
/// once per collection and every data step runs once per point; a holder killed with SIGKILL mid data step is replaced
/// within lease + one renewal and its successor resumes from the checkpoint. In process: a paused holder is fenced out.
/// </summary>
/// <remarks>
/// The family (defined in the host, mirrored here by <see cref="Race"/>): v1 creates the collection (one dense vector
/// <c>v</c>, 4 dims, dot) — the test creates the collections with their points first, which v1 accepts as a no-op — v2
/// a keyword index on <c>tag</c>, v3 a delegate data step <c>n = n + 1</c> on every point, v4 a metadata key.
/// Every point starts with <c>n = 0</c>, so <c>n == 1</c> afterwards proves the data step ran once per point.
/// </remarks>
public sealed class CrossProcessMigrationTests : IAsyncLifetime
{
    private const int Processes = 16;
    private const int PointsPerCollection = 600;
    private const string History = "__qdrant_schema";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Renewal = Lease / 3;

    // The race does not measure takeover, so it uses a longer lease: sixteen processes starting on two cores can
    // starve a holder's renewal past a 2 s lease, and a lost lock would fail a process for reasons the test is not about.
    private static readonly TimeSpan RaceLease = TimeSpan.FromSeconds(6);

    private readonly QdrantEmulator _emulator = new();
    private QdrantEmulatorServer? _server;
    private QdrantClient? _client;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QdrantClient Client => _client!;

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
    public async Task MigrateAsync_SixteenProcessesRace_EveryMigrationRecordedOnceAndEveryPointTransformedOnce(int round)
    {
        await SeedAsync(Client, PointsPerCollection);
        var gate = Path.Combine(Path.GetTempPath(), $"qdrant-schema-race-{Guid.NewGuid():N}");
        var hosts = Enumerable.Range(0, Processes).Select(_ => MigrateHost.Start(_server!.GrpcPort, RaceLease, "race", gate)).ToList();
        try
        {
            await Task.WhenAll(hosts.Select(h => h.WaitForLineAsync("STARTED", TimeSpan.FromSeconds(60), Ct)));
            var settle = Stopwatch.StartNew();
            await File.WriteAllTextAsync(gate, "go", Ct);
            await Task.WhenAll(hosts.Select(h => h.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct)));
            settle.Stop();
            var acquired = hosts.Select(h => long.Parse(h.Line("ACQUIRED").Split(' ')[1], CultureInfo.InvariantCulture)).Order().ToList();
            var handoffs = acquired.Skip(1).Zip(acquired.Skip(2), (a, b) => b - a).Order().ToList();
            TestContext.Current.SendDiagnosticMessage(
                $"round {round}: {Processes} processes settled {settle.Elapsed.TotalMilliseconds:F0} ms after the gate opened; " +
                $"the migrating holder kept the lock {acquired[1] - acquired[0]} ms, then {handoffs.Count} up-to-date runs took it " +
                $"every {handoffs[handoffs.Count / 2]} ms (median; max {handoffs[^1]} ms)");

            var failed = hosts.Where(h => h.ExitCode != 0).Select(h => $"exit {h.ExitCode}: {h.Output} {h.Errors}").ToList();
            Assert.True(failed.Count == 0, string.Join(Environment.NewLine, failed));

            // Across all processes, each (collection, migration) was applied by exactly one run.
            var results = hosts.Select(h => h.Migrated()).ToList();
            var applied = results
                .SelectMany(r => r.RootElement.GetProperty("collections").EnumerateArray())
                .SelectMany(c => c.GetProperty("applied").EnumerateArray().Select(id => $"{c.GetProperty("collection").GetString()}/{id.GetString()}"))
                .ToList();
            var expected = Race.Collections.SelectMany(c => Race.Migrations.Select(m => $"{c}/{m}")).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, applied.Order(StringComparer.Ordinal).ToList());
            Assert.All(results, r => Assert.All(
                r.RootElement.GetProperty("collections").EnumerateArray(),
                c => Assert.Equal(Race.V4, c.GetProperty("version").GetString())));
            Assert.Equal(Processes, results.Select(r => r.RootElement.GetProperty("token").GetInt64()).Distinct().Count());

            var history = await ReadHistoryAsync(Client);
            await AssertMigratedAsync(Client, history);
        }
        finally
        {
            hosts.ForEach(h => h.Dispose());
            File.Delete(gate);
        }
    }

    [Fact]
    public async Task MigrateAsync_HolderKilledInDataStep_NextProcessTakesOverWithinLeasePlusRenewalAndResumesFromCheckpoint()
    {
        await SeedAsync(Client, PointsPerCollection);
        long killedAt;
        List<HistoryEntry> atKill;
        using (var first = MigrateHost.Start(_server!.GrpcPort, Lease, "slow", gate: null))
        {
            await first.WaitForLineAsync("IN-DATA-STEP", TimeSpan.FromSeconds(60), Ct);
            first.Kill();
            killedAt = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
            Assert.DoesNotContain("MIGRATED", first.Output, StringComparison.Ordinal);
        }

        using var second = MigrateHost.Start(_server.GrpcPort, Lease, "slow", gate: null);

        // The checkpoint the killed holder left (nobody writes until the lease passes: at least lease - renewal).
        atKill = await ReadHistoryAsync(Client);
        var committed = atKill.Where(e => e.MigrationId == Race.V3).Sum(e => e.PointsProcessed);
        Assert.Contains(atKill, e => e.MigrationId == Race.V3 && e.Status == "running" && e.PointsProcessed > 0);

        await second.WaitForExitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.True(second.ExitCode == 0, $"exit {second.ExitCode}: {second.Output} {second.Errors}");

        var acquired = long.Parse(second.Line("ACQUIRED").Split(' ')[1], CultureInfo.InvariantCulture);
        var takeover = TimeSpan.FromMilliseconds(acquired - killedAt);
        TestContext.Current.SendDiagnosticMessage(
            $"takeover after SIGKILL mid-migration: {takeover.TotalMilliseconds:F0} ms ({takeover / Lease:F2} leases); " +
            $"{committed} of {3 * PointsPerCollection} points were committed at the kill");

        // The killed holder renewed at most one renewal period before the kill, so its lease ends within one lease of
        // it; the taker waits one clock-skew margin more and polls. The successor is a new process: allow 2 s for it
        // to start on a loaded 2-core machine (its start-up overlaps the wait for the lease). It cannot be earlier
        // than the lease minus one renewal period.
        Assert.InRange(takeover, Lease - Renewal, Lease + Renewal + TimeSpan.FromSeconds(2));

        // Resumed, not restarted: v3 continued at its step, and the delegate ran only for points not yet committed.
        Assert.Contains(second.Lines("RESUMED"), l => l.EndsWith($" {Race.V3} 0", StringComparison.Ordinal));
        var result = second.Migrated().RootElement;
        Assert.InRange(result.GetProperty("delegateCalls").GetInt64(), 0, (3 * PointsPerCollection) - committed);

        var history = await ReadHistoryAsync(Client);
        await AssertMigratedAsync(Client, history);
        var token = result.GetProperty("token").GetInt64();
        var finishedBeforeKill = atKill.Where(e => e.Status == "succeeded").Select(e => (e.Collection, e.MigrationId)).ToHashSet();
        Assert.All(
            history.Where(e => !finishedBeforeKill.Contains((e.Collection, e.MigrationId))),
            e => Assert.Equal(token, e.FencingToken));
        Assert.All(history.Where(e => e.MigrationId == Race.V4), e => Assert.Equal(token, e.FencingToken));
    }

    [Theory]
    [InlineData(Race.V2)] // a schema operation (payload index)
    [InlineData(Race.V3)] // the data step
    [InlineData(Race.V4)] // a metadata operation
    public async Task MigrateAsync_HolderPausedBeforeStepAndTakenOver_FailsWithLockLostAndWritesNothing(string pausedBefore)
    {
        await SeedAsync(Client, 100);
        var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var lockOptions = new QdrantLeaseLockOptions { LeaseDuration = Lease, ClockSkewMargin = Lease / 10, AllowShortLeaseForTesting = true };

        // A: its own clock, frozen while it is paused in the step hook, and a client that records every call it makes.
        var recorder = new CallRecorder();
        using var clientA = new QdrantClient(new QdrantGrpcClient(_emulator.CreateCallInvoker().Intercept(recorder)));
        var clockA = new FakeTimeProvider(start);
        var pause = new PauseBefore(pausedBefore);
        var migratorA = Race.Migrator(clientA, new QdrantLeaseLock(clientA, lockOptions, clockA), pause, clockA);
        var runA = Task.Run(() => migratorA.MigrateAsync(cancellationToken: Ct), Ct);
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var beforeTakeover = await ReadHistoryAsync(Client);
        var tokenA = Assert.Single(beforeTakeover.Select(e => e.FencingToken).Distinct());

        // B: a clock past A's lease and margin; it takes the lock over and finishes the family.
        using var clientB = _emulator.CreateClient();
        var clockB = new FakeTimeProvider(start + Lease + lockOptions.ClockSkewMargin + TimeSpan.FromSeconds(1));
        var recordingB = new RecordingHook();
        var runB = await Race.Migrator(clientB, new QdrantLeaseLock(clientB, lockOptions, clockB), recordingB, clockB).MigrateAsync(cancellationToken: Ct);
        Assert.True(runB.Succeeded, runB.ToString());
        Assert.Contains(recordingB.Steps, s => s.MigrationId == pausedBefore && s.Resuming);
        var afterTakeover = await ReadHistoryAsync(Client);

        // A wakes up: it must stop at its next write, before writing anything.
        recorder.Arm();
        pause.Release.TrySetResult();
        var lost = await Assert.ThrowsAsync<QdrantSchemaLockLostException>(() => runA.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.Contains("lock", lost.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(pause.AfterRelease);
        Assert.True(recorder.Writes.Count == 0, $"the fenced-out holder wrote after the takeover: {string.Join(", ", recorder.Writes)}");
        var history = await ReadHistoryAsync(Client);
        Assert.Equal(afterTakeover, history);
        Assert.DoesNotContain(history, e => e.FencingToken == tokenA && string.CompareOrdinal(e.MigrationId, pausedBefore) >= 0);
        await AssertMigratedAsync(Client, history, pointsPerCollection: 100);

        var status = await Race.Migrator(clientB, NoOpQdrantSchemaLock.Instance, new RecordingHook(), clockB).GetStatusAsync(Ct);
        Assert.All(status.Collections, c =>
        {
            Assert.Equal(Race.V4, c.CurrentVersion);
            Assert.Empty(c.Pending);
            Assert.Null(c.Running);
            Assert.Null(c.Failed);
        });
    }

    [Fact]
    public async Task MigrateAsync_HolderPausedBeforeDestructiveStepAndTakenOver_DeletesNothing()
    {
        // Family "fence": f1 creates fence_a and indexes tag, f2 deletes the points tagged "stale" (a destructive step).
        await Client.CreateCollectionAsync(
            Fence.Collection, new VectorParamsMap { Map = { ["v"] = new VectorParams { Size = 4, Distance = Distance.Dot } } }, cancellationToken: Ct);
        await Client.UpsertAsync(Fence.Collection, [Point(1, "stale"), Point(2, "keep")], wait: true, cancellationToken: Ct);
        var start = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var lockOptions = new QdrantLeaseLockOptions { LeaseDuration = Lease, ClockSkewMargin = Lease / 10, AllowShortLeaseForTesting = true };

        var recorder = new CallRecorder();
        using var clientA = new QdrantClient(new QdrantGrpcClient(_emulator.CreateCallInvoker().Intercept(recorder)));
        var clockA = new FakeTimeProvider(start);
        var pause = new PauseBefore(Fence.F2);
        var runA = Task.Run(() => Fence.Migrator(clientA, new QdrantLeaseLock(clientA, lockOptions, clockA), pause, clockA).MigrateAsync(cancellationToken: Ct), Ct);
        await pause.Reached.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);

        using var clientB = _emulator.CreateClient();
        var clockB = new FakeTimeProvider(start + Lease + lockOptions.ClockSkewMargin + TimeSpan.FromSeconds(1));
        var runB = await Fence.Migrator(clientB, new QdrantLeaseLock(clientB, lockOptions, clockB), new RecordingHook(), clockB).MigrateAsync(cancellationToken: Ct);
        Assert.True(runB.Succeeded, runB.ToString());

        // After the migration, the application tags a new point "stale" (data the finished migration must not touch).
        await Client.UpsertAsync(Fence.Collection, [Point(3, "stale")], wait: true, cancellationToken: Ct);
        recorder.Arm();
        pause.Release.TrySetResult();
        await Assert.ThrowsAsync<QdrantSchemaLockLostException>(() => runA.WaitAsync(TimeSpan.FromSeconds(30), Ct));

        Assert.True(recorder.Writes.Count == 0, $"the fenced-out holder wrote after the takeover: {string.Join(", ", recorder.Writes)}");
        var ids = (await AllPointsAsync(Client, Fence.Collection)).Select(p => p.Id.Num).Order().ToList();
        Assert.Equal([2UL, 3UL], ids);

        static PointStruct Point(ulong id, string tag) => new()
        {
            Id = id,
            Vectors = new Vectors { Vectors_ = new NamedVectors { Vectors = { ["v"] = new[] { 1f, 0f, 0f, 0f } } } },
            Payload = { ["tag"] = tag },
        };
    }

    /// <summary>Creates race_a..c as v1 declares them, each with points 1..n carrying <c>n = 0</c>.</summary>
    private static async Task SeedAsync(QdrantClient client, int points)
    {
        foreach (var collection in Race.Collections)
        {
            await client.CreateCollectionAsync(
                collection,
                new VectorParamsMap { Map = { ["v"] = new VectorParams { Size = 4, Distance = Distance.Dot } } },
                cancellationToken: Ct);
            var batch = Enumerable.Range(1, points).Select(i => new PointStruct
            {
                Id = (ulong)i,
                Vectors = new Vectors { Vectors_ = new NamedVectors { Vectors = { ["v"] = new[] { 1f, i, 0f, 0f } } } },
                Payload = { ["n"] = 0L, ["tag"] = i % 2 == 0 ? "even" : "odd" },
            }).ToList();
            await client.UpsertAsync(collection, batch, wait: true, cancellationToken: Ct);
        }
    }

    /// <summary>
    /// The end state: each (collection, migration) has one record, succeeded at its last step; no redo page is left;
    /// every point has n == 1; each collection's version marker is v4 and v4's metadata key is set.
    /// </summary>
    private static async Task AssertMigratedAsync(QdrantClient client, List<HistoryEntry> history, int pointsPerCollection = PointsPerCollection)
    {
        var expected = Race.Collections.SelectMany(c => Race.Migrations.Select(m => (c, m))).ToList();
        Assert.Equal(expected, history.Select(e => (e.Collection, e.MigrationId)).ToList());
        Assert.All(history, e =>
        {
            Assert.Equal("succeeded", e.Status);
            Assert.Equal(1, e.Step);
            Assert.Null(e.Cursor);
        });
        Assert.All(history.Where(e => e.MigrationId == Race.V3), e => Assert.Equal(pointsPerCollection, e.PointsProcessed));
        Assert.Equal(0UL, await client.CountAsync(History, MatchKeyword("kind", "redo"), exact: true, cancellationToken: Ct));

        foreach (var collection in Race.Collections)
        {
            var points = await AllPointsAsync(client, collection);
            Assert.Equal(pointsPerCollection, points.Count);
            var wrong = points.Where(p => p.Payload["n"].IntegerValue != 1).Select(p => $"{p.Id.Num}: n={p.Payload["n"].IntegerValue}").ToList();
            Assert.True(wrong.Count == 0, $"{collection}: points not transformed exactly once: {string.Join(", ", wrong.Take(20))}");

            var metadata = (await client.GetCollectionInfoAsync(collection, Ct)).Config.Metadata;
            Assert.Equal(Race.V4, metadata["qdrant_schema"].StructValue.Fields["version"].StringValue);
            Assert.True(metadata["race_done"].BoolValue);
        }
    }

    private static async Task<List<RetrievedPoint>> AllPointsAsync(QdrantClient client, string collection, Filter? filter = null)
    {
        var points = new List<RetrievedPoint>();
        PointId? offset = null;
        do
        {
            var page = await client.ScrollAsync(collection, filter, limit: 1000, offset: offset, payloadSelector: true, cancellationToken: Ct);
            points.AddRange(page.Result);
            offset = page.NextPageOffset;
        }
        while (offset is not null);
        return points;
    }

    /// <summary>The migration records of the history collection, read raw (not through the engine), ordered by collection and id.</summary>
    private static async Task<List<HistoryEntry>> ReadHistoryAsync(QdrantClient client)
    {
        var points = await AllPointsAsync(client, History, MatchKeyword("kind", "migration"));
        return [.. points
            .Select(p => new HistoryEntry(
                p.Payload["collection"].StringValue,
                p.Payload["migration_id"].StringValue,
                p.Payload["status"].StringValue,
                (int)p.Payload["step"].IntegerValue,
                p.Payload.TryGetValue("cursor", out var cursor) ? cursor.ToString() : null,
                p.Payload.TryGetValue("points_processed", out var processed) ? processed.IntegerValue : 0,
                p.Payload.TryGetValue("fencing_token", out var token) ? token.IntegerValue : null))
            .OrderBy(e => e.Collection, StringComparer.Ordinal)
            .ThenBy(e => e.MigrationId, StringComparer.Ordinal)];
    }

    private sealed record HistoryEntry(
        string Collection, string MigrationId, string Status, int Step, string? Cursor, long PointsProcessed, long? FencingToken);

    /// <summary>Blocks every collection's run before step 0 of one migration until released; records any step reached afterwards.</summary>
    private sealed class PauseBefore(string migrationId) : IMigrationStepHook
    {
        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> AfterRelease { get; } = [];

        public async ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
        {
            if (Release.Task.IsCompleted)
            {
                lock (AfterRelease)
                {
                    AfterRelease.Add($"{context.Member.PhysicalName}/{context.Migration.Id}#{context.Step}");
                }
            }
            else if (context.Migration.Id == migrationId)
            {
                Reached.TrySetResult();
                await Release.Task.ConfigureAwait(false); // paused: a GC or a frozen VM, not a cancellable wait
            }
        }
    }

    /// <summary>Records the gRPC methods a client calls once armed; every method that is not a read counts as a write.</summary>
    private sealed class CallRecorder : Interceptor
    {
        private static readonly HashSet<string> Reads = new(StringComparer.Ordinal)
        {
            "/qdrant.Points/Get", "/qdrant.Points/Scroll", "/qdrant.Points/Count",
            "/qdrant.Collections/Get", "/qdrant.Collections/List", "/qdrant.Collections/CollectionExists",
            "/qdrant.Collections/ListAliases", "/qdrant.Collections/ListCollectionAliases", "/qdrant.Qdrant/HealthCheck",
        };

        private volatile bool _armed;

        public List<string> Writes { get; } = [];

        public void Arm() => _armed = true;

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            if (_armed && !Reads.Contains(context.Method.FullName))
            {
                lock (Writes)
                {
                    Writes.Add(context.Method.FullName);
                }
            }

            return continuation(request, context);
        }
    }

    /// <summary>One <c>QdrantSchema.LockTestHost migrate</c> process.</summary>
    private sealed class MigrateHost : IDisposable
    {
        private readonly Process _process;
        private readonly List<string> _lines = [];
        private readonly StringBuilder _errors = new();
        private readonly List<(string Prefix, TaskCompletionSource<string> Match)> _waiters = [];

        private MigrateHost(IEnumerable<string> arguments)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(Locate());
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            _process = new Process { StartInfo = start };
            _process.OutputDataReceived += (_, e) => OnLine(e.Data);
            _process.ErrorDataReceived += (_, e) =>
            {
                lock (_errors)
                {
                    _errors.AppendLine(e.Data);
                }
            };
            _process.Start();
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public int ExitCode => _process.ExitCode;

        public string Output
        {
            get
            {
                lock (_lines)
                {
                    return string.Join(Environment.NewLine, _lines);
                }
            }
        }

        public string Errors
        {
            get
            {
                lock (_errors)
                {
                    return _errors.ToString();
                }
            }
        }

        public static MigrateHost Start(int grpcPort, TimeSpan lease, string scenario, string? gate) =>
            new(gate is null ? Arguments(grpcPort, lease, scenario) : [.. Arguments(grpcPort, lease, scenario), gate]);

        private static string[] Arguments(int grpcPort, TimeSpan lease, string scenario) =>
            ["migrate", grpcPort.ToString(CultureInfo.InvariantCulture), ((int)lease.TotalMilliseconds).ToString(CultureInfo.InvariantCulture), scenario];

        public IReadOnlyList<string> Lines(string prefix)
        {
            lock (_lines)
            {
                return [.. _lines.Where(l => l.StartsWith(prefix + " ", StringComparison.Ordinal) || l == prefix)];
            }
        }

        public string Line(string prefix) => Lines(prefix) is [var line, ..] ? line : throw new InvalidOperationException($"no {prefix} line in: {Output} {Errors}");

        /// <summary>The JSON of the MIGRATED line.</summary>
        public JsonDocument Migrated() => JsonDocument.Parse(Line("MIGRATED")["MIGRATED ".Length..]);

        public Task<string> WaitForLineAsync(string prefix, TimeSpan timeout, CancellationToken cancellationToken)
        {
            var match = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lines)
            {
                if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
                {
                    return Task.FromResult(line);
                }

                _waiters.Add((prefix, match));
            }

            return match.Task.WaitAsync(timeout, cancellationToken).ContinueWith(
                t => t.IsCompletedSuccessfully ? t.Result : throw new InvalidOperationException($"no line {prefix}; output: {Output}; stderr: {Errors}", t.Exception),
                TaskScheduler.Default);
        }

        public async Task WaitForExitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            await _process.WaitForExitAsync(limit.Token); // also drains the redirected streams
        }

        /// <summary>SIGKILL: no release, no last renewal, no history write.</summary>
        public void Kill()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }

        public void Dispose()
        {
            Kill();
            _process.Dispose();
        }

        /// <summary>The host's output sits beside ours under the artifacts <c>bin</c> directory (see <see cref="LockHost"/>).</summary>
        private static string Locate()
        {
            var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var path = Path.Combine(output.Parent!.Parent!.FullName, "QdrantSchema.LockTestHost", output.Name, "QdrantSchema.LockTestHost.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build tests/QdrantSchema.LockTestHost first", path);
        }

        private void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Add(line);
                foreach (var (prefix, match) in _waiters)
                {
                    if (line.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        match.TrySetResult(line);
                    }
                }
            }
        }
    }
}

/// <summary>The host's family <c>race</c>, mirrored for the in-process test (same ids, operations and step name).</summary>
file static class Race
{
    public const string Family = "race";
    public const string V1 = "20260101000000_CreateRace";
    public const string V2 = "20260102000000_IndexTag";
    public const string V3 = "20260103000000_IncrementN";
    public const string V4 = "20260104000000_MarkDone";

    public static readonly string[] Collections = ["race_a", "race_b", "race_c"];
    public static readonly string[] Migrations = [V1, V2, V3, V4];

    public static QdrantMigrator Migrator(QdrantClient client, IQdrantSchemaLock schemaLock, IMigrationStepHook hook, TimeProvider time)
    {
        var family = new CollectionFamily(Family);
        foreach (var collection in Collections)
        {
            family.Collections.Add(collection);
        }

        return new QdrantMigrator(
            client,
            [new RaceCreate(), new RaceIndexTag(), new RaceIncrementN(), new RaceMarkDone()],
            [family],
            new QdrantMigratorOptions { Lock = schemaLock, LockTimeout = TimeSpan.Zero, DataStepBatchSize = 50, StepHook = hook, MaxParallelCollections = 1 },
            timeProvider: time);
    }
}

[Migration(Race.V1, Family = Race.Family)]
file sealed class RaceCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreateCollection(c => c.AddVector("v", 4, Distance.Dot));
}

[Migration(Race.V2, Family = Race.Family)]
file sealed class RaceIndexTag : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreatePayloadIndex("tag", PayloadSchemaType.Keyword);
}

[Migration(Race.V3, Family = Race.Family)]
file sealed class RaceIncrementN : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.TransformPayload(
        context =>
        {
            context.Payload["n"] = context.Payload["n"].IntegerValue + 1;
            return ValueTask.CompletedTask;
        },
        "increment_n");
}

[Migration(Race.V4, Family = Race.Family)]
file sealed class RaceMarkDone : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.SetMetadata("race_done", new Value { BoolValue = true });
}

/// <summary>A family whose second migration deletes points: a destructive step for the fencing test.</summary>
file static class Fence
{
    public const string Family = "fence";
    public const string Collection = "fence_a";
    public const string F1 = "20260201000000_CreateFence";
    public const string F2 = "20260202000000_DeleteStale";

    public static QdrantMigrator Migrator(QdrantClient client, IQdrantSchemaLock schemaLock, IMigrationStepHook hook, TimeProvider time) => new(
        client,
        [new FenceCreate(), new FenceDeleteStale()],
        [new CollectionFamily(Family) { Collections = { Collection } }],
        new QdrantMigratorOptions { Lock = schemaLock, LockTimeout = TimeSpan.Zero, StepHook = hook },
        timeProvider: time);
}

[Migration(Fence.F1, Family = Fence.Family)]
file sealed class FenceCreate : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration
        .CreateCollection(c => c.AddVector("v", 4, Distance.Dot))
        .CreatePayloadIndex("tag", PayloadSchemaType.Keyword);
}

[Migration(Fence.F2, Family = Fence.Family)]
file sealed class FenceDeleteStale : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.DeletePoints(MatchKeyword("tag", "stale"));
}
