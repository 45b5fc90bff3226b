using QdrantSchema.Schema;

namespace QdrantSchema.Migrations;

/// <summary>Folds migrations into the schema they produce (EF Core's model snapshot idea), without a server.</summary>
public static class MigrationModel
{
    /// <summary>
    /// Validates the migrations of one family and folds their Up operations, from an empty schema, in id order.
    /// </summary>
    /// <param name="migrations">The migrations of one family, in any order (they are ordered by id).</param>
    /// <param name="upToId">Stop after this migration (inclusive). Default: fold them all.</param>
    /// <returns>The expected schema; <see cref="CollectionSchema.Empty"/> when there are no migrations.</returns>
    /// <exception cref="QdrantMigrationDefinitionException">A migration is invalid, or two share an id.</exception>
    /// <exception cref="ArgumentException">The migrations span several families, or <paramref name="upToId"/> is not one of them.</exception>
    public static CollectionSchema Fold(IEnumerable<QdrantMigration> migrations, string? upToId = null)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        var catalog = MigrationCatalog.Create(migrations);
        if (catalog.Families.Count > 1)
        {
            throw new ArgumentException(
                $"The migrations belong to several families ({string.Join(", ", catalog.Families.Keys.Select(f => "'" + f + "'"))}); fold one family at a time.",
                nameof(migrations));
        }

        if (catalog.Families.Count == 0)
        {
            return upToId is null
                ? CollectionSchema.Empty
                : throw new ArgumentException($"There is no migration '{upToId}': the list is empty.", nameof(upToId));
        }

        var family = catalog.Families.Values.Single();
        if (upToId is null)
        {
            return family.Latest;
        }

        return family.SchemaAfter(upToId)
            ?? throw new ArgumentException(
                $"There is no migration '{upToId}' in family '{family.Family}'. Known ids: {string.Join(", ", family.Migrations.Select(m => m.Id))}.",
                nameof(upToId));
    }
}
