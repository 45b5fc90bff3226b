using System.Numerics.Tensors;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>A query vector prepared for one vector space (Cosine queries normalised, like stored vectors).</summary>
internal sealed class QueryVector
{
    private QueryVector(float[]? dense, float[][]? multi, SparseValue? sparse)
    {
        Dense = dense;
        Multi = multi;
        Sparse = sparse;
    }

    public float[]? Dense { get; }

    public float[][]? Multi { get; }

    public SparseValue? Sparse { get; }

    public static QueryVector FromDense(float[] values, VectorSpace space)
    {
        if (space.Kind == VectorKind.Sparse)
        {
            throw VectorInputs.WrongSparse();
        }

        if (values.Length != space.Dimension)
        {
            throw EmulatorErrors.WrongVectorDimension((ulong)space.Dimension, values.Length);
        }

        if (space.Normalize)
        {
            VectorMath.NormalizeInPlace(values);
        }

        // A dense query against a multivector is a one-row multivector.
        return space.Kind == VectorKind.MultiDense ? new QueryVector(null, [values], null) : new QueryVector(values, null, null);
    }

    public static QueryVector FromMulti(float[][] rows, VectorSpace space)
    {
        if (space.Kind == VectorKind.Sparse)
        {
            throw VectorInputs.WrongMulti();
        }

        foreach (var row in rows)
        {
            if (row.Length != space.Dimension)
            {
                throw EmulatorErrors.WrongVectorDimension((ulong)space.Dimension, row.Length);
            }

            if (space.Normalize)
            {
                VectorMath.NormalizeInPlace(row);
            }
        }

        if (space.Kind == VectorKind.Dense)
        {
            throw VectorInputs.WrongMulti();
        }

        return new QueryVector(null, rows, null);
    }

    public static QueryVector FromSparse(SparseValue value, VectorSpace space) =>
        space.Kind == VectorKind.Sparse ? new QueryVector(null, null, value) : throw VectorInputs.WrongSparse();

    /// <summary>A stored vector used as the query (query by point id): stored values are already preprocessed.</summary>
    public static QueryVector FromStored(VectorSpace space, int slot) => space.Column switch
    {
        DenseVectorColumn dense => new QueryVector(dense.Get(slot).ToArray(), null, null),
        MultiDenseVectorColumn multi => new QueryVector(null, SplitRows(multi.Get(slot), multi.Dimension), null),
        SparseVectorColumn sparse => new QueryVector(null, null, sparse.Get(slot)),
        _ => throw new InvalidOperationException("Unknown vector column"),
    };

    private static float[][] SplitRows(float[] flat, int dimension)
    {
        var rows = new float[flat.Length / dimension][];
        for (var r = 0; r < rows.Length; r++)
        {
            rows[r] = flat.AsSpan(r * dimension, dimension).ToArray();
        }

        return rows;
    }
}

/// <summary>
/// Exact scoring as Qdrant reports it (<c>lib/segment/src/spaces/simple.rs</c>): Cosine is the dot product of
/// normalised vectors, Dot the raw dot product (both descending); Euclid reports the L2 distance and Manhattan the L1
/// distance (both ascending). Sparse vectors score by the dot product over shared indices; multivectors by MaxSim
/// (for each query row, the best similarity among the stored rows, summed).
/// </summary>
internal static class Scoring
{
    /// <summary>The reported score, or null when the point has no such vector (or, for sparse, no shared index).</summary>
    public static float? Score(VectorSpace space, QueryVector query, int slot)
    {
        if (!space.Column.Has(slot))
        {
            return null;
        }

        switch (space.Column)
        {
            case DenseVectorColumn dense:
                return Single(space.Distance, query.Dense!, dense.Get(slot));
            case MultiDenseVectorColumn multi:
                return MaxSim(space.Distance, query.Multi!, multi.Get(slot), multi.Dimension);
            case SparseVectorColumn sparse:
                return SparseDot(query.Sparse!, sparse.Get(slot));
            default:
                return null;
        }
    }

    /// <summary>Whether <paramref name="a"/> ranks before <paramref name="b"/> for this space.</summary>
    public static bool Better(VectorSpace space, float a, float b) => space.LowerIsBetter ? a < b : a > b;

    /// <summary>
    /// <c>score_threshold</c>: the minimal score for similarities, the maximal distance for Euclid/Manhattan
    /// [inferred from the distance's ordering].
    /// </summary>
    public static bool PassesThreshold(VectorSpace space, float score, float threshold) =>
        space.LowerIsBetter ? score <= threshold : score >= threshold;

    private static float Single(Distance distance, ReadOnlySpan<float> query, ReadOnlySpan<float> stored) => distance switch
    {
        Distance.Euclid => TensorPrimitives.Distance(query, stored),
        Distance.Manhattan => Manhattan(query, stored),
        _ => TensorPrimitives.Dot(query, stored),
    };

    /// <summary>Pairwise similarity inside MaxSim, higher is better (distances negated).</summary>
    private static float Similarity(Distance distance, ReadOnlySpan<float> a, ReadOnlySpan<float> b) => distance switch
    {
        Distance.Euclid => -TensorPrimitives.Distance(a, b),
        Distance.Manhattan => -Manhattan(a, b),
        _ => TensorPrimitives.Dot(a, b),
    };

    private static float MaxSim(Distance distance, float[][] query, float[] stored, int dimension)
    {
        var total = 0f;
        foreach (var row in query)
        {
            var best = float.NegativeInfinity;
            for (var offset = 0; offset + dimension <= stored.Length; offset += dimension)
            {
                best = Math.Max(best, Similarity(distance, row, stored.AsSpan(offset, dimension)));
            }

            total += best;
        }

        return total;
    }

    private static float Manhattan(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += Math.Abs(a[i] - b[i]);
        }

        return sum;
    }

    private static float? SparseDot(SparseValue query, SparseValue stored)
    {
        var sum = 0f;
        var shared = false;
        int i = 0, j = 0;
        while (i < query.Indices.Length && j < stored.Indices.Length)
        {
            var a = query.Indices[i];
            var b = stored.Indices[j];
            if (a == b)
            {
                sum += query.Values[i] * stored.Values[j];
                shared = true;
                i++;
                j++;
            }
            else if (a < b)
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return shared ? sum : null;
    }
}
