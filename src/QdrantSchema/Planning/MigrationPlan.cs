using System.Globalization;
using System.Text;
using QdrantSchema.Migrations;

namespace QdrantSchema;

/// <summary>
/// A dry run: per physical collection, the migrations migrate would run, in order, each operation classed, with the
/// points a data step would touch and the reasons an operation would be refused. Nothing was written.
/// </summary>
public sealed class MigrationPlan
{
    internal MigrationPlan(string serverVersion, string? targetVersion, IReadOnlyList<CollectionPlan> collections)
    {
        ServerVersion = serverVersion;
        TargetVersion = targetVersion;
        Collections = collections;
    }

    /// <summary>Gets the version the Qdrant server reports.</summary>
    public string ServerVersion { get; }

    /// <summary>Gets the requested target migration, or <see langword="null"/> for the latest of every family.</summary>
    public string? TargetVersion { get; }

    /// <summary>Gets one plan per physical collection in scope, ordered by family then collection.</summary>
    public IReadOnlyList<CollectionPlan> Collections { get; }

    /// <summary>Gets a value indicating whether no collection has anything to run.</summary>
    public bool IsEmpty => Collections.All(c => c.Migrations.Count == 0);

    /// <summary>Gets a value indicating whether migrate would refuse: an operation is refused or the history blocks.</summary>
    public bool HasRefusals => Collections.Any(c => c.Blockers.Count > 0 || c.Migrations.Any(m => m.Operations.Any(o => o.Refusal is not null)));

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Plan against Qdrant {ServerVersion}");
        text.Append(TargetVersion is null ? " (to latest)" : $" (to {TargetVersion})");
        text.Append(IsEmpty ? ": nothing to do" : string.Empty);
        foreach (var collection in Collections)
        {
            text.AppendLine().Append(collection);
        }

        return text.ToString();
    }
}

/// <summary>What migrate would do to one physical collection.</summary>
public sealed class CollectionPlan
{
    internal CollectionPlan(
        string family,
        string collection,
        string? alias,
        string? currentVersion,
        string? targetVersion,
        bool willCreate,
        IReadOnlyList<PlannedMigration> migrations,
        IReadOnlyList<string> blockers)
    {
        Family = family;
        Collection = collection;
        Alias = alias;
        CurrentVersion = currentVersion;
        TargetVersion = targetVersion;
        WillCreate = willCreate;
        Migrations = migrations;
        Blockers = blockers;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection (or the name it will be created with).</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets the last applied migration, or <see langword="null"/>.</summary>
    public string? CurrentVersion { get; }

    /// <summary>Gets the migration the collection would be at afterwards.</summary>
    public string? TargetVersion { get; }

    /// <summary>Gets a value indicating whether the collection does not exist and the first migration creates it.</summary>
    public bool WillCreate { get; }

    /// <summary>Gets the migrations that would run, in order.</summary>
    public IReadOnlyList<PlannedMigration> Migrations { get; }

    /// <summary>
    /// Gets the migration before which migrate would snapshot the collection (once per run; see
    /// <see cref="MigrationSnapshotOptions"/>), or <see langword="null"/> when it would take none: snapshots are off,
    /// the collection does not exist yet, or every pending migration opts out.
    /// </summary>
    public string? SnapshotBefore { get; internal init; }

    /// <summary>Gets history problems that make migrate refuse (changed checksums, out-of-order or unknown migrations under a failing policy, a collection past the target).</summary>
    public IReadOnlyList<string> Blockers { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var name = Alias is null ? Collection : $"{Alias} -> {Collection}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name} [{Family}]: {CurrentVersion ?? "(none)"} -> {TargetVersion ?? "(none)"}");
        if (WillCreate)
        {
            text.Append(" (will be created)");
        }

        if (Migrations.Count == 0)
        {
            text.Append(", nothing to do");
        }

        foreach (var blocker in Blockers)
        {
            text.AppendLine().Append("  BLOCKED: ").Append(blocker);
        }

        foreach (var migration in Migrations)
        {
            if (string.Equals(migration.Id, SnapshotBefore, StringComparison.Ordinal))
            {
                text.AppendLine().Append("  snapshot before ").Append(migration.Id);
            }

            text.AppendLine().Append(migration);
        }

        return text.ToString();
    }
}

/// <summary>One migration migrate would run.</summary>
public sealed class PlannedMigration
{
    internal PlannedMigration(string id, string description, OperationKind kind, int? resumesAtStep, IReadOnlyList<PlannedOperation> operations)
    {
        Id = id;
        Description = description;
        Kind = kind;
        ResumesAtStep = resumesAtStep;
        Operations = operations;
    }

    /// <summary>Gets the migration id.</summary>
    public string Id { get; }

    /// <summary>Gets the description.</summary>
    public string Description { get; }

    /// <summary>Gets the heaviest kind of its operations.</summary>
    public OperationKind Kind { get; }

    /// <summary>Gets the step an interrupted run resumes at, or <see langword="null"/> when it starts from the beginning.</summary>
    public int? ResumesAtStep { get; }

    /// <summary>Gets every operation of the migration, in order (those before <see cref="ResumesAtStep"/> are already done).</summary>
    public IReadOnlyList<PlannedOperation> Operations { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"  {Id} ({Kind}): {Description}");
        if (ResumesAtStep is { } step)
        {
            text.Append(CultureInfo.InvariantCulture, $" [resumes at step {step}]");
        }

        foreach (var operation in Operations)
        {
            text.AppendLine().Append("    ").Append(operation);
        }

        return text.ToString();
    }
}

/// <summary>One operation of a planned migration.</summary>
public sealed class PlannedOperation
{
    internal PlannedOperation(int step, string description, OperationKind kind, bool isDestructive, long? pointsAffected, string? refusal)
    {
        Step = step;
        Description = description;
        Kind = kind;
        IsDestructive = isDestructive;
        PointsAffected = pointsAffected;
        Refusal = refusal;
    }

    /// <summary>Gets the operation's index in the migration.</summary>
    public int Step { get; }

    /// <summary>Gets what the operation does, e.g. <c>AddVector 'relationship'</c>.</summary>
    public string Description { get; }

    /// <summary>Gets how heavy it is.</summary>
    public OperationKind Kind { get; }

    /// <summary>Gets a value indicating whether it loses data.</summary>
    public bool IsDestructive { get; }

    /// <summary>Gets how many points a data step would touch now (with its filter), or <see langword="null"/> for schema operations.</summary>
    public long? PointsAffected { get; }

    /// <summary>Gets why migrate would refuse this operation (an old server, a rebuild needed), or <see langword="null"/>.</summary>
    public string? Refusal { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Step}. {Description} [{Kind}]");
        if (IsDestructive)
        {
            text.Append(" (destructive)");
        }

        if (PointsAffected is { } points)
        {
            text.Append(CultureInfo.InvariantCulture, $", {points} point(s)");
        }

        if (Refusal is not null)
        {
            text.Append(" REFUSED: ").Append(Refusal);
        }

        return text.ToString();
    }
}
