using QdrantSchema.Execution;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Migrator;

/// <summary>
/// Rolls one physical collection back: for each migration after the target, newest first, runs its Down operations,
/// journaled in the migration's own record (status Running, direction down, <see cref="MigrationRecord.Step"/>
/// counting Down operations, cursor for data steps), so a crash, a cancellation or a lost lock resumes at the step.
/// When Down completes the record becomes <see cref="MigrationStatus.RolledBack"/> and the version marker moves to
/// the previous applied migration (or is removed).
/// </summary>
internal sealed class CollectionRollback(RunContext run, CollectionMigrator migrator)
{
    public async Task<CollectionRollbackResult> RunAsync(RollbackScope scope, CancellationToken cancellationToken)
    {
        var started = run.Time.GetTimestamp();
        var analysis = scope.Analysis;
        var member = analysis.Member;
        var rolledBack = new List<string>();
        var warnings = new List<string>();
        var applied = analysis.Applied.Select(m => m.Id).ToList();
        string? Version() => applied.Count == 0 ? null : applied[^1];
        if (scope.ToUndo.Count == 0)
        {
            return Result(CollectionRunOutcome.NothingToDo, null, null, null, null);
        }

        var exists = member.Exists;
        foreach (var (migration, record) in scope.ToUndo)
        {
            foreach (var warning in migration.DownWarnings)
            {
                run.Logger.RollbackDataLoss(migration.Id, member.DisplayName, warning);
                warnings.Add($"{migration.Id}: {warning}");
            }

            try
            {
                var previous = applied.LastOrDefault(id => string.CompareOrdinal(id, migration.Id) < 0);
                exists = await UndoAsync(scope, migration, record, previous, exists, cancellationToken).ConfigureAwait(false);
            }
            catch (QdrantMigrationFailedException e)
            {
                return Result(CollectionRunOutcome.Failed, migration.Id, e.Step, e.Message, e);
            }

            applied.Remove(migration.Id);
            rolledBack.Add(migration.Id);
        }

        return Result(CollectionRunOutcome.Succeeded, null, null, null, null);

        CollectionRollbackResult Result(CollectionRunOutcome outcome, string? failedId, int? failedStep, string? error, Exception? cause)
            => new(member.Family, member.PhysicalName, member.AliasName, outcome, [.. rolledBack], Version(), failedId, failedStep, error, [.. warnings],
                run.Time.GetElapsedTime(started), cause);
    }

    /// <summary>Runs (or resumes) the Down of one migration; returns whether the collection exists afterwards.</summary>
    private async Task<bool> UndoAsync(
        RollbackScope scope, MigrationDescriptor migration, MigrationRecord current, string? previous, bool exists, CancellationToken cancellationToken)
    {
        var member = scope.Analysis.Member;
        var history = run.Services.History;
        var down = migration.DownOperations!;
        var started = run.Time.GetTimestamp();
        var resuming = RollbackScope.IsRollingBack(current);
        MigrationRecord record;
        if (!resuming)
        {
            run.Logger.RollbackStarting(migration.Id, member.DisplayName, scope.Target);

            // Redo pages are keyed by (collection, migration, step): drop any stale page an Up data step left at an
            // index a Down data step will use, so the Down step never re-applies the Up step's output.
            for (var index = 0; index < down.Count; index++)
            {
                if (down[index].IsDataStep)
                {
                    await history.DeleteRedoPageAsync(member.PhysicalName, migration.Id, index, cancellationToken).ConfigureAwait(false);
                }
            }

            record = current with
            {
                Status = MigrationStatus.Running,
                Direction = MigrationDirection.Down,
                RollbackTarget = scope.Target,
                Step = 0,
                Cursor = null,
                PointsProcessed = 0,
                StartedAt = run.Time.GetUtcNow(),
                FinishedAt = null,
                Error = null,
            };
        }
        else
        {
            run.Logger.RollbackResuming(migration.Id, member.DisplayName, current.Step, current.Status.ToString());
            record = current with
            {
                Status = MigrationStatus.Running,
                RollbackTarget = scope.Target,
                Step = Math.Clamp(current.Step, 0, down.Count),
                FinishedAt = null,
                Error = null,
            };
        }

        record = record with
        {
            Host = Environment.MachineName,
            ProcessId = Environment.ProcessId,
            LibraryVersion = CollectionMigrator.LibraryVersion,
            FencingToken = run.FencingToken,
        };
        var journal = new StepJournal(record, exists);
        try
        {
            await migrator.RunJournaledStepsAsync(
                journal, member, migration, down, scope.Analysis.FamilyMemberCount, resuming, rollingBack: true, cancellationToken)
                .ConfigureAwait(false);
            (record, exists) = (journal.Record, journal.Exists);

            // The marker moves first: a crash before the RolledBack record resumes at the last step and only writes it.
            if (exists && run.Server.SupportsCollectionMetadata)
            {
                var context = migrator.OperationContext(member with { Exists = true }, migration, down.Count, scope.Analysis.FamilyMemberCount);
                if (previous is not null)
                {
                    await migrator.SetVersionMarkerAsync(member, scope.Analysis.Family.Find(previous)!, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await run.Services.Executor.ExecuteAsync(new RemoveMetadataOperation(CollectionMigrator.VersionMetadataKey), context, cancellationToken)
                        .ConfigureAwait(false);
                }
            }

            record = record with
            {
                Status = MigrationStatus.RolledBack,
                Step = down.Count,
                Cursor = null,
                FinishedAt = run.Time.GetUtcNow(),
                Error = null,
            };
            await history.WriteAsync(record, cancellationToken).ConfigureAwait(false);
            run.Logger.MigrationRolledBack(migration.Id, member.DisplayName, run.Time.GetElapsedTime(started).TotalSeconds, previous ?? "(none)");
            return exists;
        }
        catch (Exception e) when (e is OperationCanceledException || cancellationToken.IsCancellationRequested)
        {
            var step = journal.Step;
            var reason = run.LockLost.IsCancellationRequested ? "the schema lock was lost" : "the run was cancelled";
            run.Logger.RollbackInterrupted(migration.Id, member.DisplayName, step, reason);
            if (e is OperationCanceledException)
            {
                throw;
            }

            throw new OperationCanceledException(
                $"The rollback of migration '{migration.Id}' on '{member.DisplayName}' stopped at Down step {step}: {reason}.", e, cancellationToken);
        }
        catch (Exception e)
        {
            var step = journal.Step;
            record = journal.Record;
            var error = CollectionMigrator.Describe(e);
            var failed = record with { Status = MigrationStatus.Failed, Step = Math.Min(step, down.Count), Error = error, FinishedAt = run.Time.GetUtcNow() };
            try
            {
                await history.WriteAsync(failed, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception writeError) when (writeError is not OperationCanceledException)
            {
                Diagnostics.Log.HistoryWriteFailed(run.Logger, migration.Id, member.PhysicalName, nameof(MigrationStatus.Failed), writeError);
            }

            run.Logger.RollbackFailed(migration.Id, member.DisplayName, step, e);
            var what = step < down.Count ? $"Down step {step} ({down[step].DisplayName})" : "its completion (version marker and history record)";
            throw new QdrantMigrationFailedException(
                $"Rolling back migration '{migration.Id}' failed on collection '{member.DisplayName}' at {what}: {error} " +
                $"The history records the rollback as failed at Down step {failed.Step}; fix the cause and run RollbackAsync(\"{scope.Target}\") again " +
                "to resume it from that step (MigrateAsync is refused until the rollback finishes).",
                migration.Id,
                member.PhysicalName,
                failed.Step,
                e);
        }
    }
}
