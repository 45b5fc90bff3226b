using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.DataSteps;

/// <summary>
/// Applies a declarative payload transform (<see cref="TransformPayloadOperation.Actions"/>) to one point's payload,
/// locally, so the runner can write only the points that change. Keys are top-level payload keys taken literally
/// (no JSON paths), in the order the actions were declared:
/// <list type="bullet">
/// <item><c>SetMerge(key, value)</c> sets one key and keeps the others.</item>
/// <item><c>Overwrite(payload)</c> replaces the whole payload.</item>
/// <item><c>DeleteKeys(keys)</c> removes the keys that are present.</item>
/// <item><c>RenameKey(from, to)</c> moves <c>from</c>'s value to <c>to</c> (replacing it) and removes <c>from</c>;
/// when <c>from</c> is absent the point is left as it is, which is what makes a rerun after a crash a no-op.</item>
/// </list>
/// </summary>
internal static class PayloadActions
{
    /// <summary>The payload after <paramref name="actions"/>; <paramref name="payload"/> is not changed.</summary>
    public static Dictionary<string, Value> Apply(IReadOnlyList<PayloadAction> actions, IEnumerable<KeyValuePair<string, Value>> payload)
    {
        var result = new Dictionary<string, Value>(StringComparer.Ordinal);
        foreach (var (key, value) in payload)
        {
            result[key] = value;
        }

        foreach (var action in actions)
        {
            switch (action.Kind)
            {
                case PayloadActionKind.SetMerge:
                    result[action.Key!] = action.Value!;
                    break;
                case PayloadActionKind.Overwrite:
                    result.Clear();
                    foreach (var (key, value) in action.Payload!)
                    {
                        result[key] = value;
                    }

                    break;
                case PayloadActionKind.DeleteKeys:
                    foreach (var key in action.Keys)
                    {
                        result.Remove(key);
                    }

                    break;
                case PayloadActionKind.RenameKey:
                    if (result.Remove(action.From!, out var moved))
                    {
                        result[action.To!] = moved;
                    }

                    break;
                default:
                    throw new InvalidOperationException($"Unknown payload action {action.Kind}.");
            }
        }

        return result;
    }

    /// <summary>True when both payloads hold the same keys with equal values (protobuf structural equality).</summary>
    public static bool PayloadEquals(IEnumerable<KeyValuePair<string, Value>> left, IReadOnlyDictionary<string, Value> right)
    {
        var count = 0;
        foreach (var (key, value) in left)
        {
            count++;
            if (!right.TryGetValue(key, out var other) || !value.Equals(other))
            {
                return false;
            }
        }

        return count == right.Count;
    }
}
