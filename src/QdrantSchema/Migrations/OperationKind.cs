namespace QdrantSchema.Migrations;

/// <summary>
/// How an operation changes a collection. A migration is classed by the heaviest of its operations
/// (<see cref="MetadataOnly"/> &lt; <see cref="InPlaceData"/> &lt; <see cref="Rebuild"/>).
/// </summary>
public enum OperationKind
{
    /// <summary>Changes the collection's configuration, indexes, vectors' declarations, metadata or aliases; no point is rewritten.</summary>
    MetadataOnly = 0,

    /// <summary>Reads and rewrites points in place (payload transforms, vector fills, point deletes).</summary>
    InPlaceData = 1,

    /// <summary>
    /// A change Qdrant cannot make in place (a vector's size, distance, datatype or multivector setting, or the shard
    /// number): the collection must be rebuilt.
    /// </summary>
    Rebuild = 2,
}
