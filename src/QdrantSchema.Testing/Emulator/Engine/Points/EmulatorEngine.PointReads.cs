using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine.Points;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine;

/// <summary>
/// Point reads: Get, Scroll, Count, Search(Batch), Query(Batch) (QDRANT.md §6.3–6.5, §6.8). Recommend, discover,
/// groups, facet, matrix and prefetch/fusion queries are not implemented (Unimplemented).
/// </summary>
internal sealed partial class EmulatorEngine
{
    private const uint DefaultScrollLimit = 10;
    private const ulong DefaultQueryLimit = 10;

    partial void RegisterPointReadHandlers()
    {
        Register<GetPoints, GetResponse>("/qdrant.Points/Get", EmulatorRequirement.Read, mutates: false, (r, _) => GetPoints(r));
        Register<ScrollPoints, ScrollResponse>("/qdrant.Points/Scroll", EmulatorRequirement.Read, mutates: false, (r, _) => Scroll(r));
        Register<CountPoints, CountResponse>("/qdrant.Points/Count", EmulatorRequirement.Read, mutates: false, (r, _) => Count(r));
        Register<SearchPoints, SearchResponse>("/qdrant.Points/Search", EmulatorRequirement.Read, mutates: false, (r, _) =>
        {
            var response = new SearchResponse();
            response.Result.AddRange(Search(Resolve(r.CollectionName), r));
            return response;
        });
        Register<SearchBatchPoints, SearchBatchResponse>("/qdrant.Points/SearchBatch", EmulatorRequirement.Read, mutates: false, (r, _) =>
        {
            var c = Resolve(r.CollectionName);
            var response = new SearchBatchResponse();
            foreach (var search in r.SearchPoints)
            {
                var batch = new BatchResult();
                batch.Result.AddRange(Search(c, search));
                response.Result.Add(batch);
            }

            return response;
        });
        Register<QueryPoints, QueryResponse>("/qdrant.Points/Query", EmulatorRequirement.Read, mutates: false, (r, _) =>
        {
            var response = new QueryResponse();
            response.Result.AddRange(Query(Resolve(r.CollectionName), r));
            return response;
        });
        Register<QueryBatchPoints, QueryBatchResponse>("/qdrant.Points/QueryBatch", EmulatorRequirement.Read, mutates: false, (r, _) =>
        {
            var c = Resolve(r.CollectionName);
            var response = new QueryBatchResponse();
            foreach (var query in r.QueryPoints)
            {
                var batch = new BatchResult();
                batch.Result.AddRange(Query(c, query));
                response.Result.Add(batch);
            }

            return response;
        });
    }

    /// <summary>Get: missing ids are omitted; an absent payload selector means no payload (<c>point_ops.rs::retrieve</c>).</summary>
    private GetResponse GetPoints(GetPoints request)
    {
        var c = Resolve(request.CollectionName);
        var output = new PointOutput(c.Points, VectorSpaces.Of(c), request.WithPayload, payloadDefault: false, request.WithVectors);
        var response = new GetResponse();
        var seen = new HashSet<PointKey>();
        foreach (var id in request.Ids)
        {
            var key = PointKey.FromProto(id);
            if (seen.Add(key) && c.Points.TryGetSlot(key, out var slot))
            {
                response.Result.Add(output.Retrieved(slot));
            }
        }

        return response;
    }

    /// <summary>
    /// Scroll (<c>lib/collection/src/collection/point_ops.rs::scroll_by</c>): limit 10 by default (gRPC validation rejects
    /// 0), offset inclusive, ids in order (numeric before UUID), <c>next_page_offset</c> the first id of the next page;
    /// payload included by default (<c>ScrollRequestInternal::default_with_payload</c> is true). With <c>order_by</c>,
    /// points are ordered by (value, id), an offset is rejected and <c>next_page_offset</c> is always absent.
    /// </summary>
    private ScrollResponse Scroll(ScrollPoints request)
    {
        if (request.HasLimit && request.Limit == 0)
        {
            throw EmulatorErrors.Validation("limit: value 0 invalid, must be 1 or larger");
        }

        var c = Resolve(request.CollectionName);
        var limit = request.HasLimit ? (int)Math.Min(request.Limit, int.MaxValue - 1) : (int)DefaultScrollLimit;
        var output = new PointOutput(c.Points, VectorSpaces.Of(c), request.WithPayload, payloadDefault: true, request.WithVectors);
        var filter = new FilterEvaluator(request.Filter, c.Points);
        var response = new ScrollResponse();

        if (request.OrderBy is { } orderBy)
        {
            if (request.Offset is not null)
            {
                throw EmulatorErrors.BadInput("Cannot use an `offset` when using `order_by`. The alternative for paging is to use `order_by.start_from` and a filter to exclude the IDs that you've already seen for the `order_by.start_from` value");
            }

            foreach (var (slot, value) in OrderedPoints(c, orderBy, filter, limit))
            {
                var point = output.Retrieved(slot);
                point.OrderValue = value;
                response.Result.Add(point);
            }

            return response;
        }

        var from = request.Offset is null ? (PointKey?)null : PointKey.FromProto(request.Offset);
        foreach (var id in c.Points.IdsFrom(from))
        {
            c.Points.TryGetSlot(id, out var slot);
            if (!filter.Matches(slot))
            {
                continue;
            }

            if (response.Result.Count == limit)
            {
                response.NextPageOffset = id.ToProto();
                break;
            }

            response.Result.Add(output.Retrieved(slot));
        }

        return response;
    }

    /// <summary>
    /// Points ordered by a payload value for <c>order_by</c>. The key needs a range-capable index (integer with
    /// <c>range</c>, float, datetime), else <c>OperationError::MissingRangeIndexForOrderBy</c>. A point appears once per
    /// value it holds (the stream comes from the numeric index; duplicates of the same (value, id) are dropped).
    /// Datetime order values are microsecond timestamps [inferred from the datetime index storing i64 micros].
    /// </summary>
    private static List<(int Slot, OrderValue Value)> OrderedPoints(CollectionStore c, OrderBy orderBy, FilterEvaluator filter, int limit)
    {
        if (!c.PayloadSchema.TryGetValue(orderBy.Key, out var index) || !IsRangeIndex(index))
        {
            throw EmulatorErrors.BadInput($"No range index for `order_by` key: `{orderBy.Key}`. Please create one to use `order_by`. Check https://qdrant.tech/documentation/concepts/indexing/#payload-index to see which payload schemas support Range conditions");
        }

        var descending = orderBy.HasDirection && orderBy.Direction == Direction.Desc;
        double? start = orderBy.StartFrom switch
        {
            null => null,
            { ValueCase: StartFrom.ValueOneofCase.Float } s => s.Float,
            { ValueCase: StartFrom.ValueOneofCase.Integer } s => s.Integer,
            { ValueCase: StartFrom.ValueOneofCase.Timestamp } s => ToMicros(s.Timestamp.ToDateTimeOffset()),
            { ValueCase: StartFrom.ValueOneofCase.Datetime } s => FilterEvaluator.TryParseDatetime(s.Datetime, out var dt)
                ? ToMicros(dt)
                : throw EmulatorErrors.BadInput($"Invalid datetime: {s.Datetime}"),
            _ => null,
        };

        var path = PayloadPath.Parse(orderBy.Key);
        var entries = new List<(double Number, PointKey Id, int Slot, OrderValue Value)>();
        foreach (var id in c.Points.IdsFrom(null))
        {
            c.Points.TryGetSlot(id, out var slot);
            var payload = c.Points.GetPayload(slot);
            if (!filter.Matches(slot, payload))
            {
                continue;
            }

            var seen = new HashSet<double>();
            foreach (var value in path.SelectFlattened(payload))
            {
                if (!TryOrderValue(index.DataType, value, out var number, out var orderValue) || !seen.Add(number))
                {
                    continue;
                }

                if (start is { } s && (descending ? number > s : number < s))
                {
                    continue;
                }

                entries.Add((number, id, slot, orderValue));
            }
        }

        entries.Sort((a, b) =>
        {
            var cmp = a.Number.CompareTo(b.Number);
            if (cmp == 0)
            {
                cmp = a.Id.CompareTo(b.Id);
            }

            return descending ? -cmp : cmp;
        });

        var result = new List<(int, OrderValue)>(Math.Min(limit, entries.Count));
        for (var i = 0; i < entries.Count && i < limit; i++)
        {
            result.Add((entries[i].Slot, entries[i].Value));
        }

        return result;
    }

    private static bool IsRangeIndex(PayloadSchemaInfo index) => index.DataType switch
    {
        PayloadSchemaType.Integer => index.Params?.IntegerIndexParams is not { HasRange: true, Range: false },
        PayloadSchemaType.Float or PayloadSchemaType.Datetime => true,
        _ => false,
    };

    private static bool TryOrderValue(PayloadSchemaType type, Value value, out double number, out OrderValue orderValue)
    {
        number = 0;
        orderValue = null!;
        switch (type)
        {
            case PayloadSchemaType.Integer when value.KindCase == Value.KindOneofCase.IntegerValue:
                number = value.IntegerValue;
                orderValue = new OrderValue { Int = value.IntegerValue };
                return true;
            case PayloadSchemaType.Float when value.KindCase is Value.KindOneofCase.DoubleValue or Value.KindOneofCase.IntegerValue:
                number = value.KindCase == Value.KindOneofCase.DoubleValue ? value.DoubleValue : value.IntegerValue;
                orderValue = new OrderValue { Float = number };
                return true;
            case PayloadSchemaType.Datetime when value.KindCase == Value.KindOneofCase.StringValue
                && FilterEvaluator.TryParseDatetime(value.StringValue, out var instant):
                var micros = ToMicros(instant);
                number = micros;
                orderValue = new OrderValue { Int = micros };
                return true;
            default:
                return false;
        }
    }

    private static long ToMicros(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>Count: always exact (an estimate is allowed to equal the truth).</summary>
    private CountResponse Count(CountPoints request)
    {
        var c = Resolve(request.CollectionName);
        ulong count;
        var filter = new FilterEvaluator(request.Filter, c.Points);
        if (filter.MatchesAll)
        {
            count = (ulong)c.Points.Count;
        }
        else
        {
            count = 0;
            foreach (var id in c.Points.IdsFrom(null))
            {
                c.Points.TryGetSlot(id, out var slot);
                if (filter.Matches(slot))
                {
                    count++;
                }
            }
        }

        return new CountResponse { Result = new CountResult { Count = count } };
    }

    /// <summary>The deprecated Search rpc: a nearest-neighbour query with a raw vector (dense, or sparse with <c>sparse_indices</c>).</summary>
    private static List<ScoredPoint> Search(CollectionStore c, SearchPoints request)
    {
        if (request.Limit == 0)
        {
            throw EmulatorErrors.Validation("limit: value 0 invalid, must be 1 or larger");
        }

        var spaces = VectorSpaces.Of(c);
        var space = spaces.GetForQuery(request.HasVectorName ? request.VectorName : string.Empty, c);
        QueryVector query;
        if (request.SparseIndices is { } indices)
        {
            VectorInputs.ValidateSparse(indices.Data, request.Vector.Count);
            query = QueryVector.FromSparse(VectorInputs.ToSparse(indices.Data, request.Vector), space);
        }
        else
        {
            query = QueryVector.FromDense([.. request.Vector], space);
        }

        var output = new PointOutput(c.Points, spaces, request.WithPayload, payloadDefault: false, request.WithVectors);
        return Nearest(
            c,
            space,
            query,
            request.Filter,
            exclude: null,
            (int)Math.Min(request.Limit, int.MaxValue),
            request.HasOffset ? (int)Math.Min(request.Offset, int.MaxValue) : 0,
            request.HasScoreThreshold ? request.ScoreThreshold : null,
            output);
    }

    /// <summary>
    /// The universal Query API, for a nearest-neighbour query (vector or point id) or no query at all (points in id
    /// order). Defaults: limit 10, offset 0, no payload, no vectors
    /// (<c>lib/collection/src/operations/universal_query/collection_query.rs</c>). A query by point id excludes that
    /// point from the results (<c>exclude_referenced_ids</c>).
    /// </summary>
    private static List<ScoredPoint> Query(CollectionStore c, QueryPoints request)
    {
        if (request.HasLimit && request.Limit == 0)
        {
            throw EmulatorErrors.Validation("limit: value 0 invalid, must be 1 or larger");
        }

        if (request.Prefetch.Count > 0)
        {
            throw EmulatorErrors.Unimplemented("Query with prefetch");
        }

        if (request.LookupFrom is not null)
        {
            throw EmulatorErrors.Unimplemented("Query with lookup_from");
        }

        var spaces = VectorSpaces.Of(c);
        var output = new PointOutput(c.Points, spaces, request.WithPayload, payloadDefault: false, request.WithVectors);
        var limit = (int)Math.Min(request.HasLimit ? request.Limit : DefaultQueryLimit, int.MaxValue);
        var offset = request.HasOffset ? (int)Math.Min(request.Offset, int.MaxValue) : 0;
        var usingName = request.HasUsing ? request.Using : string.Empty;

        if (request.Query is null)
        {
            return ByIdOrder(c, request.Filter, limit, offset, output);
        }

        if (request.Query.VariantCase != Qdrant.Client.Grpc.Query.VariantOneofCase.Nearest)
        {
            throw EmulatorErrors.Unimplemented($"Query variant {request.Query.VariantCase}");
        }

        var space = spaces.GetForQuery(usingName, c);
        var input = request.Query.Nearest;
        PointKey? exclude = null;
        QueryVector query;
        switch (input.VariantCase)
        {
            case VectorInput.VariantOneofCase.Id:
                var id = PointKey.FromProto(input.Id);
                if (!c.Points.TryGetSlot(id, out var slot) || !space.Column.Has(slot))
                {
                    // collection_query.rs::vector_not_found_error, a CollectionError::NotFound ("{what} not found").
                    throw EmulatorErrors.NotFound($"Vector with name \"{usingName}\" for point not found");
                }

                query = QueryVector.FromStored(space, slot);
                exclude = id;
                break;
            case VectorInput.VariantOneofCase.Dense:
                query = QueryVector.FromDense([.. input.Dense.Data], space);
                break;
            case VectorInput.VariantOneofCase.Sparse:
                VectorInputs.ValidateSparse(input.Sparse.Indices, input.Sparse.Values.Count);
                query = QueryVector.FromSparse(VectorInputs.ToSparse(input.Sparse.Indices, input.Sparse.Values), space);
                break;
            case VectorInput.VariantOneofCase.MultiDense:
                VectorInputs.ValidateMultiRows(input.MultiDense);
                var rows = new float[input.MultiDense.Vectors.Count][];
                for (var r = 0; r < rows.Length; r++)
                {
                    rows[r] = [.. input.MultiDense.Vectors[r].Data];
                }

                query = QueryVector.FromMulti(rows, space);
                break;
            default:
                throw EmulatorErrors.BadRequest("Inference is not configured in this emulator: send vectors, not documents, images or objects");
        }

        return Nearest(c, space, query, request.Filter, exclude, limit, offset, request.HasScoreThreshold ? request.ScoreThreshold : null, output);
    }

    private static List<ScoredPoint> ByIdOrder(CollectionStore c, Filter? filterMessage, int limit, int offset, PointOutput output)
    {
        var filter = new FilterEvaluator(filterMessage, c.Points);
        var result = new List<ScoredPoint>();
        var skipped = 0;
        foreach (var id in c.Points.IdsFrom(null))
        {
            c.Points.TryGetSlot(id, out var slot);
            if (!filter.Matches(slot))
            {
                continue;
            }

            if (skipped++ < offset)
            {
                continue;
            }

            if (result.Count == limit)
            {
                break;
            }

            result.Add(output.Scored(slot, 0));
        }

        return result;
    }

    /// <summary>Exact nearest neighbours: points lacking the vector are skipped; ties are broken by id.</summary>
    private static List<ScoredPoint> Nearest(
        CollectionStore c,
        VectorSpace space,
        QueryVector query,
        Filter? filterMessage,
        PointKey? exclude,
        int limit,
        int offset,
        float? threshold,
        PointOutput output)
    {
        var filter = new FilterEvaluator(filterMessage, c.Points);
        var hits = new List<(float Score, PointKey Id, int Slot)>();
        foreach (var id in c.Points.IdsFrom(null))
        {
            if (exclude is { } excluded && excluded == id)
            {
                continue;
            }

            c.Points.TryGetSlot(id, out var slot);
            if (Scoring.Score(space, query, slot) is not { } score)
            {
                continue;
            }

            if (threshold is { } t && !Scoring.PassesThreshold(space, score, t))
            {
                continue;
            }

            if (!filter.Matches(slot))
            {
                continue;
            }

            hits.Add((score, id, slot));
        }

        hits.Sort((a, b) =>
        {
            if (a.Score != b.Score)
            {
                return Scoring.Better(space, a.Score, b.Score) ? -1 : 1;
            }

            return a.Id.CompareTo(b.Id);
        });

        var result = new List<ScoredPoint>();
        for (var i = offset; i < hits.Count && result.Count < limit; i++)
        {
            result.Add(output.Scored(hits[i].Slot, hits[i].Score));
        }

        return result;
    }
}
