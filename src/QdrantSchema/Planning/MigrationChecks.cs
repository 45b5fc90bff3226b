using System.Globalization;
using QdrantSchema.Execution;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Planning;

/// <summary>The checks migrate runs after reading the history and before changing anything.</summary>
internal static class MigrationChecks
{
    /// <summary>A server version no real Qdrant reports yet: a refusal that disappears on it is a version refusal.</summary>
    private static readonly ServerInfo FutureServer = new(new Version(99, 0, 0));

    /// <summary>The history problems of one collection that block migrate under <paramref name="options"/>.</summary>
    public static IReadOnlyList<MigrationDrift> Drifts(CollectionAnalysis analysis, IReadOnlyList<MigrationDescriptor> toApply, QdrantMigratorOptions options)
    {
        var collection = analysis.Member.PhysicalName;
        var drifts = new List<MigrationDrift>();
        foreach (var (migration, record) in analysis.ChecksumMismatches)
        {
            if (options.AcceptedChecksumChanges.Contains(migration.Id))
            {
                continue;
            }

            drifts.Add(new MigrationDrift(
                MigrationDriftKind.ChecksumChanged,
                collection,
                migration.Id,
                $"Migration '{migration.Id}' was recorded on collection '{collection}' with checksum {Short(record.Checksum)}, but the code now gives " +
                $"{Short(migration.Checksum)}: its operations were edited after it ran ({record.Status.ToString().ToLowerInvariant()}). " +
                "Revert the edit and put the change in a new migration, or, after reviewing that the collection matches the edited migration, " +
                $"add \"{migration.Id}\" to QdrantMigratorOptions.AcceptedChecksumChanges to record the new checksum."));
        }

        if (options.UnknownAppliedMigrations == UnknownMigrationPolicy.Fail)
        {
            foreach (var record in analysis.UnknownApplied)
            {
                drifts.Add(new MigrationDrift(
                    MigrationDriftKind.UnknownApplied,
                    collection,
                    record.MigrationId,
                    $"Migration '{record.MigrationId}' is recorded as {record.Status.ToString().ToLowerInvariant()} on collection '{collection}', " +
                    $"but family '{analysis.Family.Family}' in this application does not define it (the application is older than the schema). " +
                    "Deploy the application version that contains it, or set QdrantMigratorOptions.UnknownAppliedMigrations to Warn to migrate anyway."));
            }
        }

        if (!options.AllowOutOfOrder)
        {
            foreach (var migration in analysis.OutOfOrder.Where(m => toApply.Contains(m)))
            {
                drifts.Add(new MigrationDrift(
                    MigrationDriftKind.OutOfOrder,
                    collection,
                    migration.Id,
                    $"Migration '{migration.Id}' is pending on collection '{collection}', but '{analysis.CurrentVersion}', which is newer, is already applied. " +
                    "Give the migration a later id (a newer timestamp), or set QdrantMigratorOptions.AllowOutOfOrder to true to apply it out of order."));
            }
        }

        return drifts;
    }

    public static QdrantSchemaDriftException DriftException(IReadOnlyList<MigrationDrift> drifts)
    {
        var message = string.Create(
            CultureInfo.InvariantCulture,
            $"Migrate refused: the migration history disagrees with the code in {drifts.Count} place(s); nothing was changed.");
        message += Environment.NewLine + string.Join(Environment.NewLine, drifts.Select(d => "- " + d.Detail));
        return new QdrantSchemaDriftException(message, drifts);
    }

    /// <summary>Why <paramref name="operation"/> cannot run on <paramref name="server"/>, or null.</summary>
    public static string? Refusal(IOperationExecutor executor, MigrationOperation operation, ServerInfo server)
    {
        var refusal = executor.Refusal(operation, server);
        if (refusal is not null)
        {
            return refusal;
        }

        return operation.Kind == OperationKind.Rebuild
            ? $"{operation.DisplayName} needs a rebuild behind an alias (not supported yet): Qdrant cannot change it in place."
            : null;
    }

    /// <summary>True when the refusal goes away on a newer server.</summary>
    public static bool IsVersionRefusal(IOperationExecutor executor, MigrationOperation operation, ServerInfo server)
        => executor.Refusal(operation, server) is not null && executor.Refusal(operation, FutureServer) is null;

    private static string Short(string checksum) => checksum.Length > 12 ? checksum[..12] : checksum;
}
