using QdrantSchema.Locking;

namespace QdrantSchema.History;

/// <summary>
/// The history as seen by a run that holds the schema lock: every write first proves the lock is still held
/// (<see cref="LockHandleFencing.EnsureHeldAsync"/>) and stamps the record with the lock's fencing token. A holder that
/// was paused past its lease and lost the lock is stopped at its next write, before anything reaches the history;
/// since the engine writes the record before every operation, no operation of such a holder runs either.
/// </summary>
internal sealed class FencedHistoryStore(IHistoryStore inner, IQdrantSchemaLockHandle handle) : IHistoryStore
{
    public string CollectionName => inner.CollectionName;

    public Task EnsureCreatedAsync(CancellationToken cancellationToken) => inner.EnsureCreatedAsync(cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<MigrationRecord>>> ReadAllAsync(CancellationToken cancellationToken) =>
        inner.ReadAllAsync(cancellationToken);

    public Task<IReadOnlyList<MigrationRecord>> ReadAsync(string collection, CancellationToken cancellationToken) =>
        inner.ReadAsync(collection, cancellationToken);

    public Task<RedoPage?> LoadRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken) =>
        inner.LoadRedoPageAsync(collection, migrationId, step, cancellationToken);

    public async Task WriteAsync(MigrationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        await handle.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.WriteAsync(record with { FencingToken = handle.FencingToken }, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string collection, string migrationId, CancellationToken cancellationToken)
    {
        await handle.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.DeleteAsync(collection, migrationId, cancellationToken).ConfigureAwait(false);
    }

    public async Task SaveRedoPageAsync(RedoPage page, CancellationToken cancellationToken)
    {
        await handle.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.SaveRedoPageAsync(page, cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken)
    {
        await handle.EnsureHeldAsync(cancellationToken).ConfigureAwait(false);
        await inner.DeleteRedoPageAsync(collection, migrationId, step, cancellationToken).ConfigureAwait(false);
    }
}
