using System.Globalization;
using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Diagnostics;
using QdrantSchema.Execution;
using QdrantSchema.Families;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Planning;

namespace QdrantSchema.Migrator;

/// <summary>Set when the run must not start more migrations (a collection failed and the policy says stop).</summary>
internal sealed class StopSignal
{
    private string? _reason;

    public string? Reason => Volatile.Read(ref _reason);

    public void Request(string reason) => Interlocked.CompareExchange(ref _reason, reason, null);
}

/// <summary>What every collection of one run shares.</summary>
internal sealed class RunContext
{
    public required QdrantClient Client { get; init; }

    public required MigratorServices Services { get; init; }

    public required QdrantMigratorOptions Options { get; init; }

    public required ILogger Logger { get; init; }

    public required TimeProvider Time { get; init; }

    public required ServerInfo Server { get; init; }

    public long? FencingToken { get; init; }

    /// <summary>The embedding function for FillVectorFromText steps, or null.</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>>? Embedder { get; init; }

    /// <summary>Takes the pre-run snapshots, or null when <see cref="QdrantMigratorOptions.Snapshots"/> is disabled (and in plans).</summary>
    public Snapshots.QdrantSnapshotManager? Snapshots { get; init; }

    /// <summary>Cancelled when the lock is lost.</summary>
    public CancellationToken LockLost { get; init; }

    /// <summary>
    /// Proves the lock is still held (<see cref="Locking.LockHandleFencing.EnsureHeldAsync"/>), or null outside a locked
    /// run. Called right before every destructive step, up or down.
    /// </summary>
    public Func<CancellationToken, ValueTask>? EnsureLockHeldAsync { get; init; }

    /// <summary>Fences a destructive operation: a holder that lost the lock while paused must not delete anything its successor relies on.</summary>
    public ValueTask FenceAsync(Migrations.Operations.MigrationOperation operation, CancellationToken cancellationToken) =>
        operation.IsDestructive && EnsureLockHeldAsync is { } ensureHeld ? ensureHeld(cancellationToken) : ValueTask.CompletedTask;
}

/// <summary>The snapshot a run took of a collection before changing it, with the aliases that pointed at it then.</summary>
internal sealed record PreRunSnapshot(Snapshots.SnapshotInfo Info, IReadOnlyList<string> Aliases);

/// <summary>What a snapshot restore of one collection's run needs: the version the snapshot holds and what the run applied since.</summary>
internal sealed class SnapshotScope
{
    public string? VersionAtSnapshot { get; set; }

    public List<string> AppliedSince { get; } = [];

    /// <summary>Set when the failure policy restored the snapshot.</summary>
    public bool Restored { get; set; }
}

/// <summary>
/// Applies pending migrations to one physical collection, checkpointing every step in the history so that a crash,
/// a cancellation or a lost lock at any point is resumed by the next run without repeating finished work.
/// </summary>
internal sealed class CollectionMigrator(RunContext run)
{
    /// <summary>The collection metadata key holding the version marker: {"version": id, "family": name}.</summary>
    public const string VersionMetadataKey = "qdrant_schema";

    private const int MaxErrorLength = 2000;

    public static string LibraryVersion { get; } =
        typeof(CollectionMigrator).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(CollectionMigrator).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    public async Task<CollectionRunResult> RunAsync(
        CollectionAnalysis analysis, IReadOnlyList<MigrationDescriptor> toApply, StopSignal stop, CancellationToken cancellationToken)
    {
        var started = run.Time.GetTimestamp();
        var member = analysis.Member;
        var applied = new List<string>();
        var reverted = new List<string>();
        var version = analysis.CurrentVersion;
        if (toApply.Count == 0)
        {
            run.Logger.CollectionUpToDate(member.DisplayName, version ?? "(none)");
            return Result(CollectionRunOutcome.NothingToDo, null, null, null, null);
        }

        run.Logger.MigrationsPending(member.DisplayName, member.Family, version ?? "(none)", toApply.Count, toApply[^1].Id);
        var exists = member.Exists;
        var snapshotBefore = run.Snapshots is null ? null : SnapshotTarget(member, toApply, run.Options);
        PreRunSnapshot? snapshot = null;
        var scope = new SnapshotScope();
        foreach (var migration in toApply)
        {
            if (stop.Reason is { } reason)
            {
                run.Logger.CollectionSkipped(member.DisplayName, reason);
                return Result(CollectionRunOutcome.Skipped, null, null, reason, null);
            }

            PreRunSnapshot? taken = null;
            if (ReferenceEquals(migration, snapshotBefore))
            {
                try
                {
                    taken = snapshot = await TakeSnapshotAsync(member, migration, cancellationToken).ConfigureAwait(false);
                    scope.VersionAtSnapshot = version;
                }
                catch (Exception e) when (e is not OperationCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Nothing of this migration ran yet, so the failure policy has nothing to act on.
                    run.Logger.PreMigrationSnapshotFailed(member.DisplayName, migration.Id, e);
                    var step = analysis.Interrupted(migration)?.Step ?? 0;
                    var message =
                        $"Migration '{migration.Id}' was not started on collection '{member.DisplayName}': the snapshot taken before a run changes a " +
                        $"collection could not be created ({Describe(e)}). Nothing was changed. Fix the cause (e.g. free disk space in Qdrant's " +
                        "snapshots directory), or turn snapshots off with QdrantMigratorOptions.Snapshots.Enabled = false, then run migrate again.";
                    return Result(
                        CollectionRunOutcome.Failed, migration.Id, step, message, new QdrantMigrationFailedException(message, migration.Id, member.PhysicalName, step, e));
                }
            }

            try
            {
                exists = await ApplyAsync(analysis, migration, exists, reverted, taken, snapshot, scope, cancellationToken).ConfigureAwait(false);
            }
            catch (QdrantMigrationFailedException e)
            {
                if (scope.Restored)
                {
                    applied.RemoveAll(scope.AppliedSince.Contains);
                    version = scope.VersionAtSnapshot;
                }

                return Result(CollectionRunOutcome.Failed, migration.Id, e.Step, e.Message, e);
            }

            applied.Add(migration.Id);
            if (snapshot is not null)
            {
                scope.AppliedSince.Add(migration.Id);
            }

            if (version is null || string.CompareOrdinal(migration.Id, version) > 0)
            {
                version = migration.Id;
            }
        }

        if (snapshot is not null)
        {
            await ApplyRetentionAsync(analysis, snapshot, cancellationToken).ConfigureAwait(false);
        }

        return Result(CollectionRunOutcome.Succeeded, null, null, null, null);

        CollectionRunResult Result(CollectionRunOutcome outcome, string? failedId, int? failedStep, string? error, Exception? cause)
            => new(member.Family, member.PhysicalName, member.AliasName, outcome, [.. applied], version, failedId, failedStep, error,
                run.Time.GetElapsedTime(started), cause, [.. reverted]);
    }

    /// <summary>Applies (or resumes) one migration; returns whether the collection exists afterwards.</summary>
    /// <exception cref="QdrantMigrationFailedException">The migration failed; the history records the step.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled or the lock lost; the Running record stays for the next run.</exception>
    private async Task<bool> ApplyAsync(
        CollectionAnalysis analysis,
        MigrationDescriptor migration,
        bool exists,
        List<string> reverted,
        PreRunSnapshot? taken,
        PreRunSnapshot? runSnapshot,
        SnapshotScope scope,
        CancellationToken cancellationToken)
    {
        var member = analysis.Member;
        var history = run.Services.History;
        var operations = migration.Operations;
        var interrupted = analysis.Interrupted(migration);
        var startedAt = run.Time.GetUtcNow();
        var started = run.Time.GetTimestamp();
        MigrationRecord record;
        if (interrupted is null)
        {
            run.Logger.MigrationStarting(migration.Id, member.DisplayName);
            record = NewRecord(member, migration, MigrationStatus.Running, startedAt);
        }
        else
        {
            run.Logger.MigrationResuming(migration.Id, member.DisplayName, interrupted.Step, interrupted.Status.ToString());
            record = interrupted with
            {
                Family = migration.Family,
                Description = migration.Description,
                Checksum = migration.Checksum,
                Status = MigrationStatus.Running,
                Step = Math.Clamp(interrupted.Step, 0, operations.Count),
                FinishedAt = null,
                Error = null,
                Baseline = false,
                Host = Environment.MachineName,
                ProcessId = Environment.ProcessId,
                LibraryVersion = LibraryVersion,
                FencingToken = run.FencingToken,
            };
        }

        if (taken is not null)
        {
            record = record with
            {
                SnapshotName = taken.Info.Name,
                SnapshotChecksum = taken.Info.Checksum,
                SnapshotSize = taken.Info.Size,
                SnapshotAliases = taken.Aliases,
            };
        }

        var journal = new StepJournal(record, exists);
        try
        {
            await RunJournaledStepsAsync(
                journal, member, migration, operations, analysis.FamilyMemberCount, resuming: interrupted is not null, rollingBack: false, cancellationToken)
                .ConfigureAwait(false);
            (record, exists) = (journal.Record, journal.Exists);

            // The version marker goes first: if the run dies before the Succeeded record, the next run finds the
            // migration at its last step and only writes the record (the history is authoritative).
            if (exists && run.Server.SupportsCollectionMetadata)
            {
                await SetVersionMarkerAsync(member, migration, cancellationToken).ConfigureAwait(false);
            }

            record = record with
            {
                Status = MigrationStatus.Succeeded,
                Step = operations.Count,
                Cursor = null,
                FinishedAt = run.Time.GetUtcNow(),
                Error = null,
            };
            await history.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            run.Logger.MigrationApplied(migration.Id, member.DisplayName, run.Time.GetElapsedTime(started).TotalSeconds);
            return exists;
        }
        catch (Exception e) when (e is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            var step = journal.Step;
            var reason = run.LockLost.IsCancellationRequested ? "the schema lock was lost" : "the run was cancelled";
            run.Logger.MigrationInterrupted(migration.Id, member.DisplayName, step, reason);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException($"Migration '{migration.Id}' on '{member.DisplayName}' stopped at step {step}: {reason}.", e, cancellationToken);
        }
        catch (Exception e)
        {
            var step = journal.Step;
            (record, exists) = (journal.Record, journal.Exists);
            var error = Describe(e);
            var failedStep = Math.Min(step, operations.Count);
            var failed = record with { Status = MigrationStatus.Failed, Step = failedStep, Error = error, FinishedAt = run.Time.GetUtcNow() };
            try
            {
                await history.WriteAsync(failed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception writeError) when (writeError is not OperationCanceledException)
            {
                run.Logger.HistoryWriteFailed(migration.Id, member.PhysicalName, nameof(MigrationStatus.Failed), writeError);
            }

            run.Logger.MigrationFailed(migration.Id, member.DisplayName, step, e);
            var what = step < operations.Count ? $"step {step} ({operations[step].DisplayName})" : "its completion (version marker and history record)";
            var outcome = await ApplyFailurePolicyAsync(analysis, migration, failed, exists, runSnapshot, scope, cancellationToken).ConfigureAwait(false);
            var message =
                $"Migration '{migration.Id}' failed on collection '{member.DisplayName}' at {what}: {error} " +
                (outcome.Note is null ? string.Empty : outcome.Note + " ") +
                (scope.Restored
                    ? "Fix the cause and run migrate again to apply the migrations again from the restored version."
                    : $"The history records it as failed at step {outcome.Record.Step}; fix the cause and run migrate again to resume from that step " +
                      "(completed steps are not repeated).");
            reverted.AddRange(outcome.Reverted);
            throw new QdrantMigrationFailedException(message, migration.Id, member.PhysicalName, outcome.Record.Step, e);
        }
    }

    /// <summary>
    /// Runs <paramref name="operations"/> from <see cref="StepJournal.Step"/> to the end: the journaled loop shared by Up
    /// and Down. It writes the record first (fenced, so a holder that lost the lock stops before any operation), then
    /// for each step: the step hook, the fence before a destructive step, the operation or the data step (each committed
    /// page advances the record's cursor; the last page completes the step in the same write, so a crash after it never
    /// restarts the step), then the record moves to the next step. On an exception the journal holds the failing step.
    /// </summary>
    internal async Task RunJournaledStepsAsync(
        StepJournal journal,
        FamilyMember member,
        MigrationDescriptor migration,
        IReadOnlyList<MigrationOperation> operations,
        int familyMemberCount,
        bool resuming,
        bool rollingBack,
        CancellationToken cancellationToken)
    {
        var history = run.Services.History;
        var startStep = journal.Step;
        await history.WriteAsync(journal.Record, cancellationToken).ConfigureAwait(false);
        for (; journal.Step < operations.Count; journal.Step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var step = journal.Step;
            var operation = operations[step];
            if (rollingBack)
            {
                run.Logger.RollbackStep(migration.Id, member.DisplayName, step, operation.DisplayName);
            }
            else
            {
                run.Logger.MigrationStep(migration.Id, member.DisplayName, step, operation.DisplayName);
            }

            await run.Options.StepHook.BeforeStepAsync(
                new MigrationStepContext
                {
                    Client = run.Client,
                    Member = member with { Exists = journal.Exists },
                    Migration = migration,
                    Step = step,
                    Operation = operation,
                    Resuming = resuming && step == startStep,
                    RollingBack = rollingBack,
                },
                cancellationToken).ConfigureAwait(false);
            await run.FenceAsync(operation, cancellationToken).ConfigureAwait(false);
            var context = OperationContext(member with { Exists = journal.Exists }, migration, step, familyMemberCount);
            if (operation is DataOperation data)
            {
                var resumeHere = step == startStep;
                await run.Services.DataSteps.RunAsync(
                    data,
                    new DataStepContext
                    {
                        Operation = context,
                        Cursor = resumeHere ? journal.Record.Cursor : null,
                        PointsProcessed = resumeHere ? journal.Record.PointsProcessed : 0,
                        EmbedTextsAsync = run.Embedder,
                        CommitPageAsync = async (next, processed, token) =>
                        {
                            journal.Record = journal.Record with { Step = next is null ? step + 1 : step, Cursor = next, PointsProcessed = processed };
                            await history.WriteAsync(journal.Record, token).ConfigureAwait(false);
                            run.Logger.DataPageCommitted(migration.Id, member.DisplayName, step, processed);
                        },
                    },
                    cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await run.Services.Executor.ExecuteAsync(operation, context, cancellationToken).ConfigureAwait(false);
                journal.Exists = operation switch
                {
                    CreateCollectionOperation => true,
                    DeleteCollectionOperation => false,
                    _ => journal.Exists,
                };
            }

            journal.Record = journal.Record with { Step = step + 1, Cursor = null, PointsProcessed = operation.IsDataStep ? journal.Record.PointsProcessed : 0 };
            await history.WriteAsync(journal.Record, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Applies <see cref="QdrantMigratorOptions.FailurePolicy"/> to a migration that just failed (its Failed record is
    /// written): reverts its completed operations where they have inverses, or notes what the operator must do.
    /// </summary>
    private async Task<(MigrationRecord Record, IReadOnlyList<string> Reverted, string? Note)> ApplyFailurePolicyAsync(
        CollectionAnalysis analysis,
        MigrationDescriptor migration,
        MigrationRecord failed,
        bool exists,
        PreRunSnapshot? runSnapshot,
        SnapshotScope scope,
        CancellationToken cancellationToken)
    {
        var member = analysis.Member;
        var operations = migration.Operations;
        switch (run.Options.FailurePolicy)
        {
            case MigrationFailurePolicy.StopAndMarkFailed:
                return (failed, [], null);
            case MigrationFailurePolicy.RestoreSnapshot:
                return await RestoreSnapshotPolicyAsync(analysis, migration, failed, runSnapshot, scope, cancellationToken).ConfigureAwait(false);
        }

        if (failed.Step >= operations.Count || failed.Step == 0)
        {
            // Nothing completed, or every operation completed and only the bookkeeping failed (the next run finishes it).
            return (failed, [], null);
        }

        if (operations[failed.Step].IsDataStep && (failed.Cursor is not null || failed.PointsProcessed > 0))
        {
            var partial =
                $"Nothing was reverted: data step {failed.Step} ({operations[failed.Step].DisplayName}) had committed {failed.PointsProcessed} point(s), " +
                "which cannot be undone generically.";
            await WriteQuietlyAsync(failed with { Error = failed.Error + " " + partial }, migration, cancellationToken).ConfigureAwait(false);
            return (failed, [], partial);
        }

        // The schema before each completed operation gives each operation's inverse.
        var states = new List<Schema.SchemaState>(failed.Step);
        var state = migration.SchemaBefore.State.Clone();
        var fold = new FoldContext(migration.Id, migration.Family);
        for (var i = 0; i < failed.Step; i++)
        {
            states.Add(state.Clone());
            operations[i].Apply(state, fold);
        }

        var reverted = new List<string>();
        var record = failed;
        string? stoppedBecause = null;
        for (var i = failed.Step - 1; i >= 0; i--)
        {
            var operation = operations[i];
            if (operation is CreateCollectionOperation)
            {
                // CreateCollection adopts a matching collection that already existed; deleting it could lose its points.
                stoppedBecause = $"step {i} ({operation.DisplayName}) is not reverted, because deleting the collection could delete points that existed before, so steps 0 to {i} stay applied";
                break;
            }

            var inverse = operation.CreateInverse(states[i]);
            if (!inverse.IsInvertible || inverse.Operations!.Any(o => o.IsDataStep))
            {
                stoppedBecause = $"step {i} ({operation.DisplayName}) has no inverse ({inverse.Reason ?? "a data step"}), so steps 0 to {i} stay applied";
                break;
            }

            // Step moves back before the inverse runs: a crash here resumes at step i, whose Up is idempotent.
            record = record with { Step = i, Cursor = null, PointsProcessed = 0 };
            try
            {
                await run.Services.History.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                foreach (var undo in inverse.Operations!)
                {
                    await run.FenceAsync(undo, cancellationToken).ConfigureAwait(false);
                    await run.Services.Executor.ExecuteAsync(undo, OperationContext(member with { Exists = exists }, migration, i, analysis.FamilyMemberCount), cancellationToken)
                        .ConfigureAwait(false);
                    exists = undo switch
                    {
                        CreateCollectionOperation => true,
                        DeleteCollectionOperation => false,
                        _ => exists,
                    };
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stoppedBecause = $"reverting step {i} ({operation.DisplayName}) failed: {Describe(e)}";
                break;
            }

            var undone = inverse.Operations!.Count == 0 ? "nothing to undo" : string.Join(", ", inverse.Operations!.Select(o => o.DisplayName));
            reverted.Add($"step {i} {operation.DisplayName} (undone by {undone})");
            run.Logger.OperationReverted(migration.Id, member.DisplayName, i, operation.DisplayName);
        }

        var summary = reverted.Count == 0
            ? "FailurePolicy RevertMigration reverted nothing"
            : $"FailurePolicy RevertMigration reverted {reverted.Count} completed operation(s): {string.Join("; ", reverted)}";
        summary += stoppedBecause is null ? "." : $"; {stoppedBecause}.";
        record = record with { Error = failed.Error + " " + summary };
        await WriteQuietlyAsync(record, migration, cancellationToken).ConfigureAwait(false);
        return (record, reverted, summary);
    }

    /// <summary>
    /// <see cref="MigrationFailurePolicy.RestoreSnapshot"/>: restores the pre-run snapshot when this run took one and has
    /// changed something since; without a REST address, or without a snapshot of this run, it stops and marks the
    /// migration failed like <see cref="MigrationFailurePolicy.StopAndMarkFailed"/>, saying why and what to do.
    /// </summary>
    private async Task<(MigrationRecord Record, IReadOnlyList<string> Reverted, string? Note)> RestoreSnapshotPolicyAsync(
        CollectionAnalysis analysis, MigrationDescriptor migration, MigrationRecord failed, PreRunSnapshot? runSnapshot, SnapshotScope scope, CancellationToken cancellationToken)
    {
        var member = analysis.Member;
        var prior = analysis.Interrupted(migration);
        var changed = scope.AppliedSince.Count > 0
            || failed.Step != (prior?.Step ?? 0)
            || failed.PointsProcessed != (prior?.PointsProcessed ?? 0)
            || failed.Cursor is not null && !failed.Cursor.Equals(prior?.Cursor);
        if (runSnapshot is not null && !changed)
        {
            var nothing = "FailurePolicy is RestoreSnapshot; nothing had changed since the snapshot was taken, so there is nothing to restore.";
            await WriteQuietlyAsync(failed with { Error = failed.Error + " " + nothing }, migration, cancellationToken).ConfigureAwait(false);
            return (failed, [], nothing);
        }

        var which = runSnapshot is null
            ? $"the snapshot taken before '{migration.Id}' ran (this run took none of the collection)"
            : $"the snapshot taken before this run, '{runSnapshot.Info.Name}' (aliases then: {FormatAliases(runSnapshot.Aliases)}),";
        var reason = runSnapshot is null
            ? "this run took no snapshot of the collection (snapshots are off, the run created it, or its migrations opt out)"
            : SnapshotRestorer.Unavailable(run.Snapshots);
        if (reason is null)
        {
            var restorer = new SnapshotRestorer(run, this);
            try
            {
                var note = await restorer.RestoreAfterFailureAsync(
                    analysis, failed, runSnapshot!, scope.VersionAtSnapshot, scope.AppliedSince, cancellationToken)
                    .ConfigureAwait(false);
                scope.Restored = true;
                return (failed with { Step = 0 }, [$"restored snapshot '{runSnapshot!.Info.Name}' (undid {string.Join(", ", scope.AppliedSince.Append(migration.Id))})"], note);
            }
            catch (Exception e) when (!SnapshotRestorer.IsCancellation(e, cancellationToken))
            {
                var records = await run.Services.History.ReadAsync(member.PhysicalName, cancellationToken).ConfigureAwait(false);
                var journaled = records.Any(r => r.Restore is { State: not SnapshotRestoreState.Restored });
                var consequence = journaled
                    ? "the restore is journaled in the history; run MigrateAsync again to finish it (migrate finishes the restore before anything else)"
                    : "nothing was deleted; the collection is as the failure left it";
                run.Logger.SnapshotRestoreFailed(member.DisplayName, runSnapshot!.Info.Name, consequence, e);
                var failedNote = $"FailurePolicy RestoreSnapshot could not restore snapshot '{runSnapshot.Info.Name}': {Describe(e)}; {consequence}.";
                if (!journaled)
                {
                    await WriteQuietlyAsync(failed with { Error = failed.Error + " " + failedNote }, migration, cancellationToken).ConfigureAwait(false);
                }

                return (failed, [], failedNote);
            }
        }

        var fallback =
            $"FailurePolicy is RestoreSnapshot, but the engine cannot restore it itself: {reason}. The collection was left as the failure " +
            (failed.Step == 0 ? "left it." : $"left it (steps 0 to {failed.Step - 1} applied).") +
            $" Either restore {which} with the snapshot API " +
            "and then delete this run's history records of the collection, or fix the cause and resume.";
        await WriteQuietlyAsync(failed with { Error = failed.Error + " " + fallback }, migration, cancellationToken).ConfigureAwait(false);
        run.Logger.SnapshotRestoreUnavailable(member.DisplayName, migration.Id, reason);
        return (failed, [], fallback);
    }

    /// <summary>
    /// The migration a run snapshots the collection before: the first pending one that does not opt out, when snapshots
    /// are enabled and the collection exists at the start of the run (one the run creates has nothing to protect). The
    /// history collection is never snapshotted.
    /// </summary>
    public static MigrationDescriptor? SnapshotTarget(FamilyMember member, IReadOnlyList<MigrationDescriptor> toApply, QdrantMigratorOptions options)
    {
        if (!options.Snapshots.Enabled || !member.Exists || string.Equals(member.PhysicalName, options.HistoryCollection, StringComparison.Ordinal))
        {
            return null;
        }

        return toApply.FirstOrDefault(m => m.SnapshotBeforeApply);
    }

    /// <summary>Records the aliases pointing at the collection, then snapshots it (gRPC; no REST needed).</summary>
    private async Task<PreRunSnapshot> TakeSnapshotAsync(FamilyMember member, MigrationDescriptor migration, CancellationToken cancellationToken)
    {
        var aliases = await run.Client.ListAliasesAsync(cancellationToken).ConfigureAwait(false);
        var pointing = aliases
            .Where(a => string.Equals(a.CollectionName, member.PhysicalName, StringComparison.Ordinal))
            .Select(a => a.AliasName)
            .Order(StringComparer.Ordinal)
            .ToList();
        var info = await run.Snapshots!.CreateAsync(member.PhysicalName, cancellationToken).ConfigureAwait(false);
        run.Logger.PreMigrationSnapshotTaken(info.Name, info.Size, member.DisplayName, migration.Id, FormatAliases(pointing));
        return new PreRunSnapshot(info, pointing);
    }

    /// <summary>
    /// Keeps the newest <see cref="MigrationSnapshotOptions.KeepLast"/> snapshots of the collection that the history
    /// names (snapshots taken by others are left alone), and always the one this run took. Failures are logged only:
    /// the migrations succeeded.
    /// </summary>
    private async Task ApplyRetentionAsync(CollectionAnalysis analysis, PreRunSnapshot taken, CancellationToken cancellationToken)
    {
        var collection = analysis.Member.PhysicalName;
        try
        {
            var recorded = analysis.Records.Select(r => r.SnapshotName).OfType<string>().ToHashSet(StringComparer.Ordinal);
            recorded.Add(taken.Info.Name);
            var ours = (await run.Snapshots!.ListAsync(collection, cancellationToken).ConfigureAwait(false))
                .Where(s => recorded.Contains(s.Name))
                .ToList();
            var keep = run.Options.Snapshots.KeepLast;
            var deleted = 0;
            foreach (var old in ours.Skip(keep))
            {
                if (string.Equals(old.Name, taken.Info.Name, StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    await run.Snapshots.DeleteAsync(collection, old.Name, cancellationToken).ConfigureAwait(false);
                    deleted++;
                }
                catch (Snapshots.QdrantSnapshotException e) when (e.InnerException is RpcException { StatusCode: StatusCode.NotFound })
                {
                    // Deleted by someone else since the list.
                }
            }

            if (deleted > 0)
            {
                run.Logger.PreMigrationSnapshotsPruned(deleted, analysis.Member.DisplayName, ours.Count - deleted);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            run.Logger.PreMigrationSnapshotRetentionFailed(analysis.Member.DisplayName, e);
        }
    }

    private static string FormatAliases(IReadOnlyList<string> aliases) => aliases.Count == 0 ? "(none)" : string.Join(", ", aliases);

    private async Task WriteQuietlyAsync(MigrationRecord record, MigrationDescriptor migration, CancellationToken cancellationToken)
    {
        try
        {
            await run.Services.History.WriteAsync(record, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception writeError) when (writeError is not OperationCanceledException)
        {
            run.Logger.HistoryWriteFailed(migration.Id, record.Collection, nameof(MigrationStatus.Failed), writeError);
        }
    }

    /// <summary>Writes the version marker into the collection's metadata (Qdrant 1.16+).</summary>
    public async Task SetVersionMarkerAsync(FamilyMember member, MigrationDescriptor migration, CancellationToken cancellationToken)
    {
        var marker = new Value
        {
            StructValue = new Struct
            {
                Fields =
                {
                    ["version"] = new Value { StringValue = migration.Id },
                    ["family"] = new Value { StringValue = migration.Family },
                },
            },
        };
        await run.Services.Executor.ExecuteAsync(
            new SetMetadataOperation(VersionMetadataKey, marker),
            OperationContext(member with { Exists = true }, migration, migration.Operations.Count),
            cancellationToken).ConfigureAwait(false);
    }

    public MigrationRecord NewRecord(FamilyMember member, MigrationDescriptor migration, MigrationStatus status, DateTimeOffset startedAt) => new()
    {
        Collection = member.PhysicalName,
        Family = migration.Family,
        MigrationId = migration.Id,
        Description = migration.Description,
        Checksum = migration.Checksum,
        Status = status,
        StartedAt = startedAt,
        Host = Environment.MachineName,
        ProcessId = Environment.ProcessId,
        LibraryVersion = LibraryVersion,
        FencingToken = run.FencingToken,
    };

    public OperationContext OperationContext(FamilyMember member, MigrationDescriptor migration, int step, int familyMemberCount = 1) => new()
    {
        FamilyMemberCount = familyMemberCount,
        Client = run.Client,
        Member = member,
        Migration = migration,
        Step = step,
        Server = run.Server,
        History = run.Services.History,
        TimeProvider = run.Time,
        Logger = run.Logger,
        LockLost = run.LockLost,
        BatchSize = run.Options.DataStepBatchSize,
    };

    /// <summary>An error text for the history: the server's detail for RPC errors, else the message; bounded.</summary>
    public static string Describe(Exception exception)
    {
        var text = exception switch
        {
            RpcException rpc => string.Create(CultureInfo.InvariantCulture, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
            _ => exception.Message,
        };
        return text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
    }
}

/// <summary>Where a journaled run of steps stands: the record as last written, the step being run, whether the collection exists.</summary>
internal sealed class StepJournal(MigrationRecord record, bool exists)
{
    public MigrationRecord Record { get; set; } = record;

    public int Step { get; set; } = record.Step;

    public bool Exists { get; set; } = exists;
}
