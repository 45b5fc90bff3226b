namespace QdrantSchema;

/// <summary>
/// The migration engine: status, dry-run plans, migrate, validation and baseline for every physical collection of
/// every registered family. Hosts, health checks and the CLI call it; results print as text (<c>ToString()</c>) or
/// serialize as JSON.
/// </summary>
public interface IQdrantMigrator
{
    /// <summary>
    /// Reads, without taking the lock and without writing, each physical collection's version, pending, failed and
    /// running migrations, history problems and schema drift.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The status of every collection.</returns>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly (found before the server is contacted).</exception>
    /// <exception cref="QdrantSchemaException">The server could not be read or a family could not be resolved.</exception>
    Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// A dry run: what <see cref="MigrateAsync"/> would do, per collection, without writing anything: each operation
    /// classed, data steps with the number of points they would touch, refusals (an old server, a rebuild needed) and
    /// history problems that would block.
    /// </summary>
    /// <param name="targetVersion">
    /// A migration id: plan its family up to and including it and leave the other families alone; or
    /// <see langword="null"/> to plan every family to its latest migration.
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentException"><paramref name="targetVersion"/> is not a migration id of any family.</exception>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaException">The server could not be read or a family could not be resolved.</exception>
    Task<MigrationPlan> PlanAsync(string? targetVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies pending migrations: takes the lock, reads the history, refuses (changing nothing) when the history
    /// disagrees with the code or an operation cannot run on this server, then migrates collections with bounded
    /// parallelism, resuming interrupted migrations from their checkpoint. A collection's failure is recorded and
    /// reported in the result (see <see cref="MigrationRunResult.ThrowIfFailed"/>), not thrown.
    /// </summary>
    /// <param name="targetVersion">
    /// A migration id: migrate its family up to and including it and leave the other families alone; or
    /// <see langword="null"/> to migrate every family to its latest migration.
    /// </param>
    /// <param name="cancellationToken">Stops the run at the next step or page boundary; the next run resumes.</param>
    /// <returns>What happened to each collection.</returns>
    /// <exception cref="ArgumentException"><paramref name="targetVersion"/> is not a migration id of any family.</exception>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaDriftException">The history disagrees with the code (changed checksum, unknown applied migration, out of order).</exception>
    /// <exception cref="QdrantSchemaServerVersionException">The server is too old for a pending operation.</exception>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired in time.</exception>
    /// <exception cref="QdrantSchemaLockLostException">The lock was lost during the run; it stopped at the next boundary (the next run resumes).</exception>
    /// <exception cref="QdrantSchemaException">Another refusal (a rebuild needed, a collection past the target).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<MigrationRunResult> MigrateAsync(string? targetVersion = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Compares each live collection with the expected schema at its recorded version, and each family's declared
    /// schema with the fold of its migrations (changes nobody wrote a migration for). Reads only.
    /// </summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The report.</returns>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaException">The server could not be read or a family could not be resolved.</exception>
    Task<ValidationReport> ValidateAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records the version of existing collections that have no history, without running anything: the highest
    /// migration whose expected schema the live collection satisfies (no errors; warnings such as extra vectors are
    /// allowed), or <paramref name="version"/>. When no version matches, nothing is recorded and the result shows the
    /// differences from the latest schema. Collections that already have history are left alone. Detection sees only
    /// the schema: a migration made only of data steps leaves none, so it counts as applied when the schema before it
    /// matches; pass an explicit <paramref name="version"/> when that is not so.
    /// </summary>
    /// <param name="version">
    /// A migration id to record for its family's unversioned collections (other families are left alone), or
    /// <see langword="null"/> to detect the version of every unversioned collection.
    /// </param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>What was recorded per collection.</returns>
    /// <exception cref="ArgumentException"><paramref name="version"/> is not a migration id of any family.</exception>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired in time.</exception>
    Task<BaselineResult> BaselineAsync(string? version = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Rolls every physical collection of <paramref name="targetVersion"/>'s family back to it: each migration applied
    /// after it is undone by its Down operations (generated inverses or the migration's own Down), newest first. Takes
    /// the lock, reads the history, and refuses (changing nothing) when a migration to undo is irreversible, was edited
    /// after it ran, is only half applied, or its Down cannot run on this server. Each rollback is journaled in the
    /// migration's history record (direction down, the Down step) and resumed from that step by the next call after a
    /// crash; when it completes the record is <see cref="History.MigrationStatus.RolledBack"/> (so the next migrate
    /// applies it again) and the collection's version marker moves back. What Down cannot restore (the data of a
    /// deleted vector) is logged and listed in <see cref="RollbackResult.Warnings"/>. A collection's failure is
    /// recorded and reported in the result, not thrown.
    /// </summary>
    /// <param name="targetVersion">A migration id: its family is rolled back to it (it stays applied); other families are left alone.</param>
    /// <param name="cancellationToken">Stops the rollback at the next step or page boundary; the next call resumes.</param>
    /// <returns>What happened to each collection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="targetVersion"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="targetVersion"/> is not a migration id of any family.</exception>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaException">The rollback was refused (the message names the migration, the reasons and the snapshot restore alternative).</exception>
    /// <exception cref="QdrantSchemaLockTimeoutException">The lock was not acquired in time.</exception>
    /// <exception cref="QdrantSchemaLockLostException">The lock was lost during the rollback; it stopped at the next boundary (the next call resumes).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    Task<RollbackResult> RollbackAsync(string targetVersion, CancellationToken cancellationToken = default);

    /// <summary>
    /// A dry run of <see cref="RollbackAsync"/>: per collection, the migrations that would be undone with their Down
    /// operations, what cannot be restored, and the reasons the rollback would be refused. Reads only, without the lock.
    /// </summary>
    /// <param name="targetVersion">A migration id: plan rolling its family back to it.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="targetVersion"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="targetVersion"/> is not a migration id of any family.</exception>
    /// <exception cref="QdrantMigrationDefinitionException">A migration or family is defined incorrectly.</exception>
    /// <exception cref="QdrantSchemaException">The server could not be read or a family could not be resolved.</exception>
    Task<RollbackPlan> PlanRollbackAsync(string targetVersion, CancellationToken cancellationToken = default);
}
