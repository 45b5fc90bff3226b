namespace QdrantSchema;

/// <summary>
/// A migration failed while it ran on a physical collection. The history records it as failed at
/// <see cref="Step"/>; the next run resumes it from that step (operations are idempotent). The inner exception is the
/// cause (a Qdrant error, a verification failure, or an exception from a user delegate).
/// </summary>
public sealed class QdrantMigrationFailedException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantMigrationFailedException()
        : base("A migration failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantMigrationFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and cause.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The cause.</param>
    public QdrantMigrationFailedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the migration, the collection and the step that failed.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="migrationId">The migration that failed.</param>
    /// <param name="collection">The physical collection it ran on.</param>
    /// <param name="step">The index of the Up operation that failed.</param>
    /// <param name="innerException">The cause.</param>
    public QdrantMigrationFailedException(string message, string migrationId, string collection, int step, Exception? innerException)
        : base(message, innerException)
    {
        MigrationId = migrationId;
        Collection = collection;
        Step = step;
    }

    /// <summary>Gets the id of the migration that failed.</summary>
    public string? MigrationId { get; }

    /// <summary>Gets the physical collection the migration ran on.</summary>
    public string? Collection { get; }

    /// <summary>Gets the index of the Up operation that failed (the step the next run resumes from).</summary>
    public int? Step { get; }
}
