using System.Buffers.Binary;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>
/// Writes a payload map in exactly the bytes <c>PayloadCodec.Encode</c> produces (a serialised <see cref="Struct"/>:
/// map entries in insertion order), without first copying the map into a new <see cref="Struct"/>. This is the upsert
/// hot path: scalar values are written by hand; nested structs and lists use protobuf's own writer.
/// </summary>
internal static class PayloadWriter
{
    private const byte EntryTag = (1 << 3) | 2;   // Struct.fields = 1, length-delimited
    private const byte KeyTag = (1 << 3) | 2;     // entry key = 1
    private const byte ValueTag = (2 << 3) | 2;   // entry value = 2

    public static byte[] Encode(MapField<string, Value> payload)
    {
        if (payload.Count == 0)
        {
            return Storage.PayloadCodec.Empty;
        }

        var total = 0;
        foreach (var (key, value) in payload)
        {
            var entry = EntrySize(key, value);
            total += 1 + VarintSize((uint)entry) + entry;
        }

        var buffer = new byte[total];
        var span = buffer.AsSpan();
        var pos = 0;
        foreach (var (key, value) in payload)
        {
            var keyBytes = Encoding.UTF8.GetByteCount(key);
            var valueSize = ValueSize(value);
            var entry = 1 + VarintSize((uint)keyBytes) + keyBytes + 1 + VarintSize((uint)valueSize) + valueSize;
            span[pos++] = EntryTag;
            pos += WriteVarint(span[pos..], (uint)entry);
            span[pos++] = KeyTag;
            pos += WriteVarint(span[pos..], (uint)keyBytes);
            pos += Encoding.UTF8.GetBytes(key, span[pos..]);
            span[pos++] = ValueTag;
            pos += WriteVarint(span[pos..], (uint)valueSize);
            pos += WriteValue(span[pos..], value, valueSize);
        }

        return buffer;
    }

    private static int EntrySize(string key, Value value)
    {
        var keyBytes = Encoding.UTF8.GetByteCount(key);
        var valueSize = ValueSize(value);
        return 1 + VarintSize((uint)keyBytes) + keyBytes + 1 + VarintSize((uint)valueSize) + valueSize;
    }

    private static int ValueSize(Value value) => value.KindCase switch
    {
        Value.KindOneofCase.NullValue => 2,
        Value.KindOneofCase.DoubleValue => 9,
        Value.KindOneofCase.IntegerValue => 1 + VarintSize((ulong)value.IntegerValue),
        Value.KindOneofCase.StringValue => StringSize(value.StringValue),
        Value.KindOneofCase.BoolValue => 2,
        _ => value.CalculateSize(),
    };

    private static int StringSize(string s)
    {
        var n = Encoding.UTF8.GetByteCount(s);
        return 1 + VarintSize((uint)n) + n;
    }

    private static int WriteValue(Span<byte> span, Value value, int size)
    {
        switch (value.KindCase)
        {
            case Value.KindOneofCase.NullValue:
                span[0] = 1 << 3;
                span[1] = (byte)value.NullValue;
                return 2;
            case Value.KindOneofCase.DoubleValue:
                span[0] = (2 << 3) | 1;
                BinaryPrimitives.WriteDoubleLittleEndian(span[1..], value.DoubleValue);
                return 9;
            case Value.KindOneofCase.IntegerValue:
                span[0] = 3 << 3;
                return 1 + WriteVarint(span[1..], (ulong)value.IntegerValue);
            case Value.KindOneofCase.StringValue:
                span[0] = (4 << 3) | 2;
                var n = Encoding.UTF8.GetByteCount(value.StringValue);
                var p = 1 + WriteVarint(span[1..], (uint)n);
                return p + Encoding.UTF8.GetBytes(value.StringValue, span[p..]);
            case Value.KindOneofCase.BoolValue:
                span[0] = 5 << 3;
                span[1] = value.BoolValue ? (byte)1 : (byte)0;
                return 2;
            default:
                value.ToByteArray().AsSpan().CopyTo(span);
                return size;
        }
    }

    private static int VarintSize(ulong v)
    {
        var n = 1;
        while (v >= 0x80)
        {
            v >>= 7;
            n++;
        }

        return n;
    }

    private static int WriteVarint(Span<byte> span, ulong v)
    {
        var i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[i++] = (byte)v;
        return i;
    }
}
