using Google.Protobuf;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>
/// Stores a point payload as the protobuf encoding of a <see cref="Struct"/>: compact, immutable once written, and
/// safe from later mutation of the caller's objects (the in-process transport hands the engine the caller's messages).
/// </summary>
internal static class PayloadCodec
{
    public static readonly byte[] Empty = [];

    public static byte[] Encode(MapField<string, Value> payload)
    {
        if (payload.Count == 0)
        {
            return Empty;
        }

        var s = new Struct();
        s.Fields.Add(payload);
        return s.ToByteArray();
    }

    public static MapField<string, Value> Decode(byte[]? bytes)
    {
        if (bytes is null || bytes.Length == 0)
        {
            return [];
        }

        return Struct.Parser.ParseFrom(bytes).Fields;
    }
}
