namespace QdrantSchema.Snapshots;

/// <summary>How a snapshot reached the server for a restore.</summary>
public enum SnapshotRestoreMethod
{
    /// <summary>REST recover from a <c>file://</c> location inside the server's snapshots directory.</summary>
    Recover,

    /// <summary>REST upload of a file (a local one, or a server-side snapshot downloaded first).</summary>
    Upload,
}

/// <summary>The outcome of <see cref="QdrantSnapshotManager.RestoreAsync"/>.</summary>
public sealed class SnapshotRestoreResult
{
    internal SnapshotRestoreResult(string collection, SnapshotRestoreSource source, SnapshotRestoreMethod method, string checksum, TimeSpan duration, string coverage, bool isPartial)
    {
        Collection = collection;
        Source = source;
        Method = method;
        Checksum = checksum;
        Duration = duration;
        Coverage = coverage;
        IsPartial = isPartial;
    }

    /// <summary>Gets the collection restored into (created from the snapshot's config if it did not exist).</summary>
    public string Collection { get; }

    /// <summary>Gets where the snapshot came from.</summary>
    public SnapshotRestoreSource Source { get; }

    /// <summary>Gets how the snapshot reached the server.</summary>
    public SnapshotRestoreMethod Method { get; }

    /// <summary>Gets the SHA-256 hex Qdrant verified the snapshot against.</summary>
    public string Checksum { get; }

    /// <summary>Gets how long the restore took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// Gets what the restore covered. Recovery replaces local shards only: on a cluster this names the shards on other
    /// peers that were not restored.
    /// </summary>
    public string Coverage { get; }

    /// <summary>Gets a value indicating whether shards of the collection live on other peers and were not restored.</summary>
    public bool IsPartial { get; }

    /// <inheritdoc />
    public override string ToString() => $"Restored '{Collection}' from {Source} by {Method}; {Coverage}";
}
