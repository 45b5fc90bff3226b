namespace QdrantSchema.Snapshots;

/// <summary>
/// Qdrant's <c>SnapshotPriority</c> for recover and upload (QDRANT.md §8.3). It matters only when other active replicas
/// of the shard exist; a single node ignores it.
/// </summary>
public enum SnapshotPriority
{
    /// <summary>The snapshot becomes the source of truth; other replicas are resynced from it (Qdrant's default, <c>snapshot</c>).</summary>
    Snapshot,

    /// <summary>Existing replicas win; the restored shard is synced from them (<c>replica</c>).</summary>
    Replica,

    /// <summary>Activate the restored shard without synchronizing (<c>no_sync</c>).</summary>
    NoSync,
}
