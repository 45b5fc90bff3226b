using System.Collections;
using System.Globalization;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace QdrantSchema.Internal;

/// <summary>
/// Writes a canonical, culture-invariant text for strings and protobuf messages. Used for migration checksums and for
/// readable values in error messages, so it must never change for the same input: only fields that are set are
/// written, in field-number order, under their proto names; enums as numbers (numbers never change in a proto, names
/// may); map entries sorted by key (ordinal); floating point values in their shortest round-trip form.
/// </summary>
internal static class CanonicalText
{
    public static string Of(IMessage message)
    {
        var builder = new StringBuilder();
        AppendMessage(builder, message);
        return builder.ToString();
    }

    public static void AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                default:
                    if (c < ' ' || c == '\u007f')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    public static void AppendMessage(StringBuilder builder, IMessage message)
    {
        builder.Append('{');
        var first = true;
        foreach (var field in ProtoFields.SetFields(message))
        {
            if (!first)
            {
                builder.Append(';');
            }

            first = false;
            builder.Append(field.Name).Append('=');
            AppendFieldValue(builder, field, field.Accessor.GetValue(message));
        }

        builder.Append('}');
    }

    private static void AppendFieldValue(StringBuilder builder, FieldDescriptor field, object value)
    {
        if (field.IsMap)
        {
            var keyField = field.MessageType.FindFieldByNumber(1);
            var valueField = field.MessageType.FindFieldByNumber(2);
            var entries = new List<(string Key, object? Value)>();
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                var key = new StringBuilder();
                AppendScalar(key, keyField, entry.Key);
                entries.Add((key.ToString(), entry.Value));
            }

            entries.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            builder.Append('{');
            for (var i = 0; i < entries.Count; i++)
            {
                if (i > 0)
                {
                    builder.Append(',');
                }

                builder.Append(entries[i].Key).Append(':');
                AppendSingle(builder, valueField, entries[i].Value);
            }

            builder.Append('}');
            return;
        }

        if (field.IsRepeated)
        {
            builder.Append('[');
            var i = 0;
            foreach (var item in (IList)value)
            {
                if (i++ > 0)
                {
                    builder.Append(',');
                }

                AppendSingle(builder, field, item);
            }

            builder.Append(']');
            return;
        }

        AppendSingle(builder, field, value);
    }

    private static void AppendSingle(StringBuilder builder, FieldDescriptor field, object? value)
    {
        if (field.FieldType is FieldType.Message or FieldType.Group)
        {
            if (value is IMessage message)
            {
                AppendMessage(builder, message);
            }
            else
            {
                builder.Append("null");
            }

            return;
        }

        AppendScalar(builder, field, value);
    }

    private static void AppendScalar(StringBuilder builder, FieldDescriptor field, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append("null");
                break;
            case string s:
                AppendString(builder, s);
                break;
            case bool b:
                builder.Append(b ? "true" : "false");
                break;
            case float f:
                builder.Append(f.ToString("R", CultureInfo.InvariantCulture));
                break;
            case double d:
                builder.Append(d.ToString("R", CultureInfo.InvariantCulture));
                break;
            case ByteString bytes:
                builder.Append("b64:").Append(bytes.ToBase64());
                break;
            default:
                if (field.FieldType == FieldType.Enum)
                {
                    builder.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
                }
                else
                {
                    builder.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                break;
        }
    }
}
