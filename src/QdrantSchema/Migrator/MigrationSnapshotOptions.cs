using QdrantSchema.Snapshots;

namespace QdrantSchema;

/// <summary>
/// Snapshots the migrator takes before a run changes a physical collection (<see cref="QdrantMigratorOptions.Snapshots"/>).
/// Each property states its default.
/// </summary>
/// <remarks>
/// <para>Once per physical collection and run, after the lock is held and the history read, right before the first
/// pending migration that does not opt out (<see cref="Migrations.QdrantMigration.SnapshotBeforeApply"/>), the migrator
/// creates a snapshot (gRPC <c>Snapshots/Create</c>) and records its name, checksum and size and the aliases then
/// pointing at the collection (Qdrant snapshots contain no aliases) on that migration's history record
/// (<c>snapshot_name</c>, <c>snapshot_checksum</c>, <c>snapshot_size</c>, <c>snapshot_aliases</c>). A collection that
/// does not exist when the run starts is not snapshotted (nothing to protect), nor is the history collection, which
/// also holds the lock. When creating the snapshot fails, the collection fails before anything changes.</para>
/// <para>Creating, listing and deleting snapshots is gRPC, so no REST address is needed for them;
/// <see cref="Rest"/> is only needed to download or restore.</para>
/// </remarks>
public sealed class MigrationSnapshotOptions
{
    /// <summary>The largest accepted <see cref="KeepLast"/>.</summary>
    public const int MaxKeepLast = 10_000;

    /// <summary>Gets or sets a value indicating whether the migrator snapshots collections before changing them. Default: <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Gets or sets how many of the snapshots the migrator recorded in the history are kept per collection after a
    /// collection migrates successfully; older ones it recorded are deleted. Snapshots the migrator did not take (not
    /// named in the history) are never deleted, and neither is the one the latest run recorded, whatever the value.
    /// 0 keeps only the latest run's. Default: 3.
    /// </summary>
    public int KeepLast { get; set; } = 3;

    /// <summary>
    /// Gets or sets the REST settings of the snapshot manager (address, API key, TLS handler, timeouts, the server's
    /// snapshots path). Creating snapshots needs none of them; they are used only to download or restore a snapshot.
    /// Its <see cref="QdrantSnapshotOptions.HistoryCollection"/> is replaced by <see cref="QdrantMigratorOptions.HistoryCollection"/>.
    /// Default: no REST address.
    /// </summary>
    public QdrantSnapshotOptions Rest { get; set; } = new();

    internal void Validate()
    {
        if (KeepLast is < 0 or > MaxKeepLast)
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.Snapshots.KeepLast must be between 0 and {MaxKeepLast}; it is {KeepLast}.", nameof(KeepLast));
        }

        if (Rest is null)
        {
            throw new ArgumentException(
                "QdrantMigratorOptions.Snapshots.Rest must be set; use new QdrantSnapshotOptions() when snapshots need no REST address.", nameof(Rest));
        }

        try
        {
            Rest.Validate();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"QdrantMigratorOptions.Snapshots.Rest is invalid: {e.Message}", nameof(Rest), e);
        }
    }

    internal MigrationSnapshotOptions Clone() => new() { Enabled = Enabled, KeepLast = KeepLast, Rest = Rest?.Clone()! };
}
