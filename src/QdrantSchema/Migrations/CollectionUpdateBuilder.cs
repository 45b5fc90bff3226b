using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Migrations;

/// <summary>
/// Declares in-place changes in <see cref="MigrationBuilder.UpdateCollection"/>. Sections merge field by field into
/// the schema (quantization is replaced); calling a section twice merges the two. Every proto passed in is copied.
/// </summary>
public sealed class CollectionUpdateBuilder
{
    internal CollectionUpdateBuilder()
    {
    }

    internal CollectionUpdate Update { get; } = new();

    /// <summary>Changes collection-level HNSW settings (fields set here only).</summary>
    /// <param name="hnsw">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder Hnsw(HnswConfigDiff hnsw)
    {
        ArgumentNullException.ThrowIfNull(hnsw);
        (Update.Hnsw ??= new HnswConfigDiff()).MergeFrom(hnsw);
        return this;
    }

    /// <summary>Changes optimizer settings (fields set here only).</summary>
    /// <param name="optimizers">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder Optimizers(OptimizersConfigDiff optimizers)
    {
        ArgumentNullException.ThrowIfNull(optimizers);
        (Update.Optimizers ??= new OptimizersConfigDiff()).MergeFrom(optimizers);
        return this;
    }

    /// <summary>Replaces collection-level quantization, or removes it with <c>Disabled</c>.</summary>
    /// <param name="quantization">The new quantization.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder Quantization(QuantizationConfigDiff quantization)
    {
        ArgumentNullException.ThrowIfNull(quantization);
        Update.Quantization = quantization.Clone();
        return this;
    }

    /// <summary>Changes collection params: replication and write consistency factors, on_disk_payload, read fan-out.</summary>
    /// <param name="parameters">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder Params(CollectionParamsDiff parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        (Update.Params ??= new CollectionParamsDiff()).MergeFrom(parameters);
        return this;
    }

    /// <summary>Changes strict mode settings (fields set here only).</summary>
    /// <param name="strictMode">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder StrictMode(StrictModeConfig strictMode)
    {
        ArgumentNullException.ThrowIfNull(strictMode);
        (Update.StrictMode ??= new StrictModeConfig()).MergeFrom(strictMode);
        return this;
    }

    /// <summary>Changes one dense vector's HNSW settings (merged), quantization (replaced) or on_disk. Use <c>""</c> for the unnamed vector.</summary>
    /// <param name="name">The vector name.</param>
    /// <param name="vector">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder Vector(string name, VectorParamsDiff vector)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(vector);
        if (Update.Vectors.TryGetValue(name, out var existing))
        {
            existing.MergeFrom(vector);
        }
        else
        {
            Update.Vectors[name] = vector.Clone();
        }

        return this;
    }

    /// <summary>Changes one sparse vector's modifier or index settings (merged).</summary>
    /// <param name="name">The sparse vector name.</param>
    /// <param name="vector">The fields to change.</param>
    /// <returns>This builder.</returns>
    public CollectionUpdateBuilder SparseVector(string name, SparseVectorParams vector)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(vector);
        if (Update.SparseVectors.TryGetValue(name, out var existing))
        {
            existing.MergeFrom(vector);
        }
        else
        {
            Update.SparseVectors[name] = vector.Clone();
        }

        return this;
    }
}
