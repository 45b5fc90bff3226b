using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Migrations;

/// <summary>
/// Declares payload changes applied in order to every point (or those matching <see cref="Where"/>) in
/// <see cref="MigrationBuilder.TransformPayload(Action{PayloadTransformBuilder})"/>. The checksum covers all of it.
/// </summary>
public sealed class PayloadTransformBuilder
{
    private readonly List<PayloadAction> _actions = [];

    internal PayloadTransformBuilder()
    {
    }

    internal IReadOnlyList<PayloadAction> Actions => _actions;

    internal Filter? Filter { get; private set; }

    /// <summary>Sets one top-level key, keeping the others (Qdrant's set_payload).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (copied).</param>
    /// <returns>This builder.</returns>
    public PayloadTransformBuilder SetMerge(string key, Value value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        _actions.Add(new PayloadAction { Kind = PayloadActionKind.SetMerge, Key = key, Value = value.Clone() });
        return this;
    }

    /// <summary>Replaces the whole payload with <paramref name="payload"/> (Qdrant's overwrite_payload).</summary>
    /// <param name="payload">The new payload (copied).</param>
    /// <returns>This builder.</returns>
    public PayloadTransformBuilder Overwrite(IReadOnlyDictionary<string, Value> payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var copy = new SortedDictionary<string, Value>(StringComparer.Ordinal);
        foreach (var (key, value) in payload)
        {
            copy[key] = value.Clone();
        }

        _actions.Add(new PayloadAction { Kind = PayloadActionKind.Overwrite, Payload = copy });
        return this;
    }

    /// <summary>Removes keys from the payload.</summary>
    /// <param name="keys">The keys to remove.</param>
    /// <returns>This builder.</returns>
    public PayloadTransformBuilder DeleteKeys(params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _actions.Add(new PayloadAction { Kind = PayloadActionKind.DeleteKeys, Keys = [.. keys] });
        return this;
    }

    /// <summary>Moves the value of <paramref name="from"/> to <paramref name="to"/> on points that have it.</summary>
    /// <param name="from">The current key.</param>
    /// <param name="to">The new key (overwritten when present).</param>
    /// <returns>This builder.</returns>
    public PayloadTransformBuilder RenameKey(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        _actions.Add(new PayloadAction { Kind = PayloadActionKind.RenameKey, From = from, To = to });
        return this;
    }

    /// <summary>Limits the transform to points matching <paramref name="filter"/>. Default: every point.</summary>
    /// <param name="filter">The filter (copied).</param>
    /// <returns>This builder.</returns>
    public PayloadTransformBuilder Where(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Filter = filter.Clone();
        return this;
    }
}
