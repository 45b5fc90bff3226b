namespace QdrantSchema.Schema;

/// <summary>The result of <see cref="CollectionSchema.Compare"/> or <see cref="CollectionSchema.Diff"/>.</summary>
public sealed class SchemaComparison
{
    internal SchemaComparison(IReadOnlyList<SchemaDifference> differences)
    {
        Errors = [.. differences.Where(d => d.Severity == SchemaDifferenceSeverity.Error)];
        Warnings = [.. differences.Where(d => d.Severity == SchemaDifferenceSeverity.Warning)];
    }

    /// <summary>Differences that mean the collection does not have what the schema requires.</summary>
    public IReadOnlyList<SchemaDifference> Errors { get; }

    /// <summary>Differences that do not stop the collection from working as the schema expects.</summary>
    public IReadOnlyList<SchemaDifference> Warnings { get; }

    /// <summary>True when there is at least one error.</summary>
    public bool HasErrors => Errors.Count > 0;

    /// <summary>True when there is no difference at all.</summary>
    public bool IsIdentical => Errors.Count == 0 && Warnings.Count == 0;

    /// <inheritdoc />
    public override string ToString()
        => IsIdentical ? "No differences." : string.Join(Environment.NewLine, Errors.Concat(Warnings));
}
