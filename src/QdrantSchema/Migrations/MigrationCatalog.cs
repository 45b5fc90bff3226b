using QdrantSchema.Schema;

namespace QdrantSchema.Migrations;

/// <summary>
/// A validated set of migrations, grouped by family and ordered by id, each family folded from empty.
/// Building it is where every definition error is found.
/// </summary>
internal sealed class MigrationCatalog
{
    private MigrationCatalog(IReadOnlyDictionary<string, MigrationFamilyModel> families)
    {
        Families = families;
    }

    public IReadOnlyDictionary<string, MigrationFamilyModel> Families { get; }

    /// <exception cref="QdrantMigrationDefinitionException">A migration is invalid or two share an id.</exception>
    public static MigrationCatalog Create(IEnumerable<QdrantMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var byId = new Dictionary<string, QdrantMigration>(StringComparer.Ordinal);
        foreach (var migration in migrations)
        {
            ArgumentNullException.ThrowIfNull(migration, nameof(migrations));
            var id = migration.Id;
            if (byId.TryGetValue(id, out var other))
            {
                if (ReferenceEquals(other, migration) || other.GetType() == migration.GetType())
                {
                    throw new QdrantMigrationDefinitionException(
                        $"Migration '{id}' (class '{migration.GetType().FullName}') is listed twice. Register each migration once.",
                        id,
                        operation: null);
                }

                throw new QdrantMigrationDefinitionException(
                    $"Migration id '{id}' is used by two classes: '{other.GetType().FullName}' and '{migration.GetType().FullName}'. " +
                    "Give one of them a new id (a later timestamp).",
                    id,
                    operation: null);
            }

            byId.Add(id, migration);
        }

        var families = new SortedDictionary<string, MigrationFamilyModel>(StringComparer.Ordinal);
        foreach (var group in byId.Values.GroupBy(m => m.Family, StringComparer.Ordinal))
        {
            var ordered = group.OrderBy(m => m.Id, StringComparer.Ordinal).ToList();
            var state = new SchemaState();
            var descriptors = new List<MigrationDescriptor>(ordered.Count);
            foreach (var migration in ordered)
            {
                descriptors.Add(MigrationDescriptor.Create(migration, state, out state));
            }

            families[group.Key] = new MigrationFamilyModel(group.Key, descriptors, new CollectionSchema(state));
        }

        return new MigrationCatalog(families);
    }
}

/// <summary>The ordered, validated migrations of one family and the expected schema after each.</summary>
internal sealed class MigrationFamilyModel(string family, IReadOnlyList<MigrationDescriptor> migrations, CollectionSchema latest)
{
    public string Family { get; } = family;

    public IReadOnlyList<MigrationDescriptor> Migrations { get; } = migrations;

    /// <summary>The expected schema after every migration.</summary>
    public CollectionSchema Latest { get; } = latest;

    public MigrationDescriptor? Find(string id) => Migrations.FirstOrDefault(m => string.Equals(m.Id, id, StringComparison.Ordinal));

    /// <summary>The expected schema after migration <paramref name="id"/>, or null when the family has no such migration.</summary>
    public CollectionSchema? SchemaAfter(string id) => Find(id)?.SchemaAfter;
}
