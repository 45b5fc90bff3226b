using Qdrant.Client.Grpc;

// on_disk is deprecated since Qdrant 1.19 (replaced by `memory`) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Migrations;

/// <summary>Optional settings of a dense vector declared with <c>AddVector</c> or <c>ChangeVector</c>.</summary>
public sealed class VectorBuilder
{
    internal VectorBuilder(VectorParams vector)
    {
        Vector = vector;
    }

    internal VectorParams Vector { get; }

    /// <summary>Stores the vector as <paramref name="datatype"/>. Default: the server's (float32). Needs a rebuild to change later.</summary>
    /// <param name="datatype">The element type.</param>
    /// <returns>This builder.</returns>
    public VectorBuilder Datatype(Datatype datatype)
    {
        Vector.Datatype = datatype;
        return this;
    }

    /// <summary>Makes it a multivector (several vectors per point). Default: a plain vector. Needs a rebuild to change later.</summary>
    /// <param name="comparator">How the vectors of two points are compared. Default: <see cref="MultiVectorComparator.MaxSim"/>.</param>
    /// <returns>This builder.</returns>
    public VectorBuilder Multivector(MultiVectorComparator comparator = MultiVectorComparator.MaxSim)
    {
        Vector.MultivectorConfig = new MultiVectorConfig { Comparator = comparator };
        return this;
    }

    /// <summary>Keeps the vector's data on disk (memmap). Default: the server's (in RAM).</summary>
    /// <param name="onDisk">Whether to store on disk. Default: <see langword="true"/>.</param>
    /// <returns>This builder.</returns>
    public VectorBuilder OnDisk(bool onDisk = true)
    {
        Vector.OnDisk = onDisk;
        return this;
    }

    /// <summary>HNSW settings for this vector; fields not set fall back to the collection's. Default: none (the collection's).</summary>
    /// <param name="hnsw">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public VectorBuilder Hnsw(HnswConfigDiff hnsw)
    {
        ArgumentNullException.ThrowIfNull(hnsw);
        Vector.HnswConfig = hnsw.Clone();
        return this;
    }

    /// <summary>Quantization for this vector. Default: none (the collection's).</summary>
    /// <param name="quantization">The settings (copied).</param>
    /// <returns>This builder.</returns>
    public VectorBuilder Quantization(QuantizationConfig quantization)
    {
        ArgumentNullException.ThrowIfNull(quantization);
        Vector.QuantizationConfig = quantization.Clone();
        return this;
    }
}
