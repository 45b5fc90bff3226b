using Microsoft.Extensions.Logging;

namespace QdrantSchema.Diagnostics;

/// <summary>
/// The engine's log messages. Event ids by area: 3xxx migrations, 5xxx history and drift, 9xxx unexpected.
/// Messages name collections, migration ids and steps; never payloads, vectors or keys.
/// </summary>
internal static partial class Log
{
    /// <summary>The logger category of the migration engine (stable, documented).</summary>
    public const string MigrationsCategory = "QdrantSchema.Migrations";

    [LoggerMessage(3001, LogLevel.Information, "Collection '{Collection}' (family '{Family}') is at {CurrentVersion}; {Count} migration(s) pending up to {TargetVersion}", EventName = "MigrationsPending")]
    public static partial void MigrationsPending(this ILogger logger, string collection, string family, string currentVersion, int count, string targetVersion);

    [LoggerMessage(3002, LogLevel.Information, "Applying migration '{MigrationId}' to collection '{Collection}'", EventName = "MigrationStarting")]
    public static partial void MigrationStarting(this ILogger logger, string migrationId, string collection);

    [LoggerMessage(3003, LogLevel.Information, "Resuming migration '{MigrationId}' on collection '{Collection}' at step {Step} (previous status {Status})", EventName = "MigrationResuming")]
    public static partial void MigrationResuming(this ILogger logger, string migrationId, string collection, int step, string status);

    [LoggerMessage(3004, LogLevel.Debug, "Migration '{MigrationId}' on collection '{Collection}': step {Step} {Operation}", EventName = "MigrationStep")]
    public static partial void MigrationStep(this ILogger logger, string migrationId, string collection, int step, string operation);

    [LoggerMessage(3005, LogLevel.Information, "Applied migration '{MigrationId}' to collection '{Collection}' in {DurationSeconds:F2}s", EventName = "MigrationApplied")]
    public static partial void MigrationApplied(this ILogger logger, string migrationId, string collection, double durationSeconds);

    [LoggerMessage(3006, LogLevel.Error, "Migration '{MigrationId}' failed on collection '{Collection}' at step {Step}", EventName = "MigrationFailed")]
    public static partial void MigrationFailed(this ILogger logger, string migrationId, string collection, int step, Exception exception);

    [LoggerMessage(3007, LogLevel.Warning, "Migration '{MigrationId}' on collection '{Collection}' stopped at step {Step} ({Reason}); the next run resumes it", EventName = "MigrationInterrupted")]
    public static partial void MigrationInterrupted(this ILogger logger, string migrationId, string collection, int step, string reason);

    [LoggerMessage(3008, LogLevel.Debug, "Collection '{Collection}' is up to date at {Version}", EventName = "CollectionUpToDate")]
    public static partial void CollectionUpToDate(this ILogger logger, string collection, string version);

    [LoggerMessage(3009, LogLevel.Warning, "Collection '{Collection}' skipped: {Reason}", EventName = "CollectionSkipped")]
    public static partial void CollectionSkipped(this ILogger logger, string collection, string reason);

    [LoggerMessage(3010, LogLevel.Debug, "Migration '{MigrationId}' on collection '{Collection}': step {Step} committed a page, {PointsProcessed} point(s) so far", EventName = "DataPageCommitted")]
    public static partial void DataPageCommitted(this ILogger logger, string migrationId, string collection, int step, long pointsProcessed);

    [LoggerMessage(3011, LogLevel.Information, "Migration run finished: {Succeeded} collection(s) succeeded, {NothingToDo} up to date, {Failed} failed, {Skipped} skipped in {DurationSeconds:F2}s", EventName = "RunFinished")]
    public static partial void RunFinished(this ILogger logger, int succeeded, int nothingToDo, int failed, int skipped, double durationSeconds);

    [LoggerMessage(3012, LogLevel.Information, "Baseline recorded collection '{Collection}' at {Version}", EventName = "BaselineRecorded")]
    public static partial void BaselineRecorded(this ILogger logger, string collection, string version);

    [LoggerMessage(3013, LogLevel.Warning, "Baseline found no version of family '{Family}' matching collection '{Collection}'; nothing recorded", EventName = "BaselineNoMatch")]
    public static partial void BaselineNoMatch(this ILogger logger, string collection, string family);


    [LoggerMessage(5001, LogLevel.Warning, "Collection '{Collection}' has migration '{MigrationId}' applied, which this application does not know (the application is older than the schema)", EventName = "UnknownAppliedMigration")]
    public static partial void UnknownAppliedMigration(this ILogger logger, string collection, string migrationId);

    [LoggerMessage(5002, LogLevel.Warning, "Accepted the changed checksum of migration '{MigrationId}' on collection '{Collection}' (was {OldChecksum}, now {NewChecksum})", EventName = "ChecksumChangeAccepted")]
    public static partial void ChecksumChangeAccepted(this ILogger logger, string migrationId, string collection, string oldChecksum, string newChecksum);


    [LoggerMessage(5004, LogLevel.Error, "Could not write the history record of migration '{MigrationId}' on collection '{Collection}' as {Status}", EventName = "HistoryWriteFailed")]
    public static partial void HistoryWriteFailed(this ILogger logger, string migrationId, string collection, string status, Exception exception);

    [LoggerMessage(5005, LogLevel.Error, "Migration refused: {Reason}", EventName = "MigrationRefused")]
    public static partial void MigrationRefused(this ILogger logger, string reason);

    [LoggerMessage(9001, LogLevel.Error, "Unexpected error while migrating collection '{Collection}'", EventName = "UnexpectedError")]
    public static partial void UnexpectedError(this ILogger logger, string collection, Exception exception);
}
