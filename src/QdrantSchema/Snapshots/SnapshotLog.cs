using Microsoft.Extensions.Logging;

namespace QdrantSchema.Snapshots;

/// <summary>
/// The snapshot API's log messages, event ids 4001-4099, category <see cref="Category"/>. They name collections,
/// snapshots, files, HTTP statuses and operations; never API keys, request bodies or point payloads.
/// </summary>
internal static partial class SnapshotLog
{
    /// <summary>The logger category of the snapshot API and its REST client (stable, documented).</summary>
    public const string Category = "QdrantSchema.Snapshots";

    [LoggerMessage(4001, LogLevel.Information, "Created snapshot '{SnapshotName}' of collection '{Collection}' ({Size} bytes); coverage: {Coverage}", EventName = "SnapshotCreated")]
    public static partial void SnapshotCreated(this ILogger logger, string collection, string snapshotName, long size, string coverage);

    [LoggerMessage(4002, LogLevel.Information, "Deleted snapshot '{SnapshotName}' of collection '{Collection}'", EventName = "SnapshotDeleted")]
    public static partial void SnapshotDeleted(this ILogger logger, string collection, string snapshotName);

    [LoggerMessage(4003, LogLevel.Information, "Downloaded snapshot '{SnapshotName}' of collection '{Collection}' to '{Path}' ({Size} bytes, SHA-256 verified)", EventName = "SnapshotDownloaded")]
    public static partial void SnapshotDownloaded(this ILogger logger, string collection, string snapshotName, string path, long size);

    [LoggerMessage(4004, LogLevel.Error, "Downloaded snapshot '{SnapshotName}' of collection '{Collection}' hashes to {Actual}, but Qdrant reports {Expected}; the partial file was removed", EventName = "SnapshotChecksumMismatch")]
    public static partial void SnapshotChecksumMismatch(this ILogger logger, string collection, string snapshotName, string expected, string actual);

    [LoggerMessage(4005, LogLevel.Information, "Restoring collection '{Collection}' from {Source} by {Method}", EventName = "SnapshotRestoring")]
    public static partial void SnapshotRestoring(this ILogger logger, string collection, string source, string method);

    [LoggerMessage(4006, LogLevel.Information, "Restored collection '{Collection}' from {Source} in {DurationSeconds:F2}s; coverage: {Coverage}", EventName = "SnapshotRestored")]
    public static partial void SnapshotRestored(this ILogger logger, string collection, string source, double durationSeconds, string coverage);

    [LoggerMessage(4007, LogLevel.Information, "Retention for collection '{Collection}': kept {Kept}, deleted {Deleted}, protected {Protected}", EventName = "RetentionApplied")]
    public static partial void RetentionApplied(this ILogger logger, string collection, int kept, int deleted, int @protected);

    [LoggerMessage(4008, LogLevel.Warning, "Collection '{Collection}' has shards on other peers; its snapshot covers {Coverage}", EventName = "SnapshotPartialCoverage")]
    public static partial void SnapshotPartialCoverage(this ILogger logger, string collection, string coverage);

    [LoggerMessage(4009, LogLevel.Warning, "Retrying {Operation} for collection '{Collection}' after {Reason} (retry {Attempt}, waiting {DelaySeconds:F2}s)", EventName = "RestRetrying")]
    public static partial void RestRetrying(this ILogger logger, string operation, string collection, string reason, int attempt, double delaySeconds);

    [LoggerMessage(4010, LogLevel.Debug, "{Operation} for collection '{Collection}' answered HTTP {StatusCode}", EventName = "RestFailed")]
    public static partial void RestFailed(this ILogger logger, string operation, string collection, int statusCode);

    [LoggerMessage(4011, LogLevel.Warning, "Skipped snapshot name '{SnapshotName}' listed for collection '{Collection}': {Reason}", EventName = "SnapshotNameSkipped")]
    public static partial void SnapshotNameSkipped(this ILogger logger, string collection, string snapshotName, string reason);

    [LoggerMessage(4012, LogLevel.Information, "Captured {Count} collection snapshot(s) and {AliasCount} alias(es); skipped {Skipped}", EventName = "SnapshotSetCaptured")]
    public static partial void SnapshotSetCaptured(this ILogger logger, int count, int aliasCount, string skipped);

    [LoggerMessage(4013, LogLevel.Information, "The server's snapshots path is not configured; restoring '{SnapshotName}' by downloading and uploading it", EventName = "RestoreByUploadFallback")]
    public static partial void RestoreByUploadFallback(this ILogger logger, string snapshotName);
}
