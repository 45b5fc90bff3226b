using QdrantSchema.Migrator;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>
/// A pre-step hook that breaks the run the first time it reaches each (collection, migration, step) boundary: by
/// throwing, or by cancelling the run. Rerunning until success therefore stops once at every boundary.
/// </summary>
internal sealed class BreakEveryBoundaryOnce(bool cancel) : IMigrationStepHook
{
    private readonly HashSet<string> _seen = [];

    /// <summary>The run's cancellation source (for <c>cancel: true</c>).</summary>
    public CancellationTokenSource? Run { get; set; }

    public List<string> Broken { get; } = [];

    public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
    {
        var key = $"{context.Member.PhysicalName}/{context.Migration.Id}#{context.Step}";
        lock (_seen)
        {
            if (!_seen.Add(key))
            {
                return ValueTask.CompletedTask;
            }

            Broken.Add(key);
        }

        if (cancel)
        {
            Run!.Cancel();
            cancellationToken.ThrowIfCancellationRequested();
        }

        throw new InvalidOperationException($"Injected fault before {key}");
    }
}

/// <summary>A hook that records every step it sees.</summary>
internal sealed class RecordingHook : IMigrationStepHook
{
    public List<(string Collection, string MigrationId, int Step, bool Resuming)> Steps { get; } = [];

    public ValueTask BeforeStepAsync(MigrationStepContext context, CancellationToken cancellationToken)
    {
        lock (Steps)
        {
            Steps.Add((context.Member.PhysicalName, context.Migration.Id, context.Step, context.Resuming));
        }

        return ValueTask.CompletedTask;
    }
}
