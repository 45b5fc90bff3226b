using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>REST JSON ↔ proto conversions: payload values, point ids, timestamps.</summary>
internal static partial class RestJson
{
    /// <summary>
    /// A JSON value as a payload <see cref="Value"/>. Integers stay integers and numbers with a fraction or exponent
    /// become doubles, as Qdrant's <c>serde_json</c> payload keeps them (<c>json_with_int</c> in the gRPC conversions).
    /// </summary>
    public static Value ReadValue(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return new Value { NullValue = NullValue.NullValue };
            case JsonValueKind.True:
                return new Value { BoolValue = true };
            case JsonValueKind.False:
                return new Value { BoolValue = false };
            case JsonValueKind.String:
                return new Value { StringValue = element.GetString()! };
            case JsonValueKind.Number:
                return element.TryGetInt64(out var integer)
                    ? new Value { IntegerValue = integer }
                    : new Value { DoubleValue = element.GetDouble() };
            case JsonValueKind.Array:
            {
                var list = new ListValue();
                foreach (var item in element.EnumerateArray())
                {
                    list.Values.Add(ReadValue(item));
                }

                return new Value { ListValue = list };
            }

            case JsonValueKind.Object:
            {
                var structValue = new Struct();
                foreach (var property in element.EnumerateObject())
                {
                    structValue.Fields[property.Name] = ReadValue(property.Value);
                }

                return new Value { StructValue = structValue };
            }

            default:
                return new Value { NullValue = NullValue.NullValue };
        }
    }

    /// <summary>Reads a JSON object into a payload map.</summary>
    public static void ReadPayload(JsonElement element, MapField<string, Value> target)
    {
        if (element.ValueKind == JsonValueKind.Null)
        {
            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(element, "a map");
        }

        foreach (var property in element.EnumerateObject())
        {
            target[property.Name] = ReadValue(property.Value);
        }
    }

    public static void WriteValue(Utf8JsonWriter writer, Value value)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.BoolValue:
                writer.WriteBooleanValue(value.BoolValue);
                break;
            case Value.KindOneofCase.IntegerValue:
                writer.WriteNumberValue(value.IntegerValue);
                break;
            case Value.KindOneofCase.DoubleValue:
                WriteDouble(writer, value.DoubleValue);
                break;
            case Value.KindOneofCase.StringValue:
                writer.WriteStringValue(value.StringValue);
                break;
            case Value.KindOneofCase.ListValue:
                writer.WriteStartArray();
                foreach (var item in value.ListValue.Values)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            case Value.KindOneofCase.StructValue:
                WritePayload(writer, value.StructValue.Fields);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    public static void WritePayload(Utf8JsonWriter writer, MapField<string, Value> payload)
    {
        writer.WriteStartObject();
        foreach (var entry in payload)
        {
            writer.WritePropertyName(entry.Key);
            WriteValue(writer, entry.Value);
        }

        writer.WriteEndObject();
    }

    /// <summary>A payload double as serde_json prints an f64: always with a fraction or exponent (<c>1.0</c>, not <c>1</c>).</summary>
    private static void WriteDouble(Utf8JsonWriter writer, double value)
    {
        if (!double.IsFinite(value))
        {
            writer.WriteNullValue();
            return;
        }

        Span<byte> buffer = stackalloc byte[40];
        if (!Utf8Formatter.TryFormat(value, buffer, out var written))
        {
            writer.WriteNumberValue(value);
            return;
        }

        var text = buffer[..written];
        if (text.IndexOfAny((byte)'.', (byte)'E', (byte)'e') < 0)
        {
            ".0"u8.CopyTo(buffer[written..]);
            text = buffer[..(written + 2)];
        }

        writer.WriteRawValue(text, skipInputValidation: true);
    }

    public static PointId ReadPointId(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Number when element.TryGetUInt64(out var num):
                return new PointId { Num = num };
            case JsonValueKind.String:
                var text = element.GetString()!;
                if (PointKey.TryParseUuid(text, out var uuid))
                {
                    return new PointId { Uuid = uuid.ToString("D") };
                }

                // serde's ExtendedPointId is untagged: a string that is not a UUID matches no variant.
                throw RestRequestException.Format("data did not match any variant of untagged enum ExtendedPointId");
            default:
                throw RestRequestException.Format("data did not match any variant of untagged enum ExtendedPointId");
        }
    }

    public static void WritePointId(Utf8JsonWriter writer, PointId? id)
    {
        if (id is null)
        {
            writer.WriteNullValue();
        }
        else if (id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num)
        {
            writer.WriteNumberValue(id.Num);
        }
        else
        {
            writer.WriteStringValue(id.Uuid);
        }
    }

    /// <summary>chrono's NaiveDateTime as Qdrant prints snapshot times: <c>2024-07-22T08:31:55</c>.</summary>
    public static string NaiveUtc(Google.Protobuf.WellKnownTypes.Timestamp timestamp) =>
        timestamp.ToDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Parses a REST datetime: RFC 3339, or without a zone (taken as UTC), with <c>T</c> or a space.</summary>
    public static Google.Protobuf.WellKnownTypes.Timestamp ReadDatetime(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String &&
            DateTimeOffset.TryParse(
                element.GetString(),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var parsed))
        {
            return Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(parsed);
        }

        throw RestRequestException.Format($"'{element}' is not in a supported date/time format, please use RFC 3339");
    }
}
