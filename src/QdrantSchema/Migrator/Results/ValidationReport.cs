using System.Globalization;
using System.Text;
using QdrantSchema.Schema;

namespace QdrantSchema;

/// <summary>
/// The result of <see cref="IQdrantMigrator.ValidateAsync"/>: each live collection compared with the expected schema at
/// its recorded version, and each family's declared schema compared with the fold of its migrations.
/// </summary>
public sealed class ValidationReport
{
    internal ValidationReport(IReadOnlyList<CollectionValidation> collections, IReadOnlyList<FamilyValidation> families)
    {
        Collections = collections;
        Families = families;
    }

    /// <summary>Gets one entry per physical collection.</summary>
    public IReadOnlyList<CollectionValidation> Collections { get; }

    /// <summary>Gets one entry per family.</summary>
    public IReadOnlyList<FamilyValidation> Families { get; }

    /// <summary>Gets a value indicating whether there is no error (warnings allowed) in any collection or family.</summary>
    public bool IsValid => Collections.All(c => c.IsValid) && Families.All(f => f.IsValid);

    /// <inheritdoc />
    public override string ToString()
    {
        var text = new StringBuilder(IsValid ? "Schema valid." : "Schema INVALID.");
        foreach (var family in Families)
        {
            text.AppendLine().Append(family);
        }

        foreach (var collection in Collections)
        {
            text.AppendLine().Append(collection);
        }

        return text.ToString();
    }
}

/// <summary>One live collection compared with the expected schema at its recorded version.</summary>
public sealed class CollectionValidation
{
    internal CollectionValidation(string family, string collection, string? alias, bool exists, string? recordedVersion, SchemaComparison? comparison, string? problem)
    {
        Family = family;
        Collection = collection;
        Alias = alias;
        Exists = exists;
        RecordedVersion = recordedVersion;
        Comparison = comparison;
        Problem = problem;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the alias the family knows the collection by, or <see langword="null"/>.</summary>
    public string? Alias { get; }

    /// <summary>Gets a value indicating whether the collection exists.</summary>
    public bool Exists { get; }

    /// <summary>Gets the last applied migration according to the history, or <see langword="null"/>.</summary>
    public string? RecordedVersion { get; }

    /// <summary>Gets the comparison with the expected schema at <see cref="RecordedVersion"/>, or <see langword="null"/> when there is nothing to compare.</summary>
    public SchemaComparison? Comparison { get; }

    /// <summary>Gets why the collection could not be compared (for example, it exists but has no history: baseline it), or <see langword="null"/>.</summary>
    public string? Problem { get; }

    /// <summary>Gets a value indicating whether the collection has no error and no problem.</summary>
    public bool IsValid => Problem is null && Comparison is not { HasErrors: true };

    /// <inheritdoc />
    public override string ToString()
    {
        var name = Alias is null ? Collection : $"{Alias} -> {Collection}";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{name} [{Family}] at {RecordedVersion ?? "(none)"}: ");
        if (Problem is not null)
        {
            text.Append(Problem);
        }
        else if (Comparison is null)
        {
            text.Append("nothing to compare");
        }
        else if (Comparison.IsIdentical)
        {
            text.Append("matches");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{Comparison.Errors.Count} error(s), {Comparison.Warnings.Count} warning(s)");
            foreach (var difference in Comparison.Errors.Concat(Comparison.Warnings))
            {
                text.AppendLine().Append("    ").Append(difference);
            }
        }

        return text.ToString();
    }
}

/// <summary>A family's declared schema compared with the fold of its migrations ("pending model changes").</summary>
public sealed class FamilyValidation
{
    internal FamilyValidation(string family, string latestVersion, SchemaComparison? pendingModelChanges)
    {
        Family = family;
        LatestVersion = latestVersion;
        PendingModelChanges = pendingModelChanges;
    }

    /// <summary>Gets the family.</summary>
    public string Family { get; }

    /// <summary>Gets the id of the family's latest migration.</summary>
    public string LatestVersion { get; }

    /// <summary>
    /// Gets the difference between <see cref="CollectionFamily.DeclaredSchema"/> and the fold of the migrations, or
    /// <see langword="null"/> when the family declares no schema. A difference is a change nobody wrote a migration for.
    /// </summary>
    public SchemaComparison? PendingModelChanges { get; }

    /// <summary>Gets a value indicating whether the declared schema differs from the fold.</summary>
    public bool HasPendingModelChanges => PendingModelChanges is { IsIdentical: false };

    /// <summary>Gets a value indicating whether the declared schema has no error against the fold.</summary>
    public bool IsValid => PendingModelChanges is not { HasErrors: true };

    /// <inheritdoc />
    public override string ToString()
    {
        if (PendingModelChanges is null)
        {
            return $"Family '{Family}' at {LatestVersion}: no declared schema";
        }

        if (PendingModelChanges.IsIdentical)
        {
            return $"Family '{Family}' at {LatestVersion}: declared schema matches the migrations";
        }

        return $"Family '{Family}' at {LatestVersion}: pending model changes (write a migration for them):{Environment.NewLine}    "
            + string.Join(Environment.NewLine + "    ", PendingModelChanges.Errors.Concat(PendingModelChanges.Warnings));
    }
}
