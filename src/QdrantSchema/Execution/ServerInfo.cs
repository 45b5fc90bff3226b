namespace QdrantSchema.Execution;

/// <summary>What the connected Qdrant can do, from its reported version (QDRANT.md §0.1).</summary>
/// <param name="Version">The version the server reports, e.g. 1.19.0.</param>
internal sealed record ServerInfo(Version Version)
{
    /// <summary>Collection metadata: in code since 1.15.4, documented from 1.16.</summary>
    public bool SupportsCollectionMetadata => Version >= new Version(1, 16, 0);

    /// <summary><c>update_mode</c> (insert_only / update_only) on upserts.</summary>
    public bool SupportsUpdateMode => Version >= new Version(1, 17, 0);

    /// <summary><c>CreateVectorName</c> / <c>DeleteVectorName</c>: adding or deleting a named vector in place.</summary>
    public bool SupportsVectorNameCrud => Version >= new Version(1, 18, 0);
}
