using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Rest;

namespace QdrantSchema.Snapshots;

/// <summary>
/// Collection snapshots as an API: create, list and delete over gRPC; download (streamed, SHA-256 verified against
/// Qdrant's checksum), restore (REST recover of a server-side snapshot, or upload of a file) and retention over REST,
/// which is the only transport Qdrant offers for them (QDRANT.md §8). Snapshot names from the server or the caller are
/// validated as plain file names before any request, so nothing can escape a download directory.
/// </summary>
/// <remarks>
/// <para>Qdrant snapshots are per node and contain no aliases. Results say what they cover (<see cref="SnapshotInfo.Coverage"/>),
/// and <see cref="CaptureAsync"/> records the alias map beside the snapshots. The history collection
/// (<see cref="QdrantSnapshotOptions.HistoryCollection"/>, which also holds the schema lock) is never captured, and
/// restoring into it is refused.</para>
/// <para>Logs go to the category <c>QdrantSchema.Snapshots</c> (event ids 4001-4099); the API key never appears in a log or
/// an exception message. Errors are <see cref="QdrantSnapshotException"/>; argument errors are <see cref="ArgumentException"/>s,
/// raised before the server is contacted.</para>
/// </remarks>
public sealed class QdrantSnapshotManager : IDisposable
{
    private readonly QdrantClient _client;
    private readonly QdrantSnapshotOptions _options;
    private readonly QdrantRestClient? _restClient;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="QdrantSnapshotManager"/> class.</summary>
    /// <param name="grpcClient">The official client, for create, list, delete, aliases and cluster info (not disposed by the manager).</param>
    /// <param name="options">The REST address, key, timeouts and handler (copied; later changes have no effect).</param>
    /// <param name="loggerFactory">Creates the <c>QdrantSchema.Snapshots</c> logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for retries, timeouts and durations, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException"><paramref name="grpcClient"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is missing or out of range.</exception>
    public QdrantSnapshotManager(QdrantClient grpcClient, QdrantSnapshotOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
        : this(grpcClient, options, loggerFactory, timeProvider, requireRestAddress: true)
    {
    }

    /// <summary>
    /// The migrator's constructor: with <paramref name="requireRestAddress"/> false and no REST address, create, list,
    /// delete and retention (all gRPC) work, and download and restore fail naming the missing option.
    /// </summary>
    internal QdrantSnapshotManager(
        QdrantClient grpcClient, QdrantSnapshotOptions options, ILoggerFactory? loggerFactory, TimeProvider? timeProvider, bool requireRestAddress)
    {
        ArgumentNullException.ThrowIfNull(grpcClient);
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Clone();
        if (requireRestAddress)
        {
            _options.ValidateRestAddressSet();
        }

        _options.Validate();
        _client = grpcClient;
        _logger = loggerFactory?.CreateLogger(SnapshotLog.Category) ?? NullLogger.Instance;
        _time = timeProvider ?? TimeProvider.System;
        _restClient = _options.RestBaseAddress is null ? null : new QdrantRestClient(
            new QdrantRestClientOptions
            {
                BaseAddress = _options.RestBaseAddress,
                ApiKey = _options.ApiKey,
                AttemptTimeout = _options.Timeout,
                TotalTimeout = _options.TotalTimeout,
                MaxRetryAttempts = _options.MaxRetryAttempts,
                RetryDelay = _options.RetryDelay,
                Handler = _options.HttpMessageHandler,
            },
            _logger,
            _time);
    }

    /// <summary>Creates a snapshot of a collection (gRPC <c>Snapshots/Create</c>) and reports what it covers.</summary>
    /// <param name="collection">The collection or an alias of it; the snapshot is named after the real collection.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new snapshot, with <see cref="SnapshotInfo.Coverage"/> set.</returns>
    /// <exception cref="QdrantSnapshotException">Qdrant refused (e.g. the collection does not exist).</exception>
    public async Task<SnapshotInfo> CreateAsync(string collection, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        var description = await GrpcAsync(
            "create snapshot", collection, () => _client.CreateSnapshotAsync(collection, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (SnapshotNames.Problem(description.Name) is { } problem)
        {
            throw new QdrantSnapshotException(
                $"Qdrant created a snapshot of collection '{collection}' whose name '{SnapshotNames.Printable(description.Name)}' is not a plain file name ({problem}); it is not used.");
        }

        var (coverage, partial) = await CoverageAsync(collection, cancellationToken).ConfigureAwait(false);
        if (partial)
        {
            _logger.SnapshotPartialCoverage(collection, coverage);
        }

        var info = ToInfo(collection, description, coverage, partial);
        _logger.SnapshotCreated(collection, info.Name, info.Size, coverage);
        return info;
    }

    /// <summary>
    /// Lists a collection's snapshots (gRPC <c>Snapshots/List</c>), newest first. Entries whose names are not plain file
    /// names are left out (and logged), so every returned name is safe to download.
    /// </summary>
    /// <param name="collection">The collection or an alias of it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The snapshots, ordered by creation time and then name, newest first.</returns>
    /// <exception cref="QdrantSnapshotException">Qdrant refused (e.g. the collection does not exist).</exception>
    public async Task<IReadOnlyList<SnapshotInfo>> ListAsync(string collection, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        var listed = await GrpcAsync(
            "list snapshots", collection, () => _client.ListSnapshotsAsync(collection, cancellationToken), cancellationToken).ConfigureAwait(false);
        var result = new List<SnapshotInfo>(listed.Count);
        foreach (var description in listed)
        {
            if (SnapshotNames.Problem(description.Name) is { } problem)
            {
                _logger.SnapshotNameSkipped(collection, SnapshotNames.Printable(description.Name), problem);
                continue;
            }

            result.Add(ToInfo(collection, description, coverage: null, partial: false));
        }

        // Qdrant lists in directory order (common/snapshots_manager.rs); creation time is whole seconds, and names of
        // one collection embed the UTC time, so the name breaks ties in creation order.
        result.Sort(static (a, b) =>
        {
            var byTime = Nullable.Compare(b.CreatedAt, a.CreatedAt);
            return byTime != 0 ? byTime : string.CompareOrdinal(b.Name, a.Name);
        });
        return result;
    }

    /// <summary>Deletes a snapshot (gRPC <c>Snapshots/Delete</c>).</summary>
    /// <param name="collection">The collection or an alias of it.</param>
    /// <param name="snapshotName">The snapshot's file name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when Qdrant has deleted the file.</returns>
    /// <exception cref="ArgumentException">The name is not a plain file name (nothing is sent).</exception>
    /// <exception cref="QdrantSnapshotException">Qdrant refused (e.g. <c>Not found: Snapshot … not found</c>).</exception>
    public async Task DeleteAsync(string collection, string snapshotName, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        SnapshotNames.Validate(snapshotName, nameof(snapshotName));
        await GrpcAsync(
            "delete snapshot",
            collection,
            async () =>
            {
                await _client.DeleteSnapshotAsync(collection, snapshotName, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
        _logger.SnapshotDeleted(collection, snapshotName);
    }

    /// <summary>
    /// Downloads a snapshot to <c>{directory}/{snapshotName}</c>: streamed into a temporary file in that directory while
    /// its SHA-256 is computed, compared with Qdrant's checksum (from the list, else the <c>.checksum</c> sidecar), and
    /// moved into place only when they match. On a mismatch the partial file is deleted and the download refused.
    /// </summary>
    /// <param name="collection">The collection or an alias of it.</param>
    /// <param name="snapshotName">The snapshot's file name.</param>
    /// <param name="directory">The directory to write into (created if missing). An existing file of the same name is replaced.</param>
    /// <param name="cancellationToken">Cancels the download (the partial file is deleted).</param>
    /// <returns>The full path of the verified file.</returns>
    /// <exception cref="ArgumentException">The name is not a plain file name, or the directory is empty (nothing is sent).</exception>
    /// <exception cref="QdrantSnapshotException">The checksum did not match, Qdrant reported none, or Qdrant refused.</exception>
    public async Task<string> DownloadAsync(string collection, string snapshotName, string directory, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        SnapshotNames.Validate(snapshotName, nameof(snapshotName));
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = Path.GetFullPath(directory);
        var target = Path.GetFullPath(Path.Combine(root, snapshotName));
        if (!string.Equals(Path.GetDirectoryName(target), Path.TrimEndingDirectorySeparator(root), StringComparison.Ordinal))
        {
            // Unreachable after name validation; kept so that no future change to the rules can write outside the directory.
            throw new ArgumentException($"The snapshot name '{SnapshotNames.Printable(snapshotName)}' would leave the download directory.", nameof(snapshotName));
        }

        var expected = await ExpectedChecksumAsync(collection, snapshotName, cancellationToken).ConfigureAwait(false);
        Directory.CreateDirectory(root);
        var temp = Path.Combine(root, $".download-{Guid.NewGuid():N}.partial");
        try
        {
            var (length, actual) = await Rest.DownloadSnapshotAsync(collection, snapshotName, temp, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                TryDelete(temp);
                _logger.SnapshotChecksumMismatch(collection, snapshotName, expected, actual);
                throw new QdrantSnapshotException(
                    $"The download of snapshot '{snapshotName}' of collection '{collection}' is corrupt: Qdrant's checksum is {expected}, " +
                    $"the {length.ToString(CultureInfo.InvariantCulture)} bytes received hash to {actual}. The partial file was deleted; download again.");
            }

            File.Move(temp, target, overwrite: true);
            _logger.SnapshotDownloaded(collection, snapshotName, target, length);
            return target;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    /// <summary>
    /// Restores a collection from a snapshot. A server-side snapshot is recovered in place through a <c>file://</c> URL when
    /// <see cref="QdrantSnapshotOptions.ServerSnapshotsPath"/> is known; otherwise it is downloaded (verified) and uploaded.
    /// A local file is uploaded. Either way Qdrant verifies the SHA-256 and applies the priority. A missing collection is
    /// created from the snapshot's config; an existing one must have exactly the same vectors config and shard number
    /// (Qdrant refuses otherwise), keeps its own config, metadata and aliases, and has its local points replaced.
    /// </summary>
    /// <param name="collection">The collection to restore into; never the history collection.</param>
    /// <param name="source">Where the snapshot comes from.</param>
    /// <param name="cancellationToken">Cancels the call (a restore Qdrant has started may still complete).</param>
    /// <returns>How the restore went and what it covered.</returns>
    /// <exception cref="ArgumentException">The target is the history collection, or the source is a snapshot of it.</exception>
    /// <exception cref="FileNotFoundException">The local file does not exist.</exception>
    /// <exception cref="QdrantSnapshotException">Qdrant refused, with its text (e.g. <c>Wrong input: Snapshot is not compatible with existing collection: …</c>).</exception>
    public async Task<SnapshotRestoreResult> RestoreAsync(string collection, SnapshotRestoreSource source, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        ArgumentNullException.ThrowIfNull(source);
        RefuseHistory(collection, nameof(collection), "restore into");
        if (source.IsServerSnapshot)
        {
            RefuseHistory(source.SourceCollection!, nameof(source), "restore from a snapshot of");
        }

        var start = _time.GetTimestamp();
        var priority = SnapshotRestoreSource.WireName(source.Priority);
        SnapshotRestoreMethod method;
        string checksum;
        if (source.IsServerSnapshot)
        {
            var name = source.SnapshotName!;
            var physical = await PhysicalNameAsync(source.SourceCollection!, cancellationToken).ConfigureAwait(false);
            RefuseHistory(physical, nameof(source), "restore from a snapshot of");
            checksum = await ExpectedChecksumAsync(source.SourceCollection!, name, cancellationToken).ConfigureAwait(false);
            if (_options.ServerSnapshotsPath is { } serverRoot)
            {
                // Qdrant recovers file:// locations only when absolute and inside storage.snapshots_path (download.rs,
                // ≥ 1.17.1); collection snapshots live in {snapshots_path}/{collection}/ (QDRANT.md §8.2, §8.3).
                method = SnapshotRestoreMethod.Recover;
                _logger.SnapshotRestoring(collection, source.ToString(), "recover");
                var location = ServerFileLocation(serverRoot, physical, name);
                await Rest.RecoverSnapshotAsync(collection, location, priority, checksum, locationApiKey: null, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                method = SnapshotRestoreMethod.Upload;
                _logger.RestoreByUploadFallback(name);
                _logger.SnapshotRestoring(collection, source.ToString(), "download and upload");
                var scratch = Path.Combine(Path.GetTempPath(), "qdrant-schema-restore-" + Guid.NewGuid().ToString("N"));
                try
                {
                    var file = await DownloadAsync(source.SourceCollection!, name, scratch, cancellationToken).ConfigureAwait(false);
                    await Rest.UploadSnapshotAsync(collection, file, name, priority, checksum, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    TryDeleteDirectory(scratch);
                }
            }
        }
        else
        {
            var path = source.FilePath!;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The snapshot file '{path}' does not exist.", path);
            }

            method = SnapshotRestoreMethod.Upload;
            _logger.SnapshotRestoring(collection, source.ToString(), "upload");
            checksum = source.Checksum ?? await HashFileAsync(path, cancellationToken).ConfigureAwait(false);
            await Rest.UploadSnapshotAsync(collection, path, Path.GetFileName(path), priority, checksum, cancellationToken).ConfigureAwait(false);
        }

        var (coverage, partial) = await CoverageAsync(collection, cancellationToken).ConfigureAwait(false);
        if (partial)
        {
            _logger.SnapshotPartialCoverage(collection, coverage);
        }

        var duration = _time.GetElapsedTime(start);
        _logger.SnapshotRestored(collection, source.ToString(), duration.TotalSeconds, coverage);
        return new SnapshotRestoreResult(collection, source, method, checksum, duration, coverage, partial);
    }

    /// <summary>
    /// Keeps the newest <paramref name="keepLast"/> snapshots of a collection (by creation time, then name) and deletes the
    /// rest, except protected ones: a snapshot a recent run depends on is never deleted, whatever its age.
    /// </summary>
    /// <param name="collection">The collection or an alias of it.</param>
    /// <param name="keepLast">How many of the newest snapshots to keep (0: keep only protected ones).</param>
    /// <param name="protect">Snapshot names never to delete, or <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">Cancels between deletions.</param>
    /// <returns>The snapshots deleted, oldest last.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="keepLast"/> is negative.</exception>
    /// <exception cref="QdrantSnapshotException">Qdrant refused a call.</exception>
    public async Task<IReadOnlyList<SnapshotInfo>> ApplyRetentionAsync(
        string collection, int keepLast, IReadOnlySet<string>? protect = null, CancellationToken cancellationToken = default)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        ArgumentOutOfRangeException.ThrowIfNegative(keepLast);
        var snapshots = await ListAsync(collection, cancellationToken).ConfigureAwait(false);
        var deleted = new List<SnapshotInfo>();
        var protectedCount = 0;
        for (var i = keepLast; i < snapshots.Count; i++)
        {
            var snapshot = snapshots[i];
            if (protect is not null && protect.Contains(snapshot.Name))
            {
                protectedCount++;
                continue;
            }

            try
            {
                await DeleteAsync(collection, snapshot.Name, cancellationToken).ConfigureAwait(false);
                deleted.Add(snapshot);
            }
            catch (QdrantSnapshotException ex) when (ex.InnerException is RpcException { StatusCode: Grpc.Core.StatusCode.NotFound })
            {
                // Deleted by someone else since the list: the goal is reached.
            }
        }

        _logger.RetentionApplied(collection, Math.Min(keepLast, snapshots.Count), deleted.Count, protectedCount);
        return deleted;
    }

    /// <summary>
    /// Snapshots each collection and records the aliases pointing at them, since Qdrant snapshots contain no aliases.
    /// Aliases among <paramref name="collections"/> are resolved to their collections; each physical collection is
    /// snapshotted once. The history collection is skipped (it is never captured with user data).
    /// </summary>
    /// <param name="collections">Collection or alias names.</param>
    /// <param name="cancellationToken">Cancels between snapshots.</param>
    /// <returns>The snapshots, the alias map and what was skipped.</returns>
    /// <exception cref="QdrantSnapshotException">Qdrant refused a call (snapshots already taken are kept; list them to clean up).</exception>
    public async Task<SnapshotSet> CaptureAsync(IEnumerable<string> collections, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(collections);
        var requested = collections.ToList();
        foreach (var name in requested)
        {
            SnapshotNames.ValidateCollection(name, nameof(collections));
        }

        var capturedAt = _time.GetUtcNow();
        var aliases = await AliasesAsync(cancellationToken).ConfigureAwait(false);
        var physical = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new List<string>();
        foreach (var name in requested)
        {
            var target = aliases.TryGetValue(name, out var aliased) ? aliased : name;
            if (IsHistory(target))
            {
                skipped.Add($"{name}: the history collection '{_options.HistoryCollection}' is never captured with user data");
                continue;
            }

            if (seen.Add(target))
            {
                physical.Add(target);
            }
        }

        var snapshots = new List<SnapshotInfo>(physical.Count);
        foreach (var collection in physical)
        {
            snapshots.Add(await CreateAsync(collection, cancellationToken).ConfigureAwait(false));
        }

        var aliasMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (alias, target) in aliases)
        {
            if (seen.Contains(target))
            {
                aliasMap[alias] = target;
            }
        }

        _logger.SnapshotSetCaptured(snapshots.Count, aliasMap.Count, skipped.Count == 0 ? "none" : string.Join("; ", skipped));
        return new SnapshotSet(capturedAt, snapshots, aliasMap, skipped);
    }

    /// <summary>Releases the REST client (the gRPC client and a caller's handler are not disposed).</summary>
    public void Dispose() => _restClient?.Dispose();

    /// <summary>Gets a value indicating whether REST operations (download, restore) are available.</summary>
    internal bool HasRest => _restClient is not null;

    /// <summary>Gets the server's snapshots directory as the server sees it, or null when not configured.</summary>
    internal string? ServerSnapshotsPath => _options.ServerSnapshotsPath;

    /// <summary>
    /// Recovers <paramref name="collection"/> from the server's own file <c>{ServerSnapshotsPath}/{collection}/{snapshotName}</c>
    /// by REST recover with <paramref name="checksum"/>, without listing (the collection may have been deleted, and Qdrant
    /// lists and downloads snapshots only of existing collections, while their files stay in the snapshots directory).
    /// Used by the migrator's snapshot restore; Qdrant verifies the checksum and refuses a missing file.
    /// </summary>
    internal async Task RecoverServerFileAsync(string collection, string snapshotName, string? checksum, CancellationToken cancellationToken)
    {
        SnapshotNames.ValidateCollection(collection, nameof(collection));
        SnapshotNames.Validate(snapshotName, nameof(snapshotName));
        RefuseHistory(collection, nameof(collection), "restore into");
        var root = _options.ServerSnapshotsPath ?? throw new QdrantSnapshotException(
            "Recovering a snapshot from the server's own file needs QdrantSnapshotOptions.ServerSnapshotsPath (for the migrator: QdrantMigratorOptions.Snapshots.Rest.ServerSnapshotsPath).");
        _logger.SnapshotRestoring(collection, $"server file '{collection}/{snapshotName}'", "recover");
        var start = _time.GetTimestamp();
        await Rest.RecoverSnapshotAsync(collection, ServerFileLocation(root, collection, snapshotName), priority: null, checksum, locationApiKey: null, cancellationToken)
            .ConfigureAwait(false);
        _logger.SnapshotRestored(collection, $"server file '{collection}/{snapshotName}'", _time.GetElapsedTime(start).TotalSeconds, "recovered on this node");
    }

    /// <summary>The SHA-256 hex of a local file.</summary>
    internal static Task<string> HashLocalFileAsync(string path, CancellationToken cancellationToken) => HashFileAsync(path, cancellationToken);

    private QdrantRestClient Rest => _restClient ?? throw new QdrantSnapshotException(
        "This snapshot operation needs Qdrant's REST API (download, recover and upload exist only over REST), but no REST address is configured. " +
        "Set QdrantSnapshotOptions.RestBaseAddress (for the migrator: QdrantMigratorOptions.Snapshots.Rest.RestBaseAddress).");

    /// <summary>
    /// Describes what a per-node snapshot or recovery covers from <c>CollectionClusterInfo</c>: shards on other peers that
    /// this node does not hold are missing from it (QDRANT.md §8.4).
    /// </summary>
    internal static (string Text, bool Partial) DescribeCoverage(CollectionClusterInfoResponse info)
    {
        var local = info.LocalShards.Select(s => s.ShardId).ToHashSet();
        var missing = info.RemoteShards.Where(r => !local.Contains(r.ShardId)).ToList();
        if (missing.Count > 0)
        {
            var shards = missing.Select(r => r.ShardId).Distinct().Count();
            var peers = string.Join(", ", missing.Select(r => r.PeerId).Distinct().Order());
            return (string.Create(
                CultureInfo.InvariantCulture,
                $"local shards only: {shards} remote shard(s) on peers {peers} are not covered (peer {info.PeerId} holds {local.Count} of {info.ShardCount} shard(s)); Qdrant snapshots are per node, so snapshot each peer"),
                true);
        }

        var replicaPeers = info.RemoteShards.Select(r => r.PeerId).Distinct().Order().ToList();
        return replicaPeers.Count > 0
            ? (string.Create(CultureInfo.InvariantCulture, $"all {info.ShardCount} shard(s) are local on peer {info.PeerId}; their replicas on peers {string.Join(", ", replicaPeers)} are not part of this node's snapshot"), false)
            : (string.Create(CultureInfo.InvariantCulture, $"all {info.ShardCount} shard(s) are local on peer {info.PeerId}; no shards on other peers"), false);
    }

    /// <summary>The <c>file://</c> URL of a collection snapshot inside the server's snapshots directory.</summary>
    internal static Uri ServerFileLocation(string serverRoot, string collection, string snapshotName)
    {
        var segments = serverRoot.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(static s => s.Length == 2 && char.IsAsciiLetter(s[0]) && s[1] == ':' ? s : Uri.EscapeDataString(s))
            .Append(Uri.EscapeDataString(collection))
            .Append(Uri.EscapeDataString(snapshotName));
        return new Uri("file:///" + string.Join('/', segments), UriKind.Absolute);
    }

    private static SnapshotInfo ToInfo(string collection, SnapshotDescription description, string? coverage, bool partial) =>
        new(
            collection,
            description.Name,
            description.CreationTime is { } created ? created.ToDateTimeOffset() : null,
            description.Size,
            description.HasChecksum && description.Checksum.Length > 0 ? description.Checksum : null,
            coverage,
            partial);

    private static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        }
    }

    private static bool IsSha256Hex(string value) => value.Length == 64 && value.All(char.IsAsciiHexDigit);

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private bool IsHistory(string collection) => string.Equals(collection, _options.HistoryCollection, StringComparison.Ordinal);

    private void RefuseHistory(string collection, string paramName, string action)
    {
        if (IsHistory(collection))
        {
            throw new ArgumentException(
                $"Refusing to {action} the history collection '{collection}': it holds the migration history and the schema lock, " +
                "which are never restored along with user data.",
                paramName);
        }
    }

    /// <summary>
    /// Qdrant's SHA-256 of a snapshot: from its list entry, else from the <c>{name}.checksum</c> sidecar. Refuses when the
    /// snapshot does not exist or no checksum is available, since the download could not be verified.
    /// </summary>
    private async Task<string> ExpectedChecksumAsync(string collection, string snapshotName, CancellationToken cancellationToken)
    {
        var listed = await GrpcAsync(
            "list snapshots", collection, () => _client.ListSnapshotsAsync(collection, cancellationToken), cancellationToken).ConfigureAwait(false);
        var entry = listed.FirstOrDefault(s => string.Equals(s.Name, snapshotName, StringComparison.Ordinal));
        var expected = entry is { HasChecksum: true, Checksum.Length: > 0 } ? entry.Checksum : null;
        expected ??= await Rest.GetSnapshotChecksumAsync(collection, snapshotName, cancellationToken).ConfigureAwait(false);
        if (expected is null)
        {
            if (entry is null)
            {
                throw new QdrantSnapshotException(
                    $"Collection '{collection}' has no snapshot '{snapshotName}'. List the collection's snapshots to see which exist.",
                    HttpStatusCode.NotFound,
                    serverError: null);
            }

            throw new QdrantSnapshotException(
                $"Qdrant reports no checksum for snapshot '{snapshotName}' of collection '{collection}' and serves no '.checksum' sidecar, so it cannot be verified; refused.");
        }

        if (!IsSha256Hex(expected))
        {
            throw new QdrantSnapshotException(
                $"Qdrant's checksum for snapshot '{snapshotName}' of collection '{collection}' is not a SHA-256 hex digest; the snapshot cannot be verified.");
        }

        return expected.ToLowerInvariant();
    }

    private async Task<Dictionary<string, string>> AliasesAsync(CancellationToken cancellationToken)
    {
        var aliases = await GrpcAsync("list aliases", string.Empty, () => _client.ListAliasesAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        return aliases.ToDictionary(a => a.AliasName, a => a.CollectionName, StringComparer.Ordinal);
    }

    /// <summary>The collection an alias points at, or the name itself (snapshot files live under the real name).</summary>
    private async Task<string> PhysicalNameAsync(string nameOrAlias, CancellationToken cancellationToken)
    {
        var aliases = await AliasesAsync(cancellationToken).ConfigureAwait(false);
        return aliases.TryGetValue(nameOrAlias, out var target) ? target : nameOrAlias;
    }

    private async Task<(string Text, bool Partial)> CoverageAsync(string collection, CancellationToken cancellationToken)
    {
        try
        {
            var info = await _client.GetCollectionClusterSetupInfoAsync(collection, cancellationToken).ConfigureAwait(false);
            return DescribeCoverage(info);
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Coverage is a report, not a precondition: say it is unknown rather than fail a snapshot that exists.
            return ($"unknown: the cluster info of collection '{collection}' is unavailable ({ex.Status.Detail})", false);
        }
    }

    private static async Task<T> GrpcAsync<T>(string operation, string collection, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (RpcException ex) when (!(ex.StatusCode == Grpc.Core.StatusCode.Cancelled && cancellationToken.IsCancellationRequested))
        {
            var subject = collection.Length == 0 ? string.Empty : $" for collection '{collection}'";
            throw new QdrantSnapshotException($"Qdrant refused '{operation}'{subject}: {ex.Status.Detail}", statusCode: null, ex.Status.Detail, ex);
        }
    }
}
