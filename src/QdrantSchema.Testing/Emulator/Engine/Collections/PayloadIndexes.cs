using System.Globalization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// Payload index declarations: turning a <see cref="CreateFieldIndexCollection"/> into the schema entry Qdrant records,
/// and reporting <c>payload_schema</c> with the number of indexed points.
/// </summary>
internal static class PayloadIndexes
{
    /// <summary>
    /// <c>convert_field_type</c> in <c>src/tonic/api/update_common.rs</c>: a missing <c>field_type</c> is an error, an
    /// undefined one means "no schema" (then <c>do_create_index</c> refuses to auto-detect), params must match the type,
    /// and params without a type are rejected. Returns null when no schema was given.
    /// </summary>
    public static PayloadSchemaInfo? ConvertFieldType(CreateFieldIndexCollection request)
    {
        if (!request.HasFieldType)
        {
            throw ConfigValidation.Raw("cannot convert field_type");
        }

        var typeDefined = Enum.IsDefined(request.FieldType);
        var indexParams = request.FieldIndexParams;
        var hasParams = indexParams is not null && indexParams.IndexParamsCase != PayloadIndexParams.IndexParamsOneofCase.None;
        if (!typeDefined)
        {
            return hasParams ? throw ConfigValidation.Raw("field type is missing") : null;
        }

        var schemaType = ToSchemaType(request.FieldType);
        var info = new PayloadSchemaInfo { DataType = schemaType };
        if (!hasParams)
        {
            return info;
        }

        var matches = indexParams!.IndexParamsCase switch
        {
            PayloadIndexParams.IndexParamsOneofCase.KeywordIndexParams => request.FieldType == FieldType.Keyword,
            PayloadIndexParams.IndexParamsOneofCase.IntegerIndexParams => request.FieldType == FieldType.Integer,
            PayloadIndexParams.IndexParamsOneofCase.FloatIndexParams => request.FieldType == FieldType.Float,
            PayloadIndexParams.IndexParamsOneofCase.GeoIndexParams => request.FieldType == FieldType.Geo,
            PayloadIndexParams.IndexParamsOneofCase.TextIndexParams => request.FieldType == FieldType.Text,
            PayloadIndexParams.IndexParamsOneofCase.BoolIndexParams => request.FieldType == FieldType.Bool,
            PayloadIndexParams.IndexParamsOneofCase.DatetimeIndexParams => request.FieldType == FieldType.Datetime,
            PayloadIndexParams.IndexParamsOneofCase.UuidIndexParams => request.FieldType == FieldType.Uuid,
            _ => false,
        };
        if (!matches)
        {
            // The Rust Debug name of the prost enum variant (FieldType::Keyword -> "Keyword").
            var rustName = request.FieldType.ToString()["FieldType".Length..];
            throw ConfigValidation.Raw($"field_type ({rustName}) and field_index_params do not match");
        }

        info.Params = NormalizeParams(indexParams.Clone());
        return info;
    }

    /// <summary>
    /// The collection's <c>payload_schema</c>: every declared index with <c>points</c> = the number of points that have at
    /// least one value of the index's type at the path (what the segment's field index counts as indexed).
    /// </summary>
    public static MapField<string, PayloadSchemaInfo> Describe(CollectionStore store)
    {
        var result = new MapField<string, PayloadSchemaInfo>();
        if (store.PayloadSchema.Count == 0)
        {
            return result;
        }

        var fields = new List<(string Key, PayloadPath? Path, PayloadSchemaType Type)>(store.PayloadSchema.Count);
        var counts = new ulong[store.PayloadSchema.Count];
        foreach (var (key, info) in store.PayloadSchema)
        {
            fields.Add((key, PayloadPath.TryParse(key, out var path) ? path : null, info.DataType));
        }

        foreach (var id in store.Points.IdsFrom(null))
        {
            if (!store.Points.TryGetSlot(id, out var slot) || store.Points.GetPayloadBytes(slot) is not { Length: > 0 })
            {
                continue;
            }

            var payload = store.Points.GetPayload(slot);
            for (var i = 0; i < fields.Count; i++)
            {
                if (fields[i].Path is { } path && HasIndexableValue(path.SelectFlattened(payload), fields[i].Type))
                {
                    counts[i]++;
                }
            }
        }

        for (var i = 0; i < fields.Count; i++)
        {
            var info = store.PayloadSchema[fields[i].Key].Clone();
            info.Points = counts[i];
            result[fields[i].Key] = info;
        }

        return result;
    }

    public static PayloadSchemaType ToSchemaType(FieldType fieldType) => fieldType switch
    {
        FieldType.Keyword => PayloadSchemaType.Keyword,
        FieldType.Integer => PayloadSchemaType.Integer,
        FieldType.Float => PayloadSchemaType.Float,
        FieldType.Geo => PayloadSchemaType.Geo,
        FieldType.Text => PayloadSchemaType.Text,
        FieldType.Bool => PayloadSchemaType.Bool,
        FieldType.Datetime => PayloadSchemaType.Datetime,
        FieldType.Uuid => PayloadSchemaType.Uuid,
        _ => PayloadSchemaType.UnknownType,
    };

    /// <summary>Whether any of the values would be indexed by an index of <paramref name="type"/>.</summary>
    public static bool HasIndexableValue(List<Value> values, PayloadSchemaType type)
    {
        foreach (var value in values)
        {
            if (IsIndexable(value, type))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Value compatibility per index type (<c>lib/segment/src/index/field_index/*</c> value extraction): keyword and text
    /// take strings, integer takes integral JSON numbers only (gRPC <c>double_value</c> becomes a float JSON number),
    /// float takes any number, datetime and uuid take strings that parse, geo takes <c>{lon, lat}</c> objects in range.
    /// </summary>
    private static bool IsIndexable(Value value, PayloadSchemaType type) => type switch
    {
        PayloadSchemaType.Keyword or PayloadSchemaType.Text => value.KindCase == Value.KindOneofCase.StringValue,
        PayloadSchemaType.Integer => value.KindCase == Value.KindOneofCase.IntegerValue,
        PayloadSchemaType.Float => value.KindCase is Value.KindOneofCase.IntegerValue or Value.KindOneofCase.DoubleValue,
        PayloadSchemaType.Bool => value.KindCase == Value.KindOneofCase.BoolValue,
        PayloadSchemaType.Datetime => value.KindCase == Value.KindOneofCase.StringValue &&
            DateTimeOffset.TryParse(value.StringValue, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _),
        PayloadSchemaType.Uuid => value.KindCase == Value.KindOneofCase.StringValue && PointKey.TryParseUuid(value.StringValue, out _),
        PayloadSchemaType.Geo => IsGeoPoint(value),
        _ => false,
    };

    private static bool IsGeoPoint(Value value)
    {
        if (value.KindCase != Value.KindOneofCase.StructValue)
        {
            return false;
        }

        var fields = value.StructValue.Fields;
        return fields.TryGetValue("lon", out var lon) && fields.TryGetValue("lat", out var lat) &&
            Number(lon) is { } x && Number(lat) is { } y &&
            x is >= -180 and <= 180 && y is >= -90 and <= 90;
    }

    private static double? Number(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.DoubleValue => value.DoubleValue,
        Value.KindOneofCase.IntegerValue => value.IntegerValue,
        _ => null,
    };

    /// <summary>
    /// The params as the server stores and reports them after its gRPC round trip: <c>Memory.Unknown</c> means unset, a
    /// text tokenizer must be known (<c>unknown tokenizer type</c>), and a stemmer without an algorithm is dropped.
    /// </summary>
    private static PayloadIndexParams NormalizeParams(PayloadIndexParams value)
    {
        switch (value.IndexParamsCase)
        {
            case PayloadIndexParams.IndexParamsOneofCase.KeywordIndexParams:
                ClearMemory(value.KeywordIndexParams.HasMemory, value.KeywordIndexParams.Memory, value.KeywordIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.IntegerIndexParams:
                ClearMemory(value.IntegerIndexParams.HasMemory, value.IntegerIndexParams.Memory, value.IntegerIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.FloatIndexParams:
                ClearMemory(value.FloatIndexParams.HasMemory, value.FloatIndexParams.Memory, value.FloatIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.GeoIndexParams:
                ClearMemory(value.GeoIndexParams.HasMemory, value.GeoIndexParams.Memory, value.GeoIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.BoolIndexParams:
                ClearMemory(value.BoolIndexParams.HasMemory, value.BoolIndexParams.Memory, value.BoolIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.DatetimeIndexParams:
                ClearMemory(value.DatetimeIndexParams.HasMemory, value.DatetimeIndexParams.Memory, value.DatetimeIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.UuidIndexParams:
                ClearMemory(value.UuidIndexParams.HasMemory, value.UuidIndexParams.Memory, value.UuidIndexParams.ClearMemory);
                break;
            case PayloadIndexParams.IndexParamsOneofCase.TextIndexParams:
                var text = value.TextIndexParams;
                if (text.Tokenizer == TokenizerType.Unknown || !Enum.IsDefined(text.Tokenizer))
                {
                    throw ConfigValidation.Raw("unknown tokenizer type");
                }

                if (text.Stemmer is { StemmingParamsCase: StemmingAlgorithm.StemmingParamsOneofCase.None })
                {
                    text.Stemmer = null;
                }

                ClearMemory(text.HasMemory, text.Memory, text.ClearMemory);
                break;
            default:
                break;
        }

        return value;
    }

    private static void ClearMemory(bool has, Memory memory, Action clear)
    {
        if (has)
        {
            ConfigValidation.Memory(memory);
            if (memory == Memory.Unknown)
            {
                clear();
            }
        }
    }
}
