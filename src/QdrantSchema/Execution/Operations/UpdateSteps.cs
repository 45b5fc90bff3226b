using Google.Protobuf;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;
using QdrantSchema.Migrations.Operations;

// on_disk is deprecated since Qdrant 1.19 (replaced by `memory`) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Execution.Operations;

/// <summary>
/// UpdateCollection: sends the declared diffs in one call (Qdrant merges them field-wise and replaces quantization,
/// QDRANT.md §3.4), which is idempotent by nature, then checks that each declared field shows in the live config.
/// </summary>
internal static class UpdateSteps
{
    public static async Task ExecuteAsync(UpdateCollectionOperation operation, StepScope scope)
    {
        await scope.GetInfoAsync().ConfigureAwait(false); // a clear error when the collection is missing
        await SendAsync(operation.Update, scope).ConfigureAwait(false);
        var info = await scope.GetInfoAsync().ConfigureAwait(false);
        var mismatches = Verify(operation.Update, info);
        if (mismatches.Count > 0)
        {
            LiveCompare.Describe(mismatches, out var expected, out var found);
            throw scope.Fail(
                "Qdrant accepted the update, but the collection does not show it.",
                expected,
                found,
                "Check whether another process changed the collection at the same time, or whether the server ignores one of these settings; then run again.");
        }
    }

    public static async Task SendAsync(CollectionUpdate update, StepScope scope)
    {
        VectorParamsDiffMap? vectors = null;
        if (update.Vectors.Count > 0)
        {
            vectors = new VectorParamsDiffMap();
            foreach (var (name, diff) in update.Vectors)
            {
                vectors.Map[name] = diff.Clone();
            }
        }

        SparseVectorConfig? sparse = null;
        if (update.SparseVectors.Count > 0)
        {
            sparse = new SparseVectorConfig();
            foreach (var (name, diff) in update.SparseVectors)
            {
                sparse.Map[name] = diff.Clone();
            }
        }

        try
        {
            if (vectors is not null)
            {
                await scope.Client.UpdateCollectionAsync(
                        scope.Collection,
                        vectors,
                        update.Optimizers?.Clone(),
                        update.Params?.Clone(),
                        update.Hnsw?.Clone(),
                        update.Quantization?.Clone(),
                        sparse,
                        update.StrictMode?.Clone(),
                        cancellationToken: scope.CancellationToken)
                    .ConfigureAwait(false);
            }
            else
            {
                await scope.Client.UpdateCollectionAsync(
                        scope.Collection,
                        optimizersConfig: update.Optimizers?.Clone(),
                        collectionParams: update.Params?.Clone(),
                        hnswConfig: update.Hnsw?.Clone(),
                        quantizationConfig: update.Quantization?.Clone(),
                        sparseVectorsConfig: sparse,
                        strictModeConfig: update.StrictMode?.Clone(),
                        cancellationToken: scope.CancellationToken)
                    .ConfigureAwait(false);
            }
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(
                e,
                "to update " + Sections(update),
                "Fix the values the server rejected (names of vectors must exist; values must be in range) and run again. Qdrant applies sections in order, so some may already have changed; rerunning is safe.");
        }
    }

    internal static List<(string Path, string Expected, string Found)> Verify(CollectionUpdate update, CollectionInfo info)
    {
        var config = info.Config ?? new CollectionConfig();
        var result = new List<(string, string, string)>();
        Add(result, update.Hnsw, config.HnswConfig, "hnsw_config");
        Add(result, update.Optimizers, config.OptimizerConfig, "optimizers_config");
        Add(result, update.Params, config.Params, "params");
        Add(result, update.StrictMode, config.StrictModeConfig, "strict_mode_config");
        if (update.Quantization is not null)
        {
            CompareQuantization(result, "quantization_config", update.Quantization, config.QuantizationConfig);
        }

        var vectors = Schema.SchemaComparer.FromCollectionInfo(info).Vectors;
        foreach (var (name, diff) in update.Vectors)
        {
            var path = "vectors." + name;
            if (!vectors.TryGetValue(name, out var live))
            {
                result.Add((path, "present", "missing"));
                continue;
            }

            Add(result, diff.HnswConfig, live.HnswConfig, path + ".hnsw_config");
            if (diff.QuantizationConfig is not null)
            {
                CompareQuantization(result, path + ".quantization_config", diff.QuantizationConfig, live.QuantizationConfig);
            }

            if (diff.HasOnDisk && (!live.HasOnDisk || live.OnDisk != diff.OnDisk))
            {
                result.Add((path + ".on_disk", diff.OnDisk ? "true" : "false", live.HasOnDisk ? (live.OnDisk ? "true" : "false") : ProtoFields.NotSet));
            }

            if (diff.HasMemory && (!live.HasMemory || live.Memory != diff.Memory))
            {
                result.Add((path + ".memory", diff.Memory.ToString(), live.HasMemory ? live.Memory.ToString() : ProtoFields.NotSet));
            }
        }

        var sparse = config.Params?.SparseVectorsConfig?.Map;
        foreach (var (name, diff) in update.SparseVectors)
        {
            var path = "sparse_vectors." + name;
            if (sparse is null || !sparse.TryGetValue(name, out var live))
            {
                result.Add((path, "present", "missing"));
                continue;
            }

            Add(result, diff, live, path);
        }

        return result;
    }

    private static void Add(List<(string, string, string)> result, IMessage? expected, IMessage? live, string path)
    {
        if (expected is not null)
        {
            result.AddRange(LiveCompare.Mismatches(expected, live, path));
        }
    }

    private static void CompareQuantization(List<(string, string, string)> result, string path, QuantizationConfigDiff diff, QuantizationConfig? live)
    {
        var expected = UpdateCollectionOperation.ToConfig(diff); // null: Disabled
        if (expected is null)
        {
            if (live is not null && live.QuantizationCase != QuantizationConfig.QuantizationOneofCase.None)
            {
                result.Add((path, "disabled", CanonicalText.Of(live)));
            }

            return;
        }

        if (live is null || live.QuantizationCase != expected.QuantizationCase)
        {
            result.Add((path, CanonicalText.Of(expected), live is null ? ProtoFields.NotSet : CanonicalText.Of(live)));
            return;
        }

        result.AddRange(LiveCompare.Mismatches(expected, live, path));
    }

    private static string Sections(CollectionUpdate update)
    {
        var sections = new List<string>();
        if (update.Hnsw is not null)
        {
            sections.Add("hnsw_config " + CanonicalText.Of(update.Hnsw));
        }

        if (update.Optimizers is not null)
        {
            sections.Add("optimizers_config " + CanonicalText.Of(update.Optimizers));
        }

        if (update.Params is not null)
        {
            sections.Add("params " + CanonicalText.Of(update.Params));
        }

        if (update.Quantization is not null)
        {
            sections.Add("quantization_config " + CanonicalText.Of(update.Quantization));
        }

        if (update.StrictMode is not null)
        {
            sections.Add("strict_mode_config " + CanonicalText.Of(update.StrictMode));
        }

        sections.AddRange(update.Vectors.Select(v => $"vector '{v.Key}' {CanonicalText.Of(v.Value)}"));
        sections.AddRange(update.SparseVectors.Select(v => $"sparse vector '{v.Key}' {CanonicalText.Of(v.Value)}"));
        return string.Join(", ", sections);
    }
}
