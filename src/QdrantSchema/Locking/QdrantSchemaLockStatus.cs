namespace QdrantSchema.Locking;

/// <summary>
/// The state of a <see cref="QdrantLeaseLock"/>'s lock point as read at <see cref="ObservedAt"/>: who holds or last
/// held the lock, with which fencing token, and until when.
/// </summary>
public sealed class QdrantSchemaLockStatus
{
    internal QdrantSchemaLockStatus(
        string lockName,
        string owner,
        string? host,
        long? processId,
        long fencingToken,
        DateTimeOffset? acquiredAt,
        DateTimeOffset? renewedAt,
        DateTimeOffset expiresAt,
        DateTimeOffset? releasedAt,
        string? forcedBy,
        DateTimeOffset? forcedAt,
        DateTimeOffset observedAt)
    {
        LockName = lockName;
        Owner = owner;
        Host = host;
        ProcessId = processId;
        FencingToken = fencingToken;
        AcquiredAt = acquiredAt;
        RenewedAt = renewedAt;
        ExpiresAt = expiresAt;
        ReleasedAt = releasedAt;
        ForcedBy = forcedBy;
        ForcedAt = forcedAt;
        ObservedAt = observedAt;
    }

    /// <summary>Gets the lock name.</summary>
    public string LockName { get; }

    /// <summary>Gets the owner id of the holder (or last holder): <c>host/process id/random id</c>, new for every acquisition.</summary>
    public string Owner { get; }

    /// <summary>Gets the host name of the holder (or last holder).</summary>
    public string? Host { get; }

    /// <summary>Gets the process id of the holder (or last holder) on <see cref="Host"/>.</summary>
    public long? ProcessId { get; }

    /// <summary>Gets the fencing token of the latest acquisition; it grows with every acquisition and forced release.</summary>
    public long FencingToken { get; }

    /// <summary>Gets when the holder acquired the lock, by its own clock.</summary>
    public DateTimeOffset? AcquiredAt { get; }

    /// <summary>Gets when the holder last renewed the lease, by its own clock.</summary>
    public DateTimeOffset? RenewedAt { get; }

    /// <summary>Gets when the lease ends unless renewed, by the holder's clock (the Unix epoch once released).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Gets when the holder released the lock, if it did.</summary>
    public DateTimeOffset? ReleasedAt { get; }

    /// <summary>Gets who forced the last release (<see cref="QdrantLeaseLock.ForceReleaseAsync"/>), if it was forced.</summary>
    public string? ForcedBy { get; }

    /// <summary>Gets when the last release was forced.</summary>
    public DateTimeOffset? ForcedAt { get; }

    /// <summary>Gets when this state was read, by the reader's clock.</summary>
    public DateTimeOffset ObservedAt { get; }

    /// <summary>Gets a value indicating whether the lease had not expired when this state was read (no clock-skew margin applied).</summary>
    public bool IsHeld => ExpiresAt > ObservedAt;

    /// <summary>Describes the holder for messages: host, process and since when.</summary>
    /// <returns>A short description, e.g. <c>host 'web-3' (process 4242) since 2026-01-02T03:04:05Z, fencing token 7</c>.</returns>
    public override string ToString()
    {
        var since = AcquiredAt is { } at ? $" since {at.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}" : string.Empty;
        return $"host '{Host ?? "?"}' (process {(ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")}){since}, fencing token {FencingToken}";
    }
}
