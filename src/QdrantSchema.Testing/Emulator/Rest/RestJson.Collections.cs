using System.Text.Json;
using Google.Protobuf;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>REST JSON ↔ proto conversions for collections: create/update bodies, collection info, payload index params.</summary>
internal static partial class RestJson
{
    private const ulong MaxVectorSize = 65536;

    public static CreateCollection ReadCreateCollection(JsonElement body, string name)
    {
        var request = RestProtoJson.Read<CreateCollection>(body);
        request.CollectionName = name;

        // REST validation (lib/api/src/rest/schema.rs VectorParams: size range 1..=65536): 422 with the field path,
        // e.g. "vectors.size: value 0 invalid, must be from 1 to 65536" (tests/openapi/test_limits.py).
        if (request.VectorsConfig is { } vectors)
        {
            if (vectors.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
            {
                CheckVectorSize(vectors.Params.Size, "vectors.size");
            }
            else if (vectors.ParamsMap is not null)
            {
                foreach (var entry in vectors.ParamsMap.Map)
                {
                    CheckVectorSize(entry.Value.Size, $"vectors.{entry.Key}.size");
                }
            }
        }

        return request;
    }

    public static void CheckVectorSize(ulong size, string field)
    {
        if (size is 0 or > MaxVectorSize)
        {
            throw RestRequestException.Validation(field, $"value {size} invalid, must be from 1 to {MaxVectorSize}");
        }
    }

    public static UpdateCollection ReadUpdateCollection(JsonElement body, string name)
    {
        var request = RestProtoJson.Read<UpdateCollection>(body);
        request.CollectionName = name;
        return request;
    }

    /// <summary>
    /// REST <c>field_schema</c>: a bare type name (<c>"keyword"</c>) or an object tagged by <c>type</c>
    /// (<c>{"type":"keyword","is_tenant":true}</c>), the latter giving index params.
    /// </summary>
    public static (FieldType? Type, PayloadIndexParams? Params) ReadPayloadIndexParams(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return (ParseFieldType(element.GetString()!), null);
        }

        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum PayloadFieldSchema");
        }

        var type = ParseFieldType(typeElement.GetString()!);
        var result = new PayloadIndexParams();
        switch (type)
        {
            case FieldType.Keyword:
                result.KeywordIndexParams = RestProtoJson.Read<KeywordIndexParams>(element);
                break;
            case FieldType.Integer:
                result.IntegerIndexParams = RestProtoJson.Read<IntegerIndexParams>(element);
                break;
            case FieldType.Float:
                result.FloatIndexParams = RestProtoJson.Read<FloatIndexParams>(element);
                break;
            case FieldType.Geo:
                result.GeoIndexParams = RestProtoJson.Read<GeoIndexParams>(element);
                break;
            case FieldType.Text:
                result.TextIndexParams = RestProtoJson.Read<TextIndexParams>(element);
                break;
            case FieldType.Bool:
                result.BoolIndexParams = RestProtoJson.Read<BoolIndexParams>(element);
                break;
            case FieldType.Datetime:
                result.DatetimeIndexParams = RestProtoJson.Read<DatetimeIndexParams>(element);
                break;
            default:
                result.UuidIndexParams = RestProtoJson.Read<UuidIndexParams>(element);
                break;
        }

        return (type, result);
    }

    private static FieldType ParseFieldType(string text) => text switch
    {
        "keyword" => FieldType.Keyword,
        "integer" => FieldType.Integer,
        "float" => FieldType.Float,
        "geo" => FieldType.Geo,
        "text" => FieldType.Text,
        "bool" => FieldType.Bool,
        "datetime" => FieldType.Datetime,
        "uuid" => FieldType.Uuid,
        _ => throw RestRequestException.Format(
            $"unknown variant `{text}`, expected one of `keyword`, `integer`, `float`, `geo`, `text`, `bool`, `datetime`, `uuid`"),
    };

    public static void WritePayloadIndexParams(Utf8JsonWriter writer, PayloadIndexParams indexParams)
    {
        var (type, inner) = indexParams.IndexParamsCase switch
        {
            PayloadIndexParams.IndexParamsOneofCase.KeywordIndexParams => ("keyword", (IMessage)indexParams.KeywordIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.IntegerIndexParams => ("integer", indexParams.IntegerIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.FloatIndexParams => ("float", indexParams.FloatIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.GeoIndexParams => ("geo", indexParams.GeoIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.TextIndexParams => ("text", indexParams.TextIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.BoolIndexParams => ("bool", indexParams.BoolIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.DatetimeIndexParams => ("datetime", indexParams.DatetimeIndexParams),
            PayloadIndexParams.IndexParamsOneofCase.UuidIndexParams => ("uuid", indexParams.UuidIndexParams),
            _ => ("keyword", (IMessage)new KeywordIndexParams()),
        };

        // Tagged like the REST PayloadSchemaParams: {"type":"keyword", ...params}.
        using var buffer = new MemoryStream();
        using (var innerWriter = new Utf8JsonWriter(buffer))
        {
            RestProtoJson.Write(innerWriter, inner);
        }

        writer.WriteStartObject();
        writer.WriteString("type", type);
        using (var document = JsonDocument.Parse(buffer.ToArray()))
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// REST <c>CollectionInfo</c> (<c>lib/collection/src/operations/types.rs</c> @ v1.19.0): <c>warnings</c> omitted
    /// when empty; <c>config.quantization_config</c> and <c>wal_config</c> serialized even when null;
    /// <c>strict_mode_config</c> and <c>metadata</c> skipped when absent.
    /// </summary>
    public static void WriteCollectionInfo(Utf8JsonWriter writer, CollectionInfo info, bool metadataPresent = false)
    {
        writer.WriteStartObject();
        writer.WriteString("status", info.Status switch
        {
            CollectionStatus.Yellow => "yellow",
            CollectionStatus.Red => "red",
            CollectionStatus.Grey => "grey",
            _ => "green",
        });
        writer.WritePropertyName("optimizer_status");
        if (info.OptimizerStatus is null)
        {
            writer.WriteStringValue("ok");
        }
        else
        {
            RestProtoJson.Write(writer, info.OptimizerStatus);
        }

        if (info.Warnings.Count > 0)
        {
            writer.WriteStartArray("warnings");
            foreach (var warning in info.Warnings)
            {
                writer.WriteStartObject();
                writer.WriteString("message", warning.Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteNumber("indexed_vectors_count", info.IndexedVectorsCount);
        writer.WriteNumber("points_count", info.PointsCount);
        writer.WriteNumber("segments_count", info.SegmentsCount);
        writer.WritePropertyName("config");
        WriteCollectionConfig(writer, info.Config ?? new CollectionConfig(), metadataPresent);
        writer.WriteStartObject("payload_schema");
        foreach (var entry in info.PayloadSchema.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            writer.WriteStartObject(entry.Key);
            writer.WriteString("data_type", entry.Value.DataType switch
            {
                PayloadSchemaType.Integer => "integer",
                PayloadSchemaType.Float => "float",
                PayloadSchemaType.Geo => "geo",
                PayloadSchemaType.Text => "text",
                PayloadSchemaType.Bool => "bool",
                PayloadSchemaType.Datetime => "datetime",
                PayloadSchemaType.Uuid => "uuid",
                _ => "keyword",
            });
            if (entry.Value.Params is not null)
            {
                writer.WritePropertyName("params");
                WritePayloadIndexParams(writer, entry.Value.Params);
            }

            writer.WriteNumber("points", entry.Value.Points);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteStartObject("update_queue");
        writer.WriteNumber("length", info.UpdateQueue?.Length ?? 0);
        if (info.UpdateQueue is { HasDeferredPoints: true } queue)
        {
            writer.WriteNumber("deferred_points", queue.DeferredPoints);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteCollectionConfig(Utf8JsonWriter writer, CollectionConfig config, bool metadataPresent)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("params");
        RestProtoJson.Write(writer, config.Params ?? new CollectionParams());
        writer.WritePropertyName("hnsw_config");
        RestProtoJson.Write(writer, config.HnswConfig ?? new HnswConfigDiff());
        writer.WritePropertyName("optimizer_config");
        RestProtoJson.Write(writer, config.OptimizerConfig ?? new OptimizersConfigDiff());
        writer.WritePropertyName("wal_config");
        if (config.WalConfig is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            RestProtoJson.Write(writer, config.WalConfig);
        }

        writer.WritePropertyName("quantization_config");
        if (config.QuantizationConfig is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            RestProtoJson.Write(writer, config.QuantizationConfig);
        }

        if (config.StrictModeConfig is not null)
        {
            writer.WritePropertyName("strict_mode_config");
            RestProtoJson.Write(writer, config.StrictModeConfig);
        }

        if (config.Metadata.Count > 0 || metadataPresent)
        {
            writer.WritePropertyName("metadata");
            WritePayload(writer, config.Metadata);
        }

        writer.WriteEndObject();
    }

    /// <summary>REST <c>SnapshotDescription</c>: <c>{name, creation_time, size, checksum?}</c>.</summary>
    public static void WriteSnapshotDescription(Utf8JsonWriter writer, SnapshotDescription description)
    {
        writer.WriteStartObject();
        writer.WriteString("name", description.Name);
        if (description.CreationTime is null)
        {
            writer.WriteNull("creation_time");
        }
        else
        {
            writer.WriteString("creation_time", NaiveUtc(description.CreationTime));
        }

        writer.WriteNumber("size", description.Size);
        if (description.HasChecksum)
        {
            writer.WriteString("checksum", description.Checksum);
        }

        writer.WriteEndObject();
    }
}
