using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// CreateAlias / DeleteAlias / SwapAlias on the member's physical collection (QDRANT.md §5). Each is a no-op when the
/// alias is already as wanted. Create and Delete never touch an alias that points at another collection (Qdrant would
/// re-point or remove it silently); SwapAlias re-points it on purpose, atomically (delete + create in one call).
/// </summary>
internal static class AliasSteps
{
    public static async Task ExecuteAsync(AliasOperation operation, StepScope scope)
    {
        var family = scope.Context.Member.Family;
        var problem = AliasNames.FamilyProblem(operation, family, scope.Context.FamilyMemberCount);
        if (problem is not null)
        {
            throw scope.Fail(problem, null, null, "Change the migration and run again.");
        }

        var alias = AliasNames.Resolve(operation.Alias, scope.Context.Member);
        var nameProblem = AliasNames.NameProblem(alias);
        if (nameProblem is not null)
        {
            throw scope.Fail($"the alias name '{alias}' is invalid: {nameProblem}.", null, null, "Choose another alias name in the migration.");
        }

        var target = await TargetAsync(alias, scope).ConfigureAwait(false);
        switch (operation.Action)
        {
            case AliasAction.Create when target == scope.Collection:
            case AliasAction.Swap when target == scope.Collection:
            case AliasAction.Delete when target is null:
                return;
            case AliasAction.Create when target is not null:
                throw scope.Fail(
                    $"alias '{alias}' already points at another collection.",
                    $"'{alias}' -> '{scope.Collection}'",
                    $"'{alias}' -> '{target}'",
                    "Use SwapAlias to re-point an alias on purpose, or choose another alias name.");
            case AliasAction.Delete when target != scope.Collection:
                throw scope.Fail(
                    $"alias '{alias}' points at another collection, so it is not this collection's to delete.",
                    $"'{alias}' -> '{scope.Collection}'",
                    $"'{alias}' -> '{target}'",
                    "Remove the DeleteAlias from the migration, or delete the alias yourself if that is intended.");
            default:
                break;
        }

        var actions = operation.Action switch
        {
            AliasAction.Create => new List<AliasOperations> { Create(alias, scope.Collection) },
            AliasAction.Delete => [new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = alias } }],
            _ => [new AliasOperations { DeleteAlias = new DeleteAlias { AliasName = alias } }, Create(alias, scope.Collection)],
        };

        try
        {
            await scope.Client.UpdateAliasesAsync(actions, cancellationToken: scope.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(
                e,
                operation.Action == AliasAction.Delete ? $"alias '{alias}' to be deleted" : $"alias '{alias}' -> '{scope.Collection}'",
                "An alias cannot have the name of a collection; choose another alias name, or check the API key's rights; then run again.");
        }

        var after = await TargetAsync(alias, scope).ConfigureAwait(false);
        var wanted = operation.Action == AliasAction.Delete ? null : scope.Collection;
        if (after != wanted)
        {
            throw scope.Fail(
                $"alias '{alias}' is not as requested after the change.",
                wanted is null ? "no alias" : $"'{alias}' -> '{wanted}'",
                after is null ? "no alias" : $"'{alias}' -> '{after}'",
                "Check whether another process changed the aliases at the same time, then run again.");
        }
    }

    private static AliasOperations Create(string alias, string collection)
        => new() { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = collection } };

    private static async Task<string?> TargetAsync(string alias, StepScope scope)
    {
        try
        {
            var aliases = await scope.Client.ListAliasesAsync(scope.CancellationToken).ConfigureAwait(false);
            return aliases.FirstOrDefault(a => a.AliasName == alias)?.CollectionName;
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(e, "to list the aliases", "Check the connection and run again.");
        }
    }
}
