using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Persistence;
using QdrantSchema.Testing.Emulator.Snapshots;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine;

// The REST-only snapshot operations (download, recover, upload), which have no gRPC method. The REST front end calls
// these. They run outside Invoke, so they take the engine lock themselves; file work happens outside the lock except
// where a consistent view of the state is needed. Sources (@ v1.19.0): src/actix/api/snapshot_api.rs,
// lib/storage/src/content_manager/snapshots/{recover,download,download_tar}.rs,
// lib/collection/src/common/snapshots_manager.rs.
internal sealed partial class EmulatorEngine
{
    private static readonly string[] Priorities = ["no_sync", "snapshot", "replica"];

    /// <summary>REST <c>GET /collections/{c}/snapshots/{name}</c>: opens the snapshot file for reading.</summary>
    /// <remarks>Access: collection read (<c>AccessRequirements::new().extras()</c> in <c>do_get_snapshot</c>).</remarks>
    internal Stream OpenCollectionSnapshot(string collectionNameOrAlias, string snapshotName, EmulatorCallContext context)
    {
        Authorize(EmulatorRequirement.Read, context.Access);
        var collectionName = Read(() => Resolve(collectionNameOrAlias).Name);

        // Snapshot files are immutable once moved into place, so the stream needs no lock while the client reads.
        var path = SnapshotStorage.ResolveExisting(CollectionSnapshotsDirectory(collectionName), snapshotName);
        return OpenShared(path, snapshotName);
    }

    /// <summary>REST <c>GET /snapshots/{name}</c>: opens a full snapshot file for reading.</summary>
    internal Stream OpenFullSnapshot(string snapshotName, EmulatorCallContext context)
    {
        Authorize(EmulatorRequirement.Read, context.Access);
        var path = SnapshotStorage.ResolveExisting(Options.SnapshotsPath, snapshotName);
        return OpenShared(path, snapshotName);
    }

    /// <summary>REST <c>PUT /collections/{c}/snapshots/recover</c> (global manage access).</summary>
    internal async Task<bool> RecoverCollectionSnapshotAsync(
        string collectionName, string location, string? priority, string? checksum, string? apiKey, EmulatorCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collectionName);
        ArgumentNullException.ThrowIfNull(location);
        Authorize(EmulatorRequirement.Manage, context.Access);
        ValidatePriority(priority);
        if (!Uri.TryCreate(location, UriKind.Absolute, out var url))
        {
            // `SnapshotRecover.location` is a `Url`: an unparsable one fails JSON deserialization of the body.
            throw EmulatorErrors.BadRequest($"Invalid snapshot URL {location}");
        }

        switch (url.Scheme)
        {
            case "file":
            {
                var path = ResolveLocalSnapshotFile(url);
                var hash = checksum is null ? null : SnapshotStorage.HashFile(path);
                VerifyRecoverChecksum(checksum, hash);
                return RecoverFromFile(collectionName, path);
            }

            case "http" or "https":
            {
                var temp = Path.Combine(Options.SnapshotsPath, ".download-" + Guid.NewGuid().ToString("N") + ".tmp");
                try
                {
                    var hash = await DownloadAsync(url, apiKey, temp, cancellationToken).ConfigureAwait(false);
                    VerifyRecoverChecksum(checksum, hash);
                    return RecoverFromFile(collectionName, temp);
                }
                finally
                {
                    SnapshotStorage.TryDelete(temp);
                }
            }

            default:
                // download.rs: `URL {url} with scheme {} is not supported` (BadRequest).
                throw EmulatorErrors.BadRequest($"URL {url.AbsoluteUri} with scheme {url.Scheme} is not supported");
        }
    }

    /// <summary>REST <c>POST /collections/{c}/snapshots/upload</c> (multipart field <c>snapshot</c>; global manage access).</summary>
    internal async Task<bool> UploadCollectionSnapshotAsync(
        string collectionName, Stream content, string? fileName, string? priority, string? checksum, EmulatorCallContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(collectionName);
        ArgumentNullException.ThrowIfNull(content);
        Authorize(EmulatorRequirement.Manage, context.Access);
        ValidatePriority(priority);

        // actix spools the part to a temp file first; `upload_snapshot` hashes it and, on a mismatch, answers
        // `StorageError::checksum_mismatch(snapshot_checksum, checksum)`, i.e. "expected {actual file hash}, actual {given}".
        var directory = CollectionSnapshotsDirectory(collectionName);
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, ".upload-" + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            string hash;
            var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
            await using (file.ConfigureAwait(false))
            {
                using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await content.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    sha.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                hash = Convert.ToHexStringLower(sha.GetHashAndReset());
            }

            if (checksum is not null && !SnapshotStorage.HashesEqual(hash, checksum))
            {
                throw new EmulatorException(EmulatorErrorKind.ChecksumMismatch, $"Checksum mismatch: expected {hash}, actual {checksum}");
            }

            // do_save_uploaded_snapshot: keep only the file name part of the client's name (no directories), or a UUID.
            var sanitized = fileName is null ? null : Path.GetFileName(fileName);
            if (string.IsNullOrEmpty(sanitized) || sanitized is "." or "..")
            {
                sanitized = Guid.NewGuid().ToString();
            }

            var target = Path.Combine(directory, sanitized);
            File.Move(temp, target, overwrite: true);

            // Recovered as a local file with no checksum (upload_snapshot passes `checksum: None`).
            return RecoverFromFile(collectionName, target);
        }
        finally
        {
            SnapshotStorage.TryDelete(temp);
        }
    }

    /// <summary>
    /// The <c>file://</c> branch of <c>download_snapshot</c>: a missing file is
    /// <c>Bad request: Snapshot file "{path}" does not exist</c>; a file outside the snapshots directory (after
    /// resolving links and <c>..</c>) is <c>Forbidden: Snapshot file path must be inside the snapshots directory "{dir}"</c>
    /// (since 1.17.1). Paths are shown as Rust's <c>{:?}</c> of a path: in double quotes.
    /// </summary>
    private string ResolveLocalSnapshotFile(Uri url)
    {
        if (!url.IsFile || !(url.IsLoopback || string.IsNullOrEmpty(url.Host)))
        {
            throw EmulatorErrors.BadRequest("Invalid snapshot URI, file path must be absolute or on localhost");
        }

        var path = url.LocalPath;
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw EmulatorErrors.BadRequest($"Snapshot file {RustPath(path)} does not exist");
        }

        var canonical = Canonicalize(path);
        var allowed = Canonicalize(Options.SnapshotsPath);
        var prefix = allowed.EndsWith(Path.DirectorySeparatorChar) ? allowed : allowed + Path.DirectorySeparatorChar;
        if (!canonical.StartsWith(prefix, StringComparison.Ordinal) && canonical != allowed)
        {
            throw new EmulatorException(
                EmulatorErrorKind.Forbidden, $"Snapshot file path must be inside the snapshots directory {RustPath(allowed)}");
        }

        return canonical;
    }

    private static string Canonicalize(string path)
    {
        var full = Path.GetFullPath(path);
        FileSystemInfo info = Directory.Exists(full) ? new DirectoryInfo(full) : new FileInfo(full);
        var target = info.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? full : Path.GetFullPath(target.FullName);
    }

    private static string RustPath(string path) => "\"" + path.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    /// <summary>recover.rs: <c>Wrong input: Snapshot checksum mismatch: expected {given}, got {actual}</c>.</summary>
    private static void VerifyRecoverChecksum(string? checksum, string? actual)
    {
        if (checksum is not null && actual is not null && !SnapshotStorage.HashesEqual(actual, checksum))
        {
            throw EmulatorErrors.BadInput($"Snapshot checksum mismatch: expected {checksum}, got {actual}");
        }
    }

    /// <summary>
    /// <c>SnapshotPriority</c> is <c>no_sync | snapshot | replica</c> (default snapshot). It only matters when other
    /// replicas exist, which a single node never has, so a valid value changes nothing. The REST front end
    /// deserializes it; an unknown value reaching the engine is answered as serde would.
    /// </summary>
    private static void ValidatePriority(string? priority)
    {
        if (priority is not null && Array.IndexOf(Priorities, priority) < 0)
        {
            throw EmulatorErrors.BadRequest($"unknown variant `{priority}`, expected one of `no_sync`, `snapshot`, `replica`");
        }
    }

    private static FileStream OpenShared(string path, string snapshotName)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, useAsync: true);
        }
        catch (FileNotFoundException)
        {
            throw SnapshotStorage.NotFound(snapshotName);
        }
        catch (DirectoryNotFoundException)
        {
            throw SnapshotStorage.NotFound(snapshotName);
        }
    }

    /// <summary>Downloads a snapshot with the optional <c>api-key</c> header, hashing it; returns the SHA-256 hex.</summary>
    private static async Task<string> DownloadAsync(Uri url, string? apiKey, string target, CancellationToken cancellationToken)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("api-key", apiKey);
        }

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw new EmulatorException(EmulatorErrorKind.ServiceError, $"Failed to download snapshot from {url.AbsoluteUri}: {ex.Message}");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                // download_tar.rs: bad_input "Failed to download tar from {url}: status - {status}" (e.g. "404 Not Found").
                throw EmulatorErrors.BadInput(
                    $"Failed to download tar from {url.AbsoluteUri}: status - {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                var file = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
                await using (file.ConfigureAwait(false))
                {
                    using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
                    var buffer = new byte[1 << 16];
                    int read;
                    while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        sha.AppendData(buffer, 0, read);
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }

                    return Convert.ToHexStringLower(sha.GetHashAndReset());
                }
            }
        }
    }

    /// <summary>
    /// <c>_do_recover_from_snapshot</c> for a local snapshot file. The file is parsed outside the lock; then, under the
    /// exclusive lock: a missing target is created from the snapshot's config (with metadata) and payload index
    /// schema; an existing one must have exactly equal dense vectors config and shard number, keeps its own config,
    /// metadata, payload index schema and aliases, and gets the snapshot's points in place of its own
    /// (only <c>recover_local_shard_from</c> runs). A checkpoint records the new state when persistence is on.
    /// </summary>
    internal bool RecoverFromFile(string collectionNameOrAlias, string path)
    {
        var (targetName, existingCreatedAt) = Read(() =>
            TryResolve(collectionNameOrAlias) is { } found ? (found.Name, (DateTimeOffset?)found.CreatedAt) : (collectionNameOrAlias, null));
        var loaded = LoadSnapshotFile(path, targetName, existingCreatedAt ?? Time.GetUtcNow());

        return Write(() =>
        {
            var existing = TryResolve(collectionNameOrAlias);
            if ((existing?.Name ?? collectionNameOrAlias) != loaded.Name || existing?.CreatedAt != existingCreatedAt)
            {
                // The target changed while the file was read (created, deleted or re-pointed): read it again for the
                // target as it is now.
                loaded = LoadSnapshotFile(path, existing?.Name ?? collectionNameOrAlias, existing?.CreatedAt ?? Time.GetUtcNow());
            }

            if (existing is null)
            {
                Collections[loaded.Name] = loaded;
            }
            else
            {
                CheckCompatible(existing.Config, loaded.Config);
                AdoptTarget(loaded, existing);
                Collections[existing.Name] = loaded;
            }

            (Journal as IEmulatorCheckpointSink)?.Checkpoint();
            return true;
        });
    }

    private static CollectionStore LoadSnapshotFile(string path, string name, DateTimeOffset createdAt)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16);
            return CollectionSnapshotFormat.Read(file, name, createdAt);
        }
        catch (InvalidDataException ex)
        {
            throw SnapshotErrors.Unreadable(ex.Message);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw SnapshotErrors.Unreadable(ex.Message);
        }
        catch (IOException ex)
        {
            throw SnapshotErrors.Unreadable(ex.Message);
        }
    }

    /// <summary>Finds a collection by alias or name without throwing. Call under the engine lock.</summary>
    private CollectionStore? TryResolve(string nameOrAlias)
    {
        if (Aliases.TryGetValue(nameOrAlias, out var target) && Collections.TryGetValue(target, out var aliased))
        {
            return aliased;
        }

        return Collections.GetValueOrDefault(nameOrAlias);
    }

    /// <summary>
    /// recover.rs: <c>Snapshot is not compatible with existing collection: Collection vectors: {:?} Snapshot Vectors: {:?}</c>,
    /// then the same for the shard number.
    /// </summary>
    private static void CheckCompatible(CollectionConfig existing, CollectionConfig snapshot)
    {
        var existingVectors = existing.Params?.VectorsConfig;
        var snapshotVectors = snapshot.Params?.VectorsConfig;
        if (!Equals(existingVectors, snapshotVectors))
        {
            throw EmulatorErrors.BadInput(
                $"Snapshot is not compatible with existing collection: Collection vectors: {RustDebug.VectorsConfig(existingVectors)} Snapshot Vectors: {RustDebug.VectorsConfig(snapshotVectors)}");
        }

        var existingShards = existing.Params?.ShardNumber ?? 1;
        var snapshotShards = snapshot.Params?.ShardNumber ?? 1;
        if (existingShards != snapshotShards)
        {
            throw EmulatorErrors.BadInput(
                $"Snapshot is not compatible with existing collection: Collection shard number: {existingShards} Snapshot shard number: {snapshotShards}");
        }
    }

    /// <summary>Gives the restored points the existing collection's config, payload index schema and operation counter.</summary>
    private static void AdoptTarget(CollectionStore loaded, CollectionStore existing)
    {
        loaded.Config = existing.Config;
        loaded.PayloadSchema.Clear();
        foreach (var (field, schema) in existing.PayloadSchema)
        {
            loaded.PayloadSchema[field] = schema;
        }

        loaded.PeekOperationId = existing.PeekOperationId;

        // Dense vectors are equal (checked); sparse vectors are not compared by Qdrant, so align the sparse columns with
        // the kept config: a name the config lacks loses its values, a configured name without a column starts empty.
        var sparse = existing.Config.Params?.SparseVectorsConfig?.Map;
        foreach (var (name, column) in loaded.Points.Vectors.ToList())
        {
            if (column is SparseVectorColumn && (sparse is null || !sparse.ContainsKey(name)))
            {
                loaded.Points.Vectors.Remove(name);
            }
        }

        if (sparse is not null)
        {
            foreach (var name in sparse.Keys)
            {
                if (!loaded.Points.Vectors.ContainsKey(name))
                {
                    loaded.Points.Vectors[name] = new SparseVectorColumn();
                }
            }
        }
    }
}
