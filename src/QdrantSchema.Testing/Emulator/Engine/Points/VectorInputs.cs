using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>What an incoming <see cref="Vector"/> carries.</summary>
internal enum InputKind
{
    Dense,
    Sparse,
    MultiDense,
    Inference,
}

/// <summary>
/// Validation and storage of incoming vectors (upsert, update-vectors), in the order real Qdrant checks them:
/// request validation (<c>lib/api/src/grpc/validate.rs</c>), gRPC-to-internal conversion
/// (<c>lib/api/src/conversions/vectors.rs</c>), the early dimension check (<c>src/common/validate_vectors.rs</c>), then
/// the segment's name/kind check (<c>lib/segment/src/common/mod.rs::check_vector</c>). The engine runs every check for
/// every point of a request before it changes anything.
/// </summary>
internal static class VectorInputs
{
#pragma warning disable CS0612, CS0618 // The deprecated data/indices/vectors_count inputs are still accepted by Qdrant 1.19.

    public static InputKind KindOf(Vector vector) => vector.VectorCase switch
    {
        Vector.VectorOneofCase.Dense => InputKind.Dense,
        Vector.VectorOneofCase.Sparse => InputKind.Sparse,
        Vector.VectorOneofCase.MultiDense => InputKind.MultiDense,
        Vector.VectorOneofCase.Document or Vector.VectorOneofCase.Image or Vector.VectorOneofCase.Object => InputKind.Inference,
        _ => vector.Indices is not null ? InputKind.Sparse : vector.HasVectorsCount ? InputKind.MultiDense : InputKind.Dense,
    };

    /// <summary>The dense values (new <c>dense</c> oneof or deprecated <c>data</c>).</summary>
    public static RepeatedField<float> DenseData(Vector vector) =>
        vector.VectorCase == Vector.VectorOneofCase.Dense ? vector.Dense.Data : vector.Data;

    /// <summary>
    /// Request-level validation of one vector, as Qdrant's <c>impl Validate for grpc::Vector</c> (sparse indices unique and
    /// as many as values; multivectors non-empty and of one dimension). Field paths in the text are the leaf names
    /// [inferred: the server prefixes the request path].
    /// </summary>
    public static void ValidateShape(Vector vector)
    {
        switch (vector.VectorCase)
        {
            case Vector.VectorOneofCase.Sparse:
                ValidateSparse(vector.Sparse.Indices, vector.Sparse.Values.Count);
                return;
            case Vector.VectorOneofCase.MultiDense:
                ValidateMultiRows(vector.MultiDense);
                return;
            case Vector.VectorOneofCase.None:
                break;
            default:
                return;
        }

        if (vector.Indices is not null && vector.HasVectorsCount)
        {
            throw EmulatorErrors.Validation("indices: `indices` and `vectors_count` cannot be both specified");
        }

        if (vector.Indices is not null)
        {
            ValidateSparse(vector.Indices.Data, vector.Data.Count);
        }
        else if (vector.HasVectorsCount)
        {
            if (vector.VectorsCount == 0)
            {
                throw EmulatorErrors.Validation("data: vectors count must be greater than 0");
            }

            if (vector.Data.Count == 0)
            {
                throw EmulatorErrors.Validation("data: multi vector must not be empty");
            }

            if (vector.Data.Count % vector.VectorsCount != 0)
            {
                throw EmulatorErrors.Validation("data: invalid dense vector length for vectors count");
            }
        }
    }

    /// <summary>
    /// Checks an unnamed input (<c>Vectors.vector</c>): a sparse vector there is rejected at conversion with the raw
    /// gRPC text <c>Sparse vector must be named</c> (<c>conversions/vectors.rs</c>).
    /// </summary>
    public static void CheckUnnamed(Vector vector)
    {
        if (KindOf(vector) == InputKind.Sparse)
        {
            throw RawInvalidArgument("Sparse vector must be named");
        }
    }

    /// <summary>
    /// The early dimension check (<c>validate_vector_dimensions</c>): only names the collection has are checked here;
    /// unknown names fail later in <see cref="CheckAgainstSpace"/>.
    /// </summary>
    /// <param name="vector">The input vector.</param>
    /// <param name="space">The configured space it goes into.</param>
    /// <param name="namedInput">The vector's name when upsert's early check names it in the error, else null.</param>
    public static void CheckDimension(Vector vector, VectorSpace space, string? namedInput = null)
    {
        if (space.Kind == VectorKind.Sparse)
        {
            return;
        }

        switch (KindOf(vector))
        {
            case InputKind.Dense:
                var count = DenseData(vector).Count;
                if (count != space.Dimension)
                {
                    throw WrongDimension(space.Dimension, count, namedInput);
                }

                break;
            case InputKind.MultiDense:
                CheckMultiDimension(vector, space.Dimension, namedInput);
                break;
            default:
                break;
        }
    }

    /// <summary>The segment check: sparse into dense (and back) and multi into sparse are conversion errors.</summary>
    public static void CheckAgainstSpace(Vector vector, VectorSpace space)
    {
        var kind = KindOf(vector);
        if (kind == InputKind.Inference)
        {
            // Real Qdrant sends documents/images/objects to its inference service, which a plain server lacks.
            throw EmulatorErrors.BadRequest("Inference is not configured in this emulator: send vectors, not documents, images or objects");
        }

        if (space.Kind == VectorKind.Sparse)
        {
            if (kind == InputKind.Dense)
            {
                throw WrongSparse();
            }

            if (kind == InputKind.MultiDense)
            {
                throw WrongMulti();
            }

            return;
        }

        if (kind == InputKind.Sparse)
        {
            throw WrongSparse();
        }

        if (kind == InputKind.MultiDense && space.Kind == VectorKind.Dense)
        {
            // check_vector_against_config passes a multivector of the right size, but a plain dense storage cannot hold it.
            throw WrongMulti();
        }

        CheckDimension(vector, space);
    }

    /// <summary>Stores a checked vector into its column.</summary>
    public static void Store(int slot, Vector vector, VectorSpace space)
    {
        switch (space.Column)
        {
            case DenseVectorColumn dense:
                dense.SetFrom(slot, DenseData(vector), space.Normalize);
                break;
            case MultiDenseVectorColumn multi:
                multi.Set(slot, FlattenMulti(vector, space.Normalize, space.Dimension));
                break;
            case SparseVectorColumn sparse:
                sparse.Set(slot, ToSparse(vector));
                break;
            default:
                break;
        }
    }

    /// <summary>A sparse input as stored: indices sorted ascending with their values (<c>sparse_vector.rs::sort_by_indices</c>).</summary>
    public static SparseValue ToSparse(Vector vector)
    {
        RepeatedField<uint> indices;
        RepeatedField<float> values;
        if (vector.VectorCase == Vector.VectorOneofCase.Sparse)
        {
            indices = vector.Sparse.Indices;
            values = vector.Sparse.Values;
        }
        else
        {
            indices = vector.Indices.Data;
            values = vector.Data;
        }

        return ToSparse(indices, values);
    }

    public static SparseValue ToSparse(RepeatedField<uint> indices, RepeatedField<float> values)
    {
        var i = new uint[indices.Count];
        var v = new float[values.Count];
        indices.CopyTo(i, 0);
        values.CopyTo(v, 0);
        Array.Sort(i, v);
        return new SparseValue(i, v);
    }

    /// <summary>The rows of a multivector input, flattened (normalised per row for Cosine).</summary>
    public static float[] FlattenMulti(Vector vector, bool normalize, int dimension)
    {
        float[] flat;
        if (vector.VectorCase == Vector.VectorOneofCase.MultiDense)
        {
            var rows = vector.MultiDense.Vectors;
            flat = new float[rows.Count * dimension];
            for (var r = 0; r < rows.Count; r++)
            {
                rows[r].Data.CopyTo(flat, r * dimension);
            }
        }
        else
        {
            // A plain dense vector given for a multivector is one row; deprecated inputs come flattened already.
            var data = DenseData(vector);
            flat = new float[data.Count];
            data.CopyTo(flat, 0);
        }

        if (normalize)
        {
            for (var offset = 0; offset + dimension <= flat.Length; offset += dimension)
            {
                VectorMath.NormalizeInPlace(flat.AsSpan(offset, dimension));
            }
        }

        return flat;
    }

    public static void ValidateSparse(RepeatedField<uint> indices, int valueCount)
    {
        if (indices.Count != valueCount)
        {
            throw EmulatorErrors.Validation("values: must be the same length as indices");
        }

        if (indices.Count > 1)
        {
            var seen = new HashSet<uint>();
            foreach (var index in indices)
            {
                if (!seen.Add(index))
                {
                    throw EmulatorErrors.Validation("indices: must be unique");
                }
            }
        }
    }

    public static void ValidateMultiRows(MultiDenseVector multi)
    {
        var rows = multi.Vectors;
        if (rows.Count == 0)
        {
            throw EmulatorErrors.Validation("data: multi vector must not be empty");
        }

        var dim = rows[0].Data.Count;
        foreach (var row in rows)
        {
            if (row.Data.Count == 0)
            {
                throw EmulatorErrors.Validation("data: all vectors must be non-empty");
            }

            if (row.Data.Count != dim)
            {
                throw EmulatorErrors.Validation($"data: all vectors must have the same dimension, found vector with dimension {row.Data.Count}");
            }
        }
    }

    /// <summary>gRPC <c>Status::invalid_argument</c> with a raw message (conversion errors carry no prefix).</summary>
    public static EmulatorException RawInvalidArgument(string message) => new(EmulatorErrorKind.Validation, message);

    public static EmulatorException WrongSparse() => EmulatorErrors.BadInput("Conversion between sparse and regular vectors failed");

    public static EmulatorException WrongMulti() => EmulatorErrors.BadInput("Conversion between multi and regular vectors failed");

    private static EmulatorException WrongDimension(int expected, int got, string? namedInput) =>
        namedInput is null
            ? EmulatorErrors.WrongVectorDimension((ulong)expected, got)
            : EmulatorErrors.BadInput($"Vector dimension error: expected dim: {expected}, got {got} for vector '{namedInput}'");

    private static void CheckMultiDimension(Vector vector, int dimension, string? namedInput)
    {
        if (vector.VectorCase == Vector.VectorOneofCase.MultiDense)
        {
            foreach (var row in vector.MultiDense.Vectors)
            {
                if (row.Data.Count != dimension)
                {
                    throw EmulatorErrors.WrongVectorDimension((ulong)dimension, row.Data.Count);
                }
            }

            return;
        }

        var rowLength = (int)(vector.Data.Count / Math.Max(1u, vector.VectorsCount));
        if (rowLength != dimension)
        {
            throw WrongDimension(dimension, rowLength, namedInput);
        }
    }
#pragma warning restore CS0612, CS0618
}
