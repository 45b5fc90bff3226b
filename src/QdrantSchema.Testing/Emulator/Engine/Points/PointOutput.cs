using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>
/// Builds the payload and vectors of returned points from the request's selectors. Vectors come back in the 1.17+
/// shape: <c>VectorOutput.dense/sparse/multi_dense</c> set and the deprecated <c>data</c> left empty
/// (<c>lib/api/src/conversions/vectors.rs::From&lt;VectorInternal&gt; for grpc::VectorOutput</c> @ v1.19.0).
/// </summary>
internal sealed class PointOutput
{
    private readonly PointStore _points;
    private readonly bool _payloadAll;
    private readonly List<PayloadPath>? _include;
    private readonly List<PayloadPath>? _exclude;
    private readonly List<VectorSpace>? _vectors;
    private readonly string? _unknownVector;

    /// <param name="points">The collection's points.</param>
    /// <param name="spaces">The collection's vectors.</param>
    /// <param name="withPayload">The payload selector; null means <paramref name="payloadDefault"/>.</param>
    /// <param name="payloadDefault">What an absent payload selector means for this call.</param>
    /// <param name="withVectors">The vectors selector; null means none.</param>
    public PointOutput(PointStore points, VectorSpaces spaces, WithPayloadSelector? withPayload, bool payloadDefault, WithVectorsSelector? withVectors)
    {
        _points = points;
        switch (withPayload?.SelectorOptionsCase)
        {
            case null:
            case WithPayloadSelector.SelectorOptionsOneofCase.None:
                _payloadAll = withPayload is null ? payloadDefault : false;
                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Enable:
                _payloadAll = withPayload.Enable;
                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Include:
                _include = ParsePaths(withPayload.Include.Fields);
                break;
            case WithPayloadSelector.SelectorOptionsOneofCase.Exclude:
                _exclude = ParsePaths(withPayload.Exclude.Fields);
                break;
            default:
                break;
        }

        if (withVectors?.SelectorOptionsCase == WithVectorsSelector.SelectorOptionsOneofCase.Enable && withVectors.Enable)
        {
            _vectors = [.. spaces.All];
        }
        else if (withVectors?.SelectorOptionsCase == WithVectorsSelector.SelectorOptionsOneofCase.Include)
        {
            _vectors = [];
            foreach (var name in withVectors.Include.Names)
            {
                if (spaces.TryGet(name, out var space))
                {
                    _vectors.Add(space);
                }
                else
                {
                    // The segment refuses to read a vector it does not have when it produces a point:
                    // "Not existing vector name error: X" (tests/openapi/test_basic_retrieve_multivec_api.py::
                    // test_retrieve_invalid_vector). With no point to produce there is nothing to refuse.
                    _unknownVector ??= name;
                }
            }
        }
    }

    public bool WantsPayload => _payloadAll || _include is not null || _exclude is not null;

    public bool WantsVectors => _vectors is not null;

    public RetrievedPoint Retrieved(int slot)
    {
        var point = new RetrievedPoint { Id = _points.GetId(slot).ToProto() };
        Fill(slot, point.Payload, out var vectors);
        point.Vectors = vectors;
        return point;
    }

    public ScoredPoint Scored(int slot, float score)
    {
        var point = new ScoredPoint { Id = _points.GetId(slot).ToProto(), Score = score, Version = _points.GetVersion(slot) };
        Fill(slot, point.Payload, out var vectors);
        point.Vectors = vectors;
        return point;
    }

    public void Fill(int slot, MapField<string, Value> target, out VectorsOutput? vectors)
    {
        if (_unknownVector is not null)
        {
            throw EmulatorErrors.NotExistingVector(_unknownVector);
        }

        if (WantsPayload)
        {
            var payload = _points.GetPayload(slot);
            if (_include is not null)
            {
                PayloadEdit.CopyIncluded(payload, _include, target);
            }
            else
            {
                if (_exclude is not null)
                {
                    foreach (var path in _exclude)
                    {
                        PayloadEdit.Remove(payload, path);
                    }
                }

                target.Add(payload);
            }
        }

        vectors = _vectors is null ? null : Vectors(slot);
    }

    private VectorsOutput Vectors(int slot)
    {
        var named = new NamedVectorsOutput();
        var onlyDefault = true;
        foreach (var space in _vectors!)
        {
            if (!space.Column.Has(slot))
            {
                continue;
            }

            named.Vectors[space.Name] = ToOutput(space, slot);
            onlyDefault &= space.Name.Length == 0;
        }

        // A point holding only the default ("") vector is reported as the single vector (VectorStructInternal::from).
        if (onlyDefault && named.Vectors.Count == 1)
        {
            return new VectorsOutput { Vector = named.Vectors[string.Empty] };
        }

        return new VectorsOutput { Vectors = named };
    }

    public static VectorOutput ToOutput(VectorSpace space, int slot)
    {
        switch (space.Column)
        {
            case DenseVectorColumn dense:
                var denseOut = new DenseVector();
                denseOut.Data.AddRange(dense.Get(slot).ToArray());
                return new VectorOutput { Dense = denseOut };
            case MultiDenseVectorColumn multi:
                var flat = multi.Get(slot);
                var multiOut = new MultiDenseVector();
                for (var offset = 0; offset + multi.Dimension <= flat.Length; offset += multi.Dimension)
                {
                    var row = new DenseVector();
                    row.Data.AddRange(flat.AsSpan(offset, multi.Dimension).ToArray());
                    multiOut.Vectors.Add(row);
                }

                return new VectorOutput { MultiDense = multiOut };
            case SparseVectorColumn sparse:
                var value = sparse.Get(slot);
                var sparseOut = new SparseVector();
                sparseOut.Indices.AddRange(value.Indices);
                sparseOut.Values.AddRange(value.Values);
                return new VectorOutput { Sparse = sparseOut };
            default:
                return new VectorOutput();
        }
    }

    private static List<PayloadPath> ParsePaths(RepeatedField<string> fields)
    {
        var paths = new List<PayloadPath>(fields.Count);
        foreach (var field in fields)
        {
            paths.Add(PayloadPath.Parse(field));
        }

        return paths;
    }
}
