using Qdrant.Client;
using QdrantSchema.Execution.Operations;
using QdrantSchema.Internal;

namespace QdrantSchema.Families;

/// <summary>
/// Resolves families to physical collections from one read of the server's collections and aliases. Members come
/// from explicit names, the pattern (matched against collection and alias names) and the resolver. An alias resolves
/// to its collection (the member keeps both names); a name that does not exist is a member with
/// <see cref="FamilyMember.Exists"/> = false, created by the family's first migration under that name. The history
/// collection is never a member. The result is ordered by family, then physical name (ordinal).
/// </summary>
internal sealed class FamilyResolver : IFamilyResolver
{
    private readonly QdrantClient _client;
    private readonly string _historyCollection;

    public FamilyResolver(QdrantClient client, string historyCollection)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrEmpty(historyCollection);
        _client = client;
        _historyCollection = historyCollection;
    }

    public async Task<IReadOnlyList<FamilyMember>> ResolveAsync(IReadOnlyList<CollectionFamily> families, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(families);
        var seenFamilies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in families)
        {
            ArgumentNullException.ThrowIfNull(family, nameof(families));
            if (!seenFamilies.Add(family.Name))
            {
                throw new QdrantSchemaException(
                    $"The family '{family.Name}' is configured twice. Give each family a unique name, or merge their collections into one family.");
            }
        }

        if (families.Count == 0)
        {
            return [];
        }

        var (collections, aliases) = await ReadServerAsync(cancellationToken).ConfigureAwait(false);
        var problems = new List<string>();
        var members = new List<FamilyMember>();
        foreach (var family in families.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var found = await ResolveFamilyAsync(family, collections, aliases, problems, cancellationToken).ConfigureAwait(false);
            members.AddRange(found.OrderBy(m => m.PhysicalName, StringComparer.Ordinal));
        }

        CheckOwnership(members, problems);
        if (problems.Count > 0)
        {
            throw new QdrantSchemaException(
                problems.Count == 1
                    ? problems[0]
                    : "The collection families cannot be resolved:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "- " + p)));
        }

        return members;
    }

    private async Task<(HashSet<string> Collections, SortedDictionary<string, string> Aliases)> ReadServerAsync(CancellationToken cancellationToken)
    {
        try
        {
            var collections = await _client.ListCollectionsAsync(cancellationToken).ConfigureAwait(false);
            var aliases = await _client.ListAliasesAsync(cancellationToken).ConfigureAwait(false);
            var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var alias in aliases)
            {
                map[alias.AliasName] = alias.CollectionName;
            }

            return (new HashSet<string>(collections, StringComparer.Ordinal), map);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw QdrantCalls.Wrap(
                e,
                "Could not list the server's collections and aliases to resolve the collection families ({answer}). Check the connection and that the API key may read collections.",
                cancellationToken);
        }
    }

    private async Task<List<FamilyMember>> ResolveFamilyAsync(
        CollectionFamily family,
        HashSet<string> collections,
        SortedDictionary<string, string> aliases,
        List<string> problems,
        CancellationToken cancellationToken)
    {
        // physical name -> member; a member reached through an alias keeps the alias (its logical name).
        var byPhysical = new SortedDictionary<string, FamilyMember>(StringComparer.Ordinal);
        var problemCount = problems.Count;

        foreach (var name in family.Collections)
        {
            AddNamed(family, name, "is listed in its Collections", collections, aliases, byPhysical, problems);
        }

        IEnumerable<string>? resolved = null;
        if (family.Resolver is { } resolver)
        {
            try
            {
                resolved = await resolver(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new QdrantSchemaException(
                    $"The resolver of family '{family.Name}' failed: {e.Message} Fix the resolver (CollectionFamily.Resolver) and run again.",
                    e);
            }

            foreach (var name in resolved ?? [])
            {
                AddNamed(family, name, "is returned by its resolver", collections, aliases, byPhysical, problems);
            }
        }

        if (family.Pattern is { } pattern)
        {
            foreach (var name in collections.Where(c => c != _historyCollection && GlobPattern.IsMatch(pattern, c)))
            {
                Add(byPhysical, new FamilyMember(family.Name, name, null, Exists: true));
            }

            foreach (var (alias, target) in aliases)
            {
                if (target != _historyCollection && alias != _historyCollection && GlobPattern.IsMatch(pattern, alias))
                {
                    Add(byPhysical, new FamilyMember(family.Name, target, alias, Exists: true));
                }
            }
        }

        if (byPhysical.Count == 0 && problems.Count == problemCount)
        {
            var sources = new List<string>();
            if (family.Pattern is not null)
            {
                sources.Add($"its pattern '{family.Pattern}' matched none of the server's {collections.Count} collections and {aliases.Count} aliases");
            }

            if (family.Resolver is not null)
            {
                sources.Add("its resolver returned no collection names");
            }

            if (sources.Count == 0)
            {
                sources.Add("it names no collections, has no pattern and no resolver");
            }

            problems.Add(
                $"Family '{family.Name}' resolves to no collection: {string.Join("; ", sources)}. " +
                "Name the collections in CollectionFamily.Collections or return them from the resolver (missing ones are created by the family's first migration), or fix the pattern.");
        }

        return [.. byPhysical.Values];
    }

    private void AddNamed(
        CollectionFamily family,
        string? name,
        string source,
        HashSet<string> collections,
        SortedDictionary<string, string> aliases,
        SortedDictionary<string, FamilyMember> byPhysical,
        List<string> problems)
    {
        var problem = name is null ? "the name is null" : QdrantNames.CollectionNameProblem(name);
        if (problem is not null)
        {
            problems.Add($"Family '{family.Name}': the collection name '{name}' {source}, but {problem}. Use a valid Qdrant collection name.");
            return;
        }

        if (name == _historyCollection || (aliases.TryGetValue(name!, out var aliased) && aliased == _historyCollection))
        {
            problems.Add(
                $"Family '{family.Name}': '{name}' {source}, but it is the migration history collection '{_historyCollection}', which is never part of a family. " +
                "Remove it from the family, or configure another history collection name.");
            return;
        }

        if (aliases.TryGetValue(name!, out var target))
        {
            Add(byPhysical, new FamilyMember(family.Name, target, name, Exists: true));
        }
        else
        {
            Add(byPhysical, new FamilyMember(family.Name, name!, null, Exists: collections.Contains(name!)));
        }
    }

    private static void Add(SortedDictionary<string, FamilyMember> byPhysical, FamilyMember member)
    {
        if (!byPhysical.TryGetValue(member.PhysicalName, out var existing))
        {
            byPhysical[member.PhysicalName] = member;
            return;
        }

        // Keep one member per physical collection: prefer the alias (the name the application uses), the first alias in ordinal order.
        if (member.AliasName is not null
            && (existing.AliasName is null || string.CompareOrdinal(member.AliasName, existing.AliasName) < 0))
        {
            byPhysical[member.PhysicalName] = member with { Exists = existing.Exists || member.Exists };
        }
    }

    private static void CheckOwnership(List<FamilyMember> members, List<string> problems)
    {
        foreach (var group in members.GroupBy(m => m.PhysicalName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            var owners = group.ToList();
            var direct = owners.Where(m => m.AliasName is null).ToList();
            var viaAlias = owners.Where(m => m.AliasName is not null).ToList();
            if (direct.Count > 0 && viaAlias.Count > 0)
            {
                foreach (var member in viaAlias)
                {
                    problems.Add(
                        $"Family '{member.Family}': alias '{member.AliasName}' points at collection '{member.PhysicalName}', which belongs to family " +
                        $"'{string.Join("', '", direct.Select(d => d.Family))}'. An alias must point at a collection of its own family: " +
                        $"re-point the alias, or remove '{member.AliasName}' from family '{member.Family}' (its Collections, pattern or resolver).");
                }

                continue;
            }

            var names = string.Join(", ", owners.Select(m => $"'{m.Family}' (as '{m.AliasName ?? m.PhysicalName}')"));
            problems.Add(
                $"Collection '{group.Key}' belongs to more than one family: {names}. A physical collection has one schema, so it can be in one family only: " +
                "narrow the patterns, or remove the collection from all but one family.");
        }
    }
}
