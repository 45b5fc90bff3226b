using Microsoft.Extensions.Logging;

namespace QdrantSchema.Migrator;

/// <summary>Log messages of rollbacks and failure policies (event ids 3201-3299 of the migrations block).</summary>
internal static partial class RollbackLog
{
    [LoggerMessage(3201, LogLevel.Information, "Rolling back migration '{MigrationId}' on collection '{Collection}' (target {TargetVersion})", EventName = "RollbackStarting")]
    public static partial void RollbackStarting(this ILogger logger, string migrationId, string collection, string targetVersion);

    [LoggerMessage(3202, LogLevel.Information, "Resuming the rollback of migration '{MigrationId}' on collection '{Collection}' at Down step {Step} (previous status {Status})", EventName = "RollbackResuming")]
    public static partial void RollbackResuming(this ILogger logger, string migrationId, string collection, int step, string status);

    [LoggerMessage(3203, LogLevel.Debug, "Rollback of migration '{MigrationId}' on collection '{Collection}': Down step {Step} {Operation}", EventName = "RollbackStep")]
    public static partial void RollbackStep(this ILogger logger, string migrationId, string collection, int step, string operation);

    [LoggerMessage(3204, LogLevel.Information, "Rolled back migration '{MigrationId}' on collection '{Collection}' in {DurationSeconds:F2}s; the collection is now at {Version}", EventName = "MigrationRolledBack")]
    public static partial void MigrationRolledBack(this ILogger logger, string migrationId, string collection, double durationSeconds, string version);

    [LoggerMessage(3205, LogLevel.Error, "The rollback of migration '{MigrationId}' failed on collection '{Collection}' at Down step {Step}", EventName = "RollbackFailed")]
    public static partial void RollbackFailed(this ILogger logger, string migrationId, string collection, int step, Exception exception);

    [LoggerMessage(3206, LogLevel.Warning, "The rollback of migration '{MigrationId}' on collection '{Collection}' stopped at Down step {Step} ({Reason}); rerun the rollback to resume it", EventName = "RollbackInterrupted")]
    public static partial void RollbackInterrupted(this ILogger logger, string migrationId, string collection, int step, string reason);

    [LoggerMessage(3207, LogLevel.Warning, "Rolling back migration '{MigrationId}' on collection '{Collection}' cannot restore everything: {Warning}", EventName = "RollbackDataLoss")]
    public static partial void RollbackDataLoss(this ILogger logger, string migrationId, string collection, string warning);

    [LoggerMessage(3208, LogLevel.Error, "Rollback refused: {Reason}", EventName = "RollbackRefused")]
    public static partial void RollbackRefused(this ILogger logger, string reason);

    [LoggerMessage(3209, LogLevel.Information, "Rollback run to {TargetVersion} finished: {RolledBack} migration(s) rolled back, {Failed} collection(s) failed in {DurationSeconds:F2}s", EventName = "RollbackRunFinished")]
    public static partial void RollbackRunFinished(this ILogger logger, string targetVersion, int rolledBack, int failed, double durationSeconds);

    [LoggerMessage(3210, LogLevel.Warning, "Failed migration '{MigrationId}' on collection '{Collection}': reverted step {Step} ({Operation})", EventName = "OperationReverted")]
    public static partial void OperationReverted(this ILogger logger, string migrationId, string collection, int step, string operation);
}
