using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Qdrant.Client.Grpc;

namespace QdrantSchema.History;

/// <summary>
/// Deterministic ids of history points: a UUID from the first 16 bytes of SHA-256 over a keyed text, with the
/// version (5) and RFC 4122 variant bits set as a UUIDv5 would. The same key always gives the same point, so writing a
/// record twice replaces it, and a crash never leaves two records for one (collection, migration).
/// </summary>
internal static class HistoryPointIds
{
    /// <summary>The id of the record of (collection, migration id): SHA-256("qdrant-schema:record\n{collection}\n{migrationId}").</summary>
    public static PointId Record(string collection, string migrationId)
        => ToPointId(RecordGuid(collection, migrationId));

    /// <summary>The id of the redo page of (collection, migration id, step): SHA-256("qdrant-schema:redo\n{collection}\n{migrationId}\n{step}").</summary>
    public static PointId RedoPage(string collection, string migrationId, int step)
        => ToPointId(RedoPageGuid(collection, migrationId, step));

    public static Guid RecordGuid(string collection, string migrationId)
        => FromKey($"qdrant-schema:record\n{collection}\n{migrationId}");

    public static Guid RedoPageGuid(string collection, string migrationId, int step)
        => FromKey($"qdrant-schema:redo\n{collection}\n{migrationId}\n{step.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>The lower-case hyphenated form Qdrant reports UUID ids in.</summary>
    public static string Format(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    private static PointId ToPointId(Guid id) => new() { Uuid = Format(id) };

    private static Guid FromKey(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50); // version 5 (name-based, SHA)
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        return new Guid(bytes, bigEndian: true);
    }
}
