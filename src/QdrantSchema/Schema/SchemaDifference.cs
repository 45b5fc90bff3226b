namespace QdrantSchema.Schema;

/// <summary>How much a <see cref="SchemaDifference"/> matters.</summary>
public enum SchemaDifferenceSeverity
{
    /// <summary>The collection works but differs from the schema (an extra vector, a different HNSW m, ...).</summary>
    Warning = 0,

    /// <summary>The collection does not have what the schema requires (a missing vector or index, a size or distance mismatch, ...).</summary>
    Error = 1,
}

/// <summary>One difference between an expected schema and a live collection (or a declared and a folded schema).</summary>
public sealed class SchemaDifference
{
    internal SchemaDifference(string path, string? expected, string? actual, SchemaDifferenceSeverity severity, string message)
    {
        Path = path;
        Expected = expected;
        Actual = actual;
        Severity = severity;
        Message = message;
    }

    /// <summary>Where the difference is, in Qdrant's config terms: <c>vectors.content.size</c>, <c>payload_schema.user_id</c>, <c>hnsw_config.m</c>.</summary>
    public string Path { get; }

    /// <summary>The expected value as text, or <see langword="null"/> when the expected side has nothing there (an extra item).</summary>
    public string? Expected { get; }

    /// <summary>The actual value as text, or <see langword="null"/> when the actual side has nothing there (a missing item).</summary>
    public string? Actual { get; }

    /// <summary>Whether it is an error or a warning.</summary>
    public SchemaDifferenceSeverity Severity { get; }

    /// <summary>What differs and what to do about it.</summary>
    public string Message { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Severity}: {Message}";
}
