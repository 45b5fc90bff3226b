using QdrantSchema.Families;
using QdrantSchema.Internal;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// How a family-level alias name maps to each member. An alias operation runs once per physical collection, so an
/// alias name shared by every member would be re-pointed by each in turn. Hence per-member placeholders:
/// <c>{collection}</c> is the name the family knows the member by (its alias when found through one, else its physical
/// name) and <c>{physical}</c> is the physical name; e.g. <c>{collection}_current</c>. A plain alias name (no
/// placeholder) is allowed only in a family with exactly one member.
/// </summary>
internal static class AliasNames
{
    public const string CollectionPlaceholder = "{collection}";
    public const string PhysicalPlaceholder = "{physical}";

    public static bool IsPerMember(string alias)
        => alias.Contains(CollectionPlaceholder, StringComparison.Ordinal) || alias.Contains(PhysicalPlaceholder, StringComparison.Ordinal);

    /// <summary>The alias name for <paramref name="member"/>.</summary>
    public static string Resolve(string alias, FamilyMember member)
    {
        ArgumentNullException.ThrowIfNull(alias);
        ArgumentNullException.ThrowIfNull(member);
        return alias
            .Replace(CollectionPlaceholder, member.AliasName ?? member.PhysicalName, StringComparison.Ordinal)
            .Replace(PhysicalPlaceholder, member.PhysicalName, StringComparison.Ordinal);
    }

    /// <summary>
    /// Why <paramref name="operation"/> cannot run on a family of <paramref name="memberCount"/> collections, or null.
    /// For plans and for the executor.
    /// </summary>
    public static string? FamilyProblem(AliasOperation operation, string family, int memberCount)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (memberCount <= 1 || IsPerMember(operation.Alias))
        {
            return null;
        }

        return $"{operation.DisplayName} names one alias for family '{family}', which has {memberCount} collections: each would re-point it in turn. " +
               $"Use a per-collection alias name with the {CollectionPlaceholder} placeholder (e.g. \"{CollectionPlaceholder}_current\"; {PhysicalPlaceholder} gives the physical name), " +
               "or move the collection to a family of its own.";
    }

    /// <summary>Why the resolved name is not a valid alias name, or null.</summary>
    public static string? NameProblem(string resolved) => QdrantNames.CollectionNameProblem(resolved);
}
