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

    /// <summary>The next WAL-style operation number (Qdrant's first upsert answers <c>operation_id: 0</c>).</summary>
    public ulong NextOperationId() => _nextOperationId++;

    /// <summary>The number the next operation will get, without taking it (for persistence).</summary>
    public ulong PeekOperationId
    {
        get => _nextOperationId;
        set => _nextOperationId = value;
    }
}
