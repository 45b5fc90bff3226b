using System.Net;

namespace QdrantSchema.Snapshots;

/// <summary>
/// A snapshot operation failed: Qdrant refused it (the message quotes Qdrant's own error text and the HTTP status), a
/// downloaded file did not match Qdrant's checksum, or the server could not be reached within the retry budget.
/// Messages never contain the API key.
/// </summary>
public sealed class QdrantSnapshotException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSnapshotException()
        : base("A snapshot operation failed.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">What went wrong and what to do next.</param>
    public QdrantSnapshotException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and the exception that caused it.</summary>
    /// <param name="message">What went wrong and what to do next.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSnapshotException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception for an error answer of Qdrant's REST API.</summary>
    /// <param name="message">What went wrong, including Qdrant's error text.</param>
    /// <param name="statusCode">The HTTP status Qdrant answered with.</param>
    /// <param name="serverError">Qdrant's error text (the <c>status.error</c> of its envelope, or the plain-text body).</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public QdrantSnapshotException(string message, HttpStatusCode? statusCode, string? serverError, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ServerError = serverError;
    }

    /// <summary>Gets the HTTP status Qdrant answered with, or <see langword="null"/> when no answer was involved.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Gets Qdrant's error text, or <see langword="null"/> when the error did not come from Qdrant.</summary>
    public string? ServerError { get; }
}
