using Microsoft.Extensions.Logging;

namespace QdrantSchema.Execution.DataSteps;

/// <summary>
/// Log messages of the data-step runner (event ids 3100-3199, category <c>QdrantSchema.Migrations</c>). Only counts
/// and the names of collections, migrations and steps are logged: never payloads, vectors or texts.
/// </summary>
internal static partial class DataStepLog
{
    [LoggerMessage(3100, LogLevel.Information, "Data step {Step} ({StepName}) of migration '{MigrationId}' on '{Collection}' starting ({PointsProcessed} points already committed)", EventName = "DataStepStarting")]
    public static partial void DataStepStarting(this ILogger logger, string collection, string migrationId, int step, string stepName, long pointsProcessed);

    [LoggerMessage(3101, LogLevel.Debug, "Data step {Step} of migration '{MigrationId}' on '{Collection}' committed a page: {PageScanned} points read, {PageWritten} written, {PointsProcessed} committed in total", EventName = "DataStepPageCommitted")]
    public static partial void PageCommitted(this ILogger logger, string collection, string migrationId, int step, int pageScanned, int pageWritten, long pointsProcessed);

    [LoggerMessage(3102, LogLevel.Information, "Data step {Step} ({StepName}) of migration '{MigrationId}' on '{Collection}' completed: {PointsScanned} points read, {PointsWritten} written, {PointsSkipped} skipped in this run; {PointsProcessed} committed in total", EventName = "DataStepCompleted")]
    public static partial void DataStepCompleted(this ILogger logger, string collection, string migrationId, int step, string stepName, long pointsScanned, long pointsWritten, long pointsSkipped, long pointsProcessed);

    [LoggerMessage(3103, LogLevel.Information, "Data step {Step} of migration '{MigrationId}' on '{Collection}' re-applied its journaled redo page ({PageWritten} points) left by an interrupted run", EventName = "DataStepRedoPageReapplied")]
    public static partial void RedoPageReapplied(this ILogger logger, string collection, string migrationId, int step, int pageWritten);

    [LoggerMessage(3104, LogLevel.Information, "Data step {Step} of migration '{MigrationId}' on '{Collection}' discarded a redo page whose page was already committed", EventName = "DataStepRedoPageDiscarded")]
    public static partial void RedoPageDiscarded(this ILogger logger, string collection, string migrationId, int step);

    [LoggerMessage(3105, LogLevel.Warning, "Data step {Step} ({StepName}) of migration '{MigrationId}' on '{Collection}' skipped {PointsSkipped} points whose payload field '{PayloadField}' is not a non-empty string; their vector was not filled", EventName = "DataStepTextMissing")]
    public static partial void TextMissing(this ILogger logger, string collection, string migrationId, int step, string stepName, string payloadField, long pointsSkipped);

    [LoggerMessage(3106, LogLevel.Information, "Data step {Step} of migration '{MigrationId}' on '{Collection}' deleted {PointsDeleted} points matching its filter", EventName = "DataStepPointsDeleted")]
    public static partial void PointsDeleted(this ILogger logger, string collection, string migrationId, int step, long pointsDeleted);

    [LoggerMessage(3107, LogLevel.Information, "Data step {Step} of migration '{MigrationId}' on '{Collection}' stopped between pages ({Reason}); {PointsProcessed} points committed, the next run resumes from there", EventName = "DataStepStopped")]
    public static partial void DataStepStopped(this ILogger logger, string collection, string migrationId, int step, string reason, long pointsProcessed);

    [LoggerMessage(3108, LogLevel.Debug, "Data step {Step} of migration '{MigrationId}' on '{Collection}' reads pages of {PageSize} points (batch size {BatchSize}, about {BytesPerPoint} bytes per written point)", EventName = "DataStepPageSize")]
    public static partial void PageSize(this ILogger logger, string collection, string migrationId, int step, int pageSize, int batchSize, int bytesPerPoint);

    [LoggerMessage(3109, LogLevel.Debug, "Data step {Step} of migration '{MigrationId}' on '{Collection}' journals a page: its declared payload changes are not idempotent for {PointsNotIdempotent} points", EventName = "DataStepDeclarativePageJournaled")]
    public static partial void DeclarativePageJournaled(this ILogger logger, string collection, string migrationId, int step, int pointsNotIdempotent);
}
