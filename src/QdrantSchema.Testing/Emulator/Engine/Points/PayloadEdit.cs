using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>
/// Payload edits with Qdrant's JSON semantics (<c>lib/segment/src/common/utils.rs::merge_map</c>,
/// <c>lib/segment/src/json_path/mod.rs::value_set/value_remove</c> @ v1.19.0). Values written are clones: the engine
/// never keeps the caller's objects.
/// </summary>
internal static class PayloadEdit
{
    /// <summary><c>merge_map</c>: a top-level merge where a <c>null</c> value deletes the key.</summary>
    public static void Merge(MapField<string, Value> dest, MapField<string, Value> source)
    {
        foreach (var (key, value) in source)
        {
            if (value.KindCase == Value.KindOneofCase.NullValue)
            {
                dest.Remove(key);
            }
            else
            {
                dest[key] = value.Clone();
            }
        }
    }

    /// <summary><c>JsonPath::value_set</c>: merges <paramref name="source"/> into the object at <paramref name="path"/>, creating it.</summary>
    public static void SetAt(MapField<string, Value> dest, PayloadPath path, MapField<string, Value> source) =>
        SetInMap(dest, path.Segments[0].Key!, path.Segments, 1, source);

    private static void SetInMap(MapField<string, Value> map, string key, IReadOnlyList<PayloadPath.Segment> segments, int next, MapField<string, Value> source)
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new Value { NullValue = NullValue.NullValue };
            map[key] = value;
        }

        SetInValue(value, segments, next, source);
    }

    private static void SetInValue(Value dest, IReadOnlyList<PayloadPath.Segment> segments, int next, MapField<string, Value> source)
    {
        if (next >= segments.Count)
        {
            if (dest.KindCase != Value.KindOneofCase.StructValue)
            {
                dest.StructValue = new Struct();
            }

            Merge(dest.StructValue.Fields, source);
            return;
        }

        var segment = segments[next];
        if (segment.Key is { } key)
        {
            if (dest.KindCase != Value.KindOneofCase.StructValue)
            {
                dest.StructValue = new Struct();
            }

            SetInMap(dest.StructValue.Fields, key, segments, next + 1, source);
        }
        else if (segment.Index is { } index)
        {
            if (dest.KindCase != Value.KindOneofCase.ListValue)
            {
                dest.ListValue = new ListValue();
            }

            if (index < dest.ListValue.Values.Count)
            {
                SetInValue(dest.ListValue.Values[index], segments, next + 1, source);
            }
        }
        else if (dest.KindCase == Value.KindOneofCase.ListValue)
        {
            foreach (var element in dest.ListValue.Values)
            {
                SetInValue(element, segments, next + 1, source);
            }
        }
        else
        {
            dest.ListValue = new ListValue();
        }
    }

    /// <summary><c>JsonPath::value_remove</c>: removes the values at a path (a single array index is never removed).</summary>
    public static void Remove(MapField<string, Value> payload, PayloadPath path)
    {
        var segments = path.Segments;
        if (segments.Count == 1)
        {
            payload.Remove(segments[0].Key!);
            return;
        }

        if (payload.TryGetValue(segments[0].Key!, out var value))
        {
            RemoveIn(value, segments, 1);
        }
    }

    private static void RemoveIn(Value value, IReadOnlyList<PayloadPath.Segment> segments, int i)
    {
        var head = segments[i];
        var last = i == segments.Count - 1;
        if (head.Key is { } key)
        {
            if (value.KindCase != Value.KindOneofCase.StructValue)
            {
                return;
            }

            if (last)
            {
                value.StructValue.Fields.Remove(key);
            }
            else if (value.StructValue.Fields.TryGetValue(key, out var child))
            {
                RemoveIn(child, segments, i + 1);
            }
        }
        else if (value.KindCase == Value.KindOneofCase.ListValue)
        {
            if (head.Index is { } index)
            {
                if (!last && index < value.ListValue.Values.Count)
                {
                    RemoveIn(value.ListValue.Values[index], segments, i + 1);
                }
            }
            else if (last)
            {
                value.ListValue.Values.Clear();
            }
            else
            {
                foreach (var element in value.ListValue.Values)
                {
                    RemoveIn(element, segments, i + 1);
                }
            }
        }
    }

    /// <summary>Copies the parts of <paramref name="payload"/> the include paths select into <paramref name="target"/>, keeping their nesting.</summary>
    public static void CopyIncluded(MapField<string, Value> payload, List<PayloadPath> include, MapField<string, Value> target)
    {
        foreach (var path in include)
        {
            if (!payload.TryGetValue(path.Head, out var value))
            {
                continue;
            }

            var projected = Project(value, path.Segments, 1);
            if (projected is null)
            {
                continue;
            }

            if (target.TryGetValue(path.Head, out var existing))
            {
                MergeDeep(existing, projected);
            }
            else
            {
                target[path.Head] = projected;
            }
        }
    }

    private static Value? Project(Value value, IReadOnlyList<PayloadPath.Segment> segments, int i)
    {
        if (i >= segments.Count)
        {
            return value;
        }

        var segment = segments[i];
        if (value.KindCase == Value.KindOneofCase.ListValue)
        {
            var list = new ListValue();
            var next = segment.Key is null ? i + 1 : i;
            for (var e = 0; e < value.ListValue.Values.Count; e++)
            {
                if (segment.Index is { } index && index != e)
                {
                    continue;
                }

                if (Project(value.ListValue.Values[e], segments, next) is { } element)
                {
                    list.Values.Add(element);
                }
            }

            return new Value { ListValue = list };
        }

        if (segment.Key is { } key
            && value.KindCase == Value.KindOneofCase.StructValue
            && value.StructValue.Fields.TryGetValue(key, out var child)
            && Project(child, segments, i + 1) is { } projected)
        {
            var s = new Struct();
            s.Fields[key] = projected;
            return new Value { StructValue = s };
        }

        return null;
    }

    private static void MergeDeep(Value into, Value from)
    {
        if (into.KindCase == Value.KindOneofCase.StructValue && from.KindCase == Value.KindOneofCase.StructValue)
        {
            foreach (var (key, value) in from.StructValue.Fields)
            {
                if (into.StructValue.Fields.TryGetValue(key, out var existing))
                {
                    MergeDeep(existing, value);
                }
                else
                {
                    into.StructValue.Fields[key] = value;
                }
            }
        }
    }
}
