using System.Globalization;

namespace QdrantSchema.Snapshots;

/// <summary>A collection snapshot on the server (Qdrant's <c>SnapshotDescription</c>, plus the collection it belongs to).</summary>
public sealed class SnapshotInfo
{
    internal SnapshotInfo(string collection, string name, DateTimeOffset? createdAt, long size, string? checksum, string? coverage, bool isPartial)
    {
        Collection = collection;
        Name = name;
        CreatedAt = createdAt;
        Size = size;
        Checksum = checksum;
        Coverage = coverage;
        IsPartial = isPartial;
    }

    /// <summary>Gets the physical collection the snapshot belongs to.</summary>
    public string Collection { get; }

    /// <summary>Gets the snapshot's file name, e.g. <c>memories-3766212330831337-2024-07-22-08-31-55.snapshot</c>.</summary>
    public string Name { get; }

    /// <summary>Gets when Qdrant created the file (UTC, whole seconds), or <see langword="null"/> when it did not say.</summary>
    public DateTimeOffset? CreatedAt { get; }

    /// <summary>Gets the file size in bytes.</summary>
    public long Size { get; }

    /// <summary>Gets the SHA-256 hex Qdrant computed for the file, or <see langword="null"/> when it reported none.</summary>
    public string? Checksum { get; }

    /// <summary>
    /// Gets what the snapshot covers. Qdrant snapshots are per node: on a cluster this says how many shards live on
    /// other peers (<c>local shards only: 2 remote shard(s) on peers 11, 12 …</c>). <see langword="null"/> when it was
    /// not determined (listed snapshots).
    /// </summary>
    public string? Coverage { get; }

    /// <summary>Gets a value indicating whether shards of the collection live only on other peers, so the snapshot lacks their points.</summary>
    public bool IsPartial { get; }

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Collection}/{Name} ({Size} bytes{(CreatedAt is { } at ? $", {at:u}" : string.Empty)})");
}
