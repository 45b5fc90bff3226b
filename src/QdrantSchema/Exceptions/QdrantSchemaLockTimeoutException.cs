namespace QdrantSchema;

/// <summary>The schema lock was not acquired within <see cref="QdrantMigratorOptions.LockTimeout"/>; nothing was read or changed.</summary>
public sealed class QdrantSchemaLockTimeoutException : QdrantSchemaException
{
    /// <summary>Creates an exception with a default message.</summary>
    public QdrantSchemaLockTimeoutException()
        : base("The schema lock was not acquired in time.")
    {
    }

    /// <summary>Creates an exception with the given message.</summary>
    /// <param name="message">The error message.</param>
    public QdrantSchemaLockTimeoutException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception with the given message and inner exception.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="innerException">The underlying error.</param>
    public QdrantSchemaLockTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception naming the timeout.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="timeout">How long the run waited.</param>
    public QdrantSchemaLockTimeoutException(string message, TimeSpan timeout)
        : base(message)
    {
        Timeout = timeout;
    }

    /// <summary>Creates an exception naming the lock, the timeout and the holder the lock saw last.</summary>
    /// <param name="message">The error message.</param>
    /// <param name="lockName">The lock's name.</param>
    /// <param name="timeout">How long the run waited.</param>
    /// <param name="holder">The holder when the wait ended, or <see langword="null"/> when the provider does not know it.</param>
    public QdrantSchemaLockTimeoutException(string message, string lockName, TimeSpan timeout, Locking.QdrantSchemaLockStatus? holder)
        : base(message)
    {
        LockName = lockName;
        Timeout = timeout;
        Holder = holder;
    }

    /// <summary>Gets how long the run waited for the lock.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>Gets the lock's name, when the provider knows it.</summary>
    public string? LockName { get; }

    /// <summary>Gets who held the lock when the wait ended (host, process, since when, until when), when the provider knows it.</summary>
    public Locking.QdrantSchemaLockStatus? Holder { get; }
}
