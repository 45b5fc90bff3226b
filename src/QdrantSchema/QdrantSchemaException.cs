namespace QdrantSchema;

/// <summary>
/// The base type of every error QdrantSchema raises on purpose. Argument errors use the standard
/// <see cref="ArgumentException"/> family and cancellation is <see cref="OperationCanceledException"/>; neither is wrapped.
/// </summary>
public class QdrantSchemaException : Exception
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSchemaException()
        : base("A QdrantSchema operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong, what was expected and found, and what to do next.</param>
    public QdrantSchemaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and the exception that caused it.</summary>
    /// <param name="message">What went wrong, what was expected and found, and what to do next.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSchemaException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
