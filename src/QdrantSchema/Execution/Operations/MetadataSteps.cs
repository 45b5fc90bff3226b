using Qdrant.Client.Grpc;
using QdrantSchema.Internal;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// SetMetadata / RemoveMetadata: collection metadata is a shallow top-level merge in which a null value removes a key
/// (QDRANT.md §3.5). A remove is only sent when the key exists, because Qdrant stores the nulls verbatim when the
/// collection has no metadata yet.
/// </summary>
internal static class MetadataSteps
{
    public static async Task SetAsync(SetMetadataOperation operation, StepScope scope)
    {
        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        if (info.Config?.Metadata.TryGetValue(operation.Key, out var current) == true && current.Equals(operation.Value))
        {
            return;
        }

        await SendAsync(scope, operation.Key, operation.Value.Clone(), $"metadata '{operation.Key}' = {CanonicalText.Of(operation.Value)}").ConfigureAwait(false);
        var after = await scope.GetInfoAsync().ConfigureAwait(false);
        Value? stored = null;
        if (after.Config?.Metadata.TryGetValue(operation.Key, out stored) != true || !stored!.Equals(operation.Value))
        {
            throw scope.Fail(
                $"metadata key '{operation.Key}' does not show the new value after it was set.",
                CanonicalText.Of(operation.Value),
                stored is null ? "no such key" : CanonicalText.Of(stored),
                "Check whether another process changed the metadata at the same time, then run again.");
        }
    }

    public static async Task RemoveAsync(RemoveMetadataOperation operation, StepScope scope)
    {
        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        if (info.Config?.Metadata.ContainsKey(operation.Key) != true)
        {
            return;
        }

        await SendAsync(scope, operation.Key, new Value { NullValue = NullValue.NullValue }, $"metadata key '{operation.Key}' removed").ConfigureAwait(false);
        var after = await scope.GetInfoAsync().ConfigureAwait(false);
        if (after.Config?.Metadata.TryGetValue(operation.Key, out var stored) == true)
        {
            throw scope.Fail(
                $"metadata key '{operation.Key}' still exists after it was removed.",
                "no such key",
                CanonicalText.Of(stored),
                "Check whether another process changed the metadata at the same time, then run again.");
        }
    }

    private static async Task SendAsync(StepScope scope, string key, Value value, string expected)
    {
        try
        {
            await scope.Client.UpdateCollectionAsync(scope.Collection, new Dictionary<string, Value> { [key] = value }, cancellationToken: scope.CancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(e, expected, "Check the API key's rights and the server version (metadata needs Qdrant 1.16 or later), then run again.");
        }
    }
}
