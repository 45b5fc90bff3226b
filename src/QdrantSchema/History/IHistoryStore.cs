using Qdrant.Client.Grpc;

namespace QdrantSchema.History;

/// <summary>
/// The migration history kept in Qdrant itself: a system collection (default <c>__qdrant_schema</c>) of vectorless
/// points, never inside a user's data collection. Reads happen only after the run's lock is held.
/// </summary>
internal interface IHistoryStore
{
    /// <summary>The history collection's name.</summary>
    string CollectionName { get; }

    /// <summary>Creates the history collection (and its payload indexes) when it does not exist. Idempotent.</summary>
    Task EnsureCreatedAsync(CancellationToken cancellationToken);

    /// <summary>Every record, grouped by physical collection, each group ordered by migration id.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<MigrationRecord>>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>The records of one physical collection, ordered by migration id.</summary>
    Task<IReadOnlyList<MigrationRecord>> ReadAsync(string collection, CancellationToken cancellationToken);

    /// <summary>Writes (inserts or replaces) the record of (collection, migration id), with wait=true.</summary>
    Task WriteAsync(MigrationRecord record, CancellationToken cancellationToken);

    /// <summary>Deletes the record of (collection, migration id); a missing record is fine.</summary>
    Task DeleteAsync(string collection, string migrationId, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the redo page of a data step before it is applied: the points' new payloads and vectors, so that a crash
    /// between applying the page and advancing the cursor re-applies the same content instead of running the user's
    /// delegate twice. One page per (collection, migration, step).
    /// </summary>
    Task SaveRedoPageAsync(RedoPage page, CancellationToken cancellationToken);

    /// <summary>The saved redo page of (collection, migration, step), or null.</summary>
    Task<RedoPage?> LoadRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken);

    /// <summary>Removes the redo page of (collection, migration, step); a missing page is fine.</summary>
    Task DeleteRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken);
}

/// <summary>
/// A page of a data step's output, journaled before it is written: the new state of each point of the page (only
/// the parts the step changes) and the cursor that follows the page.
/// </summary>
internal sealed record RedoPage
{
    public required string Collection { get; init; }

    public required string MigrationId { get; init; }

    public required int Step { get; init; }

    /// <summary>The points as the step will write them (payload to overwrite and/or vectors to update).</summary>
    public required IReadOnlyList<PointStruct> Points { get; init; }

    /// <summary>True when <see cref="PointStruct.Payload"/> replaces each point's payload; false when only vectors change.</summary>
    public required bool OverwritesPayload { get; init; }

    /// <summary>The scroll offset after this page (null: this was the last page).</summary>
    public PointId? NextCursor { get; init; }

    /// <summary>
    /// The step's running point count once this page is committed (what <c>CommitPageAsync</c> records with
    /// <see cref="NextCursor"/>), so a re-applied page commits the same count; null when the store did not keep it
    /// (the runner then advances the count by the page's points).
    /// </summary>
    public long? PointsProcessed { get; init; }
}
