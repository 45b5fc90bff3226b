using Qdrant.Client;
using QdrantSchema.Execution;
using QdrantSchema.Execution.DataSteps;
using QdrantSchema.Families;
using QdrantSchema.History;

namespace QdrantSchema.Migrator;

/// <summary>The parts the migrator orchestrates; tests may replace them.</summary>
internal sealed class MigratorServices
{
    public required IHistoryStore History { get; init; }

    public required IFamilyResolver Resolver { get; init; }

    public required IOperationExecutor Executor { get; init; }

    public required IDataStepRunner DataSteps { get; init; }

    public required Func<CancellationToken, Task<ServerInfo>> ProbeServerAsync { get; init; }

    /// <summary>The same services with every history write fenced by <paramref name="handle"/> (a run under the lock).</summary>
    public MigratorServices FencedBy(Locking.IQdrantSchemaLockHandle handle) => new()
    {
        History = new FencedHistoryStore(History, handle),
        Resolver = Resolver,
        Executor = Executor,
        DataSteps = DataSteps,
        ProbeServerAsync = ProbeServerAsync,
    };

    /// <summary>The production parts over one client.</summary>
    public static MigratorServices CreateDefault(QdrantClient client, QdrantMigratorOptions options)
    {
        var probe = new ServerInfoProbe(client);
        return new MigratorServices
        {
            History = new QdrantHistoryStore(client, options.HistoryCollection),
            Resolver = new FamilyResolver(client, options.HistoryCollection),
            Executor = new OperationExecutor(),
            DataSteps = new DataStepRunner(),
            ProbeServerAsync = probe.GetAsync,
        };
    }
}
