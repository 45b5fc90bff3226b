namespace QdrantSchema.Locking;

/// <summary>
/// A lock handle that can prove, just before a write, that it still holds the lock (fencing). The engine calls
/// <see cref="EnsureHeldAsync"/> before every history write and every destructive step; a holder that was paused past
/// its lease and lost the lock to another process is stopped there, before it writes.
/// </summary>
internal interface IFencedLockHandle
{
    /// <summary>Gets the fencing token of this acquisition.</summary>
    long FencingToken { get; }

    /// <summary>
    /// Reads the lock's current state from the server and checks that this handle's owner and token are still current
    /// and its lease has not passed (less the clock-skew margin). Marks the handle lost when not.
    /// </summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <exception cref="QdrantSchemaLockLostException">The lock is no longer held by this handle.</exception>
    ValueTask EnsureHeldAsync(CancellationToken cancellationToken);
}

/// <summary>Fencing for any lock handle: the full server-side check for fenced handles, the lost token for the others.</summary>
internal static class LockHandleFencing
{
    /// <summary>
    /// Throws <see cref="QdrantSchemaLockLostException"/> unless <paramref name="handle"/> still holds its lock. For a
    /// <see cref="IFencedLockHandle"/> this reads the lock from the server; for other handles (the no-op lock,
    /// DistributedLock providers) it checks <see cref="IQdrantSchemaLockHandle.HandleLostToken"/> only.
    /// </summary>
    /// <param name="handle">The held lock.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that completes when the lock is confirmed held.</returns>
    public static ValueTask EnsureHeldAsync(this IQdrantSchemaLockHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle is IFencedLockHandle fenced)
        {
            return fenced.EnsureHeldAsync(cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (handle.HandleLostToken.IsCancellationRequested)
        {
            throw new QdrantSchemaLockLostException(
                "The schema lock was lost (its provider reported the handle lost); nothing further is written as the owner.");
        }

        return ValueTask.CompletedTask;
    }
}
