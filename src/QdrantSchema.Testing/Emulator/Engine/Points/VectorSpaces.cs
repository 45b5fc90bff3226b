using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>The kind of values a configured vector holds.</summary>
internal enum VectorKind
{
    Dense,
    MultiDense,
    Sparse,
}

/// <summary>One configured vector of a collection: its name, kind, size, distance and storage column.</summary>
internal sealed class VectorSpace(string name, VectorKind kind, int dimension, Distance distance, VectorColumn column)
{
    public string Name { get; } = name;

    public VectorKind Kind { get; } = kind;

    /// <summary>The configured size (0 for sparse vectors).</summary>
    public int Dimension { get; } = dimension;

    /// <summary>The distance; sparse vectors score by dot product (<c>config.rs::get_distance</c>).</summary>
    public Distance Distance { get; } = distance;

    public VectorColumn Column { get; } = column;

    /// <summary>Cosine vectors are stored unit-length (<c>CosineMetric::preprocess</c>).</summary>
    public bool Normalize => Distance == Distance.Cosine;

    /// <summary>Euclid and Manhattan report distances: smaller is better.</summary>
    public bool LowerIsBetter => Distance is Distance.Euclid or Distance.Manhattan;
}

/// <summary>
/// The vectors a collection is configured with, resolved against its storage columns. Built per request from the live
/// configuration (a handful of entries), so it always follows vector-name changes made by other handlers.
/// </summary>
internal sealed class VectorSpaces
{
    private readonly Dictionary<string, VectorSpace> _byName = new(StringComparer.Ordinal);

    private VectorSpaces(CollectionStore collection)
    {
        var vectors = collection.Config.Params?.VectorsConfig;
        if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            HasSingleUnnamed = true;
            AddDense(collection, string.Empty, vectors.Params);
        }
        else if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var (vectorName, vectorParams) in vectors.ParamsMap.Map)
            {
                AddDense(collection, vectorName, vectorParams);
            }
        }

        if (collection.Config.Params?.SparseVectorsConfig is { } sparse)
        {
            foreach (var vectorName in sparse.Map.Keys)
            {
                if (collection.Points.Vectors.TryGetValue(vectorName, out var column))
                {
                    _byName[vectorName] = new VectorSpace(vectorName, VectorKind.Sparse, 0, Distance.Dot, column);
                }
            }
        }
    }

    /// <summary>True when the dense configuration is the single unnamed vector (not a map).</summary>
    public bool HasSingleUnnamed { get; }

    public IEnumerable<VectorSpace> All => _byName.Values;

    public static VectorSpaces Of(CollectionStore collection) => new(collection);

    public bool TryGet(string name, out VectorSpace space) => _byName.TryGetValue(name, out space!);

    /// <summary>
    /// The space a read (search/query <c>using</c>) names, or Qdrant's error for a name the collection lacks. The
    /// shards search before the collection merges their results, so the segment's check answers first
    /// (<c>lib/segment/src/segment/read_view/search.rs</c>: <c>Not existing vector name error: X</c>); the
    /// collection-level <c>get_distance</c> (<c>config.rs::missing_vector_error</c>) only runs in the merge
    /// (<c>lib/collection/src/collection/query.rs::merge_intermediate_results_from_shards</c>) and is never reached.
    /// </summary>
    public VectorSpace GetForQuery(string name, CollectionStore collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        return _byName.TryGetValue(name, out var space) ? space : throw EmulatorErrors.NotExistingVector(name);
    }

    /// <summary>Text of <c>CollectionParams::missing_vector_error</c> (config.rs @ v1.19.0).</summary>
    public static EmulatorException MissingVectorError(string name, CollectionStore collection)
    {
        var available = new List<string>();
        var vectors = collection.Config.Params?.VectorsConfig;
        if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            available.Add(string.Empty);
        }
        else if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            available.AddRange(vectors.ParamsMap.Map.Keys);
        }

        if (collection.Config.Params?.SparseVectorsConfig is { } sparse)
        {
            available.AddRange(sparse.Map.Keys);
        }

        if (available.Count == 0)
        {
            return EmulatorErrors.BadInput("Vectors are not configured in this collection");
        }

        if (available.Count == 1 && available[0].Length == 0)
        {
            return EmulatorErrors.BadInput($"Vector with name {name} is not configured in this collection");
        }

        var names = string.Join(", ", available);
        return name.Length == 0
            ? EmulatorErrors.BadInput($"Collection requires specified vector name in the request, available names: {names}")
            : EmulatorErrors.BadInput($"Vector with name `{name}` is not configured in this collection, available names: {names}");
    }

    private void AddDense(CollectionStore collection, string vectorName, VectorParams vectorParams)
    {
        if (!collection.Points.Vectors.TryGetValue(vectorName, out var column))
        {
            return;
        }

        var kind = column is MultiDenseVectorColumn ? VectorKind.MultiDense : VectorKind.Dense;
        _byName[vectorName] = new VectorSpace(vectorName, kind, checked((int)vectorParams.Size), vectorParams.Distance, column);
    }
}
