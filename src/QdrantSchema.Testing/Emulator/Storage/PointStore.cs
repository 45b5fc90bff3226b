using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>
/// The points of one collection: ids in Qdrant's scroll order, a payload (encoded) and a version per point, and one
/// <see cref="VectorColumn"/> per configured vector name. Not thread-safe: the engine serialises access.
/// </summary>
internal sealed class PointStore
{
    private readonly Dictionary<PointKey, int> _slots = [];
    private readonly SortedSet<PointKey> _order = [];
    private readonly Stack<int> _free = new();
    private PointKey[] _ids = new PointKey[1024];
    private byte[]?[] _payloads = new byte[]?[1024];
    private ulong[] _versions = new ulong[1024];
    private int _highWater;

    /// <summary>Vector columns by vector name (<c>""</c> for the single unnamed vector).</summary>
    public Dictionary<string, VectorColumn> Vectors { get; } = new(StringComparer.Ordinal);

    public int Count => _slots.Count;

    public bool TryGetSlot(PointKey id, out int slot) => _slots.TryGetValue(id, out slot);

    public bool Contains(PointKey id) => _slots.ContainsKey(id);

    public PointKey GetId(int slot) => _ids[slot];

    /// <summary>Returns the slot of <paramref name="id"/>, creating an empty point when absent.</summary>
    public int GetOrAdd(PointKey id, out bool added)
    {
        if (_slots.TryGetValue(id, out var slot))
        {
            added = false;
            return slot;
        }

        slot = _free.Count > 0 ? _free.Pop() : _highWater++;
        if (slot >= _ids.Length)
        {
            var size = _ids.Length * 2;
            Array.Resize(ref _ids, size);
            Array.Resize(ref _payloads, size);
            Array.Resize(ref _versions, size);
        }

        _ids[slot] = id;
        _payloads[slot] = null;
        _versions[slot] = 0;
        _slots.Add(id, slot);
        _order.Add(id);
        added = true;
        return slot;
    }

    /// <summary>Removes a point with its payload and every vector. Returns false when it was absent.</summary>
    public bool Remove(PointKey id)
    {
        if (!_slots.Remove(id, out var slot))
        {
            return false;
        }

        _order.Remove(id);
        _payloads[slot] = null;
        foreach (var column in Vectors.Values)
        {
            column.Remove(slot);
        }

        _free.Push(slot);
        return true;
    }

    /// <summary>Drops every vector of a point (a plain upsert replaces the point whole).</summary>
    public void ClearVectors(int slot)
    {
        foreach (var column in Vectors.Values)
        {
            column.Remove(slot);
        }
    }

    public byte[]? GetPayloadBytes(int slot) => _payloads[slot];

    public void SetPayloadBytes(int slot, byte[]? bytes) => _payloads[slot] = bytes;

    public MapField<string, Value> GetPayload(int slot) => PayloadCodec.Decode(_payloads[slot]);

    public void SetPayload(int slot, MapField<string, Value> payload) => _payloads[slot] = PayloadCodec.Encode(payload);

    public ulong GetVersion(int slot) => _versions[slot];

    public void SetVersion(int slot, ulong version) => _versions[slot] = version;

    /// <summary>Point ids in scroll order (numeric ids first, then UUIDs), starting at <paramref name="from"/> inclusive.</summary>
    public IEnumerable<PointKey> IdsFrom(PointKey? from)
    {
        if (from is null || _order.Count == 0)
        {
            return _order;
        }

        var max = _order.Max;
        return from.Value > max ? [] : _order.GetViewBetween(from.Value, max);
    }

    /// <summary>Bytes held by vectors and payloads (not bookkeeping), for the emulator's memory report.</summary>
    public long ValueBytes
    {
        get
        {
            long total = 0;
            foreach (var column in Vectors.Values)
            {
                total += column.ValueBytes;
            }

            foreach (var id in _order)
            {
                total += _payloads[_slots[id]]?.Length ?? 0;
            }

            return total;
        }
    }
}
