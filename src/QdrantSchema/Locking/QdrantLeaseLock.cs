using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Locking;

/// <summary>
/// The default schema lock: a lease held in Qdrant itself, so migrating needs no infrastructure beyond Qdrant.
/// </summary>
/// <remarks>
/// <para><b>Storage.</b> One vectorless point per lock name in <see cref="QdrantLeaseLockOptions.HistoryCollection"/>
/// (created without vectors when absent), with a deterministic id (SHA-256 of <c>qdrant-schema:lock\n{name}</c>) and
/// the payload <c>kind</c>=<c>lock</c>, <c>lock_name</c>, <c>owner</c> (host/process id/random id, new for every
/// acquisition), <c>host</c>, <c>process_id</c>, <c>token</c> (the fencing token), <c>acquired_at</c>,
/// <c>renewed_at</c>, <c>expires_at</c> (Unix milliseconds by the holder's clock), and after a release
/// <c>released_at</c>, <c>forced_by</c>, <c>forced_at</c>.</para>
/// <para><b>Acquire.</b> Qdrant's conditional upsert is a per-point compare-and-set, but it never reports a skipped
/// write, so every write is followed by a read-back. An absent point is created with <c>update_mode=insert_only</c>
/// (token 1; on servers older than 1.17, which lack <c>update_mode</c>, with an <c>update_filter</c> that an
/// existing live point fails). An existing point is taken over only when its lease expired more than
/// <see cref="QdrantLeaseLockOptions.ClockSkewMargin"/> ago, with an <c>update_filter</c> that also requires the
/// token read before (so of two takers only one can move the token from <c>n</c> to <c>n+1</c>). Writes use
/// <c>wait=true</c> and strong ordering, reads majority consistency.</para>
/// <para><b>Renewal.</b> The handle renews every <see cref="QdrantLeaseLockOptions.RenewInterval"/> with a write
/// conditional on its owner id and token. <see cref="IQdrantSchemaLockHandle.HandleLostToken"/> is cancelled when a
/// read-back shows another owner or token, or when no renewal succeeded before the lease, less the margin, passed by
/// the local clock. Disposing the handle releases the lock with a write conditional on owner and token
/// (<c>expires_at</c>=0), never a blind delete.</para>
/// <para><b>Clock skew.</b> Times come from each host's clock. A holder gives its lease up at
/// <c>expires_at - margin</c>, a taker needs <c>expires_at &lt; now - margin</c>: hosts whose clocks differ by less
/// than the margin never both believe they hold the lock.</para>
/// <para><b>Fencing.</b> Each acquisition gets a larger token (<see cref="IQdrantSchemaLockHandle.FencingToken"/>).
/// Before every history write and destructive step the engine re-reads the lock point and stops with
/// <see cref="QdrantSchemaLockLostException"/> unless owner and token are still its own and the lease (less the
/// margin) has not passed. A holder paused past its lease that wakes after a takeover is therefore stopped at its next
/// write; the window left is the time between that check and the write, which the margin bounds.</para>
/// </remarks>
public sealed class QdrantLeaseLock : IQdrantSchemaLock
{
    private static readonly ReadConsistency Majority = new() { Type = ReadConsistencyType.Majority };
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(25);

    private readonly QdrantClient _client;
    private readonly QdrantLeaseLockOptions _options;
    private readonly ILogger _logger;
    private readonly PointId _pointId;
    private readonly string _host = Environment.MachineName;
    private readonly long _processId = Environment.ProcessId;
    private volatile bool _collectionReady;
    private int _insertOnly; // 0 unknown, 1 supported, 2 not supported (server < 1.17)

    /// <summary>Creates a lease lock over a Qdrant client.</summary>
    /// <param name="client">The client of the Qdrant that holds the lock (and the history). Not disposed by the lock.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults (lock <c>qdrant-schema</c> in <c>__qdrant_schema</c>, 30 s lease).</param>
    /// <param name="timeProvider">The clock for leases and waits, or <see langword="null"/> for the system clock.</param>
    /// <param name="loggerFactory">The logger factory (category <c>QdrantSchema.Locking</c>), or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">An option is out of range or inconsistent with another.</exception>
    public QdrantLeaseLock(QdrantClient client, QdrantLeaseLockOptions? options = null, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        _client = client;
        _options = (options ?? new QdrantLeaseLockOptions()).Clone();
        _options.Validate();
        Time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)loggerFactory?.CreateLogger(LockLog.Category) ?? NullLogger.Instance;
        _pointId = LockPoint.IdOf(_options.LockName);
    }

    /// <summary>Gets the lock name.</summary>
    public string LockName => _options.LockName;

    /// <summary>Gets the collection that holds the lock point.</summary>
    public string CollectionName => _options.HistoryCollection;

    internal QdrantLeaseLockOptions Options => _options;

    internal TimeProvider Time { get; }

    internal ILogger Logger => _logger;

    internal long MarginMs => (long)_options.ClockSkewMargin.TotalMilliseconds;

    internal long LeaseMs => (long)_options.LeaseDuration.TotalMilliseconds;

    /// <inheritdoc/>
    public async ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
        => (await AcquireCoreAsync(timeout, cancellationToken).ConfigureAwait(false)).Handle;

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>, and throws naming the holder when it is not acquired in time.</summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> waits until acquired or cancelled.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle to dispose when done.</returns>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired in time; the message names the holder, since when, and how to release it.</exception>
    public async ValueTask<IQdrantSchemaLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout.InfiniteTimeSpan;
        var (handle, holder) = await AcquireCoreAsync(wait, cancellationToken).ConfigureAwait(false);
        if (handle is not null)
        {
            return handle;
        }

        var seconds = wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var message = holder is null
            ? $"The schema lock '{LockName}' (collection '{CollectionName}') was not acquired within {seconds}s."
            : $"The schema lock '{LockName}' (collection '{CollectionName}') was not acquired within {seconds}s: it is held by {holder.Describe()}, " +
              $"with a lease until {Format(holder.ExpiresAt)} unless renewed. If that process is gone, the lock frees itself " +
              $"{(_options.LeaseDuration + _options.ClockSkewMargin).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s after its last renewal; " +
              "to release it now, run `qdrant-schema lock release --force` or call QdrantLeaseLock.ForceReleaseAsync.";
        throw new QdrantSchemaLockTimeoutException(message, LockName, wait, holder?.ToStatus(Time.GetUtcNow()));
    }

    /// <summary>Reads the lock point: who holds (or last held) the lock, with which fencing token, until when.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The state, or <see langword="null"/> when the lock was never taken (or its collection does not exist).</returns>
    public async Task<QdrantSchemaLockStatus?> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            var point = await ReadAsync(cancellationToken).ConfigureAwait(false);
            return point?.ToStatus(Time.GetUtcNow());
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>
    /// Releases the lock whoever holds it, for an operator who knows the holder is gone (<c>qdrant-schema lock release
    /// --force</c>). The lock point records <c>forced_by</c> and <c>forced_at</c>; its fencing token is advanced, so a
    /// holder that is in fact still alive loses the lock at its next renewal or fenced write instead of writing on.
    /// </summary>
    /// <param name="forcedBy">Who forces the release (a user or tool name), recorded in the lock point.</param>
    /// <param name="cancellationToken">Cancels the release.</param>
    /// <returns>The state before the release (the holder that was released), or <see langword="null"/> when the lock was never taken.</returns>
    /// <exception cref="ArgumentException"><paramref name="forcedBy"/> is empty.</exception>
    /// <exception cref="QdrantSchemaException">The lock kept changing under five attempts.</exception>
    public async Task<QdrantSchemaLockStatus?> ForceReleaseAsync(string forcedBy, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(forcedBy);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            LockPoint? current;
            try
            {
                current = await ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }

            if (current is null)
            {
                return null;
            }

            var now = NowMs();
            var released = current with
            {
                Owner = string.Empty,
                Token = current.Token + 1,
                ExpiresAt = 0,
                ReleasedAt = now,
                ForcedBy = forcedBy,
                ForcedAt = now,
            };
            await WriteAsync(released, OnlyIf(Token(current.Token)), mode: null, cancellationToken).ConfigureAwait(false);
            var after = await ReadAsync(cancellationToken).ConfigureAwait(false);
            if (after is not null && after.Token == released.Token && after.ForcedBy == forcedBy && after.ForcedAt == now)
            {
                _logger.LockForceReleased(LockName, forcedBy, current.Describe());
                return current.ToStatus(Time.GetUtcNow());
            }
        }

        throw new QdrantSchemaException(
            $"Could not force-release the schema lock '{LockName}': it changed under every one of five attempts. Try again.");
    }

    private async ValueTask<(IQdrantSchemaLockHandle? Handle, LockPoint? Holder)> AcquireCoreAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or positive, or Timeout.InfiniteTimeSpan.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var owner = $"{_host}/{_processId.ToString(CultureInfo.InvariantCulture)}/{Guid.NewGuid():N}";
        var started = Time.GetTimestamp();
        var poll = FirstPoll;
        // Polls back off from 25 ms to a second (an eighth of a short lease), so a freed lock is noticed quickly
        // and a waiter's takeover after a crash lands well within one renewal period of the lease's end.
        var maxPoll = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, _options.LeaseDuration.Ticks / 8));
        LockPoint? holder = null;
        while (true)
        {
            Exception? failure = null;
            try
            {
                await EnsureCollectionAsync(cancellationToken).ConfigureAwait(false);
                var (handle, current) = await AttemptAsync(owner, started, cancellationToken).ConfigureAwait(false);
                if (handle is not null)
                {
                    return (handle, null);
                }

                holder = current ?? holder;
                if (current is not null)
                {
                    _logger.LockBusy(LockName, current.Describe(), DateTimeOffset.FromUnixTimeMilliseconds(current.ExpiresAt));
                }
            }
            catch (RpcException e) when (IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                if (e.StatusCode == StatusCode.NotFound)
                {
                    _collectionReady = false; // the collection was deleted under us: create it again
                }

                _logger.LockAcquireRetry(LockName, e);
                failure = e;
            }

            var elapsed = Time.GetElapsedTime(started);
            if (timeout != Timeout.InfiniteTimeSpan && elapsed >= timeout)
            {
                if (failure is not null && holder is null)
                {
                    // Never saw a holder, only errors: report the error rather than "held by someone".
                    ExceptionDispatchInfo.Throw(failure);
                }

                _logger.LockTimedOut(LockName, timeout.TotalSeconds, holder?.Describe() ?? "an unknown holder");
                return (null, holder);
            }

            var wait = Jitter(poll);
            if (timeout != Timeout.InfiniteTimeSpan && wait > timeout - elapsed)
            {
                wait = timeout - elapsed;
            }

            await Task.Delay(wait, Time, cancellationToken).ConfigureAwait(false);
            poll = TimeSpan.FromTicks(Math.Min(poll.Ticks * 2, maxPoll.Ticks));
        }
    }

    /// <summary>One try: read, write conditionally when the lock is absent or expired, read back.</summary>
    private async Task<(IQdrantSchemaLockHandle? Handle, LockPoint? Current)> AttemptAsync(string owner, long started, CancellationToken cancellationToken)
    {
        var now = NowMs();
        var current = await ReadAsync(cancellationToken).ConfigureAwait(false);
        long expected;
        if (current is null)
        {
            expected = 1;
            var created = NewPoint(owner, expected, now);
            if (await SupportsInsertOnlyAsync(cancellationToken).ConfigureAwait(false))
            {
                await WriteAsync(created, filter: null, UpdateMode.InsertOnly, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                // Before 1.17: an absent id is inserted whatever the filter says; an id another process created in
                // the meantime is replaced only if its lease is already over.
                await WriteAsync(created, OnlyIf(ExpiredBefore(now - MarginMs)), mode: null, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (current.Owner == owner && current.ExpiresAt - MarginMs > now)
        {
            // An earlier write of this very attempt landed although its answer was lost.
            expected = current.Token;
        }
        else if (current.ExpiresAt < now - MarginMs)
        {
            expected = current.Token + 1;
            var filter = OnlyIf(Token(current.Token));
            filter.Should.Add(Conditions.MatchKeyword(LockPoint.OwnerField, owner));
            filter.Should.Add(ExpiredBefore(now - MarginMs));
            await WriteAsync(NewPoint(owner, expected, now), filter, mode: null, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            return (null, current);
        }

        var after = await ReadAsync(cancellationToken).ConfigureAwait(false);
        if (after is null || after.Owner != owner || after.Token != expected)
        {
            return (null, after);
        }

        if (current is { ReleasedAt: null, ForcedBy: null } && current.Owner != owner)
        {
            _logger.LockTakenOver(LockName, DateTimeOffset.FromUnixTimeMilliseconds(current.ExpiresAt), current.Describe(), expected);
        }

        _logger.LockAcquired(LockName, expected, Time.GetElapsedTime(started).TotalSeconds);
        return (new QdrantLeaseLockHandle(this, after), after);
    }

    /// <summary>Extends the lease of a held lock; returns the point read back, which shows whether it worked.</summary>
    internal async Task<LockPoint?> RenewAsync(LockPoint held, long newExpiry, CancellationToken cancellationToken)
    {
        var renewed = held with { RenewedAt = NowMs(), ExpiresAt = newExpiry };
        await WriteAsync(renewed, Mine(held), mode: null, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends the lease of a held lock (expires_at = 0), only if owner and token are still the holder's. Not read back:
    /// if the write was skipped, someone else holds the lock and there is nothing of ours to release.
    /// </summary>
    internal Task ReleaseAsync(LockPoint held, CancellationToken cancellationToken)
        => WriteAsync(held with { ExpiresAt = 0, ReleasedAt = NowMs() }, Mine(held), mode: null, cancellationToken);

    internal async Task<LockPoint?> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var points = await _client.RetrieveAsync(
                    CollectionName,
                    [_pointId],
                    new WithPayloadSelector { Enable = true },
                    new WithVectorsSelector { Enable = false },
                    Majority,
                    cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return points.Count == 0 ? null : LockPoint.FromPayload(points[0].Payload);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("Reading the schema lock was cancelled.", e, cancellationToken);
        }
    }

    internal long NowMs() => Time.GetUtcNow().ToUnixTimeMilliseconds();

    private static Filter OnlyIf(Condition condition) => new() { Must = { condition } };

    private static Condition Token(long token) => Conditions.Match(LockPoint.TokenField, token);

    private static Condition ExpiredBefore(long ms) => Conditions.Range(LockPoint.ExpiresAtField, new Qdrant.Client.Grpc.Range { Lt = ms });

    private static Filter Mine(LockPoint held)
        => new() { Must = { Conditions.MatchKeyword(LockPoint.OwnerField, held.Owner), Token(held.Token) } };

    private static bool IsTransient(RpcException e) => e.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.Aborted or StatusCode.ResourceExhausted or StatusCode.NotFound;

    private static TimeSpan Jitter(TimeSpan poll)
        => TimeSpan.FromTicks(poll.Ticks * RandomNumberGenerator.GetInt32(80, 121) / 100);

    private static string Format(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private LockPoint NewPoint(string owner, long token, long now) => new()
    {
        LockName = LockName,
        Owner = owner,
        Host = _host,
        ProcessId = _processId,
        Token = token,
        AcquiredAt = now,
        RenewedAt = now,
        ExpiresAt = now + LeaseMs,
    };

    private async Task WriteAsync(LockPoint point, Filter? filter, UpdateMode? mode, CancellationToken cancellationToken)
    {
        var request = new UpsertPoints
        {
            CollectionName = CollectionName,
            Wait = true,
            Ordering = new WriteOrdering { Type = WriteOrderingType.Strong },
            Points = { point.ToPoint(_pointId) },
        };
        if (filter is not null)
        {
            request.UpdateFilter = filter;
        }

        if (mode is { } m)
        {
            request.UpdateMode = m;
        }

        try
        {
            // Qdrant answers "completed" whether or not a conditional write applied: callers read back.
            await _client.UpsertAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
        {
            // Cancellation is OperationCanceledException, never wrapped (house style); the gRPC client reports it as Cancelled.
            throw new OperationCanceledException("Writing the schema lock was cancelled.", e, cancellationToken);
        }
    }

    private async ValueTask<bool> SupportsInsertOnlyAsync(CancellationToken cancellationToken)
    {
        if (_insertOnly == 0)
        {
            var reply = await _client.HealthAsync(cancellationToken).ConfigureAwait(false);
            var text = reply.Version.Split('-', '+')[0];
            var supported = !Version.TryParse(text, out var version) || version >= new Version(1, 17, 0);
            if (!supported)
            {
                _logger.LockInsertOnlyUnsupported(reply.Version);
            }

            _insertOnly = supported ? 1 : 2;
        }

        return _insertOnly == 1;
    }

    private async Task EnsureCollectionAsync(CancellationToken cancellationToken)
    {
        if (_collectionReady)
        {
            return;
        }

        if (!await _client.CollectionExistsAsync(CollectionName, cancellationToken).ConfigureAwait(false))
        {
            try
            {
                // Vectorless, as the history store creates it: points are looked up by id, never searched.
                await _client.CreateCollectionAsync(new CreateCollection { CollectionName = CollectionName }, cancellationToken).ConfigureAwait(false);
                _logger.LockCollectionCreated(CollectionName);
            }
            catch (RpcException e) when (!cancellationToken.IsCancellationRequested && e.StatusCode != StatusCode.Unavailable)
            {
                // Another process (or the history store) may have created it between our check and our create.
                if (!await _client.CollectionExistsAsync(CollectionName, cancellationToken).ConfigureAwait(false))
                {
                    throw new QdrantSchemaException(
                        $"Could not create the collection '{CollectionName}' for the schema lock ({e.Status.Detail}). " +
                        "Check that the API key may create collections, or create it yourself (no vectors).", e);
                }
            }
        }

        _collectionReady = true;
    }
}
