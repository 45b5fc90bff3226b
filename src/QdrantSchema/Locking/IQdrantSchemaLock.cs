namespace QdrantSchema.Locking;

/// <summary>
/// The lock a migration run holds so that exactly one process migrates at a time (DistributedLock's shape). The
/// history is read only after it is held.
/// </summary>
public interface IQdrantSchemaLock
{
    /// <summary>Tries to take the lock within <paramref name="timeout"/>.</summary>
    /// <param name="timeout">How long to wait; <see cref="TimeSpan.Zero"/> tries once.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle to dispose when done, or <see langword="null"/> when the lock was not acquired in time.</returns>
    ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes the lock, waiting up to <paramref name="timeout"/>, and throws when it is not acquired in time
    /// (DistributedLock's <c>AcquireAsync</c>). Implementations name the current holder in the exception when they know it.
    /// </summary>
    /// <param name="timeout">How long to wait; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/> waits until acquired or cancelled.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A handle to dispose when done.</returns>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired within <paramref name="timeout"/>.</exception>
    async ValueTask<IQdrantSchemaLockHandle> AcquireAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var wait = timeout ?? Timeout.InfiniteTimeSpan;
        var handle = await TryAcquireAsync(wait, cancellationToken).ConfigureAwait(false);
        return handle ?? throw new QdrantSchemaLockTimeoutException(
            $"The schema lock was not acquired within {wait}: another process holds it. Wait for it to finish, or raise the timeout.", wait);
    }
}

/// <summary>A held lock. Disposing it releases the lock.</summary>
public interface IQdrantSchemaLockHandle : IAsyncDisposable
{
    /// <summary>Gets a token that is cancelled when the lock is lost (a renewal failed or another owner was seen).</summary>
    CancellationToken HandleLostToken { get; }

    /// <summary>Gets the fencing token of this acquisition (increasing per acquisition), or <see langword="null"/> when the lock has none.</summary>
    long? FencingToken { get; }
}

/// <summary>
/// A lock that is always free: for a single instance that migrates alone, chosen explicitly. Two processes using it
/// can migrate at the same time.
/// </summary>
public sealed class NoOpQdrantSchemaLock : IQdrantSchemaLock
{
    /// <summary>Gets the shared instance.</summary>
    public static NoOpQdrantSchemaLock Instance { get; } = new();

    private NoOpQdrantSchemaLock()
    {
    }

    /// <inheritdoc/>
    public ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<IQdrantSchemaLockHandle?>(Handle.Instance);
    }

    private sealed class Handle : IQdrantSchemaLockHandle
    {
        public static Handle Instance { get; } = new();

        public CancellationToken HandleLostToken => CancellationToken.None;

        public long? FencingToken => null;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
