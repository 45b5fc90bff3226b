using Medallion.Threading;
using QdrantSchema.Locking;

namespace QdrantSchema.DistributedLock;

/// <summary>
/// Uses a <c>Medallion.Threading</c> (DistributedLock) lock as the QdrantSchema migration lock, for teams that already
/// run a lock backend (a PostgreSQL advisory lock, SQL Server, Redis, ZooKeeper...).
/// </summary>
/// <remarks>
/// <para>Example with a PostgreSQL advisory lock (package <c>DistributedLock.Postgres</c>):</para>
/// <code>
/// var schemaLock = new DistributedLockQdrantSchemaLock(
///     new PostgresDistributedLock(new PostgresAdvisoryLockKey("qdrant-schema", allowHashing: true), connectionString));
/// </code>
/// <para><b>Handle lost.</b> <see cref="IQdrantSchemaLockHandle.HandleLostToken"/> is the provider's
/// <c>IDistributedSynchronizationHandle.HandleLostToken</c>: for PostgreSQL it fires when the connection that holds
/// the advisory lock dies. Providers that cannot detect a loss return a token that never fires.</para>
/// <para><b>Fencing.</b> The handle has no fencing token (<see cref="IQdrantSchemaLockHandle.FencingToken"/> is
/// <see langword="null"/>): the lock lives outside Qdrant, so Qdrant-side writes cannot be made conditional on it, and
/// a holder paused past the provider's loss detection is stopped only by <c>HandleLostToken</c> at its next step
/// boundary. Prefer <see cref="QdrantLeaseLock"/> (fenced) unless a single lock backend close to the migrating
/// processes (a single-region PostgreSQL, say) is what your team already operates.</para>
/// </remarks>
public sealed class DistributedLockQdrantSchemaLock : IQdrantSchemaLock
{
    private readonly IDistributedLock _lock;

    /// <summary>Wraps a lock of any DistributedLock provider.</summary>
    /// <param name="distributedLock">The lock, e.g. a <c>PostgresDistributedLock</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="distributedLock"/> is <see langword="null"/>.</exception>
    public DistributedLockQdrantSchemaLock(IDistributedLock distributedLock)
    {
        ArgumentNullException.ThrowIfNull(distributedLock);
        _lock = distributedLock;
    }

    /// <summary>Wraps the lock named <paramref name="name"/> of a DistributedLock provider.</summary>
    /// <param name="provider">The provider, e.g. a <c>PostgresDistributedSynchronizationProvider</c>.</param>
    /// <param name="name">The lock name. Default: <c>qdrant-schema</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="provider"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public DistributedLockQdrantSchemaLock(IDistributedLockProvider provider, string name = QdrantLeaseLockOptions.DefaultLockName)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _lock = provider.CreateLock(name);
    }

    /// <summary>Gets the provider's name of the lock.</summary>
    public string Name => _lock.Name;

    /// <inheritdoc/>
    public async ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var handle = await _lock.TryAcquireAsync(timeout, cancellationToken).ConfigureAwait(false);
        return handle is null ? null : new Handle(handle);
    }

    /// <summary>Takes the lock, waiting up to <paramref name="timeout"/>, and throws when it is not acquired in time.</summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> waits until acquired or cancelled.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle to dispose when done.</returns>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired in time.</exception>
    public async ValueTask<IQdrantSchemaLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout.InfiniteTimeSpan;
        var handle = await TryAcquireAsync(wait, cancellationToken).ConfigureAwait(false);
        return handle ?? throw new QdrantSchemaLockTimeoutException(
            $"The schema lock '{_lock.Name}' ({_lock.GetType().Name}) was not acquired within {wait}: another process holds it " +
            "(this provider does not tell which). It is released when that process ends or its connection to the lock backend drops.",
            wait);
    }

    private sealed class Handle(IDistributedSynchronizationHandle inner) : IQdrantSchemaLockHandle
    {
        private volatile bool _lostTokenUsed;

        public CancellationToken HandleLostToken
        {
            get
            {
                _lostTokenUsed = true;
                return inner.HandleLostToken;
            }
        }

        public long? FencingToken => null;

        public async ValueTask DisposeAsync()
        {
            // Read before disposing: a disposed provider handle refuses to hand out its token.
            var lost = _lostTokenUsed && inner.HandleLostToken.IsCancellationRequested;
            try
            {
                await inner.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException
                && lost)
            {
                // The provider already reported the lock lost (for PostgreSQL: its connection died, which also ended
                // the advisory lock); releasing over the dead connection fails, and there is nothing left to release.
            }
        }
    }
}
