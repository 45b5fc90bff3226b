namespace QdrantSchema.Snapshots;

/// <summary>
/// Where <see cref="QdrantSnapshotManager.RestoreAsync"/> takes a snapshot from: one the server already holds (by
/// collection and name), or a local file. Names and paths are validated when the source is created, before any request.
/// </summary>
public sealed class SnapshotRestoreSource
{
    private SnapshotRestoreSource(string? sourceCollection, string? snapshotName, string? filePath, string? checksum, SnapshotPriority? priority)
    {
        SourceCollection = sourceCollection;
        SnapshotName = snapshotName;
        FilePath = filePath;
        Checksum = checksum;
        Priority = priority;
    }

    /// <summary>Gets the collection whose snapshot directory holds the server-side snapshot, or <see langword="null"/> for a file.</summary>
    public string? SourceCollection { get; }

    /// <summary>Gets the server-side snapshot's name, or <see langword="null"/> for a file.</summary>
    public string? SnapshotName { get; }

    /// <summary>Gets the local snapshot file, or <see langword="null"/> for a server-side snapshot.</summary>
    public string? FilePath { get; }

    /// <summary>
    /// Gets the SHA-256 hex Qdrant must verify the snapshot against, or <see langword="null"/>: then the manager uses
    /// Qdrant's own checksum (server-side) or hashes the file before uploading it.
    /// </summary>
    public string? Checksum { get; }

    /// <summary>Gets the recovery priority, or <see langword="null"/> for Qdrant's default (<see cref="SnapshotPriority.Snapshot"/>).</summary>
    public SnapshotPriority? Priority { get; }

    /// <summary>Gets a value indicating whether the source is a snapshot the server holds.</summary>
    public bool IsServerSnapshot => SnapshotName is not null;

    /// <summary>A snapshot the server holds in <paramref name="sourceCollection"/>'s snapshot directory.</summary>
    /// <param name="sourceCollection">The collection the snapshot was taken of (its real name, as in the snapshot name).</param>
    /// <param name="snapshotName">The snapshot's file name, as listed by Qdrant.</param>
    /// <param name="priority">The recovery priority, or <see langword="null"/> for Qdrant's default.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The name is not a plain file name, or the collection name is invalid.</exception>
    public static SnapshotRestoreSource FromServer(string sourceCollection, string snapshotName, SnapshotPriority? priority = null)
    {
        SnapshotNames.ValidateCollection(sourceCollection, nameof(sourceCollection));
        SnapshotNames.Validate(snapshotName, nameof(snapshotName));
        ValidatePriority(priority);
        return new SnapshotRestoreSource(sourceCollection, snapshotName, filePath: null, checksum: null, priority);
    }

    /// <summary>A snapshot the server holds, as returned by create or list.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="priority">The recovery priority, or <see langword="null"/> for Qdrant's default.</param>
    /// <returns>The source.</returns>
    public static SnapshotRestoreSource FromSnapshot(SnapshotInfo snapshot, SnapshotPriority? priority = null)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return FromServer(snapshot.Collection, snapshot.Name, priority);
    }

    /// <summary>A local snapshot file, uploaded to the server (streamed) and recovered there.</summary>
    /// <param name="path">The snapshot file.</param>
    /// <param name="checksum">Its SHA-256 hex, or <see langword="null"/> to hash the file before uploading it.</param>
    /// <param name="priority">The recovery priority, or <see langword="null"/> for Qdrant's default.</param>
    /// <returns>The source.</returns>
    /// <exception cref="ArgumentException">The path is empty, or the checksum is not 64 hex digits.</exception>
    public static SnapshotRestoreSource FromFile(string path, string? checksum = null, SnapshotPriority? priority = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (checksum is not null && (checksum.Length != 64 || !checksum.All(char.IsAsciiHexDigit)))
        {
            throw new ArgumentException("The checksum must be a SHA-256 digest: 64 hexadecimal digits.", nameof(checksum));
        }

        SnapshotNames.Validate(Path.GetFileName(path), nameof(path));
        ValidatePriority(priority);
        return new SnapshotRestoreSource(sourceCollection: null, snapshotName: null, Path.GetFullPath(path), checksum?.ToLowerInvariant(), priority);
    }

    /// <inheritdoc />
    public override string ToString() => IsServerSnapshot ? $"server snapshot '{SourceCollection}/{SnapshotName}'" : $"file '{FilePath}'";

    /// <summary>Qdrant's wire name of a priority.</summary>
    internal static string? WireName(SnapshotPriority? priority) => priority switch
    {
        null => null,
        SnapshotPriority.Snapshot => "snapshot",
        SnapshotPriority.Replica => "replica",
        SnapshotPriority.NoSync => "no_sync",
        _ => throw new ArgumentOutOfRangeException(nameof(priority), priority, "Unknown snapshot priority."),
    };

    private static void ValidatePriority(SnapshotPriority? priority)
    {
        if (priority is { } value && !Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(priority), value, "Unknown snapshot priority.");
        }
    }
}
