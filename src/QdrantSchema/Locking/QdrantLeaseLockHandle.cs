using Grpc.Core;
using Qdrant.Client;

namespace QdrantSchema.Locking;

/// <summary>
/// A held <see cref="QdrantLeaseLock"/>: renews the lease in the background, signals <see cref="HandleLostToken"/>
/// when it is lost, checks it before fenced writes, and releases it on dispose.
/// </summary>
internal sealed class QdrantLeaseLockHandle : IQdrantSchemaLockHandle, IFencedLockHandle
{
    private readonly QdrantLeaseLock _lock;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationToken _lostToken;
    private readonly long _acquiredTimestamp;
    private readonly Task _renewal;
    private LockPoint _held;
    private string? _lostReason;
    private int _lostFlag;
    private int _disposed;

    public QdrantLeaseLockHandle(QdrantLeaseLock owner, LockPoint held)
    {
        _lock = owner;
        _held = held;
        _lostToken = _lost.Token;
        _acquiredTimestamp = owner.Time.GetTimestamp();
        _renewal = RenewLoopAsync(_stop.Token);
    }

    public CancellationToken HandleLostToken => _lostToken;

    public long FencingToken => _held.Token;

    long? IQdrantSchemaLockHandle.FencingToken => _held.Token;

    /// <summary>Gets the owner id of this acquisition (tests and diagnostics).</summary>
    internal string Owner => _held.Owner;

    /// <summary>Gets the lease end last confirmed by a read-back, in Unix milliseconds by the local clock.</summary>
    internal long ConfirmedExpiry => Volatile.Read(ref _held).ExpiresAt;

    public async ValueTask EnsureHeldAsync(CancellationToken cancellationToken)
    {
        ThrowIfLost();
        var held = Volatile.Read(ref _held);
        var current = await _lock.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (current is null || current.Owner != held.Owner || current.Token != held.Token)
        {
            var reason = current is null
                ? "the lock point is gone"
                : $"it is now held by {current.Describe()}";
            MarkLost(reason);
            ThrowIfLost(reason);
        }

        if (_lock.NowMs() >= current!.ExpiresAt - _lock.MarginMs)
        {
            MarkLost("its lease (less the clock-skew margin) has passed");
            ThrowIfLost();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
        if (Volatile.Read(ref _lostFlag) != 0)
        {
            return; // not ours any more: nothing to release, and nothing may be written as the owner
        }

        var held = Volatile.Read(ref _held);
        try
        {
            await _lock.ReleaseAsync(held, CancellationToken.None).ConfigureAwait(false);
            _lock.Logger.LockReleased(_lock.LockName, held.Token, _lock.Time.GetElapsedTime(_acquiredTimestamp).TotalSeconds);
        }
        catch (Exception e) when (e is RpcException or QdrantException)
        {
            _lock.Logger.LockReleaseFailed(_lock.LockName, held.Token, e);
        }

        // The lost source is deliberately not disposed: callers may still hold registrations on HandleLostToken.
    }

    private async Task RenewLoopAsync(CancellationToken stop)
    {
        var interval = _lock.Options.EffectiveRenewInterval;
        var delay = interval;
        try
        {
            while (true)
            {
                await Task.Delay(delay, _lock.Time, stop).ConfigureAwait(false);
                var held = Volatile.Read(ref _held);
                var giveUpAt = held.ExpiresAt - _lock.MarginMs;
                var now = _lock.NowMs();
                if (now >= giveUpAt)
                {
                    MarkLost("no renewal succeeded before its lease (less the clock-skew margin) passed");
                    return;
                }

                // A renewal that hangs must not outlive the lease: cancel it at the give-up point by the lock's clock.
                using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(giveUpAt - now), _lock.Time);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, deadline.Token);
                try
                {
                    var newExpiry = now + _lock.LeaseMs;
                    var after = await _lock.RenewAsync(held, newExpiry, linked.Token).ConfigureAwait(false);
                    if (after is null || after.Owner != held.Owner || after.Token != held.Token)
                    {
                        MarkLost(after is null ? "the lock point is gone" : $"it is now held by {after.Describe()}");
                        return;
                    }

                    if (after.ExpiresAt != newExpiry)
                    {
                        MarkLost("its renewal did not apply (the lock was released)");
                        return;
                    }

                    Volatile.Write(ref _held, after);
                    _lock.Logger.LockRenewed(_lock.LockName, held.Token, DateTimeOffset.FromUnixTimeMilliseconds(newExpiry));
                    delay = interval;
                }
                catch (Exception e) when (!stop.IsCancellationRequested && e is RpcException or QdrantException or OperationCanceledException)
                {
                    _lock.Logger.LockRenewalFailed(_lock.LockName, held.Token, DateTimeOffset.FromUnixTimeMilliseconds(giveUpAt), e);
                    var remaining = giveUpAt - _lock.NowMs();
                    delay = remaining <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(Math.Min(interval.TotalMilliseconds, remaining));
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed.
        }
    }

    private void MarkLost(string reason)
    {
        if (Interlocked.Exchange(ref _lostFlag, 1) != 0)
        {
            return;
        }

        _lostReason = reason;
        _lock.Logger.LockLost(_lock.LockName, _held.Token, reason);
        try
        {
            _lost.Cancel();
        }
        catch (AggregateException)
        {
            // A callback registered on HandleLostToken threw; the loss is still signalled.
        }
    }

    private void ThrowIfLost(string? reason = null)
    {
        if (Volatile.Read(ref _lostFlag) != 0)
        {
            throw new QdrantSchemaLockLostException(
                $"The schema lock '{_lock.LockName}' (fencing token {_held.Token}) was lost: {reason ?? _lostReason ?? "unknown reason"}. " +
                "Nothing further is written as its owner; the next run resumes from the last recorded step.",
                _lock.LockName,
                _held.Token);
        }
    }
}
