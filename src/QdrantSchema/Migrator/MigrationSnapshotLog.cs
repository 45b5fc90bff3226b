using Microsoft.Extensions.Logging;

namespace QdrantSchema.Migrator;

/// <summary>Log messages of the snapshots the migrator takes before changing a collection and restores when a migration fails (event ids 3301-3399).</summary>
internal static partial class MigrationSnapshotLog
{
    [LoggerMessage(3301, LogLevel.Information, "Snapshot '{SnapshotName}' ({SizeBytes} bytes) of collection '{Collection}' taken before migration '{MigrationId}'; aliases then: {Aliases}", EventName = "PreMigrationSnapshotTaken")]
    public static partial void PreMigrationSnapshotTaken(this ILogger logger, string snapshotName, long sizeBytes, string collection, string migrationId, string aliases);

    [LoggerMessage(3302, LogLevel.Error, "Could not snapshot collection '{Collection}' before migration '{MigrationId}'; the collection was not changed", EventName = "PreMigrationSnapshotFailed")]
    public static partial void PreMigrationSnapshotFailed(this ILogger logger, string collection, string migrationId, Exception exception);

    [LoggerMessage(3303, LogLevel.Information, "Snapshot retention deleted {Deleted} older migration snapshot(s) of collection '{Collection}', keeping {Kept}", EventName = "PreMigrationSnapshotsPruned")]
    public static partial void PreMigrationSnapshotsPruned(this ILogger logger, int deleted, string collection, int kept);

    [LoggerMessage(3304, LogLevel.Warning, "Snapshot retention failed on collection '{Collection}'; the migration succeeded and older snapshots are kept", EventName = "PreMigrationSnapshotRetentionFailed")]
    public static partial void PreMigrationSnapshotRetentionFailed(this ILogger logger, string collection, Exception exception);

    [LoggerMessage(3305, LogLevel.Warning, "Restoring collection '{Collection}' from the pre-run snapshot '{SnapshotName}' after migration '{MigrationId}' failed (FailurePolicy RestoreSnapshot)", EventName = "SnapshotRestoreStarting")]
    public static partial void SnapshotRestoreStarting(this ILogger logger, string collection, string snapshotName, string migrationId);

    [LoggerMessage(3306, LogLevel.Warning, "Deleted collection '{Collection}' to recover it from the verified snapshot '{SnapshotName}'", EventName = "SnapshotRestoreDeletedCollection")]
    public static partial void SnapshotRestoreDeletedCollection(this ILogger logger, string collection, string snapshotName);

    [LoggerMessage(3307, LogLevel.Information, "Restored collection '{Collection}' from snapshot '{SnapshotName}': aliases, version marker ({Version}) and history records are back to their pre-run state", EventName = "MigrationSnapshotRestored")]
    public static partial void MigrationSnapshotRestored(this ILogger logger, string collection, string snapshotName, string version);

    [LoggerMessage(3308, LogLevel.Warning, "Finishing the interrupted restore of collection '{Collection}' from snapshot '{SnapshotName}' (journaled as {State}) before migrating", EventName = "SnapshotRestoreResuming")]
    public static partial void SnapshotRestoreResuming(this ILogger logger, string collection, string snapshotName, string state);

    [LoggerMessage(3309, LogLevel.Error, "Restoring collection '{Collection}' from snapshot '{SnapshotName}' failed; {Consequence}", EventName = "SnapshotRestoreFailed")]
    public static partial void SnapshotRestoreFailed(this ILogger logger, string collection, string snapshotName, string consequence, Exception exception);

    [LoggerMessage(3310, LogLevel.Warning, "FailurePolicy RestoreSnapshot cannot restore collection '{Collection}' after migration '{MigrationId}' failed: {Reason}; it is left marked failed", EventName = "SnapshotRestoreUnavailable")]
    public static partial void SnapshotRestoreUnavailable(this ILogger logger, string collection, string migrationId, string reason);
}
