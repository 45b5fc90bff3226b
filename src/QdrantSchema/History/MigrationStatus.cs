namespace QdrantSchema.History;

/// <summary>The state of one migration on one physical collection, as the history records it.</summary>
public enum MigrationStatus
{
    /// <summary>Started and not finished: a later run resumes it from its checkpoint.</summary>
    Running = 0,

    /// <summary>Applied completely.</summary>
    Succeeded = 1,

    /// <summary>Stopped by an error; the record says which step and why.</summary>
    Failed = 2,

    /// <summary>Applied, then undone by a rollback.</summary>
    RolledBack = 3,
}
