using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using QdrantSchema.Internal;

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// Checks that what an operation asked for shows in the live configuration: every field set in the requested message
/// has the same value in the live one (nested messages compared the same way, so server-filled defaults around them do
/// not count). A field the live message type does not have cannot be checked and is skipped.
/// </summary>
internal static class LiveCompare
{
    public static List<(string Path, string Expected, string Found)> Mismatches(IMessage expected, IMessage? live, string path)
    {
        var result = new List<(string, string, string)>();
        Collect(expected, live, path, result);
        return result;
    }

    private static void Collect(IMessage expected, IMessage? live, string path, List<(string, string, string)> result)
    {
        foreach (var field in ProtoFields.SetFields(expected))
        {
            var fieldPath = path + "." + field.Name;
            var liveField = live?.Descriptor.FindFieldByName(field.Name);
            if (live is not null && liveField is null)
            {
                continue;
            }

            var expectedValue = field.Accessor.GetValue(expected);
            var liveSet = live is not null && liveField is not null && (ProtoFields.IsSet(liveField, live) || !liveField.HasPresence && !liveField.IsRepeated && !liveField.IsMap);
            if (!liveSet)
            {
                result.Add((fieldPath, ProtoFields.Format(field, expected), ProtoFields.NotSet));
                continue;
            }

            var liveValue = liveField!.Accessor.GetValue(live);
            if (expectedValue is IMessage nested && liveValue is IMessage liveNested && field.MessageType == liveField.MessageType)
            {
                Collect(nested, liveNested, fieldPath, result);
                continue;
            }

            if (!Same(field, expectedValue, liveValue))
            {
                result.Add((fieldPath, ProtoFields.Format(field, expected), liveValue is null ? ProtoFields.NotSet : Format(liveField, live!)));
            }
        }
    }

    private static string Format(FieldDescriptor field, IMessage message)
        => ProtoFields.IsSet(field, message) ? ProtoFields.Format(field, message) : Convert.ToString(field.Accessor.GetValue(message), System.Globalization.CultureInfo.InvariantCulture) ?? ProtoFields.NotSet;

    private static bool Same(FieldDescriptor field, object? a, object? b)
    {
        if (a is IMessage ma && b is IMessage mb)
        {
            return CanonicalText.Of(ma) == CanonicalText.Of(mb);
        }

        if (a is IList la && b is IList lb)
        {
            if (la.Count != lb.Count)
            {
                return false;
            }

            for (var i = 0; i < la.Count; i++)
            {
                if (!Same(field, la[i], lb[i]))
                {
                    return false;
                }
            }

            return true;
        }

        if (a is IDictionary || b is IDictionary)
        {
            return Equals(a, b);
        }

        if (field.FieldType == FieldType.Enum)
        {
            return Convert.ToInt64(a, System.Globalization.CultureInfo.InvariantCulture) == Convert.ToInt64(b, System.Globalization.CultureInfo.InvariantCulture);
        }

        return Equals(a, b);
    }

    public static string Describe(List<(string Path, string Expected, string Found)> mismatches, out string expected, out string found)
    {
        expected = string.Join(", ", mismatches.Select(m => $"{m.Path} = {m.Expected}"));
        found = string.Join(", ", mismatches.Select(m => $"{m.Path} = {m.Found}"));
        return string.Join(", ", mismatches.Select(m => m.Path));
    }
}
