using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Families;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution;

/// <summary>Everything an operation needs to run against one physical collection.</summary>
internal sealed class OperationContext
{
    public required QdrantClient Client { get; init; }

    public required FamilyMember Member { get; init; }

    public required MigrationDescriptor Migration { get; init; }

    /// <summary>The operation's index in the migration's Up (or Down) list.</summary>
    public required int Step { get; init; }

    public required ServerInfo Server { get; init; }

    public required IHistoryStore History { get; init; }

    public required TimeProvider TimeProvider { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Cancelled when the run's lock is lost: stop at the next boundary and write nothing as the owner.</summary>
    public CancellationToken LockLost { get; init; }

    /// <summary>Points per page for data steps (scroll limit and upsert batch).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>
    /// How many physical collections the member's family resolved to in this run. An alias operation whose alias name
    /// has no <c>{collection}</c> placeholder names one alias for the whole family, so it is refused when this is more
    /// than 1 (see <c>AliasNames</c>). Default: 1.
    /// </summary>
    public int FamilyMemberCount { get; init; } = 1;
}

/// <summary>
/// Runs one schema operation (everything but data steps) against a physical collection, idempotently: running it
/// again after a crash, or on a collection where it already took effect, changes nothing and does not fail. After it
/// runs, it checks that the change is visible (e.g. the vector or index exists with the expected config).
/// </summary>
internal interface IOperationExecutor
{
    /// <exception cref="QdrantSchemaException">
    /// The server refused the change (message names collection, migration, operation, expected vs found, what to do),
    /// or the server is too old for it (names the version and the minimum).
    /// </exception>
    Task ExecuteAsync(MigrationOperation operation, OperationContext context, CancellationToken cancellationToken);

    /// <summary>Why <paramref name="operation"/> cannot run on <paramref name="server"/>, or null when it can (for plans).</summary>
    string? Refusal(MigrationOperation operation, ServerInfo server);
}

/// <summary>The position a data step resumes from and the way it records progress.</summary>
internal sealed class DataStepContext
{
    public required OperationContext Operation { get; init; }

    /// <summary>The committed cursor to resume from (null: the beginning).</summary>
    public PointId? Cursor { get; init; }

    /// <summary>Points committed before this run (for progress).</summary>
    public long PointsProcessed { get; init; }

    /// <summary>
    /// Records a committed page: after the page's writes were acknowledged (wait=true), the executor stores the cursor of
    /// the next page and the running point count in the history record. Called once per page, in order.
    /// </summary>
    public required Func<PointId?, long, CancellationToken, Task> CommitPageAsync { get; init; }

    /// <summary>Embeds texts for <c>FillVectorFromText</c> steps, or null when the host provided no generator.</summary>
    public Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>>? EmbedTextsAsync { get; init; }
}

/// <summary>
/// Runs a data step (payload transform, vector fill, delete by filter) in pages: scroll in id order from the cursor,
/// compute the page, journal it as a redo page when the computation is not idempotent (user delegates), write it
/// with wait=true, commit the cursor, drop the redo page. Never loads the collection into memory. A crash at any point
/// resumes from the last committed cursor, re-applying a journaled page instead of recomputing it, so each point is
/// transformed exactly once.
/// </summary>
internal interface IDataStepRunner
{
    Task RunAsync(DataOperation operation, DataStepContext context, CancellationToken cancellationToken);

    /// <summary>How many points the step would touch (count with its filter), for plans.</summary>
    Task<long> CountAffectedAsync(DataOperation operation, OperationContext context, CancellationToken cancellationToken);
}
