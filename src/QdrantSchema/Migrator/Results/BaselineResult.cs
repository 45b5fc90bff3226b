using System.Globalization;
using System.Text;
using QdrantSchema.Schema;

namespace QdrantSchema;

/// <summary>What a baseline did to one collection.</summary>
public enum BaselineOutcome
{
    /// <summary>A version was recorded (detected, or the explicit one).</summary>
    Recorded = 0,

    /// <summary>The collection already has history; nothing was recorded.</summary>
    AlreadyVersioned = 1,

    /// <summary>No version's expected schema matches the live collection; nothing was recorded (see the comparison with the latest).</summary>
    NoMatch = 2,

    /// <summary>The collection does not exist; migrate creates it.</summary>
    Missing = 3,
}

/// <summary>The result of <see cref="IQdrantMigrator.BaselineAsync"/>.</summary>
public sealed class BaselineResult
{
    internal BaselineResult(IReadOnlyList<CollectionBaseline> collections)
    {
        Collections = collections;
    }

    /// <summary>Gets one entry per physical collection considered.</summary>
    public IReadOnlyList<CollectionBaseline> Collections { get; }

    /// <inheritdoc />
    public override string ToString()
        => string.Join(Environment.NewLine, Collections.Select(c => c.ToString()).Prepend(
            string.Create(CultureInfo.InvariantCulture, $"Baseline: {Collections.Count(c => c.Outcome == BaselineOutcome.Recorded)} of {Collections.Count} collection(s) recorded")));
}

/// <summary>What a baseline found and recorded for one physical collection.</summary>
public sealed class CollectionBaseline
{
    internal CollectionBaseline(string family, string collection, string? alias, BaselineOutcome outcome, string? version, SchemaComparison? comparison)
    {
        Family = family;
        Collection = collection;
        Alias = alias;
        Outcome = outcome;
        Version = version;
        Comparison = comparison;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets what happened.</summary>
    public BaselineOutcome Outcome { get; }

    /// <summary>Gets the recorded version (or the already recorded one), or <see langword="null"/>.</summary>
    public string? Version { get; }

    /// <summary>
    /// Gets the live collection compared with the expected schema at <see cref="Version"/>; for
    /// <see cref="BaselineOutcome.NoMatch"/>, compared with the family's latest schema. <see langword="null"/> otherwise.
    /// </summary>
    public SchemaComparison? Comparison { get; }

    /// <inheritdoc />
    public override string ToString()
    {
        var name = Alias is null ? Collection : $"{Alias} -> {Collection}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name} [{Family}]: {Outcome}");
        if (Version is not null)
        {
            text.Append(" at ").Append(Version);
        }

        if (Comparison is { IsIdentical: false })
        {
            foreach (var difference in Comparison.Errors.Concat(Comparison.Warnings))
            {
                text.AppendLine().Append("    ").Append(difference);
            }
        }

        return text.ToString();
    }
}
