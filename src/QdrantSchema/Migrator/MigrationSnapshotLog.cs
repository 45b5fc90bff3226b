using Microsoft.Extensions.Logging;

namespace QdrantSchema.Migrator;

/// <summary>Log messages of the snapshots the migrator takes before changing a collection (event ids 3301-3399).</summary>
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
}
