using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;

// on_disk_payload is deprecated since Qdrant 1.19 (replaced by payload.memory) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Execution.Operations;

/// <summary>CreateCollection and DeleteCollection.</summary>
internal static class CollectionSteps
{
    /// <summary>
    /// Creates the member's collection under its physical name. When it already exists (a rerun after a crash, or a
    /// collection made outside migrations) its vectors must match the declaration (extra vectors are allowed, as
    /// validation treats them as warnings); then nothing is sent. A mismatch fails naming expected and found.
    /// </summary>
    public static async Task CreateAsync(CreateCollectionOperation operation, StepScope scope)
    {
        var definition = operation.Definition;
        var existing = await scope.TryGetInfoAsync().ConfigureAwait(false);
        if (existing is not null)
        {
            EnsureVectorsMatch(definition, existing, scope, created: false);
            return;
        }

        try
        {
            await scope.Client.CreateCollectionAsync(BuildRequest(definition, scope.Collection), scope.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e) && e is RpcException { StatusCode: StatusCode.AlreadyExists } && !scope.CancellationToken.IsCancellationRequested)
        {
            // Created concurrently: fall through to the check below.
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(
                e,
                $"to create the collection with vectors {DescribeVectors(definition)}",
                "Fix the declaration (or the name, if an alias or collection of that name exists), or the server's limits, and run again.");
        }

        if (definition.Params is { } parameters && (parameters.HasReadFanOutFactor || parameters.HasReadFanOutDelayMs))
        {
            // CreateCollection has no read fan-out fields; they are set by an update right after.
            var fanOut = new CollectionParamsDiff();
            if (parameters.HasReadFanOutFactor)
            {
                fanOut.ReadFanOutFactor = parameters.ReadFanOutFactor;
            }

            if (parameters.HasReadFanOutDelayMs)
            {
                fanOut.ReadFanOutDelayMs = parameters.ReadFanOutDelayMs;
            }

            try
            {
                await scope.Client.UpdateCollectionAsync(scope.Collection, collectionParams: fanOut, cancellationToken: scope.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                throw scope.Rejected(e, "to set the read fan-out parameters", "Fix the parameters and run again; the collection exists, so the rerun only updates it.");
            }
        }

        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        EnsureVectorsMatch(definition, info, scope, created: true);
    }

    /// <summary>Deletes the member's physical collection (never an alias name). A missing collection is fine.</summary>
    public static async Task DeleteAsync(StepScope scope)
    {
        if (await ExistsAsync(scope).ConfigureAwait(false))
        {
            try
            {
                await scope.Client.DeleteCollectionAsync(scope.Collection, cancellationToken: scope.CancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                // The client raises when the server answers false: gone in the meantime is fine.
                if (scope.CancellationToken.IsCancellationRequested || await ExistsAsync(scope).ConfigureAwait(false))
                {
                    throw scope.Rejected(e, "the collection to be deleted", "Check the API key's rights and run again.");
                }
            }
        }

        if (await ExistsAsync(scope).ConfigureAwait(false))
        {
            throw scope.Fail("the collection still exists after it was deleted.", "no collection", "the collection", "Check whether another process re-created it, then run again.");
        }
    }

    internal static CreateCollection BuildRequest(CollectionDefinition definition, string name)
    {
        var request = new CreateCollection { CollectionName = name };
        if (definition.Vectors.Count == 1 && definition.Vectors.TryGetValue(string.Empty, out var single))
        {
            request.VectorsConfig = new VectorsConfig { Params = single.Clone() };
        }
        else if (definition.Vectors.Count > 0)
        {
            var map = new VectorParamsMap();
            foreach (var (vectorName, vector) in definition.Vectors)
            {
                map.Map[vectorName] = vector.Clone();
            }

            request.VectorsConfig = new VectorsConfig { ParamsMap = map };
        }

        if (definition.SparseVectors.Count > 0)
        {
            var sparse = new SparseVectorConfig();
            foreach (var (vectorName, vector) in definition.SparseVectors)
            {
                sparse.Map[vectorName] = vector.Clone();
            }

            request.SparseVectorsConfig = sparse;
        }

        request.HnswConfig = definition.Hnsw?.Clone();
        request.OptimizersConfig = definition.Optimizers?.Clone();
        request.QuantizationConfig = definition.Quantization?.Clone();
        request.StrictModeConfig = definition.StrictMode?.Clone();
        if (definition.ShardNumber is { } shards)
        {
            request.ShardNumber = shards;
        }

        if (definition.Params is { } parameters)
        {
            if (parameters.HasReplicationFactor)
            {
                request.ReplicationFactor = parameters.ReplicationFactor;
            }

            if (parameters.HasWriteConsistencyFactor)
            {
                request.WriteConsistencyFactor = parameters.WriteConsistencyFactor;
            }

            if (parameters.HasOnDiskPayload)
            {
                request.OnDiskPayload = parameters.OnDiskPayload;
            }

            request.Payload = parameters.Payload?.Clone();
            request.IdTracker = parameters.IdTracker?.Clone();
        }

        foreach (var (key, value) in definition.Metadata)
        {
            request.Metadata[key] = value.Clone();
        }

        return request;
    }

    private static void EnsureVectorsMatch(CollectionDefinition definition, CollectionInfo info, StepScope scope, bool created)
    {
        var live = SchemaComparer.FromCollectionInfo(info);
        var expected = new List<string>();
        var found = new List<string>();
        foreach (var (name, vector) in definition.Vectors)
        {
            var label = Label(name);
            if (live.Vectors.TryGetValue(name, out var actual))
            {
                if (!VectorRules.SameImmutable(vector, actual))
                {
                    expected.Add($"{label}: {VectorRules.Describe(vector)}");
                    found.Add($"{label}: {VectorRules.Describe(actual)}");
                }
            }
            else
            {
                expected.Add($"{label}: {VectorRules.Describe(vector)}");
                found.Add(live.SparseVectors.ContainsKey(name) ? $"{label}: a sparse vector" : $"no vector {label}");
            }
        }

        foreach (var name in definition.SparseVectors.Keys)
        {
            if (!live.SparseVectors.ContainsKey(name))
            {
                expected.Add($"{Label(name)}: sparse");
                found.Add(live.Vectors.ContainsKey(name) ? $"{Label(name)}: a dense vector" : $"no sparse vector {Label(name)}");
            }
        }

        if (expected.Count == 0)
        {
            return;
        }

        throw created
            ? scope.Fail(
                "the collection was created, but its vectors differ from the declaration.",
                string.Join(", ", expected),
                string.Join(", ", found),
                "Check whether another process changed the collection at the same time, then run again.")
            : scope.Fail(
                "the collection already exists with vectors that do not match the declaration.",
                string.Join(", ", expected),
                string.Join(", ", found),
                "If the collection belongs to something else, remove it from the family (or rename the family's collection); " +
                "if it is this family's collection at a later version, baseline it at the version it matches instead of creating it.");
    }

    private static async Task<bool> ExistsAsync(StepScope scope)
    {
        try
        {
            var names = await scope.Client.ListCollectionsAsync(scope.CancellationToken).ConfigureAwait(false);
            return names.Contains(scope.Collection, StringComparer.Ordinal); // exact physical name (CollectionExists also answers true for an alias)
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(e, "to list the collections", "Check the connection and run again.");
        }
    }

    private static string DescribeVectors(CollectionDefinition definition)
    {
        var parts = definition.Vectors.Select(v => $"{Label(v.Key)} {VectorRules.Describe(v.Value)}")
            .Concat(definition.SparseVectors.Keys.Select(k => $"{Label(k)} sparse"))
            .ToList();
        return parts.Count == 0 ? "(none)" : string.Join(", ", parts);
    }

    internal static string Label(string vectorName) => vectorName.Length == 0 ? "'' (unnamed)" : $"'{VectorRules.Printable(vectorName)}'";
}
