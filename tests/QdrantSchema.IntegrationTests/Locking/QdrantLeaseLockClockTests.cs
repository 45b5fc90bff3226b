using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Testing;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>
/// Lease expiry, renewal, loss and fencing of <see cref="QdrantLeaseLock"/> on fake clocks: each "process" has its own
/// <see cref="FakeTimeProvider"/>, so a holder can be paused (its clock frozen) while another takes over.
/// </summary>
public sealed class QdrantLeaseLockClockTests(InProcessBackend backend)
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Renew = TimeSpan.FromSeconds(10);

    private readonly string _collection = QdrantBackend.NewName("locks");
    private readonly string _name = $"lock-{Guid.NewGuid():N}"[..21];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QdrantLeaseLock NewLock(TimeProvider time, QdrantClient? client = null, ILoggerFactory? logs = null) =>
        new(client ?? backend.Client, new QdrantLeaseLockOptions { LockName = _name, HistoryCollection = _collection }, time, logs);

    [Fact]
    public async Task TryAcquireAsync_LeaseExpiredByTakersClock_TakesOverWithNextToken()
    {
        var holderClock = new FakeTimeProvider(Start);
        var takerClock = new FakeTimeProvider(Start);
        var holder = NewLock(holderClock);
        var taker = NewLock(takerClock);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        takerClock.Advance(Lease + Margin); // expires_at < now - margin is not yet true: exactly at the boundary
        Assert.Null(await taker.TryAcquireAsync(TimeSpan.Zero, Ct));
        takerClock.Advance(TimeSpan.FromMilliseconds(1));
        await using var taken = await taker.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(taken);
        Assert.Equal(held.FencingToken + 1, taken.FencingToken);
        var status = await taker.GetStatusAsync(Ct);
        Assert.NotNull(status);
        Assert.Equal(Start + Lease + Margin + TimeSpan.FromMilliseconds(1) + Lease, status.ExpiresAt);
    }

    [Fact]
    public async Task Renewal_ClockAdvancedOverManyLeases_KeepsTheLock()
    {
        var clock = new FakeTimeProvider(Start);
        var holder = NewLock(clock);
        var other = NewLock(clock);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        for (var i = 0; i < 12; i++) // 120 s: four leases
        {
            clock.Advance(Renew);
            var now = clock.GetUtcNow();
            await Until(async () => (await holder.GetStatusAsync(Ct))?.RenewedAt == now, "renewal at " + now.ToString("O"));
        }

        Assert.False(held.HandleLostToken.IsCancellationRequested);
        Assert.Null(await other.TryAcquireAsync(TimeSpan.Zero, Ct));
        var status = await holder.GetStatusAsync(Ct);
        Assert.Equal(clock.GetUtcNow() + Lease, status!.ExpiresAt);
        Assert.Equal(held.FencingToken, status.FencingToken);
    }

    [Fact]
    public async Task Renewal_ServerStopped_HandleLostTokenFiresBeforeTheLeasePasses()
    {
        await using var emulator = new QdrantEmulator();
        var server = await emulator.StartServerAsync(0, 0, Ct);
        using var client = server.CreateClient();
        var clock = new FakeTimeProvider(Start);
        var holder = NewLock(clock, client);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        await server.DisposeAsync();
        var step = TimeSpan.FromSeconds(1);
        var advanced = TimeSpan.Zero;
        while (!held.HandleLostToken.IsCancellationRequested && advanced < Lease)
        {
            clock.Advance(step);
            advanced += step;
            await Task.Delay(100, Ct); // let the failed renewal (connection refused) finish in real time
        }

        Assert.True(held.HandleLostToken.IsCancellationRequested, "the handle should be lost once renewals keep failing");
        Assert.InRange(advanced, Renew, Lease - Margin + step);
        await Assert.ThrowsAsync<QdrantSchemaLockLostException>(async () => await held.EnsureHeldAsync(Ct));
    }

    [Fact]
    public async Task EnsureHeldAsync_PausedHolderAfterTakeover_ThrowsLockLostAndWritesNothing()
    {
        var pausedClock = new FakeTimeProvider(Start); // never advanced: the holder's process is frozen
        var takerClock = new FakeTimeProvider(Start);
        var holder = NewLock(pausedClock);
        var taker = NewLock(takerClock);
        var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);
        await held.EnsureHeldAsync(Ct); // fine while it is still the holder

        takerClock.Advance(Lease + Margin + TimeSpan.FromSeconds(1));
        await using var taken = await taker.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(taken);
        var before = await taker.GetStatusAsync(Ct);

        // The paused holder wakes up and tries to record history: the fence stops it first.
        var historyId = new PointId { Num = 42 };
        var exception = await Assert.ThrowsAsync<QdrantSchemaLockLostException>(async () =>
        {
            await held.EnsureHeldAsync(Ct);
            await backend.Client.UpsertAsync(_collection, [new PointStruct { Id = historyId, Vectors = new Vectors { Vectors_ = new NamedVectors() } }], cancellationToken: Ct);
        });
        await held.DisposeAsync(); // a lost handle releases nothing

        Assert.Equal(_name, exception.LockName);
        Assert.Equal(held.FencingToken, exception.FencingToken);
        Assert.Contains("now held by", exception.Message, StringComparison.Ordinal);
        Assert.True(held.HandleLostToken.IsCancellationRequested);
        Assert.Empty(await backend.Client.RetrieveAsync(_collection, historyId, cancellationToken: Ct));
        var after = await taker.GetStatusAsync(Ct);
        Assert.Equal(before!.Owner, after!.Owner);
        Assert.Equal(before.FencingToken, after.FencingToken);
        Assert.Equal(before.ExpiresAt, after.ExpiresAt);
        Assert.Null(after.ReleasedAt);
    }

    [Fact]
    public async Task ForceReleaseAsync_Held_RecordsWhoAndFencesOutTheHolder()
    {
        var clock = new FakeTimeProvider(Start);
        var holder = NewLock(clock);
        var operatorLock = NewLock(clock);
        var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        clock.Advance(TimeSpan.FromSeconds(3));
        var released = await operatorLock.ForceReleaseAsync("alice@ops-box", Ct);
        var status = await operatorLock.GetStatusAsync(Ct);

        Assert.NotNull(released);
        Assert.Equal(held.FencingToken, released.FencingToken);
        Assert.Equal(Environment.MachineName, released.Host);
        Assert.Equal(Environment.ProcessId, released.ProcessId);
        Assert.True(released.IsHeld);
        Assert.Equal("alice@ops-box", status!.ForcedBy);
        Assert.Equal(Start + TimeSpan.FromSeconds(3), status.ForcedAt);
        Assert.False(status.IsHeld);
        Assert.Equal(held.FencingToken + 1, status.FencingToken);
        await Assert.ThrowsAsync<QdrantSchemaLockLostException>(async () => await held.EnsureHeldAsync(Ct));
        await held.DisposeAsync();
        await using var next = await operatorLock.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(next);
        Assert.Equal(held.FencingToken + 2, next.FencingToken);
    }

    [Fact]
    public async Task ForceReleaseAsync_NeverTaken_ReturnsNull()
    {
        Assert.Null(await NewLock(new FakeTimeProvider(Start)).ForceReleaseAsync("alice", Ct));
        Assert.Null(await NewLock(new FakeTimeProvider(Start)).GetStatusAsync(Ct));
    }

    [Fact]
    public async Task DisposeAsync_Held_ReleasesWithoutDeletingThePoint()
    {
        var clock = new FakeTimeProvider(Start);
        var holder = NewLock(clock);
        var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        await held.DisposeAsync();
        var status = await holder.GetStatusAsync(Ct);

        Assert.NotNull(status);
        Assert.False(status.IsHeld);
        Assert.Equal(DateTimeOffset.UnixEpoch, status.ExpiresAt);
        Assert.Equal(Start, status.ReleasedAt);
        Assert.Null(status.ForcedBy);
        Assert.Equal(held.FencingToken, status.FencingToken);
        Assert.False(held.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task AcquireAsync_Held_MessageNamesHolderSinceAndHowToRelease()
    {
        var clock = new FakeTimeProvider(Start);
        await using var held = await NewLock(clock).TryAcquireAsync(TimeSpan.Zero, Ct);

        var exception = await Assert.ThrowsAsync<QdrantSchemaLockTimeoutException>(
            async () => await NewLock(clock).AcquireAsync(TimeSpan.Zero, Ct));

        Assert.Equal(
            $"The schema lock '{_name}' (collection '{_collection}') was not acquired within 0s: it is held by host '{Environment.MachineName}' " +
            $"(process {Environment.ProcessId}) since 2026-11-25T12:00:00.000Z, fencing token 1, with a lease until 2026-11-25T12:00:30.000Z unless renewed. " +
            "If that process is gone, the lock frees itself 35s after its last renewal; to release it now, run `qdrant-schema lock release --force` " +
            "or call QdrantLeaseLock.ForceReleaseAsync.",
            exception.Message);
        Assert.Equal(TimeSpan.Zero, exception.Timeout);
    }

    [Fact]
    public async Task TryAcquireAsync_ServerWithoutUpdateMode_StillExcludes()
    {
        await using var emulator = new QdrantEmulator(new QdrantEmulatorOptions { ServerVersion = "1.16.0" });
        using var client = emulator.CreateClient();
        var clock = new FakeTimeProvider(Start);

        await using var first = await NewLock(clock, client).TryAcquireAsync(TimeSpan.Zero, Ct);
        var second = await NewLock(clock, client).TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(first);
        Assert.Equal(1, first.FencingToken);
        Assert.Null(second);
    }

    [Fact]
    public async Task TryAcquireAsync_Acquired_LogsEventsInTheLockingCategory()
    {
        var logs = new ListLoggerFactory();
        var clock = new FakeTimeProvider(Start);

        var held = await NewLock(clock, logs: logs).TryAcquireAsync(TimeSpan.Zero, Ct);
        await held!.DisposeAsync();

        Assert.All(logs.Entries, e => Assert.Equal("QdrantSchema.Locking", e.Category));
        Assert.Contains(logs.Entries, e => e.EventId == 2011 && e.Message.Contains(_collection, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId == 2001 && e.Message.Contains("fencing token 1", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId == 2008);
    }

    [Theory]
    [InlineData(4, 1, null, "LeaseDuration must be between")]
    [InlineData(30, 15, null, "ClockSkewMargin must be zero or more and less than half of LeaseDuration (00:00:15)")]
    [InlineData(30, 5, 13, "RenewInterval must be positive and at most (LeaseDuration - ClockSkewMargin) / 2 = 00:00:12.5000000")]
    [InlineData(30, 5, 0, "RenewInterval must be positive")]
    public void Constructor_InconsistentOptions_ThrowsNamingTheOptions(int leaseSeconds, int marginSeconds, int? renewSeconds, string expected)
    {
        var options = new QdrantLeaseLockOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(leaseSeconds),
            ClockSkewMargin = TimeSpan.FromSeconds(marginSeconds),
            RenewInterval = renewSeconds is { } r ? TimeSpan.FromSeconds(r) : null,
        };

        var exception = Assert.Throws<ArgumentException>(() => new QdrantLeaseLock(backend.Client, options));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_NullClient_Throws() =>
        Assert.Throws<ArgumentNullException>(() => new QdrantLeaseLock(null!));

    [Fact]
    public async Task ForceReleaseAsync_BlankForcedBy_Throws() =>
        await Assert.ThrowsAsync<ArgumentException>(async () => await NewLock(TimeProvider.System).ForceReleaseAsync(" ", Ct));

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, Ct);
        }
    }

    private sealed class ListLoggerFactory : ILoggerFactory
    {
        public List<(string Category, int EventId, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public void Dispose()
        {
        }

        private sealed class Logger(ListLoggerFactory owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (owner.Entries)
                {
                    owner.Entries.Add((category, eventId.Id, formatter(state, exception)));
                }
            }
        }
    }
}
