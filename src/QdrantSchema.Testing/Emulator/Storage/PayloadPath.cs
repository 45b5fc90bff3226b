using System.Globalization;
using System.Text;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>
/// A payload key path as Qdrant parses it (<c>lib/segment/src/json_path</c>): keys joined by dots, <c>[]</c> for every
/// element of an array, <c>[N]</c> for one element, and <c>"quoted keys"</c> for keys containing dots or brackets.
/// </summary>
internal sealed class PayloadPath
{
    private PayloadPath(string text, IReadOnlyList<Segment> segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    public IReadOnlyList<Segment> Segments { get; }

    /// <summary>The first key of the path (the top-level payload key).</summary>
    public string Head => Segments[0].Key!;

    public static bool TryParse(string text, out PayloadPath path)
    {
        path = null!;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var segments = new List<Segment>();
        var i = 0;
        var expectKey = true;
        while (i < text.Length)
        {
            if (expectKey)
            {
                string key;
                if (text[i] == '"')
                {
                    var end = text.IndexOf('"', i + 1);
                    if (end < 0)
                    {
                        return false;
                    }

                    key = text[(i + 1)..end];
                    i = end + 1;
                }
                else
                {
                    var start = i;
                    while (i < text.Length && text[i] is not '.' and not '[')
                    {
                        i++;
                    }

                    key = text[start..i];
                    if (key.Length == 0)
                    {
                        return false;
                    }
                }

                segments.Add(new Segment(key, null, false));
                expectKey = false;
                continue;
            }

            if (text[i] == '.')
            {
                i++;
                expectKey = true;
                if (i >= text.Length)
                {
                    return false;
                }

                continue;
            }

            if (text[i] == '[')
            {
                var end = text.IndexOf(']', i);
                if (end < 0)
                {
                    return false;
                }

                var inner = text[(i + 1)..end];
                if (inner.Length == 0)
                {
                    segments.Add(new Segment(null, null, true));
                }
                else if (int.TryParse(inner, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    segments.Add(new Segment(null, index, false));
                }
                else
                {
                    return false;
                }

                i = end + 1;
                continue;
            }

            return false;
        }

        if (segments.Count == 0 || segments[0].Key is null)
        {
            return false;
        }

        path = new PayloadPath(text, segments);
        return true;
    }

    /// <summary>Parses a path or throws Qdrant's bad-input error.</summary>
    public static PayloadPath Parse(string text) =>
        TryParse(text, out var path) ? path : throw Engine.EmulatorErrors.BadInput($"Invalid payload key path: {text}");

    /// <summary>
    /// The values found at this path. A key step on an object takes that field; <c>[]</c> takes every element;
    /// <c>[N]</c> one element. Values are returned as stored (an array at the end of the path stays one value).
    /// </summary>
    public List<Value> Select(MapField<string, Value> payload)
    {
        var current = new List<Value>();
        if (!payload.TryGetValue(Head, out var first))
        {
            return current;
        }

        current.Add(first);
        for (var s = 1; s < Segments.Count; s++)
        {
            var segment = Segments[s];
            var next = new List<Value>();
            foreach (var value in current)
            {
                if (segment.Key is { } key)
                {
                    if (value.KindCase == Value.KindOneofCase.StructValue && value.StructValue.Fields.TryGetValue(key, out var child))
                    {
                        next.Add(child);
                    }
                }
                else if (value.KindCase == Value.KindOneofCase.ListValue)
                {
                    if (segment.AllElements)
                    {
                        next.AddRange(value.ListValue.Values);
                    }
                    else if (segment.Index is { } index && index < value.ListValue.Values.Count)
                    {
                        next.Add(value.ListValue.Values[index]);
                    }
                }
            }

            current = next;
        }

        return current;
    }

    /// <summary>
    /// The values at this path with arrays at the end flattened one level, as conditions test them ("an array matches
    /// when any element matches").
    /// </summary>
    public List<Value> SelectFlattened(MapField<string, Value> payload)
    {
        var values = Select(payload);
        var flat = new List<Value>(values.Count);
        foreach (var value in values)
        {
            if (value.KindCase == Value.KindOneofCase.ListValue)
            {
                flat.AddRange(value.ListValue.Values);
            }
            else
            {
                flat.Add(value);
            }
        }

        return flat;
    }

    public override string ToString()
    {
        var builder = new StringBuilder();
        foreach (var segment in Segments)
        {
            if (segment.Key is { } key)
            {
                if (builder.Length > 0)
                {
                    builder.Append('.');
                }

                builder.Append(key);
            }
            else
            {
                builder.Append(segment.AllElements ? "[]" : $"[{segment.Index}]");
            }
        }

        return builder.ToString();
    }

    /// <summary>One step: a key, an index, or every element (<c>[]</c>).</summary>
    internal sealed record Segment(string? Key, int? Index, bool AllElements);
}
