using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Qdrant.Client.Grpc;
using ProtoFieldType = Google.Protobuf.Reflection.FieldType;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>
/// Descriptor-driven mapping between Qdrant's REST JSON and the client's protobuf messages, for the configuration
/// sections where REST and gRPC use the same snake_case field names (hnsw, optimizers, wal, quantization, strict
/// mode, index params, ...). The places where REST differs from the proto (untagged unions, maps of named vectors,
/// enum spellings) are special-cased here; the hot paths (points, vectors, payload, filters) are hand-written in
/// the <c>RestJson.*</c> files.
/// </summary>
internal static class RestProtoJson
{
    private static readonly HashSet<string> SkippedOnWrite = new(StringComparer.Ordinal)
    {
        "deprecated_max_optimization_threads", "id_tracker", "collection_name", "timeout", "nested",
    };

    /// <summary>REST field name for a proto field (REST says <c>vectors</c> where gRPC says <c>vectors_config</c>).</summary>
    public static string RestName(FieldDescriptor field) => field.Name switch
    {
        "vectors_config" => "vectors",
        "sparse_vectors_config" => "sparse_vectors",
        _ => field.Name,
    };

    // ---------------------------------------------------------------- reading

    public static T Read<T>(JsonElement element)
        where T : IMessage, new()
    {
        var message = new T();
        ReadInto(element, message);
        return message;
    }

    /// <summary>Fills <paramref name="message"/> from a JSON object. Unknown fields are ignored, as serde does without <c>deny_unknown_fields</c>.</summary>
    public static void ReadInto(JsonElement element, IMessage message)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(element, "struct " + message.Descriptor.Name);
        }

        var descriptor = message.Descriptor;
        foreach (var property in element.EnumerateObject())
        {
            var field = FindField(descriptor, property.Name);
            if (field is null || property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            ReadField(property.Value, message, field);
        }
    }

    private static FieldDescriptor? FindField(MessageDescriptor descriptor, string restName)
    {
        var field = descriptor.FindFieldByName(restName);
        if (field is not null && RestName(field) == restName)
        {
            return field;
        }

        return restName switch
        {
            "vectors" => descriptor.FindFieldByName("vectors_config"),
            "sparse_vectors" => descriptor.FindFieldByName("sparse_vectors_config"),
            _ => field,
        };
    }

    private static void ReadField(JsonElement value, IMessage message, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw RestRequestException.InvalidType(value, "a map");
            }

            var map = (IDictionary)field.Accessor.GetValue(message);
            var valueField = field.MessageType.FindFieldByNumber(2);
            foreach (var entry in value.EnumerateObject())
            {
                map[entry.Name] = ReadSingle(entry.Value, valueField);
            }

            return;
        }

        if (field.IsRepeated)
        {
            var list = (IList)field.Accessor.GetValue(message);
            if (value.ValueKind != JsonValueKind.Array)
            {
                // A few REST lists also accept a single item (stopwords, languages); treat it as a one-item list.
                list.Add(ReadSingle(value, field));
                return;
            }

            foreach (var item in value.EnumerateArray())
            {
                list.Add(ReadSingle(item, field));
            }

            return;
        }

        field.Accessor.SetValue(message, ReadSingle(value, field));
    }

    private static object ReadSingle(JsonElement value, FieldDescriptor field)
    {
        try
        {
            return field.FieldType switch
            {
                ProtoFieldType.Bool => value.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw RestRequestException.InvalidType(value, "a boolean"),
                },
                ProtoFieldType.String => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw RestRequestException.InvalidType(value, "a string"),
                ProtoFieldType.Double => Number(value).GetDouble(),
                ProtoFieldType.Float => Number(value).GetSingle(),
                ProtoFieldType.Int32 or ProtoFieldType.SInt32 or ProtoFieldType.SFixed32 => Number(value).GetInt32(),
                ProtoFieldType.UInt32 or ProtoFieldType.Fixed32 => Number(value).GetUInt32(),
                ProtoFieldType.Int64 or ProtoFieldType.SInt64 or ProtoFieldType.SFixed64 => Number(value).GetInt64(),
                ProtoFieldType.UInt64 or ProtoFieldType.Fixed64 => Number(value).GetUInt64(),
                ProtoFieldType.Enum => Enum.ToObject(field.EnumType.ClrType, ReadEnum(value, field.EnumType)),
                ProtoFieldType.Message => ReadMessage(value, field.MessageType),
                _ => throw RestRequestException.InvalidType(value, field.Name),
            };
        }
        catch (FormatException)
        {
            throw RestRequestException.InvalidType(value, "an unsigned integer");
        }
    }

    private static JsonElement Number(JsonElement value) =>
        value.ValueKind == JsonValueKind.Number ? value : throw RestRequestException.InvalidType(value, "a number");

    public static IMessage ReadMessage(JsonElement value, MessageDescriptor type)
    {
        switch (type.FullName)
        {
            case "qdrant.Value":
                return RestJson.ReadValue(value);
            case "qdrant.VectorsConfig":
                return ReadVectorsConfig(value);
            case "qdrant.VectorsConfigDiff":
                return ReadVectorsConfigDiff(value);
            case "qdrant.SparseVectorConfig":
                return ReadSparseVectorConfig(value);
            case "qdrant.QuantizationConfigDiff" when value.ValueKind == JsonValueKind.String:
                return value.GetString() == "Disabled"
                    ? new QuantizationConfigDiff { Disabled = new Disabled() }
                    : throw RestRequestException.Format($"unknown variant `{value.GetString()}`, expected `Disabled`");
            case "qdrant.MaxOptimizationThreads":
                if (value.ValueKind == JsonValueKind.String)
                {
                    return value.GetString() == "auto"
                        ? new MaxOptimizationThreads { Setting = MaxOptimizationThreads.Types.Setting.Auto }
                        : throw RestRequestException.Format($"unknown variant `{value.GetString()}`, expected `auto`");
                }

                return new MaxOptimizationThreads { Value = Number(value).GetUInt64() };
            case "qdrant.BinaryQuantizationQueryEncoding":
                return new BinaryQuantizationQueryEncoding
                {
                    Setting = value.GetString() switch
                    {
                        "default" => BinaryQuantizationQueryEncoding.Types.Setting.Default,
                        "binary" => BinaryQuantizationQueryEncoding.Types.Setting.Binary,
                        "scalar4bits" => BinaryQuantizationQueryEncoding.Types.Setting.Scalar4Bits,
                        "scalar8bits" => BinaryQuantizationQueryEncoding.Types.Setting.Scalar8Bits,
                        var other => throw RestRequestException.Format($"unknown variant `{other}`, expected one of `default`, `binary`, `scalar4bits`, `scalar8bits`"),
                    },
                };
            case "qdrant.StrictModeMultivectorConfig":
            {
                var result = new StrictModeMultivectorConfig();
                foreach (var entry in value.EnumerateObject())
                {
                    result.MultivectorConfig[entry.Name] = Read<StrictModeMultivector>(entry.Value);
                }

                return result;
            }

            case "qdrant.StrictModeSparseConfig":
            {
                var result = new StrictModeSparseConfig();
                foreach (var entry in value.EnumerateObject())
                {
                    result.SparseConfig[entry.Name] = Read<StrictModeSparse>(entry.Value);
                }

                return result;
            }

            case "qdrant.PayloadIndexParams":
                return RestJson.ReadPayloadIndexParams(value).Params ?? new PayloadIndexParams();
            case "qdrant.StemmingAlgorithm":
                return ReadStemmer(value);
            case "qdrant.StopwordsSet" when value.ValueKind == JsonValueKind.String:
                return new StopwordsSet { Languages = { value.GetString()! } };
            case "qdrant.PointId":
                return RestJson.ReadPointId(value);
            case "qdrant.Filter":
                return RestJson.ReadFilter(value);
            default:
                var message = type.Parser.ParseFrom(ByteString.Empty);
                ReadInto(value, message);
                return message;
        }
    }

    private static VectorsConfig ReadVectorsConfig(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(value, "VectorParams or a map of them");
        }

        // serde's untagged VectorsConfig: a single VectorParams when it has `size`/`distance`, else a map by name.
        if (value.TryGetProperty("size", out var size) && size.ValueKind == JsonValueKind.Number)
        {
            return new VectorsConfig { Params = Read<VectorParams>(value) };
        }

        var map = new VectorParamsMap();
        foreach (var entry in value.EnumerateObject())
        {
            map.Map[entry.Name] = Read<VectorParams>(entry.Value);
        }

        return new VectorsConfig { ParamsMap = map };
    }

    private static VectorsConfigDiff ReadVectorsConfigDiff(JsonElement value)
    {
        // REST VectorsConfigDiff is always a map by name; "" addresses the single unnamed vector.
        var map = new VectorParamsDiffMap();
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(value, "a map");
        }

        foreach (var entry in value.EnumerateObject())
        {
            map.Map[entry.Name] = Read<VectorParamsDiff>(entry.Value);
        }

        return new VectorsConfigDiff { ParamsMap = map };
    }

    private static SparseVectorConfig ReadSparseVectorConfig(JsonElement value)
    {
        var config = new SparseVectorConfig();
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(value, "a map");
        }

        foreach (var entry in value.EnumerateObject())
        {
            config.Map[entry.Name] = entry.Value.ValueKind == JsonValueKind.Null ? new SparseVectorParams() : Read<SparseVectorParams>(entry.Value);
        }

        return config;
    }

    private static StemmingAlgorithm ReadStemmer(JsonElement value)
    {
        // REST StemmingAlgorithm is internally tagged: {"type":"snowball","language":"english"}.
        var type = value.TryGetProperty("type", out var t) ? t.GetString() : null;
        return type switch
        {
            "snowball" => new StemmingAlgorithm
            {
                Snowball = new SnowballParams { Language = value.TryGetProperty("language", out var l) ? l.GetString() ?? string.Empty : string.Empty },
            },
            _ => throw RestRequestException.Format($"unknown variant `{type}`, expected `snowball`"),
        };
    }

    public static int ReadEnum(JsonElement value, EnumDescriptor type)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw RestRequestException.InvalidType(value, "a string");
        }

        var text = value.GetString()!;
        foreach (var candidate in type.Values)
        {
            if (EnumRestName(type, candidate) == text)
            {
                return candidate.Number;
            }
        }

        var expected = string.Join(", ", type.Values.Select(v => EnumRestName(type, v)).Where(n => n.Length > 0).Select(n => $"`{n}`"));
        throw RestRequestException.Format($"unknown variant `{text}`, expected one of {expected}");
    }

    // ---------------------------------------------------------------- writing

    /// <summary>Writes a message as a REST JSON object: fields without presence always, optional ones only when set.</summary>
    public static void Write(Utf8JsonWriter writer, IMessage message)
    {
        if (TryWriteSpecial(writer, message))
        {
            return;
        }

        writer.WriteStartObject();
        WriteFields(writer, message);
        writer.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter writer, IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (SkippedOnWrite.Contains(field.Name))
            {
                continue;
            }

            if (field.IsMap)
            {
                var map = (IDictionary)field.Accessor.GetValue(message);
                if (map.Count == 0)
                {
                    continue;
                }

                writer.WritePropertyName(RestName(field));
                writer.WriteStartObject();
                var valueField = field.MessageType.FindFieldByNumber(2);
                foreach (DictionaryEntry entry in map)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture)!);
                    WriteSingle(writer, valueField, entry.Value!);
                }

                writer.WriteEndObject();
                continue;
            }

            if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                if (list.Count == 0)
                {
                    continue;
                }

                writer.WritePropertyName(RestName(field));
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    WriteSingle(writer, field, item!);
                }

                writer.WriteEndArray();
                continue;
            }

            if (field.FieldType == ProtoFieldType.Message || field.HasPresence)
            {
                if (!field.Accessor.HasValue(message))
                {
                    continue;
                }
            }

            var value = field.Accessor.GetValue(message);
            if (value is null)
            {
                continue;
            }

            writer.WritePropertyName(RestName(field));
            WriteSingle(writer, field, value);
        }
    }

    private static void WriteSingle(Utf8JsonWriter writer, FieldDescriptor field, object value)
    {
        switch (field.FieldType)
        {
            case ProtoFieldType.Bool:
                writer.WriteBooleanValue((bool)value);
                break;
            case ProtoFieldType.String:
                writer.WriteStringValue((string)value);
                break;
            case ProtoFieldType.Double:
                writer.WriteNumberValue((double)value);
                break;
            case ProtoFieldType.Float:
                writer.WriteNumberValue((float)value);
                break;
            case ProtoFieldType.Int32 or ProtoFieldType.SInt32 or ProtoFieldType.SFixed32:
                writer.WriteNumberValue((int)value);
                break;
            case ProtoFieldType.UInt32 or ProtoFieldType.Fixed32:
                writer.WriteNumberValue((uint)value);
                break;
            case ProtoFieldType.Int64 or ProtoFieldType.SInt64 or ProtoFieldType.SFixed64:
                writer.WriteNumberValue((long)value);
                break;
            case ProtoFieldType.UInt64 or ProtoFieldType.Fixed64:
                writer.WriteNumberValue((ulong)value);
                break;
            case ProtoFieldType.Enum:
                var number = Convert.ToInt32(value, CultureInfo.InvariantCulture);
                var enumValue = field.EnumType.FindValueByNumber(number);
                if (enumValue is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(EnumRestName(field.EnumType, enumValue));
                }

                break;
            case ProtoFieldType.Message:
                Write(writer, (IMessage)value);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static bool TryWriteSpecial(Utf8JsonWriter writer, IMessage message)
    {
        switch (message)
        {
            case Value value:
                RestJson.WriteValue(writer, value);
                return true;
            case VectorsConfig { ConfigCase: VectorsConfig.ConfigOneofCase.Params } single:
                Write(writer, single.Params);
                return true;
            case VectorsConfig named:
                writer.WriteStartObject();
                if (named.ParamsMap is not null)
                {
                    foreach (var entry in named.ParamsMap.Map.OrderBy(e => e.Key, StringComparer.Ordinal))
                    {
                        writer.WritePropertyName(entry.Key);
                        Write(writer, entry.Value);
                    }
                }

                writer.WriteEndObject();
                return true;
            case SparseVectorConfig sparse:
                writer.WriteStartObject();
                foreach (var entry in sparse.Map.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                return true;
            case MaxOptimizationThreads threads:
                if (threads.VariantCase == MaxOptimizationThreads.VariantOneofCase.Value)
                {
                    writer.WriteNumberValue(threads.Value);
                }
                else
                {
                    // REST OptimizersConfig.max_optimization_threads is an integer or null (null = auto).
                    writer.WriteNullValue();
                }

                return true;
            case BinaryQuantizationQueryEncoding encoding:
                writer.WriteStringValue(encoding.Setting.ToString().ToLowerInvariant());
                return true;
            case StrictModeMultivectorConfig multivector:
                writer.WriteStartObject();
                foreach (var entry in multivector.MultivectorConfig)
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                return true;
            case StrictModeSparseConfig sparseConfig:
                writer.WriteStartObject();
                foreach (var entry in sparseConfig.SparseConfig)
                {
                    writer.WritePropertyName(entry.Key);
                    Write(writer, entry.Value);
                }

                writer.WriteEndObject();
                return true;
            case PayloadIndexParams indexParams:
                RestJson.WritePayloadIndexParams(writer, indexParams);
                return true;
            case StemmingAlgorithm { StemmingParamsCase: StemmingAlgorithm.StemmingParamsOneofCase.Snowball } stemmer:
                writer.WriteStartObject();
                writer.WriteString("type", "snowball");
                writer.WriteString("language", stemmer.Snowball.Language);
                writer.WriteEndObject();
                return true;
            case PointId id:
                RestJson.WritePointId(writer, id);
                return true;
            case OptimizerStatus status:
                if (status.Ok)
                {
                    writer.WriteStringValue("ok");
                }
                else
                {
                    writer.WriteStartObject();
                    writer.WriteString("error", status.Error);
                    writer.WriteEndObject();
                }

                return true;
            case Google.Protobuf.WellKnownTypes.Timestamp timestamp:
                writer.WriteStringValue(RestJson.NaiveUtc(timestamp));
                return true;
            default:
                return false;
        }
    }

    // ---------------------------------------------------------------- enums

    /// <summary>
    /// REST spelling of a proto enum value. Qdrant's REST enums are snake_case (<c>Float32</c> → <c>float32</c>,
    /// <c>OneBit</c> → <c>one_bit</c>, <c>FieldTypeKeyword</c> → <c>keyword</c>), except <c>Distance</c> and
    /// <c>ReplicaState</c>, which keep their PascalCase names (openapi.json @ v1.19.0).
    /// </summary>
    public static string EnumRestName(EnumDescriptor type, EnumValueDescriptor value)
    {
        var name = value.Name;
        switch (type.Name)
        {
            case "Distance" when name == "UnknownDistance":
                return string.Empty;
            case "Distance" or "ReplicaState" or "ShardTransferMethod":
                return name;
            case "CompressionRatio":
                return name;
            case "Memory" when name == "MemoryUnknown":
            case "Datatype" when name == "Default":
            case "QuantizationType" when name == "UnknownQuantization":
            case "CollectionStatus" when name == "UnknownCollectionStatus":
            case "PayloadSchemaType" when name == "UnknownType":
            case "UpdateStatus" when name == "UnknownUpdateStatus":
                return string.Empty;
            case "FieldType":
                name = name["FieldType".Length..];
                break;
            case "Fusion" or "WriteOrderingType":
                return name.ToLowerInvariant();
            default:
                break;
        }

        return SnakeCase(name);
    }

    public static string SnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_')
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
