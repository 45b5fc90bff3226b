using System.Globalization;
using System.Text;

namespace QdrantSchema;

/// <summary>What happened to one collection in a migrate run.</summary>
public enum CollectionRunOutcome
{
    /// <summary>Every pending migration up to the target was applied.</summary>
    Succeeded = 0,

    /// <summary>The collection was already at the target.</summary>
    NothingToDo = 1,

    /// <summary>A migration failed; the history records where, and the next run resumes from there.</summary>
    Failed = 2,

    /// <summary>Not migrated (or stopped between migrations) because another collection failed and <see cref="QdrantMigratorOptions.ContinueOnCollectionFailure"/> is off, or because the collection is past the target.</summary>
    Skipped = 3,
}

/// <summary>The result of <see cref="IQdrantMigrator.MigrateAsync"/>.</summary>
public sealed class MigrationRunResult
{
    internal MigrationRunResult(string? targetVersion, DateTimeOffset startedAt, DateTimeOffset finishedAt, IReadOnlyList<CollectionRunResult> collections)
    {
        TargetVersion = targetVersion;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Collections = collections;
    }

    /// <summary>Gets the requested target migration, or <see langword="null"/> for the latest of every family.</summary>
    public string? TargetVersion { get; }

    /// <summary>Gets when the run started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset FinishedAt { get; }

    /// <summary>Gets how long the run took.</summary>
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>Gets one result per physical collection, ordered by family then collection.</summary>
    public IReadOnlyList<CollectionRunResult> Collections { get; }

    /// <summary>Gets a value indicating whether every collection succeeded or had nothing to do.</summary>
    public bool Succeeded => Collections.All(c => c.Outcome is CollectionRunOutcome.Succeeded or CollectionRunOutcome.NothingToDo);

    /// <summary>Gets the number of migrations applied across all collections.</summary>
    public int AppliedCount => Collections.Sum(c => c.AppliedMigrations.Count);

    /// <summary>Throws when a collection failed or was skipped.</summary>
    /// <exception cref="QdrantMigrationFailedException">The first failed collection's error (with its cause), naming every failed collection.</exception>
    public void ThrowIfFailed()
    {
        if (Succeeded)
        {
            return;
        }

        var failed = Collections.Where(c => c.Outcome is CollectionRunOutcome.Failed or CollectionRunOutcome.Skipped).ToList();
        var first = failed.FirstOrDefault(c => c.Outcome == CollectionRunOutcome.Failed) ?? failed[0];
        var message = new StringBuilder("The migration run did not complete: ");
        message.AppendJoin("; ", failed.Select(c => $"{c.DisplayName}: {c.Outcome} ({c.Error})"));
        if (first.FailedMigrationId is not null)
        {
            throw new QdrantMigrationFailedException(message.ToString(), first.FailedMigrationId, first.Collection, first.FailedStep ?? 0, first.Cause);
        }

        throw new QdrantMigrationFailedException(message.ToString(), first.Cause);
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Migration run {(Succeeded ? "succeeded" : "FAILED")}: {AppliedCount} migration(s) applied to {Collections.Count} collection(s) in {Duration.TotalSeconds:F2}s");
        if (TargetVersion is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" (target {TargetVersion})");
        }

        foreach (var collection in Collections)
        {
            text.AppendLine().Append(collection);
        }

        return text.ToString();
    }
}

/// <summary>What a migrate run did to one physical collection.</summary>
public sealed class CollectionRunResult
{
    internal CollectionRunResult(
        string family,
        string collection,
        string? alias,
        CollectionRunOutcome outcome,
        IReadOnlyList<string> appliedMigrations,
        string? version,
        string? failedMigrationId,
        int? failedStep,
        string? error,
        TimeSpan duration,
        Exception? cause,
        IReadOnlyList<string>? reverted = null)
    {
        Reverted = reverted ?? [];
        Family = family;
        Collection = collection;
        Alias = alias;
        Outcome = outcome;
        AppliedMigrations = appliedMigrations;
        Version = version;
        FailedMigrationId = failedMigrationId;
        FailedStep = failedStep;
        Error = error;
        Duration = duration;
        Cause = cause;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets what happened.</summary>
    public CollectionRunOutcome Outcome { get; }

    /// <summary>Gets the migrations applied by this run, in order.</summary>
    public IReadOnlyList<string> AppliedMigrations { get; }

    /// <summary>Gets the last applied migration after the run, or <see langword="null"/> when none is applied.</summary>
    public string? Version { get; }

    /// <summary>Gets the migration that failed, or <see langword="null"/>.</summary>
    public string? FailedMigrationId { get; }

    /// <summary>Gets the step of the migration that failed (the next run resumes there), or <see langword="null"/>.</summary>
    public int? FailedStep { get; }

    /// <summary>Gets the error message when the collection failed or was skipped, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>Gets how long the collection took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>
    /// Gets the completed operations of the failed migration that <see cref="MigrationFailurePolicy.RevertMigration"/>
    /// undid, newest first (e.g. <c>step 1 CreatePayloadIndex 'b' (undone by DeletePayloadIndex 'b')</c>); empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Reverted { get; }

    /// <summary>Gets the name for reports: <c>alias -&gt; collection</c>, or the collection.</summary>
    public string DisplayName => Alias is null ? Collection : $"{Alias} -> {Collection}";

    /// <summary>The exception behind a failure (not serialized).</summary>
    internal Exception? Cause { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DisplayName} [{Family}]: {Outcome}");
        if (AppliedMigrations.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", applied {string.Join(", ", AppliedMigrations)}");
        }

        text.Append(CultureInfo.InvariantCulture, $", now at {Version ?? "(none)"}");
        if (Error is not null)
        {
            text.Append(": ").Append(Error);
        }

        return text.ToString();
    }
}
