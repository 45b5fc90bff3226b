using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// One operation running on one physical collection: the client, the names, and the messages of its failures. Every
/// message names the migration, the family, the step and operation, the collection (<c>alias -> physical</c> when
/// reached through an alias), what was expected and found, and what to do next. Payloads and keys never appear.
/// </summary>
internal sealed class StepScope(MigrationOperation operation, OperationContext context, CancellationToken cancellationToken)
{
    public MigrationOperation Operation { get; } = operation;

    public OperationContext Context { get; } = context;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public Qdrant.Client.QdrantClient Client => Context.Client;

    /// <summary>The physical collection every call goes to.</summary>
    public string Collection => Context.Member.PhysicalName;

    public string Prefix
        => $"Migration '{Context.Migration.Id}' (family '{Context.Member.Family}'), step {Context.Step} {Operation.DisplayName} " +
           $"on collection '{Context.Member.DisplayName}'";

    /// <summary>A failure found by the engine (a mismatch, a refusal, a change that did not show).</summary>
    public QdrantSchemaException Fail(string problem, string? expected, string? found, string next, Exception? inner = null)
    {
        var text = $"{Prefix}: {problem}";
        if (expected is not null || found is not null)
        {
            text += $" Expected {expected ?? "(nothing)"}; found {found ?? "(nothing)"}.";
        }

        return new QdrantSchemaException(text + " " + next, inner);
    }

    /// <summary>A call Qdrant refused: the server's answer, with the original exception inside.</summary>
    public Exception Rejected(Exception exception, string expected, string next)
        => QdrantCalls.Wrap(
            exception,
            $"{Prefix}: Qdrant refused the request ({{answer}}). Expected {expected}. {next}",
            CancellationToken);

    /// <summary>The live collection, or null when it does not exist.</summary>
    public async Task<CollectionInfo?> TryGetInfoAsync()
    {
        try
        {
            return await Client.GetCollectionInfoAsync(Collection, CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsNotFound(e) && !CancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw Rejected(e, "to read the collection's configuration", "Check the connection and run again.");
        }
    }

    /// <summary>The live collection; fails when it does not exist.</summary>
    public async Task<CollectionInfo> GetInfoAsync()
        => await TryGetInfoAsync().ConfigureAwait(false)
           ?? throw Fail(
               "the collection does not exist.",
               "an existing collection",
               "none",
               "Create it first (CreateCollection in an earlier migration of the family), or check that nothing deleted it; then run again.");

    /// <summary>The server's version as text, for refusals.</summary>
    public string ServerVersion => Refusals.Format(Context.Server.Version);
}
