using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Locking;

/// <summary>
/// The lock point: one vectorless point per lock name in the history collection, with a deterministic UUID id and a
/// snake_case payload (<c>kind</c> = <c>lock</c>). Times are Unix milliseconds by the writer's clock. Every write
/// replaces the whole payload.
/// </summary>
internal sealed record LockPoint
{
    public const string KindValue = "lock";
    public const string KindField = "kind";
    public const string LockNameField = "lock_name";
    public const string OwnerField = "owner";
    public const string HostField = "host";
    public const string ProcessIdField = "process_id";
    public const string TokenField = "token";
    public const string AcquiredAtField = "acquired_at";
    public const string RenewedAtField = "renewed_at";
    public const string ExpiresAtField = "expires_at";
    public const string ReleasedAtField = "released_at";
    public const string ForcedByField = "forced_by";
    public const string ForcedAtField = "forced_at";

    public required string LockName { get; init; }

    /// <summary>The owner id, unique per acquisition; empty after a forced release.</summary>
    public required string Owner { get; init; }

    public string? Host { get; init; }

    public long? ProcessId { get; init; }

    public required long Token { get; init; }

    public long? AcquiredAt { get; init; }

    public long? RenewedAt { get; init; }

    public required long ExpiresAt { get; init; }

    public long? ReleasedAt { get; init; }

    public string? ForcedBy { get; init; }

    public long? ForcedAt { get; init; }

    /// <summary>The point id of a lock: SHA-256("qdrant-schema:lock\n{name}"), first 16 bytes, UUIDv5 version and variant bits.</summary>
    public static PointId IdOf(string lockName)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes("qdrant-schema:lock\n" + lockName), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new PointId { Uuid = new Guid(bytes, bigEndian: true).ToString("D", CultureInfo.InvariantCulture) };
    }

    public PointStruct ToPoint(PointId id)
    {
        var point = new PointStruct { Id = id, Vectors = new Vectors { Vectors_ = new NamedVectors() } };
        var payload = point.Payload;
        payload[KindField] = KindValue;
        payload[LockNameField] = LockName;
        payload[OwnerField] = Owner;
        payload[TokenField] = Token;
        payload[ExpiresAtField] = ExpiresAt;
        Set(payload, HostField, Host);
        Set(payload, ProcessIdField, ProcessId);
        Set(payload, AcquiredAtField, AcquiredAt);
        Set(payload, RenewedAtField, RenewedAt);
        Set(payload, ReleasedAtField, ReleasedAt);
        Set(payload, ForcedByField, ForcedBy);
        Set(payload, ForcedAtField, ForcedAt);
        return point;
    }

    /// <summary>Reads a lock point, or returns <see langword="null"/> when the payload is not a lock (not ours to touch).</summary>
    public static LockPoint? FromPayload(MapField<string, Value> payload)
    {
        if (Text(payload, KindField) != KindValue || Text(payload, OwnerField) is not { } owner
            || Integer(payload, TokenField) is not { } token || Integer(payload, ExpiresAtField) is not { } expiresAt)
        {
            return null;
        }

        return new LockPoint
        {
            LockName = Text(payload, LockNameField) ?? string.Empty,
            Owner = owner,
            Host = Text(payload, HostField),
            ProcessId = Integer(payload, ProcessIdField),
            Token = token,
            AcquiredAt = Integer(payload, AcquiredAtField),
            RenewedAt = Integer(payload, RenewedAtField),
            ExpiresAt = expiresAt,
            ReleasedAt = Integer(payload, ReleasedAtField),
            ForcedBy = Text(payload, ForcedByField),
            ForcedAt = Integer(payload, ForcedAtField),
        };
    }

    public QdrantSchemaLockStatus ToStatus(DateTimeOffset observedAt) => new(
        LockName, Owner, Host, ProcessId, Token, Time(AcquiredAt), Time(RenewedAt), DateTimeOffset.FromUnixTimeMilliseconds(ExpiresAt),
        Time(ReleasedAt), ForcedBy, Time(ForcedAt), observedAt);

    /// <summary>A description of the holder for logs and messages: host, process, since when, token.</summary>
    public string Describe() => ToStatus(DateTimeOffset.UnixEpoch).ToString();

    private static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;

    private static void Set(MapField<string, Value> payload, string key, string? value)
    {
        if (value is not null)
        {
            payload[key] = value;
        }
    }

    private static void Set(MapField<string, Value> payload, string key, long? value)
    {
        if (value is { } v)
        {
            payload[key] = v;
        }
    }

    private static string? Text(MapField<string, Value> payload, string key)
        => payload.TryGetValue(key, out var v) && v.KindCase == Value.KindOneofCase.StringValue ? v.StringValue : null;

    private static long? Integer(MapField<string, Value> payload, string key)
        => payload.TryGetValue(key, out var v)
            ? v.KindCase switch
            {
                Value.KindOneofCase.IntegerValue => v.IntegerValue,
                Value.KindOneofCase.DoubleValue => (long)v.DoubleValue,
                _ => null,
            }
            : null;
}
