using QdrantSchema.Schema;

namespace QdrantSchema;

/// <summary>
/// A collection family: one schema shared by many physical collections, e.g. every bot's
/// <c>whisperengine_memory_{bot}</c>. Migrations name their family (<c>[Migration(id, Family = "memories")]</c>);
/// the family says which collections it has. Members come from any mix of explicit names, a pattern over the
/// server's collections and aliases, and a resolver the host provides. An alias is resolved to its physical
/// collection: history and changes apply to the physical collection, reports show both names.
/// </summary>
public sealed class CollectionFamily
{
    /// <summary>Initializes a new instance of the <see cref="CollectionFamily"/> class.</summary>
    /// <param name="name">The family name migrations refer to.</param>
    public CollectionFamily(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>Gets the family name migrations refer to.</summary>
    public string Name { get; }

    /// <summary>
    /// Gets the collections named explicitly (physical names or aliases). A name that does not exist yet is created by
    /// the family's first migration and brought to the latest version. Default: empty.
    /// </summary>
    public IList<string> Collections { get; } = [];

    /// <summary>
    /// Gets or sets a pattern matched against the server's collection and alias names (<c>*</c> any run of
    /// characters, <c>?</c> one character), e.g. <c>whisperengine_memory_*</c>. Default: <see langword="null"/>.
    /// </summary>
    public string? Pattern { get; set; }

    /// <summary>
    /// Gets or sets a resolver the host provides (e.g. from its configured list of bots) returning collection names
    /// that must exist; missing ones are created at the latest version. Default: <see langword="null"/>.
    /// </summary>
    public Func<CancellationToken, ValueTask<IEnumerable<string>>>? Resolver { get; set; }

    /// <summary>
    /// Gets or sets the schema the application code expects (vectors, indexes). When set, the engine reports any
    /// difference from the fold of the family's migrations: a change nobody wrote a migration for. Default:
    /// <see langword="null"/>.
    /// </summary>
    public CollectionSchema? DeclaredSchema { get; set; }
}
