using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>
/// One collection: its configuration as Qdrant reports it (a <see cref="CollectionConfig"/> with defaults filled in),
/// its declared payload indexes, and its points. The engine's lock guards every member.
/// </summary>
internal sealed class CollectionStore(string name, CollectionConfig config, DateTimeOffset createdAt)
{
    private ulong _nextOperationId;

    public string Name { get; } = name;

    /// <summary>The live configuration. Handlers mutate it in place; readers get a clone.</summary>
    public CollectionConfig Config { get; set; } = config;

    /// <summary>Declared payload indexes by field path: type and params as created (<c>points</c> is computed on read).</summary>
    public Dictionary<string, PayloadSchemaInfo> PayloadSchema { get; } = new(StringComparer.Ordinal);

    public PointStore Points { get; } = new();

    public DateTimeOffset CreatedAt { get; } = createdAt;

    private bool? _hasMetadata;

    /// <summary>
    /// Whether the collection has metadata at all (Qdrant's <c>Option&lt;Payload&gt;</c> is <c>Some</c>), which an empty
    /// <see cref="CollectionConfig.Metadata"/> map cannot tell: a metadata update merges into existing metadata (nulls
    /// delete keys) but is stored verbatim when there is none. Defaults to "the map is not empty".
    /// </summary>
    public bool HasMetadata
    {
        get => _hasMetadata ?? Config.Metadata.Count > 0;
        set => _hasMetadata = value;
    }

    /// <summary>
    /// Creates a collection whose vector columns match <paramref name="config"/>: one column per dense vector (a multivector
    /// column when <c>multivector_config</c> is set; <c>""</c> for the single unnamed vector) and per sparse vector.
    /// </summary>
    public static CollectionStore FromConfig(string name, CollectionConfig config, DateTimeOffset createdAt)
    {
        var store = new CollectionStore(name, config, createdAt);
        var vectors = config.Params?.VectorsConfig;
        if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            store.AddVectorColumn(string.Empty, vectors.Params);
        }
        else if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var (vectorName, vectorParams) in vectors.ParamsMap.Map)
            {
                store.AddVectorColumn(vectorName, vectorParams);
            }
        }

        if (config.Params?.SparseVectorsConfig is { } sparse)
        {
            foreach (var vectorName in sparse.Map.Keys)
            {
                store.Points.Vectors[vectorName] = new SparseVectorColumn();
            }
        }

        return store;
    }

    /// <summary>Adds (or replaces) the storage column of a dense vector; existing points have no value for it.</summary>
    public void AddVectorColumn(string vectorName, VectorParams vectorParams)
    {
        ArgumentNullException.ThrowIfNull(vectorParams);
        Points.Vectors[vectorName] = vectorParams.MultivectorConfig is not null
            ? new MultiDenseVectorColumn(checked((int)vectorParams.Size))
            : new DenseVectorColumn(checked((int)vectorParams.Size));
    }

    /// <summary>The next WAL-style operation number (Qdrant's first upsert answers <c>operation_id: 0</c>).</summary>
    public ulong NextOperationId() => _nextOperationId++;

    /// <summary>The number the next operation will get, without taking it (for persistence).</summary>
    public ulong PeekOperationId
    {
        get => _nextOperationId;
        set => _nextOperationId = value;
    }
}
