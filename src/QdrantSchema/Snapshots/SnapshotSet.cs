namespace QdrantSchema.Snapshots;

/// <summary>
/// Snapshots of several collections taken together, with the alias map at that moment: Qdrant snapshots do not contain
/// aliases, so restoring a set means recovering each collection and then re-pointing these aliases.
/// </summary>
public sealed class SnapshotSet
{
    internal SnapshotSet(DateTimeOffset capturedAt, IReadOnlyList<SnapshotInfo> snapshots, IReadOnlyDictionary<string, string> aliases, IReadOnlyList<string> skipped)
    {
        CapturedAt = capturedAt;
        Snapshots = snapshots;
        Aliases = aliases;
        Skipped = skipped;
    }

    /// <summary>Gets when the capture started.</summary>
    public DateTimeOffset CapturedAt { get; }

    /// <summary>Gets one snapshot per physical collection, in the order captured.</summary>
    public IReadOnlyList<SnapshotInfo> Snapshots { get; }

    /// <summary>Gets the aliases that pointed at the captured collections: alias name → physical collection name.</summary>
    public IReadOnlyDictionary<string, string> Aliases { get; }

    /// <summary>Gets the requested names that were not captured, with the reason (the history collection is never captured).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Gets a value indicating whether any snapshot lacks shards that live on other peers.</summary>
    public bool IsPartial => Snapshots.Any(s => s.IsPartial);
}
