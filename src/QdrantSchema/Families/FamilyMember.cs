namespace QdrantSchema.Families;

/// <summary>One physical collection of a family, with the name the family knows it by when that is an alias.</summary>
/// <param name="Family">The family name.</param>
/// <param name="PhysicalName">The real collection name (history and changes apply to it).</param>
/// <param name="AliasName">The alias the member was found through, or null.</param>
/// <param name="Exists">False when the collection does not exist yet (the family's first migration creates it).</param>
internal sealed record FamilyMember(string Family, string PhysicalName, string? AliasName, bool Exists)
{
    /// <summary>The name for reports: <c>alias -> physical</c> or the physical name.</summary>
    public string DisplayName => AliasName is null ? PhysicalName : $"{AliasName} -> {PhysicalName}";
}

/// <summary>Resolves families to their physical collections.</summary>
internal interface IFamilyResolver
{
    /// <summary>
    /// Resolves every family's members. Fails with a <see cref="QdrantSchemaException"/> naming the family when a family
    /// resolves to no collection, when an alias points at a collection of another family, or when one physical
    /// collection belongs to two families.
    /// </summary>
    Task<IReadOnlyList<FamilyMember>> ResolveAsync(IReadOnlyList<CollectionFamily> families, CancellationToken cancellationToken);
}
