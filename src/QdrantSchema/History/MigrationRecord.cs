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
}

/// <summary>Which way a history record's migration runs.</summary>
internal enum MigrationDirection
{
    /// <summary>Applying the migration (its Up operations).</summary>
    Up = 0,

    /// <summary>Rolling the migration back (its Down operations).</summary>
    Down = 1,
}
