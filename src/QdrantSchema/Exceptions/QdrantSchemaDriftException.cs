namespace QdrantSchema;

/// <summary>
/// The history disagrees with the migrations in code, so migrating was refused before anything changed: an applied
/// migration's checksum changed, a migration is applied that the code does not know (with
/// <see cref="UnknownMigrationPolicy.Fail"/>), or a pending migration is older than one already applied (without
/// <see cref="QdrantMigratorOptions.AllowOutOfOrder"/>). <see cref="Drifts"/> lists every problem found.
/// </summary>
public sealed class QdrantSchemaDriftException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSchemaDriftException()
        : base("The migration history disagrees with the migrations in code.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantSchemaDriftException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSchemaDriftException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception listing the problems found.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="drifts">The problems.</param>
    public QdrantSchemaDriftException(string message, IReadOnlyList<MigrationDrift> drifts)
        : base(message)
    {
        ArgumentNullException.ThrowIfNull(drifts);
        Drifts = [.. drifts];
    }

    /// <summary>Gets every problem found, in collection then migration order.</summary>
    public IReadOnlyList<MigrationDrift> Drifts { get; } = [];
}

/// <summary>How the history disagrees with the code for one migration on one collection.</summary>
public enum MigrationDriftKind
{
    /// <summary>The migration was applied with a different checksum: its operations were edited after it ran.</summary>
    ChecksumChanged = 0,

    /// <summary>The migration is recorded as applied but the code does not define it (the application is older than the schema).</summary>
    UnknownApplied = 1,

    /// <summary>The migration is pending but older than a migration already applied.</summary>
    OutOfOrder = 2,
}

/// <summary>One disagreement between the history and the code.</summary>
public sealed class MigrationDrift
{
    /// <summary>Creates a drift item.</summary>
    /// <param name="kind">What kind of disagreement it is.</param>
    /// <param name="collection">The physical collection.</param>
    /// <param name="migrationId">The migration.</param>
    /// <param name="detail">What was expected, what was found, and what to do.</param>
    public MigrationDrift(MigrationDriftKind kind, string collection, string migrationId, string detail)
    {
        ArgumentNullException.ThrowIfNull(collection);
        ArgumentNullException.ThrowIfNull(migrationId);
        ArgumentNullException.ThrowIfNull(detail);
        Kind = kind;
        Collection = collection;
        MigrationId = migrationId;
        Detail = detail;
    }

    /// <summary>Gets what kind of disagreement it is.</summary>
    public MigrationDriftKind Kind { get; }

    /// <summary>Gets the physical collection.</summary>
    public string Collection { get; }

    /// <summary>Gets the migration.</summary>
    public string MigrationId { get; }

    /// <summary>Gets what was expected, what was found, and what to do.</summary>
    public string Detail { get; }

    /// <inheritdoc />
    public override string ToString() => $"{Kind} '{MigrationId}' on '{Collection}': {Detail}";
}
