using System.Globalization;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Execution.DataSteps;

/// <summary>
/// Qdrant's point-id order (QDRANT.md §6.3): every integer id sorts before every UUID; integers numerically, UUIDs by
/// their bytes, which is the ordinal order of their lowercase hyphenated text.
/// </summary>
internal static class PointIds
{
    public static int Compare(PointId left, PointId right)
    {
        var leftIsNum = left.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num;
        var rightIsNum = right.PointIdOptionsCase == PointId.PointIdOptionsOneofCase.Num;
        if (leftIsNum != rightIsNum)
        {
            return leftIsNum ? -1 : 1;
        }

        return leftIsNum
            ? left.Num.CompareTo(right.Num)
            : string.CompareOrdinal(Canonical(left.Uuid), Canonical(right.Uuid));
    }

    public static bool AreEqual(PointId? left, PointId? right)
        => left is null || right is null ? left is null && right is null : Compare(left, right) == 0;

    private static string Canonical(string uuid)
        => Guid.TryParse(uuid, out var guid) ? guid.ToString("D", CultureInfo.InvariantCulture) : uuid;
}
