namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>The stored values of one named vector over every point slot of a collection.</summary>
internal abstract class VectorColumn
{
    protected const int ChunkShift = 10;
    protected const int ChunkSize = 1 << ChunkShift;

    public abstract bool Has(int slot);

    public abstract void Remove(int slot);

    /// <summary>Approximate bytes held for the values (not the bookkeeping), for memory reports.</summary>
    public abstract long ValueBytes { get; }
}

/// <summary>
/// A dense single vector: values of every slot live in contiguous float chunks of <see cref="VectorColumn.ChunkSize"/>
/// slots, so a million 384-d vectors are a few hundred arrays, not a million objects.
/// </summary>
internal sealed class DenseVectorColumn(int dimension) : VectorColumn
{
    private readonly List<float[]> _chunks = [];
    private readonly List<bool[]> _present = [];
    private long _count;

    public int Dimension { get; } = dimension;

    public override long ValueBytes => _count * Dimension * sizeof(float);

    public override bool Has(int slot)
    {
        var c = slot >> ChunkShift;
        return c < _present.Count && _present[c][slot & (ChunkSize - 1)];
    }

    public ReadOnlySpan<float> Get(int slot)
    {
        var c = slot >> ChunkShift;
        return _chunks[c].AsSpan((slot & (ChunkSize - 1)) * Dimension, Dimension);
    }

    /// <summary>Stores <paramref name="values"/>; when <paramref name="normalize"/> is set they are stored unit-length (Cosine).</summary>
    public void Set(int slot, ReadOnlySpan<float> values, bool normalize)
    {
        var c = slot >> ChunkShift;
        while (_chunks.Count <= c)
        {
            _chunks.Add(new float[ChunkSize * Dimension]);
            _present.Add(new bool[ChunkSize]);
        }

        var i = slot & (ChunkSize - 1);
        var target = _chunks[c].AsSpan(i * Dimension, Dimension);
        values.CopyTo(target);
        if (normalize)
        {
            VectorMath.NormalizeInPlace(target);
        }

        if (!_present[c][i])
        {
            _present[c][i] = true;
            _count++;
        }
    }

    /// <summary>
    /// Stores a protobuf float list straight into the column's chunk (no intermediate array), normalising when asked.
    /// The caller has checked that <paramref name="values"/> holds <see cref="Dimension"/> floats.
    /// </summary>
    internal void SetFrom(int slot, Google.Protobuf.Collections.RepeatedField<float> values, bool normalize)
    {
        var c = slot >> ChunkShift;
        while (_chunks.Count <= c)
        {
            _chunks.Add(new float[ChunkSize * Dimension]);
            _present.Add(new bool[ChunkSize]);
        }

        var i = slot & (ChunkSize - 1);
        values.CopyTo(_chunks[c], i * Dimension);
        if (normalize)
        {
            VectorMath.NormalizeInPlace(_chunks[c].AsSpan(i * Dimension, Dimension));
        }

        if (!_present[c][i])
        {
            _present[c][i] = true;
            _count++;
        }
    }

    public override void Remove(int slot)
    {
        var c = slot >> ChunkShift;
        if (c < _present.Count && _present[c][slot & (ChunkSize - 1)])
        {
            _present[c][slot & (ChunkSize - 1)] = false;
            _count--;
        }
    }
}

/// <summary>A multivector (a list of dense vectors of one dimension per point), stored flat per slot.</summary>
internal sealed class MultiDenseVectorColumn(int dimension) : VectorColumn
{
    private float[]?[] _values = new float[]?[ChunkSize];
    private long _floats;

    public int Dimension { get; } = dimension;

    public override long ValueBytes => _floats * sizeof(float);

    public override bool Has(int slot) => slot < _values.Length && _values[slot] is not null;

    /// <summary>The vectors of a slot, flattened: <c>Length / Dimension</c> rows.</summary>
    public float[] Get(int slot) => _values[slot]!;

    public void Set(int slot, float[] flattened)
    {
        if (slot >= _values.Length)
        {
            Array.Resize(ref _values, Math.Max(slot + 1, _values.Length * 2));
        }

        _floats += flattened.Length - (_values[slot]?.Length ?? 0);
        _values[slot] = flattened;
    }

    public override void Remove(int slot)
    {
        if (slot < _values.Length && _values[slot] is { } old)
        {
            _floats -= old.Length;
            _values[slot] = null;
        }
    }
}

/// <summary>A sparse vector: sorted indices with their values per slot.</summary>
internal sealed class SparseVectorColumn : VectorColumn
{
    private SparseValue?[] _values = new SparseValue?[ChunkSize];
    private long _entries;

    public override long ValueBytes => _entries * (sizeof(uint) + sizeof(float));

    public override bool Has(int slot) => slot < _values.Length && _values[slot] is not null;

    public SparseValue Get(int slot) => _values[slot]!;

    public void Set(int slot, SparseValue value)
    {
        if (slot >= _values.Length)
        {
            Array.Resize(ref _values, Math.Max(slot + 1, _values.Length * 2));
        }

        _entries += value.Indices.Length - (_values[slot]?.Indices.Length ?? 0);
        _values[slot] = value;
    }

    public override void Remove(int slot)
    {
        if (slot < _values.Length && _values[slot] is { } old)
        {
            _entries -= old.Indices.Length;
            _values[slot] = null;
        }
    }
}

/// <summary>A sparse vector value with indices sorted ascending (Qdrant sorts them on insert).</summary>
internal sealed record SparseValue(uint[] Indices, float[] Values);

internal static class VectorMath
{
    public static void NormalizeInPlace(Span<float> v)
    {
        var norm = MathF.Sqrt(System.Numerics.Tensors.TensorPrimitives.SumOfSquares(v));
        if (norm > float.Epsilon)
        {
            System.Numerics.Tensors.TensorPrimitives.Divide(v, norm, v);
        }
    }
}
