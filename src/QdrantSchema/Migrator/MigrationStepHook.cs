using Qdrant.Client;
using QdrantSchema.Families;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Migrator;

/// <summary>One operation about to run: what the pre-step hook sees.</summary>
internal sealed class MigrationStepContext
{
    public required QdrantClient Client { get; init; }

    public required FamilyMember Member { get; init; }

    public required MigrationDescriptor Migration { get; init; }

    /// <summary>The index of <see cref="Operation"/> in the migration's Up operations (Down operations when <see cref="RollingBack"/>).</summary>
    public required int Step { get; init; }

    public required MigrationOperation Operation { get; init; }

    /// <summary>True when the migration resumes an interrupted run at this step.</summary>
    public required bool Resuming { get; init; }

    /// <summary>True when the operation is one of the migration's Down operations (a rollback).</summary>
    public bool RollingBack { get; init; }
}

/// <summary>
/// Called before each operation of a migration runs, after the Running record with its step is written. Later issues
/// take snapshots here; tests inject faults. An exception fails the migration at this step (resumable);
/// cancellation leaves the Running record for the next run.
/// </summary>
internal interface IMigrationStepHook
{
    ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken);
}

/// <summary>The default hook: does nothing.</summary>
internal sealed class NoOpMigrationStepHook : IMigrationStepHook
{
    public static NoOpMigrationStepHook Instance { get; } = new();

    public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
