namespace QdrantSchema.Migrations;

/// <summary>
/// Gives a <see cref="QdrantMigration"/> its id and the collection family it targets.
/// </summary>
/// <remarks>
/// The id is <c>yyyyMMddHHmmss_Name</c>: a 14-digit UTC timestamp, an underscore and a C# identifier, for example
/// <c>20261125120000_CreateMemories</c>. Migrations of a family run in ordinal order of their ids.
/// </remarks>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MigrationAttribute : Attribute
{
    /// <summary>The family used when <see cref="Family"/> is not set: <c>"default"</c>.</summary>
    public const string DefaultFamily = "default";

    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The migration id, <c>yyyyMMddHHmmss_Name</c>.</param>
    public MigrationAttribute(string id)
    {
        Id = id;
    }

    /// <summary>The migration id, <c>yyyyMMddHHmmss_Name</c>.</summary>
    public string Id { get; }

    /// <summary>
    /// The collection family the migration targets: one schema shared by one or more physical collections.
    /// Defaults to <see cref="DefaultFamily"/>.
    /// </summary>
    public string Family { get; set; } = DefaultFamily;
}
