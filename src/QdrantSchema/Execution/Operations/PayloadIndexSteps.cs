using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;

namespace QdrantSchema.Execution.Operations;

/// <summary>CreatePayloadIndex and DeletePayloadIndex (QDRANT.md §7), both with wait=true.</summary>
internal static class PayloadIndexSteps
{
    /// <summary>
    /// Creates the index unless an identical one exists (a rerun). An index of another type or with other parameters
    /// fails instead of being replaced silently: a type change is declared as ChangePayloadIndex (delete + create).
    /// </summary>
    public static async Task CreateAsync(CreatePayloadIndexOperation operation, StepScope scope)
    {
        var declared = new PayloadIndexSchema(operation.Type, operation.Parameters);
        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        if (info.PayloadSchema.TryGetValue(operation.Field, out var existing))
        {
            var problem = Difference(declared, existing);
            if (problem is null)
            {
                return;
            }

            throw scope.Fail(
                $"an index on '{operation.Field}' already exists with {problem}.",
                declared.Describe(),
                new PayloadIndexSchema(existing.DataType, existing.Params).Describe(),
                "Declare the change as ChangePayloadIndex (delete + create) in a migration, or delete the index that was created outside migrations; then run again.");
        }

        try
        {
            await scope.Client.CreatePayloadIndexAsync(
                    scope.Collection,
                    operation.Field,
                    operation.Type,
                    operation.Parameters?.Clone(),
                    wait: true,
                    cancellationToken: scope.CancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(e, $"a {declared.Describe()} index on '{operation.Field}'", "Fix the index type or parameters and run again.");
        }

        var after = await scope.GetInfoAsync().ConfigureAwait(false);
        if (!after.PayloadSchema.TryGetValue(operation.Field, out var created) || Difference(declared, created) is not null)
        {
            throw scope.Fail(
                $"the index on '{operation.Field}' does not show as declared after it was created.",
                declared.Describe(),
                created is null ? "no index" : new PayloadIndexSchema(created.DataType, created.Params).Describe(),
                "Check whether another process changed the index at the same time, then run again.");
        }
    }

    /// <summary>Deletes the index (the payload values stay). A missing index is fine.</summary>
    public static async Task DeleteAsync(DeletePayloadIndexOperation operation, StepScope scope)
    {
        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        if (info.PayloadSchema.ContainsKey(operation.Field))
        {
            try
            {
                await scope.Client.DeletePayloadIndexAsync(scope.Collection, operation.Field, wait: true, cancellationToken: scope.CancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                throw scope.Rejected(e, $"the index on '{operation.Field}' to be deleted", "Check the API key's rights and run again.");
            }
        }

        var after = await scope.GetInfoAsync().ConfigureAwait(false);
        if (after.PayloadSchema.TryGetValue(operation.Field, out var remaining))
        {
            throw scope.Fail(
                $"the index on '{operation.Field}' still exists after it was deleted.",
                "no index",
                new PayloadIndexSchema(remaining.DataType, remaining.Params).Describe(),
                "Run again; if it persists, check the server's logs.");
        }
    }

    /// <summary>What differs between the declared index and a live one (type, or a declared parameter), or null.</summary>
    private static string? Difference(PayloadIndexSchema declared, PayloadSchemaInfo live)
    {
        if (live.DataType != declared.Type)
        {
            return $"type {live.DataType}";
        }

        if (declared.ParametersView is not { } parameters)
        {
            return null;
        }

        if (live.Params is null || live.Params.IndexParamsCase != parameters.IndexParamsCase)
        {
            return "other parameters";
        }

        var mismatches = LiveCompare.Mismatches(parameters, live.Params, "params");
        return mismatches.Count == 0 ? null : "other parameters (" + string.Join(", ", mismatches.Select(m => $"{m.Path} {m.Found}")) + ")";
    }
}
