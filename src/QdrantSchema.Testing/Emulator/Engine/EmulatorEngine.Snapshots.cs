using System.Diagnostics;
using System.Formats.Tar;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Snapshots;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine;

// gRPC qdrant.Snapshots (QDRANT.md §8). Sources: src/tonic/api/snapshots_api.rs, src/common/collections.rs,
// lib/storage/src/content_manager/snapshots/mod.rs, lib/collection/src/collection/snapshots.rs and
// lib/collection/src/common/snapshots_manager.rs, all @ v1.19.0.
internal sealed partial class EmulatorEngine
{
    /// <summary>Qdrant's <c>FULL_SNAPSHOT_FILE_NAME</c> prefix.</summary>
    private const string FullSnapshotPrefix = "full-snapshot";

    partial void RegisterSnapshotHandlers()
    {
        // Create/Delete need collection write access (`AccessRequirements::new().write().extras()`), List only
        // `extras()`; full snapshot create/delete need global manage, full list none beyond a valid key. The emulator's
        // keys are global, so write maps to Manage and the rest to Read. Create/delete change only files: they run under
        // the exclusive lock (so a snapshot sees one consistent state and two creations never race on a name) but are
        // not journaled.
        Register<CreateSnapshotRequest, CreateSnapshotResponse>(
            "/qdrant.Snapshots/Create", EmulatorRequirement.Manage, mutates: true, CreateSnapshot, journaled: false);
        Register<ListSnapshotsRequest, ListSnapshotsResponse>(
            "/qdrant.Snapshots/List", EmulatorRequirement.Read, mutates: false, ListSnapshots);
        Register<DeleteSnapshotRequest, DeleteSnapshotResponse>(
            "/qdrant.Snapshots/Delete", EmulatorRequirement.Manage, mutates: true, DeleteSnapshot, journaled: false);
        Register<CreateFullSnapshotRequest, CreateSnapshotResponse>(
            "/qdrant.Snapshots/CreateFull", EmulatorRequirement.Manage, mutates: true, CreateFullSnapshot, journaled: false);
        Register<ListFullSnapshotsRequest, ListSnapshotsResponse>(
            "/qdrant.Snapshots/ListFull", EmulatorRequirement.Read, mutates: false, (_, _) => ListFullSnapshots());
        Register<DeleteFullSnapshotRequest, DeleteSnapshotResponse>(
            "/qdrant.Snapshots/DeleteFull", EmulatorRequirement.Manage, mutates: true, DeleteFullSnapshot, journaled: false);
    }

    /// <summary>The directory of a collection's snapshots: <c>{snapshots_path}/{collection}</c> (real name, never an alias).</summary>
    internal string CollectionSnapshotsDirectory(string collectionName) => Path.Combine(Options.SnapshotsPath, collectionName);

    /// <summary>
    /// Writes a snapshot of <paramref name="collection"/>: <c>{collection}-{peer_id}-{YYYY-MM-DD-HH-MM-SS}.snapshot</c>
    /// (UTC). A second snapshot in the same second replaces the first: Qdrant moves the new archive over the old
    /// name (<c>TempPath::persist</c>, a rename, in <c>SnapshotStorageLocalFS::store_file</c>). Call under the lock.
    /// </summary>
    internal SnapshotDescription WriteCollectionSnapshot(CollectionStore collection)
    {
        var now = Time.GetUtcNow();
        var name = $"{collection.Name}-{Options.PeerId}-{SnapshotStorage.Timestamp(now)}{SnapshotStorage.Extension}";
        return SnapshotStorage.Store(
            CollectionSnapshotsDirectory(collection.Name), name, now, stream => CollectionSnapshotFormat.Write(stream, collection));
    }

    private CreateSnapshotResponse CreateSnapshot(CreateSnapshotRequest request, EmulatorCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        ValidateCollectionName(request.CollectionName);
        var collection = Resolve(request.CollectionName);
        var description = WriteCollectionSnapshot(collection);
        return new CreateSnapshotResponse { SnapshotDescription = description, Time = Elapsed(started) };
    }

    private ListSnapshotsResponse ListSnapshots(ListSnapshotsRequest request, EmulatorCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        ValidateCollectionName(request.CollectionName);
        var collection = Resolve(request.CollectionName);
        var response = new ListSnapshotsResponse();
        response.SnapshotDescriptions.Add(SnapshotStorage.List(CollectionSnapshotsDirectory(collection.Name)));
        response.Time = Elapsed(started);
        return response;
    }

    private DeleteSnapshotResponse DeleteSnapshot(DeleteSnapshotRequest request, EmulatorCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        ValidateCollectionName(request.CollectionName);
        ValidateSnapshotName(request.SnapshotName);
        var collection = Resolve(request.CollectionName);
        var path = SnapshotStorage.ResolveExisting(CollectionSnapshotsDirectory(collection.Name), request.SnapshotName);
        SnapshotStorage.Delete(path, request.SnapshotName);
        return new DeleteSnapshotResponse { Time = Elapsed(started) };
    }

    /// <summary>
    /// <c>_do_create_full_snapshot</c>: a snapshot of every collection, then a tar named
    /// <c>full-snapshot-{ts}.snapshot</c> in the snapshots root holding each collection snapshot under its own name and
    /// <c>config.json</c> <c>{collections_mapping, collections_aliases}</c>. Qdrant *moves* the per-collection
    /// snapshots into its temp dir (<c>get_stored_file</c> → <c>move_file</c>) and drops them after archiving, so they
    /// do not stay in the collections' snapshot directories.
    /// </summary>
    private CreateSnapshotResponse CreateFullSnapshot(CreateFullSnapshotRequest request, EmulatorCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var created = new List<(string Collection, string Name, string Path)>();
        try
        {
            foreach (var collection in Collections.Values.OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                var description = WriteCollectionSnapshot(collection);
                created.Add((collection.Name, description.Name, Path.Combine(CollectionSnapshotsDirectory(collection.Name), description.Name)));
            }

            var now = Time.GetUtcNow();
            var name = $"{FullSnapshotPrefix}-{SnapshotStorage.Timestamp(now)}{SnapshotStorage.Extension}";
            var full = SnapshotStorage.Store(Options.SnapshotsPath, name, now, stream =>
            {
                using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
                foreach (var (_, snapshotName, path) in created)
                {
                    tar.WriteEntry(path, snapshotName);
                }

                var config = new FullSnapshotConfig(
                    created.ToDictionary(c => c.Collection, c => c.Name, StringComparer.Ordinal),
                    new Dictionary<string, string>(Aliases, StringComparer.Ordinal));
                var entry = new PaxTarEntry(TarEntryType.RegularFile, "config.json")
                {
                    DataStream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(config, FullSnapshotJson.Default.FullSnapshotConfig)),
                    ModificationTime = now,
                };
                tar.WriteEntry(entry);
            });
            return new CreateSnapshotResponse { SnapshotDescription = full, Time = Elapsed(started) };
        }
        finally
        {
            foreach (var (_, _, path) in created)
            {
                SnapshotStorage.TryDelete(path);
                SnapshotStorage.TryDelete(SnapshotStorage.ChecksumPath(path));
            }
        }
    }

    private ListSnapshotsResponse ListFullSnapshots()
    {
        var started = Stopwatch.GetTimestamp();
        var response = new ListSnapshotsResponse();
        response.SnapshotDescriptions.Add(SnapshotStorage.List(Options.SnapshotsPath));
        response.Time = Elapsed(started);
        return response;
    }

    private DeleteSnapshotResponse DeleteFullSnapshot(DeleteFullSnapshotRequest request, EmulatorCallContext context)
    {
        var started = Stopwatch.GetTimestamp();
        ValidateSnapshotName(request.SnapshotName);
        var path = SnapshotStorage.ResolveExisting(Options.SnapshotsPath, request.SnapshotName);
        SnapshotStorage.Delete(path, request.SnapshotName);
        return new DeleteSnapshotResponse { Time = Elapsed(started) };
    }

    /// <summary>The gRPC validator of <c>collection_name</c> (<c>length(min = 1, max = 255)</c>, lib/api/build.rs).</summary>
    private static void ValidateCollectionName(string name)
    {
        if (name.Length is 0 or > 255)
        {
            throw EmulatorErrors.Validation($"collection_name: value {JsonSerializer.Serialize(name, FullSnapshotJson.Default.String)} invalid, must be from 1 to 255 characters");
        }
    }

    /// <summary>The gRPC validator of <c>snapshot_name</c> (<c>length(min = 1)</c>, lib/api/build.rs).</summary>
    private static void ValidateSnapshotName(string name)
    {
        if (name.Length == 0)
        {
            throw EmulatorErrors.Validation("snapshot_name: value \"\" invalid, must be at least 1 characters");
        }
    }

    private static double Elapsed(long started) => Stopwatch.GetElapsedTime(started).TotalSeconds;
}

/// <summary>Qdrant's full snapshot <c>config.json</c> (<c>SnapshotConfig</c> in lib/storage/src/content_manager/snapshots/mod.rs).</summary>
internal sealed record FullSnapshotConfig(
    [property: System.Text.Json.Serialization.JsonPropertyName("collections_mapping")] Dictionary<string, string> CollectionsMapping,
    [property: System.Text.Json.Serialization.JsonPropertyName("collections_aliases")] Dictionary<string, string> CollectionsAliases);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(WriteIndented = true)]
[System.Text.Json.Serialization.JsonSerializable(typeof(FullSnapshotConfig))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class FullSnapshotJson : System.Text.Json.Serialization.JsonSerializerContext;
