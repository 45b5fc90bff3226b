using System.Text.Json;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>REST JSON ↔ proto conversions for points: vectors, point structs, selectors, records and scored points.</summary>
internal static partial class RestJson
{
    // ---------------------------------------------------------------- vectors in

    /// <summary>
    /// A point's <c>vector</c> (serde's untagged <c>VectorStruct</c>): a list of floats (unnamed dense), a list of
    /// lists (unnamed multi-dense), or a map of name to dense / multi-dense / sparse <c>{indices, values}</c>.
    /// </summary>
    public static Vectors ReadVectorStruct(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                return new Vectors { Vector = ReadVector(element) };
            case JsonValueKind.Object:
                var named = new NamedVectors();
                foreach (var entry in element.EnumerateObject())
                {
                    named.Vectors[entry.Name] = ReadVector(entry.Value);
                }

                return new Vectors { Vectors_ = named };
            default:
                throw RestRequestException.Format("data did not match any variant of untagged enum VectorStruct");
        }
    }

    /// <summary>One vector: dense list, multi-dense list of lists, or sparse <c>{indices, values}</c>.</summary>
    public static Vector ReadVector(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var length = element.GetArrayLength();
            if (length > 0 && element[0].ValueKind == JsonValueKind.Array)
            {
                var multi = new MultiDenseVector();
                foreach (var row in element.EnumerateArray())
                {
                    var dense = new DenseVector();
                    ReadFloats(row, dense.Data);
                    multi.Vectors.Add(dense);
                }

                return new Vector { MultiDense = multi };
            }

            var single = new DenseVector();
            ReadFloats(element, single.Data);
            return new Vector { Dense = single };
        }

        if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty("indices", out var indices) &&
            element.TryGetProperty("values", out var values))
        {
            return new Vector { Sparse = ReadSparse(indices, values) };
        }

        if (element.ValueKind == JsonValueKind.Object && (element.TryGetProperty("text", out _) || element.TryGetProperty("image", out _) || element.TryGetProperty("object", out _)))
        {
            // Inference objects (Document/Image/Object) need an inference service, which the emulator has no equivalent of.
            throw new EmulatorException(EmulatorErrorKind.BadRequest, "Inference is not supported by the QdrantSchema emulator");
        }

        throw RestRequestException.Format("data did not match any variant of untagged enum VectorStruct");
    }

    private static SparseVector ReadSparse(JsonElement indices, JsonElement values)
    {
        var sparse = new SparseVector();
        if (indices.ValueKind != JsonValueKind.Array || values.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum VectorStruct");
        }

        foreach (var index in indices.EnumerateArray())
        {
            sparse.Indices.Add(index.TryGetUInt32(out var i) ? i : throw RestRequestException.InvalidType(index, "u32"));
        }

        ReadFloats(values, sparse.Values);
        return sparse;
    }

    private static void ReadFloats(JsonElement array, RepeatedField<float> target)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.InvalidType(array, "a sequence");
        }

        target.Capacity = target.Count + array.GetArrayLength();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetSingle(out var value))
            {
                throw RestRequestException.InvalidType(item, "f32");
            }

            target.Add(value);
        }
    }

    /// <summary>A query vector (<c>VectorInput</c>): a point id, dense, multi-dense or sparse.</summary>
    public static VectorInput ReadVectorInput(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
            case JsonValueKind.String:
                return new VectorInput { Id = ReadPointId(element) };
            default:
                var vector = ReadVector(element);
                return vector.VectorCase switch
                {
                    Vector.VectorOneofCase.Dense => new VectorInput { Dense = vector.Dense },
                    Vector.VectorOneofCase.Sparse => new VectorInput { Sparse = vector.Sparse },
                    _ => new VectorInput { MultiDense = vector.MultiDense },
                };
        }
    }

    // ---------------------------------------------------------------- points in

    /// <summary>The upsert body's points: the list form <c>points</c> or the column form <c>batch</c>.</summary>
    public static void ReadPointsInsert(JsonElement body, RepeatedField<PointStruct> target)
    {
        if (body.TryGetProperty("points", out var points) && points.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in points.EnumerateArray())
            {
                target.Add(ReadPointStruct(item, index++));
            }

            return;
        }

        if (body.TryGetProperty("batch", out var batch) && batch.ValueKind == JsonValueKind.Object)
        {
            ReadBatch(batch, target);
            return;
        }

        throw RestRequestException.Format("data did not match any variant of untagged enum PointInsertOperations");
    }

    private static PointStruct ReadPointStruct(JsonElement item, int index)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(item, "struct PointStruct");
        }

        var point = new PointStruct
        {
            Id = item.TryGetProperty("id", out var id) ? ReadPointId(id) : throw RestRequestException.MissingField("id"),
        };
        if (item.TryGetProperty("vector", out var vector) && vector.ValueKind != JsonValueKind.Null)
        {
            point.Vectors = ReadVectorStruct(vector);
        }
        else
        {
            // PointStruct.vector is required in REST (it may be an empty map for vector-less collections).
            throw RestRequestException.MissingField("vector");
        }

        if (item.TryGetProperty("payload", out var payload))
        {
            ReadPayload(payload, point.Payload);
        }

        _ = index;
        return point;
    }

    private static void ReadBatch(JsonElement batch, RepeatedField<PointStruct> target)
    {
        if (!batch.TryGetProperty("ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.MissingField("ids");
        }

        var count = ids.GetArrayLength();
        foreach (var id in ids.EnumerateArray())
        {
            target.Add(new PointStruct { Id = ReadPointId(id) });
        }

        if (batch.TryGetProperty("vectors", out var vectors) && vectors.ValueKind != JsonValueKind.Null)
        {
            if (vectors.ValueKind == JsonValueKind.Array)
            {
                CheckBatchLength(vectors, count, "vectors");
                var i = 0;
                foreach (var vector in vectors.EnumerateArray())
                {
                    target[i++].Vectors = new Vectors { Vector = ReadVector(vector) };
                }
            }
            else if (vectors.ValueKind == JsonValueKind.Object)
            {
                foreach (var column in vectors.EnumerateObject())
                {
                    CheckBatchLength(column.Value, count, "vectors");
                    var i = 0;
                    foreach (var vector in column.Value.EnumerateArray())
                    {
                        var point = target[i++];
                        point.Vectors ??= new Vectors { Vectors_ = new NamedVectors() };
                        point.Vectors.Vectors_.Vectors[column.Name] = ReadVector(vector);
                    }
                }

                foreach (var point in target)
                {
                    point.Vectors ??= new Vectors { Vectors_ = new NamedVectors() };
                }
            }
            else
            {
                throw RestRequestException.Format("data did not match any variant of untagged enum BatchVectorStruct");
            }
        }
        else
        {
            throw RestRequestException.MissingField("vectors");
        }

        if (batch.TryGetProperty("payloads", out var payloads) && payloads.ValueKind == JsonValueKind.Array)
        {
            CheckBatchLength(payloads, count, "payloads");
            var i = 0;
            foreach (var payload in payloads.EnumerateArray())
            {
                ReadPayload(payload, target[i++].Payload);
            }
        }
    }

    private static void CheckBatchLength(JsonElement column, int count, string what)
    {
        if (column.ValueKind != JsonValueKind.Array || column.GetArrayLength() != count)
        {
            // Batch::validate in lib/api/src/rest/schema.rs @ v1.19.0.
            throw new EmulatorException(EmulatorErrorKind.BadInput, $"number of ids and {what} must be equal");
        }
    }

    /// <summary>The <c>points</c> list of <c>PointVectors</c> for <c>PUT /points/vectors</c>.</summary>
    public static void ReadPointVectors(JsonElement body, RepeatedField<PointVectors> target)
    {
        if (!body.TryGetProperty("points", out var points) || points.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.MissingField("points");
        }

        foreach (var item in points.EnumerateArray())
        {
            target.Add(new PointVectors
            {
                Id = item.TryGetProperty("id", out var id) ? ReadPointId(id) : throw RestRequestException.MissingField("id"),
                Vectors = item.TryGetProperty("vector", out var vector) ? ReadVectorStruct(vector) : throw RestRequestException.MissingField("vector"),
            });
        }
    }

    /// <summary>A <c>points</c> id list and/or a <c>filter</c> (the id list wins when both are given).</summary>
    public static PointsSelector? ReadPointsSelector(JsonElement body, string idsProperty = "points")
    {
        if (body.TryGetProperty(idsProperty, out var ids) && ids.ValueKind == JsonValueKind.Array)
        {
            var list = new PointsIdsList();
            foreach (var id in ids.EnumerateArray())
            {
                list.Ids.Add(ReadPointId(id));
            }

            return new PointsSelector { Points = list };
        }

        if (body.TryGetProperty("filter", out var filter) && filter.ValueKind == JsonValueKind.Object)
        {
            return new PointsSelector { Filter = ReadFilter(filter) };
        }

        return null;
    }

    public static RepeatedField<PointId> ReadIds(JsonElement array)
    {
        var ids = new RepeatedField<PointId>();
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.InvalidType(array, "a sequence");
        }

        foreach (var id in array.EnumerateArray())
        {
            ids.Add(ReadPointId(id));
        }

        return ids;
    }

    public static WithPayloadSelector ReadWithPayload(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return new WithPayloadSelector { Enable = true };
            case JsonValueKind.False:
                return new WithPayloadSelector { Enable = false };
            case JsonValueKind.Array:
                var include = new PayloadIncludeSelector();
                foreach (var item in element.EnumerateArray())
                {
                    include.Fields.Add(item.GetString() ?? string.Empty);
                }

                return new WithPayloadSelector { Include = include };
            case JsonValueKind.Object when element.TryGetProperty("include", out var inc):
                var included = new PayloadIncludeSelector();
                foreach (var item in inc.ValueKind == JsonValueKind.Array ? inc.EnumerateArray() : default)
                {
                    included.Fields.Add(item.GetString() ?? string.Empty);
                }

                if (inc.ValueKind == JsonValueKind.String)
                {
                    included.Fields.Add(inc.GetString()!);
                }

                return new WithPayloadSelector { Include = included };
            case JsonValueKind.Object when element.TryGetProperty("exclude", out var exc):
                var excluded = new PayloadExcludeSelector();
                foreach (var item in exc.ValueKind == JsonValueKind.Array ? exc.EnumerateArray() : default)
                {
                    excluded.Fields.Add(item.GetString() ?? string.Empty);
                }

                if (exc.ValueKind == JsonValueKind.String)
                {
                    excluded.Fields.Add(exc.GetString()!);
                }

                return new WithPayloadSelector { Exclude = excluded };
            default:
                throw RestRequestException.Format("data did not match any variant of untagged enum WithPayloadInterface");
        }
    }

    public static WithVectorsSelector ReadWithVectors(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return new WithVectorsSelector { Enable = true };
            case JsonValueKind.False:
                return new WithVectorsSelector { Enable = false };
            case JsonValueKind.Array:
                var names = new VectorsSelector();
                foreach (var item in element.EnumerateArray())
                {
                    names.Names.Add(item.GetString() ?? string.Empty);
                }

                return new WithVectorsSelector { Include = names };
            default:
                throw RestRequestException.Format("data did not match any variant of untagged enum WithVector");
        }
    }

    public static bool IsEnabled(WithPayloadSelector? selector) =>
        selector is not null && (selector.SelectorOptionsCase != WithPayloadSelector.SelectorOptionsOneofCase.Enable || selector.Enable);

    public static bool IsEnabled(WithVectorsSelector? selector) =>
        selector is not null && (selector.SelectorOptionsCase != WithVectorsSelector.SelectorOptionsOneofCase.Enable || selector.Enable);

    /// <summary>REST <c>order_by</c>: a key string or <c>{key, direction, start_from}</c>.</summary>
    public static OrderBy ReadOrderBy(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return new OrderBy { Key = element.GetString()! };
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum OrderByInterface");
        }

        var orderBy = new OrderBy
        {
            Key = element.TryGetProperty("key", out var key) ? key.GetString() ?? string.Empty : throw RestRequestException.MissingField("key"),
        };
        if (element.TryGetProperty("direction", out var direction) && direction.ValueKind == JsonValueKind.String)
        {
            orderBy.Direction = direction.GetString() switch
            {
                "asc" => Direction.Asc,
                "desc" => Direction.Desc,
                var other => throw RestRequestException.Format($"unknown variant `{other}`, expected `asc` or `desc`"),
            };
        }

        if (element.TryGetProperty("start_from", out var start) && start.ValueKind != JsonValueKind.Null)
        {
            orderBy.StartFrom = start.ValueKind switch
            {
                JsonValueKind.Number when start.TryGetInt64(out var integer) => new StartFrom { Integer = integer },
                JsonValueKind.Number => new StartFrom { Float = start.GetDouble() },
                JsonValueKind.String => new StartFrom { Timestamp = ReadDatetime(start) },
                _ => throw RestRequestException.Format("data did not match any variant of untagged enum StartFrom"),
            };
        }

        return orderBy;
    }

    // ---------------------------------------------------------------- points out

    public static void WriteVectorsOutput(Utf8JsonWriter writer, VectorsOutput? vectors)
    {
        if (vectors is null)
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
            return;
        }

        if (vectors.VectorsOptionsCase == VectorsOutput.VectorsOptionsOneofCase.Vector)
        {
            WriteVectorOutput(writer, vectors.Vector);
            return;
        }

        writer.WriteStartObject();
        if (vectors.Vectors is not null)
        {
            foreach (var entry in vectors.Vectors.Vectors)
            {
                writer.WritePropertyName(entry.Key);
                WriteVectorOutput(writer, entry.Value);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteVectorOutput(Utf8JsonWriter writer, VectorOutput vector)
    {
        switch (vector.VectorCase)
        {
            case VectorOutput.VectorOneofCase.Dense:
                WriteFloats(writer, vector.Dense.Data);
                return;
            case VectorOutput.VectorOneofCase.Sparse:
                WriteSparse(writer, vector.Sparse.Indices, vector.Sparse.Values);
                return;
            case VectorOutput.VectorOneofCase.MultiDense:
                writer.WriteStartArray();
                foreach (var row in vector.MultiDense.Vectors)
                {
                    WriteFloats(writer, row.Data);
                }

                writer.WriteEndArray();
                return;
            default:
                break;
        }

        // Deprecated representation (servers ≤ 1.16): data plus indices or vectors_count.
#pragma warning disable CS0612 // the deprecated fields are exactly what this branch reads
        if (vector.Indices is not null)
        {
            WriteSparse(writer, vector.Indices.Data, vector.Data);
        }
        else if (vector.HasVectorsCount && vector.VectorsCount > 1)
        {
            var dim = vector.Data.Count / (int)vector.VectorsCount;
            writer.WriteStartArray();
            for (var row = 0; row < vector.VectorsCount; row++)
            {
                writer.WriteStartArray();
                for (var i = 0; i < dim; i++)
                {
                    writer.WriteNumberValue(vector.Data[(row * dim) + i]);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }
        else
        {
            WriteFloats(writer, vector.Data);
        }
#pragma warning restore CS0612
    }

    private static void WriteFloats(Utf8JsonWriter writer, RepeatedField<float> values)
    {
        writer.WriteStartArray();
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }

        writer.WriteEndArray();
    }

    private static void WriteSparse(Utf8JsonWriter writer, RepeatedField<uint> indices, RepeatedField<float> values)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("indices");
        writer.WriteStartArray();
        foreach (var index in indices)
        {
            writer.WriteNumberValue(index);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("values");
        WriteFloats(writer, values);
        writer.WriteEndObject();
    }

    /// <summary>REST <c>Record</c>: <c>payload</c> and <c>vector</c> appear only when requested (serde <c>skip_serializing_if</c>).</summary>
    public static void WriteRecord(Utf8JsonWriter writer, RetrievedPoint point, bool withPayload, bool withVector)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id");
        WritePointId(writer, point.Id);
        if (withPayload)
        {
            writer.WritePropertyName("payload");
            WritePayload(writer, point.Payload);
        }

        if (withVector)
        {
            writer.WritePropertyName("vector");
            WriteVectorsOutput(writer, point.Vectors);
        }

        if (point.ShardKey is not null)
        {
            writer.WritePropertyName("shard_key");
            WriteShardKey(writer, point.ShardKey);
        }

        if (point.OrderValue is not null)
        {
            writer.WritePropertyName("order_value");
            WriteOrderValue(writer, point.OrderValue);
        }

        writer.WriteEndObject();
    }

    /// <summary>REST <c>ScoredPoint</c>: <c>id, version, score</c>, then <c>payload</c>/<c>vector</c> when requested.</summary>
    public static void WriteScoredPoint(Utf8JsonWriter writer, ScoredPoint point, bool withPayload, bool withVector)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("id");
        WritePointId(writer, point.Id);
        writer.WriteNumber("version", point.Version);
        writer.WriteNumber("score", point.Score);
        if (withPayload)
        {
            writer.WritePropertyName("payload");
            WritePayload(writer, point.Payload);
        }

        if (withVector)
        {
            writer.WritePropertyName("vector");
            WriteVectorsOutput(writer, point.Vectors);
        }

        if (point.ShardKey is not null)
        {
            writer.WritePropertyName("shard_key");
            WriteShardKey(writer, point.ShardKey);
        }

        if (point.OrderValue is not null)
        {
            writer.WritePropertyName("order_value");
            WriteOrderValue(writer, point.OrderValue);
        }

        writer.WriteEndObject();
    }

    private static void WriteShardKey(Utf8JsonWriter writer, ShardKey key)
    {
        if (key.KeyCase == ShardKey.KeyOneofCase.Number)
        {
            writer.WriteNumberValue(key.Number);
        }
        else
        {
            writer.WriteStringValue(key.Keyword);
        }
    }

    private static void WriteOrderValue(Utf8JsonWriter writer, OrderValue value)
    {
        if (value.VariantCase == OrderValue.VariantOneofCase.Int)
        {
            writer.WriteNumberValue(value.Int);
        }
        else
        {
            writer.WriteNumberValue(value.Float);
        }
    }

    /// <summary>REST <c>UpdateResult</c>: <c>{"operation_id":N,"status":"completed"}</c> (operation_id skipped when absent).</summary>
    public static void WriteUpdateResult(Utf8JsonWriter writer, UpdateResult? result)
    {
        writer.WriteStartObject();
        if (result is not null && result.HasOperationId)
        {
            writer.WriteNumber("operation_id", result.OperationId);
        }

        writer.WriteString("status", (result?.Status ?? UpdateStatus.Completed) switch
        {
            UpdateStatus.Acknowledged => "acknowledged",
            UpdateStatus.WaitTimeout => "wait_timeout",
            _ => "completed",
        });
        writer.WriteEndObject();
    }
}
