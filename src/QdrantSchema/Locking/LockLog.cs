using Microsoft.Extensions.Logging;

namespace QdrantSchema.Locking;

/// <summary>
/// The lock's log messages, event ids 2001-2099, category <see cref="Category"/>. They name locks, hosts, processes and
/// fencing tokens; never API keys or payloads.
/// </summary>
internal static partial class LockLog
{
    /// <summary>The logger category of the schema lock (stable, documented).</summary>
    public const string Category = "QdrantSchema.Locking";

    [LoggerMessage(2001, LogLevel.Information, "Acquired schema lock '{LockName}' with fencing token {FencingToken} after {WaitSeconds:F2}s", EventName = "LockAcquired")]
    public static partial void LockAcquired(this ILogger logger, string lockName, long fencingToken, double waitSeconds);

    [LoggerMessage(2002, LogLevel.Debug, "Schema lock '{LockName}' is held by {Holder} until {ExpiresAt:O}; waiting", EventName = "LockBusy")]
    public static partial void LockBusy(this ILogger logger, string lockName, string holder, DateTimeOffset expiresAt);

    [LoggerMessage(2003, LogLevel.Warning, "Schema lock '{LockName}' was not acquired within {TimeoutSeconds:F1}s; held by {Holder}", EventName = "LockTimedOut")]
    public static partial void LockTimedOut(this ILogger logger, string lockName, double timeoutSeconds, string holder);

    [LoggerMessage(2004, LogLevel.Information, "Took over schema lock '{LockName}' whose lease expired at {ExpiredAt:O} (last holder {Holder}); fencing token now {FencingToken}", EventName = "LockTakenOver")]
    public static partial void LockTakenOver(this ILogger logger, string lockName, DateTimeOffset expiredAt, string holder, long fencingToken);

    [LoggerMessage(2005, LogLevel.Trace, "Renewed schema lock '{LockName}' (fencing token {FencingToken}) until {ExpiresAt:O}", EventName = "LockRenewed")]
    public static partial void LockRenewed(this ILogger logger, string lockName, long fencingToken, DateTimeOffset expiresAt);

    [LoggerMessage(2006, LogLevel.Warning, "Renewing schema lock '{LockName}' (fencing token {FencingToken}) failed; retrying until {GiveUpAt:O}", EventName = "LockRenewalFailed")]
    public static partial void LockRenewalFailed(this ILogger logger, string lockName, long fencingToken, DateTimeOffset giveUpAt, Exception exception);

    [LoggerMessage(2007, LogLevel.Error, "Lost schema lock '{LockName}' (fencing token {FencingToken}): {Reason}", EventName = "LockLost")]
    public static partial void LockLost(this ILogger logger, string lockName, long fencingToken, string reason);

    [LoggerMessage(2008, LogLevel.Information, "Released schema lock '{LockName}' (fencing token {FencingToken}) after {HeldSeconds:F2}s", EventName = "LockReleased")]
    public static partial void LockReleased(this ILogger logger, string lockName, long fencingToken, double heldSeconds);

    [LoggerMessage(2009, LogLevel.Warning, "Releasing schema lock '{LockName}' (fencing token {FencingToken}) failed; it frees itself when the lease expires", EventName = "LockReleaseFailed")]
    public static partial void LockReleaseFailed(this ILogger logger, string lockName, long fencingToken, Exception exception);

    [LoggerMessage(2010, LogLevel.Warning, "Schema lock '{LockName}' was force-released by '{ForcedBy}'; it was held by {Holder}", EventName = "LockForceReleased")]
    public static partial void LockForceReleased(this ILogger logger, string lockName, string forcedBy, string holder);

    [LoggerMessage(2011, LogLevel.Information, "Created collection '{Collection}' for the schema lock (no vectors)", EventName = "LockCollectionCreated")]
    public static partial void LockCollectionCreated(this ILogger logger, string collection);

    [LoggerMessage(2012, LogLevel.Information, "Qdrant {ServerVersion} has no update_mode (1.17+); the schema lock creates its point with a conditional upsert alone", EventName = "LockInsertOnlyUnsupported")]
    public static partial void LockInsertOnlyUnsupported(this ILogger logger, string serverVersion);

    [LoggerMessage(2013, LogLevel.Debug, "Acquiring schema lock '{LockName}' failed with a transient error; retrying", EventName = "LockAcquireRetry")]
    public static partial void LockAcquireRetry(this ILogger logger, string lockName, Exception exception);
}
