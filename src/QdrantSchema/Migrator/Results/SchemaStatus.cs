using System.Globalization;
using System.Text;
using QdrantSchema.History;
using QdrantSchema.Schema;

namespace QdrantSchema;

/// <summary>The schema state of every physical collection of every family: what <see cref="IQdrantMigrator.GetStatusAsync"/> returns.</summary>
public sealed class SchemaStatus
{
    internal SchemaStatus(string serverVersion, string historyCollection, DateTimeOffset checkedAt, IReadOnlyList<CollectionStatusReport> collections)
    {
        ServerVersion = serverVersion;
        HistoryCollection = historyCollection;
        CheckedAt = checkedAt;
        Collections = collections;
    }

    /// <summary>Gets the version the Qdrant server reports.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the name of the history collection that was read.</summary>
    public string HistoryCollection { get; }

    /// <summary>Gets when the status was read.</summary>
    public DateTimeOffset CheckedAt { get; }

    /// <summary>Gets one report per physical collection, ordered by family then collection.</summary>
    public IReadOnlyList<CollectionStatusReport> Collections { get; }

    /// <summary>Gets a value indicating whether every collection is at its family's latest migration with nothing failed or running.</summary>
    public bool IsUpToDate => Collections.All(c => c.IsUpToDate);

    /// <summary>Gets a value indicating whether some collection has pending migrations.</summary>
    public bool HasPending => Collections.Any(c => c.Pending.Count > 0);

    /// <summary>Gets a value indicating whether some collection has a failed migration or history that blocks migrating (a changed checksum).</summary>
    public bool HasFailures => Collections.Any(c => c.Failed is not null || c.ChecksumMismatches.Count > 0);

    /// <summary>Gets a value indicating whether some migration is recorded as running (in progress, or interrupted and waiting to be resumed).</summary>
    public bool IsRunning => Collections.Any(c => c.Running is not null);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Qdrant {ServerVersion}, history '{HistoryCollection}', {Collections.Count} collection(s)");
        text.Append(IsUpToDate ? ", all up to date" : string.Empty).AppendLine();
        foreach (var collection in Collections)
        {
            text.AppendLine(collection.ToString());
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>The schema state of one physical collection.</summary>
public sealed class CollectionStatusReport
{
    internal CollectionStatusReport(
        string family,
        string collection,
        string? alias,
        bool exists,
        string? currentVersion,
        string latestVersion,
        IReadOnlyList<string> pending,
        InterruptedMigration? failed,
        InterruptedMigration? running,
        IReadOnlyList<string> checksumMismatches,
        IReadOnlyList<string> unknownApplied,
        IReadOnlyList<string> outOfOrder,
        SchemaComparison? drift,
        string? nextAction = null)
    {
        NextAction = nextAction;
        Family = family;
        Collection = collection;
        Alias = alias;
        Exists = exists;
        CurrentVersion = currentVersion;
        LatestVersion = latestVersion;
        Pending = pending;
        Failed = failed;
        Running = running;
        ChecksumMismatches = checksumMismatches;
        UnknownApplied = unknownApplied;
        OutOfOrder = outOfOrder;
        Drift = drift;
    }

    /// <summary>Gets the family the collection belongs to.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection name (history and changes apply to it).</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets a value indicating whether the collection exists (a missing member is created by migrate).</summary>
    public bool Exists { get; }

    /// <summary>Gets the id of the last applied migration of the family, or <see langword="null"/> when none is applied.</summary>
    public string? CurrentVersion { get; }

    /// <summary>Gets the id of the family's latest migration.</summary>
    public string LatestVersion { get; }

    /// <summary>Gets the ids of the migrations not applied yet, in the order migrate runs them.</summary>
    public IReadOnlyList<string> Pending { get; }

    /// <summary>Gets the migration that failed and will be resumed from its step by the next migrate, or <see langword="null"/>.</summary>
    public InterruptedMigration? Failed { get; }

    /// <summary>Gets the migration recorded as running (in progress now, or interrupted by a crash and resumed by the next migrate), or <see langword="null"/>.</summary>
    public InterruptedMigration? Running { get; }

    /// <summary>Gets the applied migrations whose checksum differs from the code (they block migrate until accepted).</summary>
    public IReadOnlyList<string> ChecksumMismatches { get; }

    /// <summary>Gets the migrations recorded as applied that the code does not define.</summary>
    public IReadOnlyList<string> UnknownApplied { get; }

    /// <summary>Gets the pending migrations older than an applied one (refused unless out-of-order migrations are allowed).</summary>
    public IReadOnlyList<string> OutOfOrder { get; }

    /// <summary>
    /// Gets the live collection compared with the expected schema at <see cref="CurrentVersion"/>, or
    /// <see langword="null"/> when the collection is not versioned or does not exist.
    /// </summary>
    public SchemaComparison? Drift { get; }

    /// <summary>
    /// Gets the exact next step for this collection when it needs one, e.g. <c>run MigrateAsync to resume
    /// 20260101000000_X from step 3</c> or <c>run RollbackAsync("20250201000000_Y") to finish the rollback of
    /// 20260101000000_X from Down step 1</c>; <see langword="null"/> when the collection is up to date.
    /// </summary>
    public string? NextAction { get; }

    /// <summary>Gets a value indicating whether the collection is at the latest migration with nothing failed or running.</summary>
    public bool IsUpToDate => Pending.Count == 0 && Failed is null && Running is null;

    /// <summary>Gets the name for reports: <c>alias -&gt; collection</c>, or the collection.</summary>
    public string DisplayName => Alias is null ? Collection : $"{Alias} -> {Collection}";

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DisplayName} [{Family}]: ");
        text.Append(Exists ? CurrentVersion ?? "unversioned" : "does not exist");
        text.Append(Pending.Count == 0 ? ", up to date" : string.Create(CultureInfo.InvariantCulture, $", {Pending.Count} pending ({string.Join(", ", Pending)})"));
        if (Failed is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; FAILED {Failed}");
        }

        if (Running is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"; RUNNING {Running}");
        }

        if (ChecksumMismatches.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; checksum changed: {string.Join(", ", ChecksumMismatches)}");
        }

        if (UnknownApplied.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; applied but unknown to the code: {string.Join(", ", UnknownApplied)}");
        }

        if (OutOfOrder.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"; out of order: {string.Join(", ", OutOfOrder)}");
        }

        if (NextAction is not null)
        {
            text.Append("; next: ").Append(NextAction);
        }

        if (Drift is { IsIdentical: false })
        {
            text.Append(CultureInfo.InvariantCulture, $"; drift: {Drift.Errors.Count} error(s), {Drift.Warnings.Count} warning(s)");
            foreach (var difference in Drift.Errors.Concat(Drift.Warnings))
            {
                text.AppendLine().Append("    ").Append(difference);
            }
        }

        return text.ToString();
    }
}

/// <summary>A migration that started on a collection and did not finish: it failed, or it is running or was interrupted.</summary>
public sealed class InterruptedMigration
{
    internal InterruptedMigration(
        string migrationId, MigrationStatus status, int step, int stepCount, long pointsProcessed, DateTimeOffset startedAt, string? error, bool isRollback = false)
    {
        IsRollback = isRollback;
        MigrationId = migrationId;
        Status = status;
        Step = step;
        StepCount = stepCount;
        PointsProcessed = pointsProcessed;
        StartedAt = startedAt;
        Error = error;
    }

    /// <summary>Gets the migration id.</summary>
    public string MigrationId { get; }

    /// <summary>Gets the recorded status (<see cref="MigrationStatus.Running"/> or <see cref="MigrationStatus.Failed"/>).</summary>
    public MigrationStatus Status { get; }

    /// <summary>Gets the index of the operation the next run resumes at.</summary>
    public int Step { get; }

    /// <summary>Gets the number of operations of the migration.</summary>
    public int StepCount { get; }

    /// <summary>Gets the points the current data step has committed so far.</summary>
    public long PointsProcessed { get; }

    /// <summary>Gets when the migration started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets the recorded error, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>
    /// Gets a value indicating whether this is a rollback of the migration (its Down operations; <see cref="Step"/> and
    /// <see cref="StepCount"/> count Down operations) rather than applying it.
    /// </summary>
    public bool IsRollback { get; }

    /// <inheritdoc />
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{MigrationId} {(IsRollback ? "rollback at Down step" : "at step")} {Step}/{StepCount}")
           + (Error is null ? string.Empty : ": " + Error);
}
