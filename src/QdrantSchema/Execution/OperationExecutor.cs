using QdrantSchema.Execution.Operations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution;

/// <summary>
/// Runs the schema operations (everything but data steps) against the member's physical collection. Each operation
/// is idempotent (it first reads the live state and sends nothing when its effect is already there) and verified (it
/// reads the collection again and fails when the effect does not show). Operations the server cannot do are refused
/// before anything is sent, with the same text <see cref="Refusal"/> gives plans.
/// </summary>
internal sealed class OperationExecutor : IOperationExecutor
{
    public async Task ExecuteAsync(MigrationOperation operation, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (operation is DataOperation)
        {
            throw new ArgumentException($"{operation.DisplayName} is a data step; run it with the data step runner (IDataStepRunner).", nameof(operation));
        }

        cancellationToken.ThrowIfCancellationRequested();
        var scope = new StepScope(operation, context, cancellationToken);
        if (operation is IrreversibleOperation irreversible)
        {
            // Declared in Down only (the fold rejects it in Up): running it means a rollback reached it.
            throw scope.Fail(
                "the migration cannot be undone: " + irreversible.Reason,
                null,
                null,
                "Nothing was changed. Restore the collection from a snapshot, or write a new migration that moves forward instead of rolling back.");
        }

        var refusal = Refusal(operation, context.Server);
        if (refusal is not null)
        {
            throw scope.Fail("cannot run on this server: " + refusal, null, null, "Nothing was changed.");
        }

        switch (operation)
        {
            case CreateCollectionOperation create:
                await CollectionSteps.CreateAsync(create, scope).ConfigureAwait(false);
                break;
            case DeleteCollectionOperation:
                await CollectionSteps.DeleteAsync(scope).ConfigureAwait(false);
                break;
            case AddVectorOperation add:
                await VectorSteps.AddAsync(add, scope).ConfigureAwait(false);
                break;
            case DeleteVectorOperation delete:
                await VectorSteps.DeleteAsync(delete, scope).ConfigureAwait(false);
                break;
            case CreatePayloadIndexOperation createIndex:
                await PayloadIndexSteps.CreateAsync(createIndex, scope).ConfigureAwait(false);
                break;
            case DeletePayloadIndexOperation deleteIndex:
                await PayloadIndexSteps.DeleteAsync(deleteIndex, scope).ConfigureAwait(false);
                break;
            case UpdateCollectionOperation update:
                await UpdateSteps.ExecuteAsync(update, scope).ConfigureAwait(false);
                break;
            case SetMetadataOperation set:
                await MetadataSteps.SetAsync(set, scope).ConfigureAwait(false);
                break;
            case RemoveMetadataOperation remove:
                await MetadataSteps.RemoveAsync(remove, scope).ConfigureAwait(false);
                break;
            case AliasOperation alias:
                await AliasSteps.ExecuteAsync(alias, scope).ConfigureAwait(false);
                break;
            default:
                throw scope.Fail(
                    $"the engine has no executor for operation type {operation.GetType().Name}.",
                    null,
                    null,
                    "Nothing was changed. Report this as a QdrantSchema bug.");
        }
    }

    public string? Refusal(MigrationOperation operation, ServerInfo server) => Refusals.For(operation, server);
}
