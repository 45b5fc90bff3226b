using System.Buffers.Binary;
using System.Globalization;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Storage;

/// <summary>
/// A point id as Qdrant orders it: every numeric id sorts before every UUID (<c>ExtendedPointId</c> derives
/// <c>Ord</c> with <c>NumId</c> first, <c>lib/segment/src/types.rs</c>); UUIDs compare by their 128-bit big-endian value.
/// </summary>
internal readonly record struct PointKey(bool IsUuid, ulong Num, ulong Hi, ulong Lo) : IComparable<PointKey>
{
    public static PointKey FromNumber(ulong num) => new(false, num, 0, 0);

    public static PointKey FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return new PointKey(true, 0, BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
    }

    /// <summary>Converts a gRPC id. A UUID in any textual form .NET accepts is taken; anything else is a bad input.</summary>
    public static PointKey FromProto(PointId? id)
    {
        if (id is null || id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.None)
        {
            throw Engine.EmulatorErrors.Validation("id: point id is required");
        }

        if (id.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num)
        {
            return FromNumber(id.Num);
        }

        return TryParseUuid(id.Uuid, out var guid)
            ? FromGuid(guid)
            : throw Engine.EmulatorErrors.BadInput($"Unable to parse UUID: {id.Uuid}");
    }

    /// <summary>
    /// Parses a UUID in the forms Rust's <c>uuid</c> crate accepts (<c>Uuid::parse_str</c>, which Qdrant uses for ids):
    /// simple (32 hex digits), hyphenated, braced (<c>{…}</c>) and URN (<c>urn:uuid:…</c>). .NET's extra forms
    /// (parenthesised, hex-struct) are refused.
    /// </summary>
    public static bool TryParseUuid(string text, out Guid guid)
    {
        guid = default;
        var span = text.AsSpan();
        if (span.StartsWith("urn:uuid:", StringComparison.OrdinalIgnoreCase))
        {
            span = span["urn:uuid:".Length..];
            return span.Length == 36 && Guid.TryParseExact(span, "D", out guid);
        }

        return span.Length switch
        {
            32 => Guid.TryParseExact(span, "N", out guid),
            36 => Guid.TryParseExact(span, "D", out guid),
            38 => Guid.TryParseExact(span, "B", out guid),
            _ => false,
        };
    }

    public Guid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, Hi);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], Lo);
        return new Guid(bytes, bigEndian: true);
    }

    public PointId ToProto() => IsUuid ? new PointId { Uuid = ToGuid().ToString("D") } : new PointId { Num = Num };

    public int CompareTo(PointKey other)
    {
        if (IsUuid != other.IsUuid)
        {
            return IsUuid ? 1 : -1;
        }

        if (!IsUuid)
        {
            return Num.CompareTo(other.Num);
        }

        var c = Hi.CompareTo(other.Hi);
        return c != 0 ? c : Lo.CompareTo(other.Lo);
    }

    public static bool operator <(PointKey left, PointKey right) => left.CompareTo(right) < 0;

    public static bool operator >(PointKey left, PointKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(PointKey left, PointKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(PointKey left, PointKey right) => left.CompareTo(right) >= 0;

    /// <summary>The id as Qdrant prints it in messages: a number, or a hyphenated lowercase UUID.</summary>
    public override string ToString() => IsUuid ? ToGuid().ToString("D") : Num.ToString(CultureInfo.InvariantCulture);
}
