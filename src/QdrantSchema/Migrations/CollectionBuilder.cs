using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

// on_disk is deprecated since Qdrant 1.19 (replaced by `memory`) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Migrations;

/// <summary>
/// Declares a collection in <see cref="MigrationBuilder.CreateCollection"/>. Everything not set is left to the
/// server's defaults and is not part of the expected schema. Every proto passed in is copied.
/// </summary>
public sealed class CollectionBuilder
{
    internal CollectionBuilder()
    {
    }

    internal CollectionDefinition Definition { get; } = new();

    /// <summary>Adds a dense vector. Use <c>""</c> as the name for a collection's single unnamed vector.</summary>
    /// <param name="name">The vector name (at most 200 bytes; no <c>&lt; &gt; : " / \ | ? *</c>).</param>
    /// <param name="size">The dimension, 1 to 65536.</param>
    /// <param name="distance">The distance function.</param>
    /// <param name="configure">Optional datatype, multivector, on_disk, HNSW and quantization settings.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder AddVector(string name, ulong size, Distance distance, Action<VectorBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Definition.DeclaredNames.Add(name);
        Definition.Vectors[name] = MigrationBuilder.BuildVector(size, distance, configure);
        return this;
    }

    /// <summary>Adds a sparse vector.</summary>
    /// <param name="name">The sparse vector name (not empty).</param>
    /// <param name="modifier">An optional modifier, such as <see cref="Modifier.Idf"/>. Default: none.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder AddSparseVector(string name, Modifier? modifier = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        Definition.DeclaredNames.Add(name);
        Definition.SparseVectors[name] = MigrationBuilder.BuildSparse(modifier);
        return this;
    }

    /// <summary>Collection-level HNSW settings. Default: the server's (m 16, ef_construct 100).</summary>
    /// <param name="hnsw">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder Hnsw(HnswConfigDiff hnsw)
    {
        ArgumentNullException.ThrowIfNull(hnsw);
        Definition.Hnsw = hnsw.Clone();
        return this;
    }

    /// <summary>Optimizer settings. Default: the server's.</summary>
    /// <param name="optimizers">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder Optimizers(OptimizersConfigDiff optimizers)
    {
        ArgumentNullException.ThrowIfNull(optimizers);
        Definition.Optimizers = optimizers.Clone();
        return this;
    }

    /// <summary>Collection-level quantization. Default: none.</summary>
    /// <param name="quantization">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder Quantization(QuantizationConfig quantization)
    {
        ArgumentNullException.ThrowIfNull(quantization);
        Definition.Quantization = quantization.Clone();
        return this;
    }

    /// <summary>Strict mode settings. Default: the server's (off).</summary>
    /// <param name="strictMode">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder StrictMode(StrictModeConfig strictMode)
    {
        ArgumentNullException.ThrowIfNull(strictMode);
        Definition.StrictMode = strictMode.Clone();
        return this;
    }

    /// <summary>The number of shards. Default: the server's (1 on a single node). Needs a rebuild to change later.</summary>
    /// <param name="shardNumber">At least 1.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder ShardNumber(uint shardNumber)
    {
        Definition.ShardNumber = shardNumber;
        return this;
    }

    /// <summary>The replication factor. Default: the server's (1).</summary>
    /// <param name="replicationFactor">The number of replicas of each shard.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder ReplicationFactor(uint replicationFactor)
    {
        (Definition.Params ??= new CollectionParamsDiff()).ReplicationFactor = replicationFactor;
        return this;
    }

    /// <summary>The write consistency factor. Default: the server's (1).</summary>
    /// <param name="writeConsistencyFactor">How many replicas must confirm a write.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder WriteConsistencyFactor(uint writeConsistencyFactor)
    {
        (Definition.Params ??= new CollectionParamsDiff()).WriteConsistencyFactor = writeConsistencyFactor;
        return this;
    }

    /// <summary>Keeps payloads on disk. Default: the server's (true).</summary>
    /// <param name="onDiskPayload">Whether payloads are stored on disk.</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder OnDiskPayload(bool onDiskPayload)
    {
        (Definition.Params ??= new CollectionParamsDiff()).OnDiskPayload = onDiskPayload;
        return this;
    }

    /// <summary>Sets a collection metadata key (Qdrant ≥ 1.16). Default: no metadata.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (copied; not null).</param>
    /// <returns>This builder.</returns>
    public CollectionBuilder Metadata(string key, Value value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        Definition.Metadata[key] = value.Clone();
        return this;
    }
}
