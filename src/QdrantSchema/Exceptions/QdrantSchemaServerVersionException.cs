namespace QdrantSchema;

/// <summary>
/// The connected Qdrant is too old for an operation of a pending migration, so migrating was refused before anything
/// changed. The message names the server version, the operation, the migration and the collection.
/// </summary>
public sealed class QdrantSchemaServerVersionException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSchemaServerVersionException()
        : base("The Qdrant server is too old for a pending migration.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantSchemaServerVersionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSchemaServerVersionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the server version and the refused operation.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="serverVersion">The version the server reports.</param>
    /// <param name="migrationId">The migration whose operation was refused.</param>
    /// <param name="collection">The physical collection.</param>
    /// <param name="operation">The refused operation, e.g. <c>AddVector 'relationship'</c>.</param>
    public QdrantSchemaServerVersionException(string message, string serverVersion, string migrationId, string collection, string operation)
        : base(message)
    {
        ServerVersion = serverVersion;
        MigrationId = migrationId;
        Collection = collection;
        Operation = operation;
    }

    /// <summary>Gets the version the server reports.</summary>
    public string? ServerVersion { get; }

    /// <summary>Gets the migration whose operation was refused.</summary>
    public string? MigrationId { get; }

    /// <summary>Gets the physical collection.</summary>
    public string? Collection { get; }

    /// <summary>Gets the refused operation.</summary>
    public string? Operation { get; }
}
