namespace QdrantSchema;

/// <summary>
/// The schema lock was lost while it was held: a renewal failed for longer than the lease allows, another owner took
/// it over after the lease passed, or it was force-released. The run stopped before writing anything further as the
/// owner; the next run resumes from the last recorded step.
/// </summary>
public sealed class QdrantSchemaLockLostException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSchemaLockLostException()
        : base("The schema lock was lost.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantSchemaLockLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSchemaLockLostException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the lock and the fencing token that was lost.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="lockName">The lock that was lost.</param>
    /// <param name="fencingToken">The fencing token this holder had, if the lock has tokens.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public QdrantSchemaLockLostException(string message, string lockName, long? fencingToken, Exception? innerException = null)
        : base(message, innerException)
    {
        LockName = lockName;
        FencingToken = fencingToken;
    }

    /// <summary>Gets the name of the lock that was lost.</summary>
    public string? LockName { get; }

    /// <summary>Gets the fencing token the holder had when it lost the lock.</summary>
    public long? FencingToken { get; }
}
