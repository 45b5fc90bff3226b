namespace QdrantSchema;

/// <summary>
/// A migration is defined incorrectly: a bad or duplicate id, no operations, or an operation that is invalid for the
/// schema at that point (for example a vector added twice with different settings, or an index on a field that is a
/// vector name). Raised before anything is sent to Qdrant, so nothing has changed.
/// </summary>
public sealed class QdrantMigrationDefinitionException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantMigrationDefinitionException()
        : base("A migration is defined incorrectly.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantMigrationDefinitionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantMigrationDefinitionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception that names the migration and, when known, the operation at fault.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="migrationId">The id of the migration at fault, or <see langword="null"/> when it has no valid id.</param>
    /// <param name="operation">The operation at fault (for example <c>AddVector 'content'</c>), or <see langword="null"/>.</param>
    public QdrantMigrationDefinitionException(string message, string? migrationId, string? operation)
        : base(message)
    {
        MigrationId = migrationId;
        Operation = operation;
    }

    /// <summary>
    /// The id of the migration at fault (as written in its <see cref="Migrations.MigrationAttribute"/>), or
    /// <see langword="null"/> when the migration class has no id at all.
    /// </summary>
    public string? MigrationId { get; }

    /// <summary>The operation at fault, for example <c>AddVector 'content'</c>; <see langword="null"/> when the whole migration is at fault.</summary>
    public string? Operation { get; }
}
