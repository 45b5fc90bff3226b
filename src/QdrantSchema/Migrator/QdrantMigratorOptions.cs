using Microsoft.Extensions.AI;
using QdrantSchema.Execution.DataSteps;
using QdrantSchema.Internal;
using QdrantSchema.Locking;
using QdrantSchema.Migrator;

namespace QdrantSchema;

/// <summary>What to do when the history records a migration as applied that the code does not define.</summary>
public enum UnknownMigrationPolicy
{
    /// <summary>Log a warning, report it in the status, and migrate anyway (the default: an older application instance can still start).</summary>
    Warn = 0,

    /// <summary>Refuse to migrate with a <see cref="QdrantSchemaDriftException"/>.</summary>
    Fail = 1,
}

/// <summary>What migrate does with a migration that fails part-way on a collection.</summary>
/// <remarks>
/// Whatever the policy, the history records the migration as failed with the step the next migrate resumes from, and
/// <see cref="CollectionStatusReport.NextAction"/> says what to run next.
/// </remarks>
public enum MigrationFailurePolicy
{
    /// <summary>
    /// Undo the operations of the failed migration that completed, newest first, with their generated inverses (a
    /// created index is deleted, an added vector deleted, a metadata key or collection setting given its previous
    /// value, an alias change reversed). Reverting stops at the first completed operation without an inverse (a data
    /// step, a deletion): the operations before it stay applied and the next migrate resumes after it. A data step that
    /// failed after committing pages is not undone, so nothing is reverted then. The record says what was reverted.
    /// </summary>
    RevertMigration = 0,

    /// <summary>
    /// Restore the snapshot taken before the run (<see cref="QdrantMigratorOptions.Snapshots"/>): the collection is
    /// replaced by the snapshot (verified first, the restore journaled in the history), its recorded aliases and version
    /// marker are put back, and the records of the migrations the run applied since, and of the failed one, are reset to
    /// their pre-run state (rolled back), so status shows the pre-run version. A rerun of migrate finishes a restore that
    /// was interrupted before anything else. Needs <c>Snapshots.Rest.RestBaseAddress</c>; without it, or when the run took
    /// no snapshot of the collection, it stops and marks the migration failed (as <see cref="StopAndMarkFailed"/>) and the
    /// error names the missing setting and the pre-run snapshot. See docs/snapshots.md.
    /// </summary>
    RestoreSnapshot = 1,

    /// <summary>Leave the collection as the failure left it, marked failed at the step; the next migrate resumes there.</summary>
    StopAndMarkFailed = 2,
}

/// <summary>Settings of a <see cref="QdrantMigrator"/>. Each property states its default.</summary>
public sealed class QdrantMigratorOptions
{
    /// <summary>The largest page a data step may use.</summary>
    public const int MaxDataStepBatchSize = 10_000;

    /// <summary>
    /// Gets or sets the name of the history collection (vectorless points, one per collection and migration).
    /// Default: <c>__qdrant_schema</c>.
    /// </summary>
    public string HistoryCollection { get; set; } = "__qdrant_schema";

    /// <summary>Gets or sets how many collections of a run migrate at the same time. Default: 4.</summary>
    public int MaxParallelCollections { get; set; } = 4;

    /// <summary>
    /// Gets or sets a value indicating whether the other collections keep migrating after one collection fails.
    /// When <see langword="false"/>, collections not started yet are skipped and running ones stop after their current
    /// migration. Either way the failed collection stops and the run reports the failure. Default: <see langword="true"/>.
    /// </summary>
    public bool ContinueOnCollectionFailure { get; set; } = true;

    /// <summary>
    /// Gets or sets what to do when the history has an applied migration the code does not define.
    /// Default: <see cref="UnknownMigrationPolicy.Warn"/>.
    /// </summary>
    public UnknownMigrationPolicy UnknownAppliedMigrations { get; set; } = UnknownMigrationPolicy.Warn;

    /// <summary>
    /// Gets or sets a value indicating whether a pending migration older than an applied one may run. Default:
    /// <see langword="false"/> (refused with a <see cref="QdrantSchemaDriftException"/>).
    /// </summary>
    public bool AllowOutOfOrder { get; set; }

    /// <summary>
    /// Gets the ids of applied migrations whose changed checksum you reviewed and accept: migrate records the new
    /// checksum instead of refusing. Remove an id once the history is updated. Default: empty.
    /// </summary>
    public ISet<string> AcceptedChecksumChanges { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Gets or sets how many points a data step reads and writes per page (1 to 10000). Default: 256.</summary>
    public int DataStepBatchSize { get; set; } = 256;

    /// <summary>
    /// Gets or sets the lock held while migrating or baselining; the history is read only after it is held.
    /// Default: <see cref="NoOpQdrantSchemaLock.Instance"/> (no protection against a second migrating process).
    /// </summary>
    public IQdrantSchemaLock Lock { get; set; } = NoOpQdrantSchemaLock.Instance;

    /// <summary>Gets or sets how long to wait for <see cref="Lock"/>. Default: 5 minutes.</summary>
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets the function that embeds texts for <c>FillVectorFromText</c> steps: it receives a page of texts and
    /// returns one vector per text, in order. Default: <see langword="null"/> (such steps fail, naming this option).
    /// </summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>>? EmbedTexts { get; set; }

    /// <summary>
    /// Gets or sets the Microsoft.Extensions.AI embedding generator for <c>FillVectorFromText</c> steps (one
    /// <c>GenerateAsync</c> call per page). Set this or <see cref="EmbedTexts"/>, not both. Default: <see langword="null"/>.
    /// </summary>
    public IEmbeddingGenerator<string, Embedding<float>>? EmbeddingGenerator { get; set; }

    /// <summary>
    /// Gets or sets what migrate does with a migration that fails part-way on a collection.
    /// Default: <see cref="MigrationFailurePolicy.RevertMigration"/> (the failed migration's completed operations are
    /// undone where they have inverses); set <see cref="MigrationFailurePolicy.StopAndMarkFailed"/> to leave them and
    /// resume from the failed step.
    /// </summary>
    public MigrationFailurePolicy FailurePolicy { get; set; } = MigrationFailurePolicy.RevertMigration;

    /// <summary>
    /// Gets the snapshots taken before a run changes a collection: on by default, with the last 3 per collection kept.
    /// See <see cref="MigrationSnapshotOptions"/>.
    /// </summary>
    public MigrationSnapshotOptions Snapshots { get; private set; } = new();

    /// <summary>Called before every operation runs (snapshots hook in here later; tests inject faults). Default: none.</summary>
    internal IMigrationStepHook StepHook { get; set; } = NoOpMigrationStepHook.Instance;

    /// <summary>Checks the options, naming the first invalid one.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    internal void Validate()
    {
        if (HistoryCollection is null)
        {
            throw new ArgumentException("QdrantMigratorOptions.HistoryCollection must be set (default: \"__qdrant_schema\").", nameof(HistoryCollection));
        }

        var problem = QdrantNames.CollectionNameProblem(HistoryCollection);
        if (problem is not null)
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.HistoryCollection '{HistoryCollection}' is not a valid collection name: {problem}.", nameof(HistoryCollection));
        }

        if (MaxParallelCollections < 1)
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.MaxParallelCollections must be at least 1; it is {MaxParallelCollections}.", nameof(MaxParallelCollections));
        }

        if (DataStepBatchSize is < 1 or > MaxDataStepBatchSize)
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.DataStepBatchSize must be between 1 and {MaxDataStepBatchSize}; it is {DataStepBatchSize}.", nameof(DataStepBatchSize));
        }

        if (!Enum.IsDefined(UnknownAppliedMigrations))
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.UnknownAppliedMigrations has the undefined value {(int)UnknownAppliedMigrations}; use Warn or Fail.", nameof(UnknownAppliedMigrations));
        }

        if (!Enum.IsDefined(FailurePolicy))
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.FailurePolicy has the undefined value {(int)FailurePolicy}; use RevertMigration, RestoreSnapshot or StopAndMarkFailed.", nameof(FailurePolicy));
        }

        if (Lock is null)
        {
            throw new ArgumentException(
                "QdrantMigratorOptions.Lock must be set; use NoOpQdrantSchemaLock.Instance to migrate without a lock.", nameof(Lock));
        }

        if (LockTimeout < TimeSpan.Zero && LockTimeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentException(
                $"QdrantMigratorOptions.LockTimeout must be zero or positive (or Timeout.InfiniteTimeSpan); it is {LockTimeout}.", nameof(LockTimeout));
        }

        if (EmbedTexts is not null && EmbeddingGenerator is not null)
        {
            throw new ArgumentException(
                "Set either QdrantMigratorOptions.EmbedTexts or QdrantMigratorOptions.EmbeddingGenerator, not both.", nameof(EmbeddingGenerator));
        }

        if (StepHook is null)
        {
            throw new ArgumentException("The step hook must be set.", nameof(StepHook));
        }

        Snapshots.Validate();
    }

    /// <summary>The embedding function data steps use: <see cref="EmbedTexts"/>, or one over <see cref="EmbeddingGenerator"/>, or null.</summary>
    internal Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>>? ResolveEmbedder()
        => EmbedTexts ?? (EmbeddingGenerator is { } generator ? EmbeddingGeneratorAdapter.Create(generator) : null);

    /// <summary>A copy, so that a run is not affected by changes made to the options while it runs.</summary>
    internal QdrantMigratorOptions Clone()
    {
        var copy = new QdrantMigratorOptions
        {
            HistoryCollection = HistoryCollection,
            MaxParallelCollections = MaxParallelCollections,
            ContinueOnCollectionFailure = ContinueOnCollectionFailure,
            UnknownAppliedMigrations = UnknownAppliedMigrations,
            AllowOutOfOrder = AllowOutOfOrder,
            DataStepBatchSize = DataStepBatchSize,
            Lock = Lock,
            LockTimeout = LockTimeout,
            EmbedTexts = EmbedTexts,
            EmbeddingGenerator = EmbeddingGenerator,
            StepHook = StepHook,
            FailurePolicy = FailurePolicy,
            Snapshots = Snapshots.Clone(),
        };
        foreach (var id in AcceptedChecksumChanges)
        {
            copy.AcceptedChecksumChanges.Add(id);
        }

        return copy;
    }
}
