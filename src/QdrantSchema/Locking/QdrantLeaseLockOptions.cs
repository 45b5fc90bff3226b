using System.Globalization;

namespace QdrantSchema.Locking;

/// <summary>
/// Options of <see cref="QdrantLeaseLock"/>. Validated when the lock is created: each duration in its range, and
/// the durations consistent with each other (the margin and the renewal period must leave room for renewals).
/// </summary>
public sealed class QdrantLeaseLockOptions
{
    /// <summary>The default lock name, <c>qdrant-schema</c>.</summary>
    public const string DefaultLockName = "qdrant-schema";

    /// <summary>The default collection that holds the lock point (the history collection), <c>__qdrant_schema</c>.</summary>
    public const string DefaultHistoryCollection = "__qdrant_schema";

    private static readonly TimeSpan MinimumLease = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaximumLease = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Gets or sets the name of the lock. Processes that use the same name (and collection) exclude each other; different
    /// names are independent. Default: <c>qdrant-schema</c>.
    /// </summary>
    public string LockName { get; set; } = DefaultLockName;

    /// <summary>
    /// Gets or sets the collection that holds the lock point. It is created (without vectors) when absent.
    /// Default: <c>__qdrant_schema</c>, the history collection.
    /// </summary>
    public string HistoryCollection { get; set; } = DefaultHistoryCollection;

    /// <summary>
    /// Gets or sets how long an acquisition or a renewal holds the lock. A holder that stops renewing (killed, paused,
    /// cut off) loses it after this long plus <see cref="ClockSkewMargin"/>. Between 5 seconds and 10 minutes.
    /// Default: 30 seconds.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how often the holder renews its lease in the background, or <see langword="null"/> for a third of
    /// <see cref="LeaseDuration"/>. Must be positive and at most half of <see cref="LeaseDuration"/> minus
    /// <see cref="ClockSkewMargin"/>, so that a failed renewal is retried before the holder gives the lease up.
    /// Default: <see langword="null"/> (10 seconds for the default lease).
    /// </summary>
    public TimeSpan? RenewInterval { get; set; }

    /// <summary>
    /// Gets or sets the largest difference between the clocks of two hosts that the lock tolerates. The holder considers
    /// its lease lost this long before it expires, and a taker waits this long after it expired, so hosts whose clocks
    /// differ by less than this never hold the lock at once. Zero or more, and less than half of
    /// <see cref="LeaseDuration"/>. Default: 5 seconds.
    /// </summary>
    public TimeSpan ClockSkewMargin { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets a value that lets tests use leases shorter than 5 seconds (at least 100 ms); never set in production,
    /// where a short lease only multiplies renewals and spurious losses.
    /// </summary>
    internal bool AllowShortLeaseForTesting { get; set; }

    /// <summary>Gets the renewal period in effect: <see cref="RenewInterval"/> or a third of the lease.</summary>
    internal TimeSpan EffectiveRenewInterval => RenewInterval ?? LeaseDuration / 3;

    /// <summary>Returns a copy, so that later changes by the caller do not affect a lock in use.</summary>
    internal QdrantLeaseLockOptions Clone() => (QdrantLeaseLockOptions)MemberwiseClone();

    /// <summary>Checks each option and their combination.</summary>
    /// <exception cref="ArgumentException">An option is out of range or inconsistent with another; the message names both.</exception>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(LockName) || LockName.Length > 256)
        {
            throw new ArgumentException(
                $"QdrantLeaseLockOptions.LockName must be 1 to 256 characters and not blank; it is '{LockName}'.", nameof(LockName));
        }

        if (string.IsNullOrWhiteSpace(HistoryCollection))
        {
            throw new ArgumentException("QdrantLeaseLockOptions.HistoryCollection must name a collection.", nameof(HistoryCollection));
        }

        var minimum = AllowShortLeaseForTesting ? TimeSpan.FromMilliseconds(100) : MinimumLease;
        if (LeaseDuration < minimum || LeaseDuration > MaximumLease)
        {
            throw new ArgumentException(
                $"QdrantLeaseLockOptions.LeaseDuration must be between {Format(minimum)} and {Format(MaximumLease)}; it is {Format(LeaseDuration)}.",
                nameof(LeaseDuration));
        }

        if (ClockSkewMargin < TimeSpan.Zero || ClockSkewMargin >= LeaseDuration / 2)
        {
            throw new ArgumentException(
                $"QdrantLeaseLockOptions.ClockSkewMargin must be zero or more and less than half of LeaseDuration ({Format(LeaseDuration / 2)}); " +
                $"it is {Format(ClockSkewMargin)}. Lengthen the lease or shorten the margin.",
                nameof(ClockSkewMargin));
        }

        var renew = EffectiveRenewInterval;
        var renewLimit = (LeaseDuration - ClockSkewMargin) / 2;
        if (renew <= TimeSpan.Zero || renew > renewLimit)
        {
            throw new ArgumentException(
                $"QdrantLeaseLockOptions.RenewInterval must be positive and at most (LeaseDuration - ClockSkewMargin) / 2 = {Format(renewLimit)}, " +
                $"so that a failed renewal is retried before the holder gives the lease up; it is {Format(renew)}.",
                nameof(RenewInterval));
        }
    }

    private static string Format(TimeSpan value) => value.ToString("c", CultureInfo.InvariantCulture);
}
