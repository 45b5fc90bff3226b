using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace QdrantSchema.Internal;

/// <summary>
/// Field-wise helpers over protobuf messages (Qdrant's *Diff messages are "set fields only" records).
/// </summary>
internal static class ProtoFields
{
    /// <summary>The fields of <paramref name="message"/> that carry a value, in field-number order.</summary>
    public static IEnumerable<FieldDescriptor> SetFields(IMessage message)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (IsSet(field, message))
            {
                yield return field;
            }
        }
    }

    public static bool IsSet(FieldDescriptor field, IMessage message)
    {
        if (field.IsMap)
        {
            return ((IDictionary)field.Accessor.GetValue(message)).Count > 0;
        }

        if (field.IsRepeated)
        {
            return ((IList)field.Accessor.GetValue(message)).Count > 0;
        }

        if (field.HasPresence)
        {
            return field.Accessor.HasValue(message);
        }

        var value = field.Accessor.GetValue(message);
        return value switch
        {
            null => false,
            string s => s.Length > 0,
            bool b => b,
            ByteString bytes => !bytes.IsEmpty,
            float f => f != 0,
            double d => d != 0,
            _ => Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0,
        };
    }

    public static bool IsEmpty(IMessage message) => !SetFields(message).Any();

    /// <summary>
    /// A message of the same type as <paramref name="diff"/> holding, for each field set in <paramref name="diff"/>,
    /// the value it has in <paramref name="before"/>; field names whose previous value is unknown go to <paramref name="unknown"/>.
    /// </summary>
    public static T Previous<T>(T diff, IMessage? before, string path, List<string> unknown)
        where T : IMessage<T>
    {
        var result = (T)diff.Descriptor.Parser.ParseFrom(ByteString.Empty);
        foreach (var field in SetFields(diff))
        {
            var target = before is null ? null : before.Descriptor.FindFieldByName(field.Name);
            if (before is null || target is null || !IsSet(target, before))
            {
                unknown.Add(path + "." + field.Name);
                continue;
            }

            Copy(target, before, field, result);
        }

        return result;
    }

    private static void Copy(FieldDescriptor sourceField, IMessage source, FieldDescriptor targetField, IMessage target)
    {
        var value = sourceField.Accessor.GetValue(source);
        if (targetField.IsMap)
        {
            var to = (IDictionary)targetField.Accessor.GetValue(target);
            foreach (DictionaryEntry entry in (IDictionary)value)
            {
                to[entry.Key] = CloneValue(entry.Value);
            }

            return;
        }

        if (targetField.IsRepeated)
        {
            var to = (IList)targetField.Accessor.GetValue(target);
            foreach (var item in (IList)value)
            {
                to.Add(CloneValue(item));
            }

            return;
        }

        targetField.Accessor.SetValue(target, CloneValue(value)!);
    }

    private static object? CloneValue(object? value) => value is IMessage message ? CloneMessage(message) : value;

    private static IMessage CloneMessage(IMessage message)
    {
        var copy = message.Descriptor.Parser.ParseFrom(ByteString.Empty);
        copy.MergeFrom(message.ToByteString());
        return copy;
    }

    /// <summary>Formats one field's value for messages: scalars invariant, enums by name, messages canonically.</summary>
    public static string Format(FieldDescriptor field, IMessage message)
    {
        if (!IsSet(field, message))
        {
            return NotSet;
        }

        var value = field.Accessor.GetValue(message);
        return value switch
        {
            IMessage m => CanonicalText.Of(m),
            bool b => b ? "true" : "false",
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            IFormattable formattable when field.FieldType != FieldType.Enum => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? NotSet,
        };
    }

    public const string NotSet = "(not set)";

    /// <summary>
    /// Compares each field set in <paramref name="expected"/> with the same field in <paramref name="actual"/>
    /// (or, when not set there, in <paramref name="fallback"/>). Reports (field name, expected text, actual text).
    /// </summary>
    public static IEnumerable<(string Field, string Expected, string Actual)> CompareSetFields(
        IMessage expected, IMessage? actual, IMessage? fallback = null)
    {
        foreach (var field in SetFields(expected))
        {
            var expectedValue = field.Accessor.GetValue(expected);
            IMessage? source = null;
            FieldDescriptor? sourceField = null;
            foreach (var candidate in new[] { actual, fallback })
            {
                if (candidate is null)
                {
                    continue;
                }

                var f = candidate.Descriptor.FindFieldByName(field.Name);
                if (f is not null && IsSet(f, candidate))
                {
                    source = candidate;
                    sourceField = f;
                    break;
                }
            }

            if (source is null || sourceField is null)
            {
                yield return (field.Name, Format(field, expected), NotSet);
                continue;
            }

            var actualValue = sourceField.Accessor.GetValue(source);
            if (!ValuesEqual(expectedValue, actualValue))
            {
                yield return (field.Name, Format(field, expected), Format(sourceField, source));
            }
        }
    }

    private static bool ValuesEqual(object? a, object? b)
    {
        if (a is IMessage ma && b is IMessage mb)
        {
            return CanonicalText.Of(ma) == CanonicalText.Of(mb);
        }

        if (a is IDictionary or IList)
        {
            return Equals(a, b);
        }

        return Equals(a, b);
    }
}
