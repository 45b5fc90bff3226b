using Qdrant.Client.Grpc;

namespace QdrantSchema.History;

/// <summary>
/// One history record: what happened when migration <see cref="MigrationId"/> ran on physical collection
/// <see cref="Collection"/>. Stored as a vectorless point of the history collection whose id is derived from
/// (collection, migration id), so writing a record twice updates it in place.
/// </summary>
internal sealed record MigrationRecord
{
    public required string Collection { get; init; }

    public required string Family { get; init; }

    public required string MigrationId { get; init; }

    public required string Description { get; init; }

    public required string Checksum { get; init; }

    public required MigrationStatus Status { get; init; }

    /// <summary>Index of the next Up operation to run (0 before the first; the operation count when done).</summary>
    public int Step { get; init; }

    /// <summary>Inside a data step: the scroll offset of the first point not yet committed (null: from the start).</summary>
    public PointId? Cursor { get; init; }

    /// <summary>Points a data step has committed so far (for progress).</summary>
    public long PointsProcessed { get; init; }

    /// <summary>True when the record was written by a baseline, not by running the migration.</summary>
    public bool Baseline { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset? FinishedAt { get; init; }

    public string? Error { get; init; }

    public required string Host { get; init; }

    public required int ProcessId { get; init; }

    public required string LibraryVersion { get; init; }

    /// <summary>The fencing token of the lock held when the record was written (issue: distributed lock), or null.</summary>
    public long? FencingToken { get; init; }

    /// <summary>
    /// Which way the migration runs: <see cref="MigrationDirection.Up"/> (applying it) or <see cref="MigrationDirection.Down"/>
    /// (rolling it back; <see cref="Step"/> then counts Down operations). Stored as <c>direction</c>; absent means up.
    /// </summary>
    public MigrationDirection Direction { get; init; }

    /// <summary>For a rollback, the migration id it rolls back to (stored as <c>rollback_target</c>), or null.</summary>
    public string? RollbackTarget { get; init; }

    /// <summary>
    /// The snapshot the run took of the collection right before this migration changed it (stored as <c>snapshot_name</c>),
    /// or null. Set on the first migration of a run that the snapshot protects; later migrations of that run rely on it too.
    /// </summary>
    public string? SnapshotName { get; init; }

    /// <summary>The snapshot's SHA-256 hex as Qdrant reported it (<c>snapshot_checksum</c>), or null.</summary>
    public string? SnapshotChecksum { get; init; }

    /// <summary>The snapshot's size in bytes (<c>snapshot_size</c>), or null.</summary>
    public long? SnapshotSize { get; init; }

    /// <summary>
    /// The aliases that pointed at the collection when the snapshot was taken (<c>snapshot_aliases</c>), sorted, since Qdrant
    /// snapshots do not contain aliases; null when no snapshot was taken.
    /// </summary>
    public IReadOnlyList<string>? SnapshotAliases { get; init; }

    /// <summary>
    /// The restore of the pre-run snapshot that <see cref="QdrantSchema.MigrationFailurePolicy.RestoreSnapshot"/> started or
    /// finished because of this record's migration (stored as <c>restore_*</c> fields and <c>restored_from_snapshot</c>), or null.
    /// </summary>
    public SnapshotRestoreJournal? Restore { get; init; }
}

/// <summary>How far a snapshot restore has come (stored as <c>restore_state</c>).</summary>
internal enum SnapshotRestoreState
{
    /// <summary>The snapshot is verified and the restore journaled; the collection may have been deleted. A rerun finishes it.</summary>
    Restoring = 0,

    /// <summary>The collection was recovered from the snapshot; aliases, version marker and records are still to be put back.</summary>
    Recovered = 1,

    /// <summary>Done: the record was reset by the restore (informational).</summary>
    Restored = 2,
}

/// <summary>
/// A journaled snapshot restore. On the failed migration's record while it runs (<see cref="SnapshotRestoreState.Restoring"/>
/// or <see cref="SnapshotRestoreState.Recovered"/>) with everything a rerun needs to finish it; on every record the restore
/// reset, <see cref="SnapshotRestoreState.Restored"/> with the snapshot name.
/// </summary>
internal sealed record SnapshotRestoreJournal
{
    public required SnapshotRestoreState State { get; init; }

    /// <summary>The snapshot restored from (<c>restored_from_snapshot</c>).</summary>
    public required string SnapshotName { get; init; }

    /// <summary>The snapshot's SHA-256 hex as recorded when it was taken (<c>restore_checksum</c>).</summary>
    public string? Checksum { get; init; }

    /// <summary>The aliases that pointed at the collection when the snapshot was taken (<c>restore_aliases</c>).</summary>
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>The verified local copy of the snapshot on <see cref="MigrationRecord.Host"/> (<c>restore_file</c>), or null when the server's own file is recovered.</summary>
    public string? File { get; init; }

    /// <summary>The version the collection had when the snapshot was taken (<c>restore_version</c>), or null.</summary>
    public string? Version { get; init; }

    /// <summary>The migrations whose records the restore resets (<c>restore_undo</c>), this record's included.</summary>
    public IReadOnlyList<string> Undo { get; init; } = [];

    /// <summary>The records those migrations had before the run, where they had one (<c>restore_prior</c>).</summary>
    public IReadOnlyList<MigrationRecord> Prior { get; init; } = [];
}

/// <summary>Which way a history record's migration runs.</summary>
internal enum MigrationDirection
{
    /// <summary>Applying the migration (its Up operations).</summary>
    Up = 0,

    /// <summary>Rolling the migration back (its Down operations).</summary>
    Down = 1,
}
