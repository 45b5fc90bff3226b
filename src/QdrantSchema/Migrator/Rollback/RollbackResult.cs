using System.Globalization;
using System.Text;

namespace QdrantSchema;

/// <summary>The result of <see cref="IQdrantMigrator.RollbackAsync"/>.</summary>
public sealed class RollbackResult
{
    internal RollbackResult(string targetVersion, DateTimeOffset startedAt, DateTimeOffset finishedAt, IReadOnlyList<CollectionRollbackResult> collections)
    {
        TargetVersion = targetVersion;
        StartedAt = startedAt;
        FinishedAt = finishedAt;
        Collections = collections;
    }

    /// <summary>Gets the migration the family was rolled back to.</summary>
    public string TargetVersion { get; }

    /// <summary>Gets when the rollback started.</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Gets when the rollback finished.</summary>
    public DateTimeOffset FinishedAt { get; }

    /// <summary>Gets how long the rollback took.</summary>
    public TimeSpan Duration => FinishedAt - StartedAt;

    /// <summary>Gets one result per physical collection of the target's family, ordered by collection.</summary>
    public IReadOnlyList<CollectionRollbackResult> Collections { get; }

    /// <summary>Gets a value indicating whether every collection was rolled back or had nothing to undo.</summary>
    public bool Succeeded => Collections.All(c => c.Outcome is CollectionRunOutcome.Succeeded or CollectionRunOutcome.NothingToDo);

    /// <summary>Gets the number of migrations rolled back across all collections.</summary>
    public int RolledBackCount => Collections.Sum(c => c.RolledBackMigrations.Count);

    /// <summary>Gets what the rollback could not restore, per collection (e.g. the data of a vector that Down deleted).</summary>
    public IReadOnlyList<string> Warnings => [.. Collections.SelectMany(c => c.Warnings.Select(w => $"{c.DisplayName}: {w}"))];

    /// <summary>Throws when a collection failed.</summary>
    /// <exception cref="QdrantMigrationFailedException">The first failed collection's error (with its cause), naming every failed collection.</exception>
    public void ThrowIfFailed()
    {
        if (Succeeded)
        {
            return;
        }

        var failed = Collections.Where(c => c.Outcome is CollectionRunOutcome.Failed or CollectionRunOutcome.Skipped).ToList();
        var first = failed.FirstOrDefault(c => c.Outcome == CollectionRunOutcome.Failed) ?? failed[0];
        var message = new StringBuilder("The rollback did not complete: ");
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
        text.Append(CultureInfo.InvariantCulture, $"Rollback to {TargetVersion} {(Succeeded ? "succeeded" : "FAILED")}: {RolledBackCount} migration(s) rolled back on {Collections.Count} collection(s) in {Duration.TotalSeconds:F2}s");
        foreach (var collection in Collections)
        {
            text.AppendLine().Append(collection);
        }

        return text.ToString();
    }
}

/// <summary>What a rollback did to one physical collection.</summary>
public sealed class CollectionRollbackResult
{
    internal CollectionRollbackResult(
        string family,
        string collection,
        string? alias,
        CollectionRunOutcome outcome,
        IReadOnlyList<string> rolledBackMigrations,
        string? version,
        string? failedMigrationId,
        int? failedStep,
        string? error,
        IReadOnlyList<string> warnings,
        TimeSpan duration,
        Exception? cause)
    {
        Family = family;
        Collection = collection;
        Alias = alias;
        Outcome = outcome;
        RolledBackMigrations = rolledBackMigrations;
        Version = version;
        FailedMigrationId = failedMigrationId;
        FailedStep = failedStep;
        Error = error;
        Warnings = warnings;
        Duration = duration;
        Cause = cause;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets what happened (<see cref="CollectionRunOutcome.Succeeded"/>: every migration after the target was rolled back).</summary>
    public CollectionRunOutcome Outcome { get; }

    /// <summary>Gets the migrations rolled back by this run, newest first.</summary>
    public IReadOnlyList<string> RolledBackMigrations { get; }

    /// <summary>Gets the last applied migration after the run, or <see langword="null"/> when none is applied.</summary>
    public string? Version { get; }

    /// <summary>Gets the migration whose rollback failed, or <see langword="null"/>.</summary>
    public string? FailedMigrationId { get; }

    /// <summary>Gets the Down step the failed rollback resumes from, or <see langword="null"/>.</summary>
    public int? FailedStep { get; }

    /// <summary>Gets the error when the collection failed, or <see langword="null"/>.</summary>
    public string? Error { get; }

    /// <summary>Gets what the rolled-back migrations' Down could not restore (data that is gone).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Gets how long the collection took.</summary>
    public TimeSpan Duration { get; }

    /// <summary>Gets the name for reports: <c>alias -&gt; collection</c>, or the collection.</summary>
    public string DisplayName => Alias is null ? Collection : $"{Alias} -> {Collection}";

    /// <summary>The exception behind a failure (not serialized).</summary>
    internal Exception? Cause { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{DisplayName} [{Family}]: {Outcome}");
        if (RolledBackMigrations.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $", rolled back {string.Join(", ", RolledBackMigrations)}");
        }

        text.Append(CultureInfo.InvariantCulture, $", now at {Version ?? "(none)"}");
        foreach (var warning in Warnings)
        {
            text.AppendLine().Append("  WARNING: ").Append(warning);
        }

        if (Error is not null)
        {
            text.Append(": ").Append(Error);
        }

        return text.ToString();
    }
}

/// <summary>A dry run of <see cref="IQdrantMigrator.RollbackAsync"/>: the Down operations per collection, warnings and refusals.</summary>
public sealed class RollbackPlan
{
    internal RollbackPlan(string serverVersion, string targetVersion, IReadOnlyList<CollectionRollbackPlan> collections)
    {
        ServerVersion = serverVersion;
        TargetVersion = targetVersion;
        Collections = collections;
    }

    /// <summary>Gets the version the Qdrant server reports.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the migration the family would be rolled back to.</summary>
    public string TargetVersion { get; }

    /// <summary>Gets one plan per physical collection of the target's family, ordered by collection.</summary>
    public IReadOnlyList<CollectionRollbackPlan> Collections { get; }

    /// <summary>Gets a value indicating whether no collection has anything to undo.</summary>
    public bool IsEmpty => Collections.All(c => c.Migrations.Count == 0);

    /// <summary>Gets a value indicating whether the rollback would be refused (nothing would change).</summary>
    public bool HasRefusals => Collections.Any(c => c.Refusals.Count > 0);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Rollback plan against Qdrant {ServerVersion} (to {TargetVersion})");
        text.Append(IsEmpty ? ": nothing to undo" : string.Empty);
        foreach (var collection in Collections)
        {
            text.AppendLine().Append(collection);
        }

        return text.ToString();
    }
}

/// <summary>What a rollback would do to one physical collection.</summary>
public sealed class CollectionRollbackPlan
{
    internal CollectionRollbackPlan(
        string family, string collection, string? alias, string? currentVersion, string? targetVersion, IReadOnlyList<PlannedRollback> migrations, IReadOnlyList<string> refusals)
    {
        Family = family;
        Collection = collection;
        Alias = alias;
        CurrentVersion = currentVersion;
        TargetVersion = targetVersion;
        Migrations = migrations;
        Refusals = refusals;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets the last applied migration, or <see langword="null"/>.</summary>
    public string? CurrentVersion { get; }

    /// <summary>Gets the migration the collection would be at afterwards.</summary>
    public string? TargetVersion { get; }

    /// <summary>Gets the migrations that would be rolled back, newest first.</summary>
    public IReadOnlyList<PlannedRollback> Migrations { get; }

    /// <summary>Gets why the rollback would be refused (an irreversible migration, a half-applied one, an old server...).</summary>
    public IReadOnlyList<string> Refusals { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var name = Alias is null ? Collection : $"{Alias} -> {Collection}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name} [{Family}]: {CurrentVersion ?? "(none)"} -> {TargetVersion ?? "(none)"}");
        if (Migrations.Count == 0)
        {
            text.Append(", nothing to undo");
        }

        foreach (var refusal in Refusals)
        {
            text.AppendLine().Append("  REFUSED: ").Append(refusal);
        }

        foreach (var migration in Migrations)
        {
            text.AppendLine().Append(migration);
        }

        return text.ToString();
    }
}

/// <summary>One migration a rollback would undo.</summary>
public sealed class PlannedRollback
{
    internal PlannedRollback(
        string id, string description, bool isReversible, IReadOnlyList<string> irreversibleReasons, IReadOnlyList<string> warnings, int? resumesAtStep, IReadOnlyList<PlannedOperation> operations)
    {
        Id = id;
        Description = description;
        IsReversible = isReversible;
        IrreversibleReasons = irreversibleReasons;
        Warnings = warnings;
        ResumesAtStep = resumesAtStep;
        Operations = operations;
    }

    /// <summary>Gets the migration id.</summary>
    public string Id { get; }

    /// <summary>Gets the description.</summary>
    public string Description { get; }

    /// <summary>Gets a value indicating whether the migration has a complete Down (generated or written).</summary>
    public bool IsReversible { get; }

    /// <summary>Gets why the migration cannot be undone (empty when it can).</summary>
    public IReadOnlyList<string> IrreversibleReasons { get; }

    /// <summary>Gets what Down cannot restore (e.g. the data of a vector it deletes).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>Gets the Down step an interrupted rollback resumes at, or <see langword="null"/> when it starts from the beginning.</summary>
    public int? ResumesAtStep { get; }

    /// <summary>Gets the Down operations, in the order they run (empty when irreversible).</summary>
    public IReadOnlyList<PlannedOperation> Operations { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  undo {Id}: {Description}");
        if (!IsReversible)
        {
            text.Append(" IRREVERSIBLE: ").Append(string.Join("; ", IrreversibleReasons));
        }

        if (ResumesAtStep is { } step)
        {
            text.Append(CultureInfo.InvariantCulture, $" [resumes at Down step {step}]");
        }

        foreach (var warning in Warnings)
        {
            text.AppendLine().Append("    WARNING: ").Append(warning);
        }

        foreach (var operation in Operations)
        {
            text.AppendLine().Append("    ").Append(operation);
        }

        return text.ToString();
    }
}
