namespace QdrantSchema.Migrations;

/// <summary>
/// A versioned change to the schema of a collection family. Derive from it, mark the class with
/// <see cref="MigrationAttribute"/> and declare operations in <see cref="Up"/> (and, when the generated inverse is
/// not what you want, in <see cref="Down"/>).
/// </summary>
/// <example>
/// <code>
/// [Migration("20261125120000_CreateMemories", Family = "memories")]
/// public sealed class CreateMemories : QdrantMigration
/// {
///     protected override void Up(MigrationBuilder migration) =>
///         migration.CreateCollection(c => c.AddVector("content", 384, Distance.Cosine));
/// }
/// </code>
/// </example>
public abstract class QdrantMigration
{
    private (string Id, string Name, string Family)? _identity;

    /// <summary>The migration id from its <see cref="MigrationAttribute"/> (<c>yyyyMMddHHmmss_Name</c>).</summary>
    /// <exception cref="QdrantMigrationDefinitionException">The class has no attribute or its id is malformed.</exception>
    public string Id => Identity.Id;

    /// <summary>The collection family the migration targets (<see cref="MigrationAttribute.Family"/>).</summary>
    /// <exception cref="QdrantMigrationDefinitionException">The class has no attribute or its id or family is malformed.</exception>
    public string Family => Identity.Family;

    /// <summary>
    /// A human-readable description. Defaults to the name part of the id split into words
    /// (<c>20261125120000_CreateMemories</c> gives "Create memories").
    /// </summary>
    public virtual string Description => MigrationIds.Describe(Identity.Name);

    /// <summary>
    /// Gets a value indicating whether the migrator snapshots the collection before this migration changes it (when it
    /// is the first migration of a run that does; see <see cref="MigrationSnapshotOptions"/>). Override it to return
    /// <see langword="false"/> for a migration whose operations only change metadata (payload indexes, metadata,
    /// aliases, collection settings, adding an empty vector) and cannot lose points; a migration with data steps,
    /// deletions or rebuilds that opts out is refused as a definition error. Not part of the checksum. Default: <see langword="true"/>.
    /// </summary>
    protected internal virtual bool SnapshotBeforeApply => true;

    internal string NamePart => Identity.Name;

    private (string Id, string Name, string Family) Identity => _identity ??= MigrationIds.Read(GetType());

    /// <summary>Declares the operations that move the schema forward, in order.</summary>
    /// <param name="migration">The builder to declare operations on.</param>
    protected internal abstract void Up(MigrationBuilder migration);

    /// <summary>
    /// Declares the operations that undo <see cref="Up"/>. The default generates them: the inverse of each Up
    /// operation in reverse order; the migration is irreversible when some Up operation has no inverse (data steps,
    /// deleting a collection). Override it to write the inverse by hand, or call
    /// <see cref="MigrationBuilder.Irreversible(string)"/> to state that it cannot be undone. An overriding Down must
    /// bring the schema back exactly to where Up started, which is checked.
    /// </summary>
    /// <param name="migration">The builder to declare operations on.</param>
    protected internal virtual void Down(MigrationBuilder migration)
    {
        ArgumentNullException.ThrowIfNull(migration);
        migration.UseGeneratedInverse();
    }

    /// <inheritdoc />
    public override string ToString() => _identity?.Id ?? GetType().Name;
}
