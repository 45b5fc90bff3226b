using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Qdrant.Client.Grpc;
using ProtoFieldType = Google.Protobuf.Reflection.FieldType;

namespace QdrantSchema.Testing.Emulator.Snapshots;

/// <summary>
/// Renders config messages the way Rust's derived <c>Debug</c> prints Qdrant's internal structs, for error texts that
/// embed <c>{:?}</c> (e.g. the snapshot compatibility check in <c>lib/storage/src/content_manager/snapshots/recover.rs</c>).
/// An approximation: struct and field names follow the proto, which mirrors Qdrant's Rust types for these configs.
/// </summary>
internal static class RustDebug
{
    // `VectorParams` field order in lib/collection/src/operations/types.rs @ v1.19.0.
    private static readonly string[] VectorParamsOrder =
        ["size", "distance", "hnsw_config", "quantization_config", "on_disk", "memory", "datatype", "multivector_config"];

    /// <summary><c>Single(VectorParams { .. })</c> or <c>Multi({"name": VectorParams { .. }})</c> (a BTreeMap: keys sorted).</summary>
    public static string VectorsConfig(VectorsConfig? config)
    {
        var sb = new StringBuilder();
        switch (config?.ConfigCase)
        {
            case Qdrant.Client.Grpc.VectorsConfig.ConfigOneofCase.Params:
                sb.Append("Single(");
                AppendVectorParams(sb, config.Params);
                sb.Append(')');
                break;
            case Qdrant.Client.Grpc.VectorsConfig.ConfigOneofCase.ParamsMap:
                sb.Append("Multi({");
                var first = true;
                foreach (var (name, parameters) in config.ParamsMap.Map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    sb.Append(first ? string.Empty : ", ").Append(Quote(name)).Append(": ");
                    AppendVectorParams(sb, parameters);
                    first = false;
                }

                sb.Append("})");
                break;
            default:
                sb.Append("Multi({})");
                break;
        }

        return sb.ToString();
    }

    private static void AppendVectorParams(StringBuilder sb, VectorParams parameters)
    {
        var descriptor = Qdrant.Client.Grpc.VectorParams.Descriptor;
        sb.Append("VectorParams { ");
        for (var i = 0; i < VectorParamsOrder.Length; i++)
        {
            var field = descriptor.FindFieldByName(VectorParamsOrder[i]);
            sb.Append(i == 0 ? string.Empty : ", ").Append(field.Name).Append(": ");
            AppendField(sb, parameters, field);
        }

        sb.Append(" }");
    }

    private static void AppendMessage(StringBuilder sb, IMessage message)
    {
        var fields = message.Descriptor.Fields.InFieldNumberOrder();
        sb.Append(message.Descriptor.Name);
        if (fields.Count == 0)
        {
            return;
        }

        sb.Append(" { ");
        for (var i = 0; i < fields.Count; i++)
        {
            sb.Append(i == 0 ? string.Empty : ", ").Append(fields[i].Name).Append(": ");
            AppendField(sb, message, fields[i]);
        }

        sb.Append(" }");
    }

    private static void AppendField(StringBuilder sb, IMessage message, FieldDescriptor field)
    {
        var value = field.Accessor.GetValue(message);
        if (field.IsRepeated || field.IsMap)
        {
            sb.Append('[');
            var first = true;
            foreach (var item in (System.Collections.IEnumerable)value)
            {
                sb.Append(first ? string.Empty : ", ");
                AppendValue(sb, field, item);
                first = false;
            }

            sb.Append(']');
            return;
        }

        var optional = field.HasPresence;
        if (optional && !field.Accessor.HasValue(message))
        {
            sb.Append("None");
            return;
        }

        if (optional || field.FieldType == ProtoFieldType.Message)
        {
            sb.Append("Some(");
            AppendValue(sb, field, value);
            sb.Append(')');
            return;
        }

        AppendValue(sb, field, value);
    }

    private static void AppendValue(StringBuilder sb, FieldDescriptor field, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("None");
                break;
            case IMessage nested:
                AppendMessage(sb, nested);
                break;
            case string text:
                sb.Append(Quote(text));
                break;
            case bool flag:
                sb.Append(flag ? "true" : "false");
                break;
            case float single:
                sb.Append(single.ToString("R", CultureInfo.InvariantCulture));
                break;
            case double number:
                sb.Append(number.ToString("R", CultureInfo.InvariantCulture));
                break;
            case Enum when field.FieldType == ProtoFieldType.Enum:
                var number32 = Convert.ToInt32(value, CultureInfo.InvariantCulture);
                var enumValue = field.EnumType.FindValueByNumber(number32);
                sb.Append(enumValue is null ? number32.ToString(CultureInfo.InvariantCulture) : PascalCase(enumValue.Name));
                break;
            case IFormattable formattable:
                sb.Append(formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                sb.Append(value);
                break;
        }
    }

    /// <summary>Proto enum value names are like <c>Cosine</c> or <c>Float32</c> already; <c>SNAKE_CASE</c> ones become Pascal.</summary>
    private static string PascalCase(string name)
    {
        if (!name.Contains('_', StringComparison.Ordinal) && !name.All(c => char.IsUpper(c) || char.IsDigit(c)))
        {
            return name;
        }

        var sb = new StringBuilder();
        foreach (var part in name.Split('_', StringSplitOptions.RemoveEmptyEntries))
        {
            sb.Append(char.ToUpperInvariant(part[0])).Append(part[1..].ToLowerInvariant());
        }

        return sb.ToString();
    }

    private static string Quote(string text) =>
        "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
