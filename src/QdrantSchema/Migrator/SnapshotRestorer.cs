using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Planning;
using QdrantSchema.Snapshots;

namespace QdrantSchema.Migrator;

/// <summary>
/// <see cref="MigrationFailurePolicy.RestoreSnapshot"/>: puts a collection back exactly as the run's pre-run snapshot
/// holds it. Recovering into an existing collection keeps its config and refuses a changed vectors config (QDRANT.md
/// §8.3), so the faithful restore replaces the collection: verify the snapshot (a local download whose SHA-256 matches,
/// or the server's own file), journal the restore in the failed migration's history record, delete the collection,
/// recover the snapshot into the missing name (Qdrant creates it from the snapshot's config, metadata and payload
/// indexes), re-create the recorded aliases (snapshots hold none, and the delete dropped them), check the version
/// marker, and reset the records of the migrations the restore undid. Every phase is journaled, so a rerun of migrate
/// finishes an interrupted restore before anything else.
/// </summary>
internal sealed class SnapshotRestorer(RunContext run, CollectionMigrator migrator)
{
    /// <summary>The directory a restore downloads its snapshot into (kept until the restore finishes, so a rerun on this host can use it).</summary>
    public static string DownloadDirectory(string collection) => Path.Combine(Path.GetTempPath(), "qdrant-schema-restore", collection);

    /// <summary>The journal of a restore that started on the collection and did not finish, or null.</summary>
    public static MigrationRecord? Pending(CollectionAnalysis analysis)
        => analysis.Records.FirstOrDefault(r => r.Restore is { State: SnapshotRestoreState.Restoring or SnapshotRestoreState.Recovered });

    /// <summary>Why the migrator cannot restore snapshots itself (naming the missing setting), or null when it can.</summary>
    public static string? Unavailable(QdrantSnapshotManager? manager) => manager is { HasRest: true }
        ? null
        : "QdrantMigratorOptions.Snapshots.Rest.RestBaseAddress is not set (Qdrant downloads, uploads and recovers snapshots only over REST)";

    /// <summary>The next action of a collection whose restore is pending.</summary>
    public static string FinishAction(MigrationRecord journal)
        => $"run MigrateAsync to finish restoring collection '{journal.Collection}' from snapshot '{journal.Restore!.SnapshotName}' " +
           $"(interrupted while {(journal.Restore.State == SnapshotRestoreState.Restoring ? "replacing the collection" : "re-creating its aliases and records")} " +
           $"after '{journal.MigrationId}' failed); migrate finishes the restore before anything else";

    /// <summary>
    /// Restores after <paramref name="failed"/> (its Failed record is written). Nothing is deleted before the snapshot is
    /// verified; a failure before the journal leaves the collection as the failure left it, one after it is finished by
    /// the next migrate run.
    /// </summary>
    /// <returns>The note for the history and the run result.</returns>
    /// <exception cref="QdrantSchemaException">The restore could not be done or finished (the message says what to do).</exception>
    public async Task<string> RestoreAfterFailureAsync(
        CollectionAnalysis analysis,
        MigrationRecord failed,
        PreRunSnapshot snapshot,
        string? versionAtSnapshot,
        IReadOnlyList<string> appliedSinceSnapshot,
        CancellationToken cancellationToken)
    {
        var member = analysis.Member;
        var manager = run.Snapshots!;
        var name = snapshot.Info.Name;
        var collection = member.PhysicalName;
        run.Logger.SnapshotRestoreStarting(collection, name, failed.MigrationId);

        // 1. The source, verified before anything is deleted.
        string? file = null;
        var exists = await run.Client.CollectionExistsAsync(collection, cancellationToken).ConfigureAwait(false);
        if (manager.ServerSnapshotsPath is not null)
        {
            if (exists)
            {
                await RequireOnServerAsync(manager, collection, name, snapshot.Info.Checksum, cancellationToken).ConfigureAwait(false);
            }
        }
        else if (exists)
        {
            file = await DownloadAsync(manager, collection, name, snapshot.Info.Checksum, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw new QdrantSchemaException(
                $"The collection no longer exists, so its snapshot '{name}' cannot be downloaded; set QdrantMigratorOptions.Snapshots.Rest.ServerSnapshotsPath " +
                "so the server's own snapshot file can be recovered, or upload the snapshot file from Qdrant's snapshots directory with the snapshot API.");
        }

        // 2. The journal: from here on a rerun finishes the restore.
        var undo = appliedSinceSnapshot.Append(failed.MigrationId).Distinct(StringComparer.Ordinal).ToList();
        var prior = undo.Select(id => analysis.ById.GetValueOrDefault(id)).OfType<MigrationRecord>().Select(r => r with { Restore = null }).ToList();
        var journal = failed with
        {
            Error = failed.Error + $" FailurePolicy RestoreSnapshot is restoring the collection from snapshot '{name}' taken before this run.",
            Restore = new SnapshotRestoreJournal
            {
                State = SnapshotRestoreState.Restoring,
                SnapshotName = name,
                Checksum = snapshot.Info.Checksum,
                Aliases = snapshot.Aliases,
                File = file,
                Version = versionAtSnapshot,
                Undo = undo,
                Prior = prior,
            },
        };
        await run.Services.History.WriteAsync(journal, cancellationToken).ConfigureAwait(false);
        return await ContinueAsync(analysis, journal, verified: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finishes a journaled restore (a rerun after a crash or a failure mid-restore).</summary>
    /// <exception cref="QdrantSchemaException">The restore could not be finished (the message says what to do).</exception>
    public Task<string> FinishAsync(CollectionAnalysis analysis, MigrationRecord journal, CancellationToken cancellationToken)
    {
        run.Logger.SnapshotRestoreResuming(journal.Collection, journal.Restore!.SnapshotName, journal.Restore.State.ToString());
        return ContinueAsync(analysis, journal, verified: false, cancellationToken);
    }

    private async Task<string> ContinueAsync(CollectionAnalysis analysis, MigrationRecord journal, bool verified, CancellationToken cancellationToken)
    {
        var member = analysis.Member;
        var collection = member.PhysicalName;
        var restore = journal.Restore!;
        var manager = run.Snapshots!;
        var history = run.Services.History;

        // 3. Replace the collection by the snapshot.
        if (restore.State == SnapshotRestoreState.Restoring)
        {
            if (await run.Client.CollectionExistsAsync(collection, cancellationToken).ConfigureAwait(false))
            {
                if (!verified)
                {
                    await VerifySourceAsync(manager, collection, restore, cancellationToken).ConfigureAwait(false);
                }

                if (run.EnsureLockHeldAsync is { } ensureHeld)
                {
                    await ensureHeld(cancellationToken).ConfigureAwait(false);
                }

                await run.Client.DeleteCollectionAsync(collection, cancellationToken: cancellationToken).ConfigureAwait(false);
                run.Logger.SnapshotRestoreDeletedCollection(collection, restore.SnapshotName);
            }

            if (restore.File is { } file && File.Exists(file))
            {
                await manager.RestoreAsync(collection, SnapshotRestoreSource.FromFile(file, restore.Checksum), cancellationToken).ConfigureAwait(false);
            }
            else if (manager.ServerSnapshotsPath is not null)
            {
                await manager.RecoverServerFileAsync(collection, restore.SnapshotName, restore.Checksum, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                throw new QdrantSchemaException(
                    $"The verified copy of snapshot '{restore.SnapshotName}' ('{restore.File}', downloaded on host '{journal.Host}') is not on this host, and " +
                    "QdrantMigratorOptions.Snapshots.Rest.ServerSnapshotsPath is not set, so the server's own file cannot be recovered. Run migrate on that host, " +
                    "or set ServerSnapshotsPath, then run MigrateAsync again to finish the restore.");
            }

            restore = restore with { State = SnapshotRestoreState.Recovered };
            journal = journal with { Restore = restore };
            await history.WriteAsync(journal, cancellationToken).ConfigureAwait(false);
        }

        // 4. Aliases (snapshots hold none) and the version marker (the snapshot's metadata should already have it).
        await RestoreAliasesAsync(collection, restore.Aliases, cancellationToken).ConfigureAwait(false);
        await RestoreVersionMarkerAsync(analysis, restore.Version, cancellationToken).ConfigureAwait(false);

        // 5. The records of the undone migrations, the journal last: it is what marks the restore as pending.
        var note =
            $"FailurePolicy RestoreSnapshot restored the collection from snapshot '{restore.SnapshotName}' taken before the run: points, vectors, payload " +
            $"indexes and metadata as they were, aliases re-created ({(restore.Aliases.Count == 0 ? "none" : string.Join(", ", restore.Aliases))}), " +
            $"version back to {restore.Version ?? "(none)"}; the run's changes by {string.Join(", ", restore.Undo)} are undone.";
        await history.DeleteRedoPageAsync(collection, journal.MigrationId, journal.Step, cancellationToken).ConfigureAwait(false);
        var current = (await history.ReadAsync(collection, cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => r.MigrationId, StringComparer.Ordinal);
        var done = new SnapshotRestoreJournal { State = SnapshotRestoreState.Restored, SnapshotName = restore.SnapshotName };
        var now = run.Time.GetUtcNow();
        foreach (var id in restore.Undo.Where(id => !string.Equals(id, journal.MigrationId, StringComparison.Ordinal)))
        {
            if (Reset(id, current.GetValueOrDefault(id), restore, done, note, now) is { } reset)
            {
                await history.WriteAsync(reset, cancellationToken).ConfigureAwait(false);
            }
        }

        var original = journal.Error is { } error && error.IndexOf(" FailurePolicy RestoreSnapshot", StringComparison.Ordinal) is var at and >= 0 ? error[..at] : journal.Error;
        await history.WriteAsync(Reset(journal.MigrationId, journal with { Error = original }, restore, done, note, now)!, cancellationToken).ConfigureAwait(false);
        if (restore.File is { } local)
        {
            TryDelete(local);
        }

        run.Logger.MigrationSnapshotRestored(collection, restore.SnapshotName, restore.Version ?? "(none)");
        return note;
    }

    /// <summary>The record of an undone migration: its pre-run record when it had one, else rolled back.</summary>
    private static MigrationRecord? Reset(string id, MigrationRecord? current, SnapshotRestoreJournal restore, SnapshotRestoreJournal done, string note, DateTimeOffset now)
    {
        if (restore.Prior.FirstOrDefault(p => string.Equals(p.MigrationId, id, StringComparison.Ordinal)) is { } prior)
        {
            return prior with { Restore = done, Error = string.IsNullOrEmpty(prior.Error) ? note : prior.Error + " " + note };
        }

        if (current is null)
        {
            return null;
        }

        var failedAt = current.Status == MigrationStatus.Failed
            ? $"Failed at step {current.Step}: {current.Error} "
            : string.Empty;
        return current with
        {
            Status = MigrationStatus.RolledBack,
            Step = 0,
            Cursor = null,
            PointsProcessed = 0,
            FinishedAt = now,
            Error = failedAt + note,
            Restore = done,
        };
    }

    private async Task RestoreAliasesAsync(string collection, IReadOnlyList<string> aliases, CancellationToken cancellationToken)
    {
        if (aliases.Count == 0)
        {
            return;
        }

        var existing = (await run.Client.ListAliasesAsync(cancellationToken).ConfigureAwait(false))
            .ToDictionary(a => a.AliasName, a => a.CollectionName, StringComparer.Ordinal);
        var operations = new List<AliasOperations>();
        foreach (var alias in aliases)
        {
            if (existing.TryGetValue(alias, out var target))
            {
                if (string.Equals(target, collection, StringComparison.Ordinal))
                {
                    continue;
                }

                operations.Add(new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = alias } });
            }

            operations.Add(new AliasOperations { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = collection } });
        }

        if (operations.Count > 0)
        {
            // One call: Qdrant applies the alias actions atomically.
            await run.Client.UpdateAliasesAsync(operations, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RestoreVersionMarkerAsync(CollectionAnalysis analysis, string? version, CancellationToken cancellationToken)
    {
        if (!run.Server.SupportsCollectionMetadata)
        {
            return;
        }

        var member = analysis.Member with { Exists = true };
        var info = await run.Client.GetCollectionInfoAsync(member.PhysicalName, cancellationToken).ConfigureAwait(false);
        var found = info.Config.Metadata.TryGetValue(CollectionMigrator.VersionMetadataKey, out var marker)
            && marker.StructValue?.Fields.TryGetValue("version", out var value) == true
            ? value.StringValue
            : null;
        if (string.Equals(found, version, StringComparison.Ordinal))
        {
            return;
        }

        // The snapshot's metadata holds the marker as it was; it differs only if the metadata changed outside the engine.
        var migration = (version is null ? null : analysis.Family.Find(version)) ?? analysis.Family.Migrations[0];
        if (version is null)
        {
            await run.Services.Executor.ExecuteAsync(
                new RemoveMetadataOperation(CollectionMigrator.VersionMetadataKey),
                migrator.OperationContext(member, migration, migration.Operations.Count),
                cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await migrator.SetVersionMarkerAsync(member, migration, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task VerifySourceAsync(QdrantSnapshotManager manager, string collection, SnapshotRestoreJournal restore, CancellationToken cancellationToken)
    {
        if (restore.File is { } file && File.Exists(file))
        {
            var hash = await QdrantSnapshotManager.HashLocalFileAsync(file, cancellationToken).ConfigureAwait(false);
            if (restore.Checksum is null || string.Equals(hash, restore.Checksum, StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            TryDelete(file);
        }

        if (manager.ServerSnapshotsPath is not null)
        {
            await RequireOnServerAsync(manager, collection, restore.SnapshotName, restore.Checksum, cancellationToken).ConfigureAwait(false);
            return;
        }

        // The collection still exists, so the snapshot can be downloaded (verified) again.
        var downloaded = await DownloadAsync(manager, collection, restore.SnapshotName, restore.Checksum, cancellationToken).ConfigureAwait(false);
        if (!string.Equals(downloaded, restore.File, StringComparison.Ordinal))
        {
            throw new QdrantSchemaException($"The snapshot was downloaded to '{downloaded}', not to the journaled '{restore.File}'. Run MigrateAsync again.");
        }
    }

    private static async Task RequireOnServerAsync(QdrantSnapshotManager manager, string collection, string name, string? checksum, CancellationToken cancellationToken)
    {
        var listed = (await manager.ListAsync(collection, cancellationToken).ConfigureAwait(false))
            .FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
        if (listed is null)
        {
            throw new QdrantSchemaException($"The snapshot '{name}' of collection '{collection}' is no longer on the server, so the collection was not touched.");
        }

        if (checksum is not null && listed.Checksum is not null && !string.Equals(checksum, listed.Checksum, StringComparison.OrdinalIgnoreCase))
        {
            throw new QdrantSchemaException(
                $"The snapshot '{name}' of collection '{collection}' on the server has checksum {listed.Checksum}, but the history recorded {checksum}; the collection was not touched.");
        }
    }

    private static async Task<string> DownloadAsync(QdrantSnapshotManager manager, string collection, string name, string? checksum, CancellationToken cancellationToken)
    {
        // DownloadAsync verifies the SHA-256 against Qdrant's checksum; the recorded one must match too.
        var file = await manager.DownloadAsync(collection, name, DownloadDirectory(collection), cancellationToken).ConfigureAwait(false);
        if (checksum is not null)
        {
            var hash = await QdrantSnapshotManager.HashLocalFileAsync(file, cancellationToken).ConfigureAwait(false);
            if (!string.Equals(hash, checksum, StringComparison.OrdinalIgnoreCase))
            {
                TryDelete(file);
                throw new QdrantSchemaException(
                    $"The snapshot '{name}' of collection '{collection}' hashes to {hash}, but the history recorded {checksum} when it was taken; the collection was not touched.");
            }
        }

        return file;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover file in the temp directory is harmless.
        }
        catch (UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    /// <summary>True for an error a restore must not swallow (cancellation).</summary>
    public static bool IsCancellation(Exception e, CancellationToken cancellationToken)
        => e is OperationCanceledException || cancellationToken.IsCancellationRequested || e is RpcException { StatusCode: StatusCode.Cancelled };
}
