using System.Globalization;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Rest;

// Point endpoints (src/actix/api/update_api.rs, retrieve_api.rs, count_api.rs, query_api.rs, search_api.rs @ v1.19.0).
internal sealed partial class EmulatorRestHandler
{
    private static void MapPointRoutes(RestRouter router)
    {
        router.Map(HttpMethod.Put, "/collections/{name}/points", (r, a) =>
        {
            var body = r.Json;
            var request = new UpsertPoints { CollectionName = a[0], Wait = r.Wait(false) };
            RestJson.ReadPointsInsert(body, request.Points);
            ReadUpsertOptions(body, out var filter, out var mode);
            if (filter is not null)
            {
                request.UpdateFilter = filter;
            }

            if (mode is { } updateMode)
            {
                request.UpdateMode = updateMode;
            }

            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/Upsert", request));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points", (r, a) =>
        {
            var body = r.Json;
            var request = new GetPoints
            {
                CollectionName = a[0],
                Ids = { body.TryGetProperty("ids", out var ids) ? RestJson.ReadIds(ids) : throw RestRequestException.MissingField("ids") },

                // PointRequest without with_payload means no payload (collection/point_ops.rs::retrieve), whatever the docs say.
                WithPayload = Optional(body, "with_payload") is { } wp ? RestJson.ReadWithPayload(wp) : new WithPayloadSelector { Enable = false },
                WithVectors = Optional(body, "with_vector") is { } wv ? RestJson.ReadWithVectors(wv) : new WithVectorsSelector { Enable = false },
            };
            var response = r.Invoke<GetResponse>("/qdrant.Points/Get", request);
            var withPayload = RestJson.IsEnabled(request.WithPayload);
            var withVector = RestJson.IsEnabled(request.WithVectors);
            return r.Ok(w =>
            {
                w.WriteStartArray();
                foreach (var point in response.Result)
                {
                    RestJson.WriteRecord(w, point, withPayload, withVector);
                }

                w.WriteEndArray();
            });
        });

        router.Map(HttpMethod.Get, "/collections/{name}/points/{id}", (r, a) =>
        {
            var id = ParsePathPointId(a[1]);
            var request = new GetPoints
            {
                CollectionName = a[0],
                Ids = { id },
                WithPayload = new WithPayloadSelector { Enable = true },
                WithVectors = new WithVectorsSelector { Enable = true },
            };
            var response = r.Invoke<GetResponse>("/qdrant.Points/Get", request);
            if (response.Result.Count == 0)
            {
                // src/actix/api/retrieve_api.rs: the GET form turns an empty result into this NotFound.
                var text = id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num
                    ? id.Num.ToString(CultureInfo.InvariantCulture)
                    : id.Uuid;
                throw EmulatorErrors.NotFound($"Point with id {text} does not exists!");
            }

            return r.Ok(w => RestJson.WriteRecord(w, response.Result[0], withPayload: true, withVector: true));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/delete", (r, a) =>
        {
            var request = new DeletePoints { CollectionName = a[0], Wait = r.Wait(false), Points = RequiredSelector(r.Json) };
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/Delete", request));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/scroll", (r, a) =>
        {
            var body = r.JsonOrEmpty;
            var request = new ScrollPoints { CollectionName = a[0] };
            if (Optional(body, "filter") is { } filter)
            {
                request.Filter = RestJson.ReadFilter(filter);
            }

            if (Optional(body, "offset") is { } offset)
            {
                request.Offset = RestJson.ReadPointId(offset);
            }

            if (Optional(body, "limit") is { } limit)
            {
                request.Limit = limit.GetUInt32();
                if (request.Limit == 0)
                {
                    // ScrollRequestInternal.limit: #[validate(range(min = 1))].
                    throw RestRequestException.Validation("limit", "value 0 invalid, must be 1 or larger");
                }
            }

            if (Optional(body, "order_by") is { } orderBy)
            {
                request.OrderBy = RestJson.ReadOrderBy(orderBy);
            }

            // Scroll defaults: payload on, vectors off (lib/shard/src/scroll.rs).
            request.WithPayload = Optional(body, "with_payload") is { } wp ? RestJson.ReadWithPayload(wp) : new WithPayloadSelector { Enable = true };
            request.WithVectors = Optional(body, "with_vector") is { } wv ? RestJson.ReadWithVectors(wv) : new WithVectorsSelector { Enable = false };
            var response = r.Invoke<ScrollResponse>("/qdrant.Points/Scroll", request);
            var withPayload = RestJson.IsEnabled(request.WithPayload);
            var withVector = RestJson.IsEnabled(request.WithVectors);
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("points");
                foreach (var point in response.Result)
                {
                    RestJson.WriteRecord(w, point, withPayload, withVector);
                }

                w.WriteEndArray();
                w.WritePropertyName("next_page_offset");
                RestJson.WritePointId(w, response.NextPageOffset);
                w.WriteEndObject();
            });
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/count", (r, a) =>
        {
            var body = r.JsonOrEmpty;
            var request = new CountPoints { CollectionName = a[0], Exact = true };
            if (Optional(body, "filter") is { } filter)
            {
                request.Filter = RestJson.ReadFilter(filter);
            }

            if (Optional(body, "exact") is { } exact)
            {
                request.Exact = exact.GetBoolean();
            }

            var response = r.Invoke<CountResponse>("/qdrant.Points/Count", request);
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteNumber("count", response.Result?.Count ?? 0);
                w.WriteEndObject();
            });
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/payload", (r, a) =>
            UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/SetPayload", ReadSetPayload(r, a[0]))));
        router.Map(HttpMethod.Put, "/collections/{name}/points/payload", (r, a) =>
            UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/OverwritePayload", ReadSetPayload(r, a[0]))));

        router.Map(HttpMethod.Post, "/collections/{name}/points/payload/delete", (r, a) =>
        {
            var body = r.Json;
            var request = new DeletePayloadPoints { CollectionName = a[0], Wait = r.Wait(false), PointsSelector = RequiredSelector(body) };
            ReadKeys(body, request.Keys);
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/DeletePayload", request));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/payload/clear", (r, a) =>
        {
            var request = new ClearPayloadPoints { CollectionName = a[0], Wait = r.Wait(false), Points = RequiredSelector(r.Json) };
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/ClearPayload", request));
        });

        router.Map(HttpMethod.Put, "/collections/{name}/points/vectors", (r, a) =>
        {
            var body = r.Json;
            var request = new UpdatePointVectors { CollectionName = a[0], Wait = r.Wait(false) };
            RestJson.ReadPointVectors(body, request.Points);
            if (Optional(body, "update_filter") is { } filter)
            {
                request.UpdateFilter = RestJson.ReadFilter(filter);
            }

            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/UpdateVectors", request));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/vectors/delete", (r, a) =>
        {
            var body = r.Json;
            var request = new DeletePointVectors
            {
                CollectionName = a[0],
                Wait = r.Wait(false),
                PointsSelector = RequiredSelector(body),
                Vectors = ReadVectorNames(body),
            };
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/DeleteVectors", request));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/batch", (r, a) =>
        {
            var body = r.Json;
            var request = new UpdateBatchPoints { CollectionName = a[0], Wait = r.Wait(false) };
            if (!body.TryGetProperty("operations", out var operations) || operations.ValueKind != JsonValueKind.Array)
            {
                throw RestRequestException.MissingField("operations");
            }

            foreach (var operation in operations.EnumerateArray())
            {
                request.Operations.Add(ReadBatchOperation(operation));
            }

            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            var response = r.Invoke<UpdateBatchResponse>("/qdrant.Points/UpdateBatch", request);
            return r.Ok(w =>
            {
                w.WriteStartArray();
                foreach (var result in response.Result)
                {
                    RestJson.WriteUpdateResult(w, result);
                }

                w.WriteEndArray();
            });
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/query", (r, a) =>
        {
            var request = ReadQueryPoints(r.JsonOrEmpty, a[0]);
            var response = r.Invoke<QueryResponse>("/qdrant.Points/Query", request);
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("points");
                WriteScoredPoints(w, response.Result, request.WithPayload, request.WithVectors);
                w.WriteEndObject();
            });
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/query/batch", (r, a) =>
        {
            var request = new QueryBatchPoints { CollectionName = a[0] };
            foreach (var search in Searches(r.Json))
            {
                request.QueryPoints.Add(ReadQueryPoints(search, a[0]));
            }

            var response = r.Invoke<QueryBatchResponse>("/qdrant.Points/QueryBatch", request);
            return r.Ok(w =>
            {
                w.WriteStartArray();
                for (var i = 0; i < response.Result.Count; i++)
                {
                    var query = request.QueryPoints[Math.Min(i, request.QueryPoints.Count - 1)];
                    w.WriteStartObject();
                    w.WritePropertyName("points");
                    WriteScoredPoints(w, response.Result[i].Result, query.WithPayload, query.WithVectors);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/search", (r, a) =>
        {
            var request = ReadSearchPoints(r.Json, a[0]);
            var response = r.Invoke<SearchResponse>("/qdrant.Points/Search", request);
            return r.Ok(w => WriteScoredPoints(w, response.Result, request.WithPayload, request.WithVectors));
        });

        router.Map(HttpMethod.Post, "/collections/{name}/points/search/batch", (r, a) =>
        {
            var request = new SearchBatchPoints { CollectionName = a[0] };
            foreach (var search in Searches(r.Json))
            {
                request.SearchPoints.Add(ReadSearchPoints(search, a[0]));
            }

            var response = r.Invoke<SearchBatchResponse>("/qdrant.Points/SearchBatch", request);
            return r.Ok(w =>
            {
                w.WriteStartArray();
                for (var i = 0; i < response.Result.Count; i++)
                {
                    var search = request.SearchPoints[Math.Min(i, request.SearchPoints.Count - 1)];
                    WriteScoredPoints(w, response.Result[i].Result, search.WithPayload, search.WithVectors);
                }

                w.WriteEndArray();
            });
        });
    }

    private static JsonElement? Optional(JsonElement body, string name) =>
        body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null
            ? value
            : null;

    private static PointId ParsePathPointId(string text)
    {
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var num))
        {
            return new PointId { Num = num };
        }

        if (PointKey.TryParseUuid(text, out var uuid))
        {
            return new PointId { Uuid = uuid.ToString("D") };
        }

        throw new RestRequestException(System.Net.HttpStatusCode.BadRequest, $"Deserialize error in path parameters: Unable to parse `{text}` as point id");
    }

    private static void ReadUpsertOptions(JsonElement body, out Filter? filter, out UpdateMode? mode)
    {
        filter = Optional(body, "update_filter") is { } f ? RestJson.ReadFilter(f) : null;
        mode = Optional(body, "update_mode") is { } m
            ? m.GetString() switch
            {
                "upsert" => UpdateMode.Upsert,
                "insert_only" => UpdateMode.InsertOnly,
                "update_only" => UpdateMode.UpdateOnly,
                var other => throw RestRequestException.Format($"unknown variant `{other}`, expected one of `upsert`, `insert_only`, `update_only`"),
            }
            : null;
    }

    private static PointsSelector RequiredSelector(JsonElement body) =>
        RestJson.ReadPointsSelector(body) ?? throw RestRequestException.Format("data did not match any variant of untagged enum PointsSelector");

    private static SetPayloadPoints ReadSetPayload(RestRequest r, string collection)
    {
        var body = r.Json;
        var request = new SetPayloadPoints { CollectionName = collection, Wait = r.Wait(false) };
        if (!body.TryGetProperty("payload", out var payload))
        {
            throw RestRequestException.MissingField("payload");
        }

        RestJson.ReadPayload(payload, request.Payload);
        request.PointsSelector = RestJson.ReadPointsSelector(body)
            ?? throw new EmulatorException(EmulatorErrorKind.BadInput, "Either list of point ids or filter must be provided");
        if (Optional(body, "key") is { } key)
        {
            request.Key = key.GetString() ?? string.Empty;
        }

        if (r.Ordering() is { } ordering)
        {
            request.Ordering = ordering;
        }

        return request;
    }

    private static void ReadKeys(JsonElement body, Google.Protobuf.Collections.RepeatedField<string> keys)
    {
        if (!body.TryGetProperty("keys", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.MissingField("keys");
        }

        foreach (var key in list.EnumerateArray())
        {
            keys.Add(key.GetString() ?? string.Empty);
        }
    }

    private static VectorsSelector ReadVectorNames(JsonElement body)
    {
        if (!body.TryGetProperty("vector", out var names) || names.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.MissingField("vector");
        }

        var selector = new VectorsSelector();
        foreach (var name in names.EnumerateArray())
        {
            selector.Names.Add(name.GetString() ?? string.Empty);
        }

        return selector;
    }

    /// <summary>One entry of <c>POST /points/batch</c> <c>operations</c>: an externally tagged UpdateOperation.</summary>
    private static PointsUpdateOperation ReadBatchOperation(JsonElement operation)
    {
        if (operation.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum UpdateOperation");
        }

        foreach (var property in operation.EnumerateObject())
        {
            var body = property.Value;
            switch (property.Name)
            {
                case "upsert":
                {
                    var list = new PointsUpdateOperation.Types.PointStructList();
                    RestJson.ReadPointsInsert(body, list.Points);
                    ReadUpsertOptions(body, out var filter, out var mode);
                    if (filter is not null)
                    {
                        list.UpdateFilter = filter;
                    }

                    if (mode is { } updateMode)
                    {
                        list.UpdateMode = updateMode;
                    }

                    return new PointsUpdateOperation { Upsert = list };
                }

                case "delete":
                    return new PointsUpdateOperation { DeletePoints = new PointsUpdateOperation.Types.DeletePoints { Points = RequiredSelector(body) } };
                case "set_payload":
                case "overwrite_payload":
                {
                    var payload = new Google.Protobuf.Collections.MapField<string, Value>();
                    RestJson.ReadPayload(body.TryGetProperty("payload", out var p) ? p : throw RestRequestException.MissingField("payload"), payload);
                    var selector = RestJson.ReadPointsSelector(body)
                        ?? throw new EmulatorException(EmulatorErrorKind.BadInput, "Either list of point ids or filter must be provided");
                    var key = Optional(body, "key")?.GetString();
                    if (property.Name == "set_payload")
                    {
                        var set = new PointsUpdateOperation.Types.SetPayload { PointsSelector = selector };
                        set.Payload.Add(payload);
                        if (key is not null)
                        {
                            set.Key = key;
                        }

                        return new PointsUpdateOperation { SetPayload = set };
                    }

                    var overwrite = new PointsUpdateOperation.Types.OverwritePayload { PointsSelector = selector };
                    overwrite.Payload.Add(payload);
                    if (key is not null)
                    {
                        overwrite.Key = key;
                    }

                    return new PointsUpdateOperation { OverwritePayload = overwrite };
                }

                case "delete_payload":
                {
                    var delete = new PointsUpdateOperation.Types.DeletePayload { PointsSelector = RequiredSelector(body) };
                    ReadKeys(body, delete.Keys);
                    return new PointsUpdateOperation { DeletePayload = delete };
                }

                case "clear_payload":
                    return new PointsUpdateOperation { ClearPayload = new PointsUpdateOperation.Types.ClearPayload { Points = RequiredSelector(body) } };
                case "update_vectors":
                {
                    var update = new PointsUpdateOperation.Types.UpdateVectors();
                    RestJson.ReadPointVectors(body, update.Points);
                    if (Optional(body, "update_filter") is { } filter)
                    {
                        update.UpdateFilter = RestJson.ReadFilter(filter);
                    }

                    return new PointsUpdateOperation { UpdateVectors = update };
                }

                case "delete_vectors":
                    return new PointsUpdateOperation
                    {
                        DeleteVectors = new PointsUpdateOperation.Types.DeleteVectors { PointsSelector = RequiredSelector(body), Vectors = ReadVectorNames(body) },
                    };
                default:
                    break;
            }
        }

        throw RestRequestException.Format("data did not match any variant of untagged enum UpdateOperation");
    }

    private static JsonElement.ArrayEnumerator Searches(JsonElement body) =>
        body.TryGetProperty("searches", out var searches) && searches.ValueKind == JsonValueKind.Array
            ? searches.EnumerateArray()
            : throw RestRequestException.MissingField("searches");

    /// <summary>REST QueryRequest; defaults with_payload=false, with_vector=false, limit 10 (collection_query.rs).</summary>
    private static QueryPoints ReadQueryPoints(JsonElement body, string collection)
    {
        var request = new QueryPoints { CollectionName = collection };
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(body, "struct QueryRequest");
        }

        // A query request is a prefetch (same fields, read the same way) plus offset and the output selectors.
        var common = ReadPrefetch(body);
        if (common.HasLimit && common.Limit == 0)
        {
            // tests/openapi/test_query.py: "Validation error in JSON body: [internal.limit: value 0 invalid, must be 1 or larger]".
            throw RestRequestException.Validation("internal.limit", "value 0 invalid, must be 1 or larger");
        }

        request.Prefetch.Add(common.Prefetch);
        if (common.Query is not null)
        {
            request.Query = common.Query;
        }

        if (common.HasUsing)
        {
            request.Using = common.Using;
        }

        if (common.Filter is not null)
        {
            request.Filter = common.Filter;
        }

        if (common.Params is not null)
        {
            request.Params = common.Params;
        }

        if (common.HasScoreThreshold)
        {
            request.ScoreThreshold = common.ScoreThreshold;
        }

        if (common.HasLimit)
        {
            request.Limit = common.Limit;
        }

        if (common.LookupFrom is not null)
        {
            request.LookupFrom = common.LookupFrom;
        }

        if (Optional(body, "offset") is { } offset)
        {
            request.Offset = offset.GetUInt64();
        }

        request.WithPayload = Optional(body, "with_payload") is { } wp ? RestJson.ReadWithPayload(wp) : new WithPayloadSelector { Enable = false };
        request.WithVectors = Optional(body, "with_vector") is { } wv ? RestJson.ReadWithVectors(wv) : new WithVectorsSelector { Enable = false };
        return request;
    }

    private static PrefetchQuery ReadPrefetch(JsonElement body)
    {
        var prefetch = new PrefetchQuery();
        if (Optional(body, "prefetch") is { } nested)
        {
            foreach (var item in nested.ValueKind == JsonValueKind.Array ? [.. nested.EnumerateArray()] : new[] { nested })
            {
                prefetch.Prefetch.Add(ReadPrefetch(item));
            }
        }

        if (Optional(body, "query") is { } query)
        {
            prefetch.Query = ReadQueryInterface(query);
        }

        if (Optional(body, "using") is { } usingName)
        {
            prefetch.Using = usingName.GetString() ?? string.Empty;
        }

        if (Optional(body, "filter") is { } filter)
        {
            prefetch.Filter = RestJson.ReadFilter(filter);
        }

        if (Optional(body, "params") is { } searchParams)
        {
            prefetch.Params = RestProtoJson.Read<SearchParams>(searchParams);
        }

        if (Optional(body, "score_threshold") is { } threshold)
        {
            prefetch.ScoreThreshold = threshold.GetSingle();
        }

        if (Optional(body, "limit") is { } limit)
        {
            prefetch.Limit = limit.GetUInt64();
        }

        if (Optional(body, "lookup_from") is { } lookup)
        {
            prefetch.LookupFrom = ReadLookupFrom(lookup);
        }

        return prefetch;
    }

    private static LookupLocation ReadLookupFrom(JsonElement body)
    {
        var location = new LookupLocation
        {
            CollectionName = body.TryGetProperty("collection", out var c) ? c.GetString() ?? string.Empty : throw RestRequestException.MissingField("collection"),
        };
        if (Optional(body, "vector") is { } vector)
        {
            location.VectorName = vector.GetString() ?? string.Empty;
        }

        return location;
    }

    /// <summary>REST QueryInterface: a bare vector input (nearest) or a tagged query object.</summary>
    private static Query ReadQueryInterface(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object || (element.TryGetProperty("indices", out _) && element.TryGetProperty("values", out _)))
        {
            return new Query { Nearest = RestJson.ReadVectorInput(element) };
        }

        if (element.TryGetProperty("nearest", out var nearest))
        {
            return new Query { Nearest = RestJson.ReadVectorInput(nearest) };
        }

        if (element.TryGetProperty("order_by", out var orderBy))
        {
            return new Query { OrderBy = RestJson.ReadOrderBy(orderBy) };
        }

        if (element.TryGetProperty("fusion", out var fusion))
        {
            return new Query
            {
                Fusion = fusion.GetString() switch
                {
                    "rrf" => Fusion.Rrf,
                    "dbsf" => Fusion.Dbsf,
                    var other => throw RestRequestException.Format($"unknown variant `{other}`, expected `rrf` or `dbsf`"),
                },
            };
        }

        if (element.TryGetProperty("sample", out var sample))
        {
            return sample.GetString() == "random"
                ? new Query { Sample = Sample.Random }
                : throw RestRequestException.Format($"unknown variant `{sample.GetString()}`, expected `random`");
        }

        if (element.TryGetProperty("recommend", out var recommend))
        {
            var input = new RecommendInput();
            if (Optional(recommend, "positive") is { } positive)
            {
                foreach (var item in positive.EnumerateArray())
                {
                    input.Positive.Add(RestJson.ReadVectorInput(item));
                }
            }

            if (Optional(recommend, "negative") is { } negative)
            {
                foreach (var item in negative.EnumerateArray())
                {
                    input.Negative.Add(RestJson.ReadVectorInput(item));
                }
            }

            if (Optional(recommend, "strategy") is { } strategy)
            {
                input.Strategy = strategy.GetString() switch
                {
                    "average_vector" => RecommendStrategy.AverageVector,
                    "best_score" => RecommendStrategy.BestScore,
                    "sum_scores" => RecommendStrategy.SumScores,
                    var other => throw RestRequestException.Format($"unknown variant `{other}`, expected one of `average_vector`, `best_score`, `sum_scores`"),
                };
            }

            return new Query { Recommend = input };
        }

        var kind = element.EnumerateObject().Select(p => p.Name).FirstOrDefault() ?? "{}";
        throw EmulatorErrors.Unimplemented($"Query variant `{kind}` over REST");
    }

    /// <summary>REST SearchRequest: <c>vector</c> is a list, <c>{name, vector}</c> or a named sparse vector; <c>limit</c> is required.</summary>
    private static SearchPoints ReadSearchPoints(JsonElement body, string collection)
    {
        var request = new SearchPoints { CollectionName = collection };
        if (!body.TryGetProperty("vector", out var vector))
        {
            throw RestRequestException.MissingField("vector");
        }

        if (vector.ValueKind == JsonValueKind.Object && vector.TryGetProperty("name", out var name))
        {
            request.VectorName = name.GetString() ?? string.Empty;
            var inner = vector.TryGetProperty("vector", out var v) ? RestJson.ReadVector(v) : throw RestRequestException.MissingField("vector");
            if (inner.VectorCase == Vector.VectorOneofCase.Sparse)
            {
                request.Vector.AddRange(inner.Sparse.Values);
                request.SparseIndices = new SparseIndices { Data = { inner.Sparse.Indices } };
            }
            else if (inner.VectorCase == Vector.VectorOneofCase.Dense)
            {
                request.Vector.AddRange(inner.Dense.Data);
            }
            else
            {
                throw RestRequestException.Format("data did not match any variant of untagged enum NamedVectorStruct");
            }
        }
        else
        {
            var inner = RestJson.ReadVector(vector);
            request.Vector.AddRange(inner.VectorCase == Vector.VectorOneofCase.Dense
                ? inner.Dense.Data
                : throw RestRequestException.Format("data did not match any variant of untagged enum NamedVectorStruct"));
        }

        request.Limit = Optional(body, "limit") is { } limit ? limit.GetUInt64() : throw RestRequestException.MissingField("limit");
        if (request.Limit == 0)
        {
            throw RestRequestException.Validation("limit", "value 0 invalid, must be 1 or larger");
        }

        if (Optional(body, "filter") is { } filter)
        {
            request.Filter = RestJson.ReadFilter(filter);
        }

        if (Optional(body, "params") is { } searchParams)
        {
            request.Params = RestProtoJson.Read<SearchParams>(searchParams);
        }

        if (Optional(body, "score_threshold") is { } threshold)
        {
            request.ScoreThreshold = threshold.GetSingle();
        }

        if (Optional(body, "offset") is { } offset)
        {
            request.Offset = offset.GetUInt64();
        }

        request.WithPayload = Optional(body, "with_payload") is { } wp ? RestJson.ReadWithPayload(wp) : new WithPayloadSelector { Enable = false };
        request.WithVectors = Optional(body, "with_vector") is { } wv ? RestJson.ReadWithVectors(wv) : new WithVectorsSelector { Enable = false };
        return request;
    }

    private static void WriteScoredPoints(
        Utf8JsonWriter w, Google.Protobuf.Collections.RepeatedField<ScoredPoint> points, WithPayloadSelector? payload, WithVectorsSelector? vectors)
    {
        var withPayload = RestJson.IsEnabled(payload);
        var withVector = RestJson.IsEnabled(vectors);
        w.WriteStartArray();
        foreach (var point in points)
        {
            RestJson.WriteScoredPoint(w, point, withPayload, withVector);
        }

        w.WriteEndArray();
    }
}
