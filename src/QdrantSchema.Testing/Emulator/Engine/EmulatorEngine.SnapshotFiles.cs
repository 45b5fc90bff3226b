namespace QdrantSchema.Testing.Emulator.Engine;

// The REST-only snapshot operations (download, recover, upload), which have no gRPC method. The REST front end calls
// these; the snapshot area implements them. (Placeholders until it does: they answer Unimplemented.)
internal sealed partial class EmulatorEngine
{
    /// <summary>REST <c>GET /collections/{c}/snapshots/{name}</c>: opens the snapshot file for reading.</summary>
    internal Stream OpenCollectionSnapshot(string collectionNameOrAlias, string snapshotName, EmulatorCallContext context)
    {
        Authorize(EmulatorRequirement.Read, context.Access);
        _ = Options.SnapshotsPath;
        throw EmulatorErrors.Unimplemented($"Snapshot download {collectionNameOrAlias}/{snapshotName}");
    }

    /// <summary>REST <c>GET /snapshots/{name}</c>: opens a full snapshot file for reading.</summary>
    internal Stream OpenFullSnapshot(string snapshotName, EmulatorCallContext context)
    {
        Authorize(EmulatorRequirement.Read, context.Access);
        _ = Options.SnapshotsPath;
        throw EmulatorErrors.Unimplemented($"Full snapshot download {snapshotName}");
    }

    /// <summary>REST <c>PUT /collections/{c}/snapshots/recover</c>.</summary>
    internal Task<bool> RecoverCollectionSnapshotAsync(
        string collectionName, string location, string? priority, string? checksum, string? apiKey, EmulatorCallContext context, CancellationToken cancellationToken)
    {
        Authorize(EmulatorRequirement.Manage, context.Access);
        _ = Options.SnapshotsPath;
        throw EmulatorErrors.Unimplemented($"Snapshot recovery of {collectionName} from {location} ({priority}, {checksum}, {apiKey?.Length}, {cancellationToken.IsCancellationRequested})");
    }

    /// <summary>REST <c>POST /collections/{c}/snapshots/upload</c> (multipart field <c>snapshot</c>).</summary>
    internal Task<bool> UploadCollectionSnapshotAsync(
        string collectionName, Stream content, string? fileName, string? priority, string? checksum, EmulatorCallContext context, CancellationToken cancellationToken)
    {
        Authorize(EmulatorRequirement.Manage, context.Access);
        _ = Options.SnapshotsPath;
        throw EmulatorErrors.Unimplemented($"Snapshot upload into {collectionName} ({content.CanRead}, {fileName}, {priority}, {checksum}, {cancellationToken.IsCancellationRequested})");
    }
}
