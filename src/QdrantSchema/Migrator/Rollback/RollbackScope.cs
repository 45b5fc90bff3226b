using QdrantSchema.Execution;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Planning;

namespace QdrantSchema.Migrator;

/// <summary>
/// What rolling one physical collection back to a target migration means: the migrations to undo (newest first, each
/// with its record: succeeded, or a rollback already under way) and the reasons it is refused.
/// </summary>
internal sealed class RollbackScope
{
    private RollbackScope(CollectionAnalysis analysis, string target, IReadOnlyList<(MigrationDescriptor Migration, MigrationRecord Record)> toUndo, IReadOnlyList<string> refusals)
    {
        Analysis = analysis;
        Target = target;
        ToUndo = toUndo;
        Refusals = refusals;
    }

    public CollectionAnalysis Analysis { get; }

    public string Target { get; }

    /// <summary>The migrations to undo, newest first, each with its current record.</summary>
    public IReadOnlyList<(MigrationDescriptor Migration, MigrationRecord Record)> ToUndo { get; }

    /// <summary>Why this collection cannot be rolled back to <see cref="Target"/> (empty: it can).</summary>
    public IReadOnlyList<string> Refusals { get; }

    /// <summary>What Down cannot restore, per migration to undo (e.g. a deleted vector's data).</summary>
    public IEnumerable<string> Warnings => ToUndo.SelectMany(u => u.Migration.DownWarnings.Select(w => $"{u.Migration.Id}: {w}"));

    /// <summary>True when the record is a rollback that started and did not finish.</summary>
    public static bool IsRollingBack(MigrationRecord record)
        => record.Direction == MigrationDirection.Down && record.Status is MigrationStatus.Running or MigrationStatus.Failed;

    /// <summary>The snapshot advice for a migration that cannot be undone (generic: the snapshot API is separate).</summary>
    public static string SnapshotAdvice(string migrationId)
        => $"To return to the state before it, restore the snapshot taken before it ran: '{migrationId}' cannot be undone by operations, " +
           "so restore that snapshot into the collection with the snapshot API, then remove the history records of it and of later migrations.";

    public static RollbackScope Create(CollectionAnalysis analysis, string target, ServerInfo server, IOperationExecutor executor, QdrantMigratorOptions options)
    {
        var member = analysis.Member;
        var name = member.DisplayName;
        var refusals = new List<string>();
        var toUndo = new List<(MigrationDescriptor, MigrationRecord)>();
        foreach (var migration in analysis.Family.Migrations.Reverse())
        {
            if (!analysis.ById.TryGetValue(migration.Id, out var record))
            {
                continue;
            }

            var after = string.CompareOrdinal(migration.Id, target) > 0;
            if (!after)
            {
                if (IsRollingBack(record))
                {
                    refusals.Add(
                        $"Collection '{name}' is half-way through rolling back '{migration.Id}' (Down step {record.Step}), which is not after the target '{target}'. " +
                        $"Finish that rollback first: run RollbackAsync(\"{record.RollbackTarget ?? Previous(analysis, migration) ?? target}\").");
                }

                continue;
            }

            if (record.Status == MigrationStatus.Succeeded || IsRollingBack(record))
            {
                toUndo.Add((migration, record));
            }
            else if (record.Status is MigrationStatus.Running or MigrationStatus.Failed)
            {
                refusals.Add(
                    $"Migration '{migration.Id}' is {record.Status.ToString().ToLowerInvariant()} on collection '{name}' at step {record.Step} of applying it. " +
                    "Finish it first (run MigrateAsync to resume it), then roll back; a half-applied migration cannot be rolled back by its Down.");
            }
        }

        foreach (var unknown in analysis.UnknownApplied.Where(r => string.CompareOrdinal(r.MigrationId, target) > 0))
        {
            refusals.Add(
                $"Collection '{name}' has migration '{unknown.MigrationId}' recorded as {unknown.Status.ToString().ToLowerInvariant()}, which this application " +
                "does not define, so its Down is unknown. Roll back with the application version that defines it.");
        }

        foreach (var (migration, record) in toUndo)
        {
            if (!string.Equals(record.Checksum, migration.Checksum, StringComparison.Ordinal) && !options.AcceptedChecksumChanges.Contains(migration.Id))
            {
                refusals.Add(
                    $"Migration '{migration.Id}' was edited after it ran on collection '{name}' (its checksum changed), so its Down may not undo what ran. " +
                    $"Revert the edit, or after reviewing it add \"{migration.Id}\" to QdrantMigratorOptions.AcceptedChecksumChanges.");
            }

            if (!migration.IsReversible)
            {
                refusals.Add(
                    $"Migration '{migration.Id}' is irreversible, so collection '{name}' cannot be rolled back past it: " +
                    string.Join("; ", migration.IrreversibleReasons) + ". " + SnapshotAdvice(migration.Id));
                continue;
            }

            var down = migration.DownOperations!;
            var from = IsRollingBack(record) ? Math.Clamp(record.Step, 0, down.Count) : 0;
            for (var step = from; step < down.Count; step++)
            {
                if (down[step].IsDataStep)
                {
                    continue;
                }

                if (MigrationChecks.Refusal(executor, down[step], server) is { } refusal)
                {
                    refusals.Add(
                        $"Migration '{migration.Id}' on collection '{name}', Down step {step} ({down[step].DisplayName}): {refusal} " +
                        $"(the server reports version {server.Version}).");
                }
            }
        }

        if (toUndo.Count > 0 && !member.Exists)
        {
            refusals.Add(
                $"Collection '{name}' does not exist, but the history records {string.Join(", ", toUndo.Select(u => u.Item1.Id))} applied. " +
                "Restore it from a snapshot first.");
        }

        return new RollbackScope(analysis, target, toUndo, refusals);
    }

    /// <summary>The newest migration before <paramref name="migration"/> still applied on the collection, or null.</summary>
    public static string? Previous(CollectionAnalysis analysis, MigrationDescriptor migration)
        => analysis.Applied.LastOrDefault(m => string.CompareOrdinal(m.Id, migration.Id) < 0)?.Id;
}
