using QdrantSchema.Migrator;

namespace QdrantSchema.IntegrationTests.Rollback;

/// <summary>Throws the first time the rollback reaches each (collection, migration, Down step) boundary.</summary>
internal sealed class BreakEveryDownStepOnce : IMigrationStepHook
{
    private readonly HashSet<string> _seen = [];

    public List<string> Broken { get; } = [];

    public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
    {
        if (!context.RollingBack)
        {
            return ValueTask.CompletedTask;
        }

        var key = $"{context.Member.PhysicalName}/{context.Migration.Id}#down{context.Step}";
        lock (_seen)
        {
            if (!_seen.Add(key))
            {
                return ValueTask.CompletedTask;
            }

            Broken.Add(key);
        }

        throw new InvalidOperationException($"Injected fault before {key}");
    }
}

/// <summary>Throws before one Up step of one migration.</summary>
internal sealed class BreakBeforeUpStep(string migrationId, int step) : IMigrationStepHook
{
    public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
        => !context.RollingBack && context.Migration.Id == migrationId && context.Step == step
            ? throw new InvalidOperationException($"Injected fault before step {step}")
            : ValueTask.CompletedTask;
}
