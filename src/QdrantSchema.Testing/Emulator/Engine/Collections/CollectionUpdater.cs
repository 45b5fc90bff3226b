using Qdrant.Client.Grpc;

// The deprecated placement fields (on_disk, on_disk_payload, ...) are still accepted and reported by Qdrant 1.19.
#pragma warning disable CS0612

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// <c>UpdateCollection</c> (PATCH) as <c>toc/collection_meta_ops.rs::update_collection</c> applies it: optimizers,
/// params, hnsw, vectors, quantization, sparse vectors, strict mode, metadata, in that order, each applied at once (a
/// later failure leaves earlier sections applied). Immutable params (size, distance, datatype, multivector, shard
/// number, sharding method) have no diff fields, so they never change.
/// </summary>
internal static class CollectionUpdater
{
    public static void Apply(EmulatorEngine engine, UpdateCollection request)
    {
        // 1. gRPC validation (lib/api/build.rs).
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: false);
        ConfigValidation.Optimizers(validation, "optimizers_config", request.OptimizersConfig);
        validation.Min("timeout", request.HasTimeout ? request.Timeout : null, 1);
        if (request.Params is { } paramsDiff)
        {
            validation.Min("params.replication_factor", paramsDiff.HasReplicationFactor ? paramsDiff.ReplicationFactor : null, 1);
            validation.Min("params.write_consistency_factor", paramsDiff.HasWriteConsistencyFactor ? paramsDiff.WriteConsistencyFactor : null, 1);
        }

        ConfigValidation.Hnsw(validation, "hnsw_config", request.HnswConfig);
        if (request.VectorsConfig is { } vectorsDiff)
        {
            ConfigValidation.VectorsDiff(validation, "vectors_config.config", vectorsDiff);
        }

        ConfigValidation.QuantizationDiff(validation, "quantization_config", request.QuantizationConfig);
        ConfigValidation.StrictMode(validation, "strict_mode_config", request.StrictModeConfig);
        validation.ThrowIfAny();

        // 2. Conversion (TryFrom<grpc::UpdateCollection>): every part converts before anything is applied.
        var vectorDiffs = VectorDiffs(request.VectorsConfig);
        foreach (var diff in vectorDiffs.Values)
        {
            if (diff.QuantizationConfig is { QuantizationCase: QuantizationConfigDiff.QuantizationOneofCase.None })
            {
                throw ConfigValidation.Raw("Quantization type is not specified");
            }

            if (diff.HasMemory)
            {
                ConfigValidation.Memory(diff.Memory);
            }
        }

        if (request.QuantizationConfig is { QuantizationCase: QuantizationConfigDiff.QuantizationOneofCase.None })
        {
            throw ConfigValidation.Raw("Quantization type is not specified");
        }

        if (request.SparseVectorsConfig is { } sparseDiff)
        {
            foreach (var sparse in sparseDiff.Map.Values)
            {
                ConfigValidation.ConvertSparseParams(sparse);
            }
        }

        if (request.Params?.Payload is { HasMemory: true } payloadDiff)
        {
            ConfigValidation.Memory(payloadDiff.Memory);
        }

        // 3. The name resolves through aliases (get_collection_unchecked -> resolve_name).
        var store = engine.Resolve(request.CollectionName);
        var config = store.Config;

        if (request.OptimizersConfig is { } optimizers)
        {
            ConfigMerge.Optimizers(config.OptimizerConfig, optimizers);
        }

        if (request.Params is { } parameters)
        {
            ConfigMerge.Params(config.Params, parameters);
        }

        if (request.HnswConfig is { } hnsw)
        {
            ConfigMerge.Hnsw(config.HnswConfig, hnsw);
        }

        if (request.VectorsConfig is not null)
        {
            ApplyVectors(config.Params.VectorsConfig, vectorDiffs);
        }

        if (request.QuantizationConfig is { } quantization)
        {
            config.QuantizationConfig = ConfigMerge.Quantization(quantization);
        }

        if (request.SparseVectorsConfig is { } sparseVectors)
        {
            ApplySparse(config.Params, sparseVectors);
        }

        if (request.StrictModeConfig is { } strict)
        {
            ConfigMerge.StrictMode(config, strict);
        }

        store.HasMetadata = ConfigMerge.Metadata(store.HasMetadata, config.Metadata, request.Metadata);
    }

    /// <summary>The vector diffs by name, <c>""</c> for the single-params form (<c>From&lt;VectorParamsDiff&gt;</c>), in name order (a BTreeMap).</summary>
    private static SortedDictionary<string, VectorParamsDiff> VectorDiffs(VectorsConfigDiff? diff)
    {
        var result = new SortedDictionary<string, VectorParamsDiff>(StringComparer.Ordinal);
        if (diff?.ConfigCase == VectorsConfigDiff.ConfigOneofCase.Params)
        {
            result[string.Empty] = diff.Params.Clone();
        }
        else if (diff?.ConfigCase == VectorsConfigDiff.ConfigOneofCase.ParamsMap)
        {
            foreach (var (name, value) in diff.ParamsMap.Map)
            {
                result[name] = value.Clone();
            }
        }

        return result;
    }

    /// <summary>
    /// <c>Collection::update_vectors_from_diff</c>: every name must exist (<c>check_vector_names</c>, before any change),
    /// then per vector hnsw is merged (or set), quantization replaced or cleared by <c>Disabled</c>, on_disk and memory set
    /// (<c>CollectionParams::update_vectors_from_diff</c> in <c>lib/collection/src/config.rs</c>).
    /// </summary>
    private static void ApplyVectors(VectorsConfig vectors, SortedDictionary<string, VectorParamsDiff> diffs)
    {
        foreach (var name in diffs.Keys)
        {
            if (VectorNames.GetParams(vectors, name) is null)
            {
                throw EmulatorErrors.NotExistingVector(name);
            }
        }

        foreach (var (name, diff) in diffs)
        {
            var target = VectorNames.GetParams(vectors, name)!;
            if (diff.HnswConfig is { } hnsw)
            {
                if (target.HnswConfig is null)
                {
                    target.HnswConfig = hnsw.Clone();
                    if (target.HnswConfig is { HasMemory: true, Memory: Memory.Unknown })
                    {
                        target.HnswConfig.ClearMemory();
                    }
                }
                else
                {
                    ConfigMerge.Hnsw(target.HnswConfig, hnsw);
                }
            }

            if (diff.QuantizationConfig is { } quantization)
            {
                target.QuantizationConfig = ConfigMerge.Quantization(quantization);
            }

            if (diff.HasOnDisk)
            {
                target.OnDisk = diff.OnDisk;
            }

            if (diff.HasMemory && diff.Memory != Memory.Unknown)
            {
                target.Memory = diff.Memory;
            }
        }
    }

    /// <summary>
    /// <c>Collection::update_sparse_vectors_from_other</c>: every name must be an existing sparse vector (new ones cannot be
    /// added here), then the modifier is set and index params are merged field-wise (or set).
    /// </summary>
    private static void ApplySparse(CollectionParams parameters, SparseVectorConfig diff)
    {
        var names = diff.Map.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var name in names)
        {
            if (parameters.SparseVectorsConfig is null || !parameters.SparseVectorsConfig.Map.ContainsKey(name))
            {
                throw EmulatorErrors.NotExistingVector(name);
            }
        }

        foreach (var name in names)
        {
            var update = diff.Map[name];
            var target = parameters.SparseVectorsConfig!.Map[name];
            if (update.HasModifier)
            {
                target.Modifier = update.Modifier;
            }

            if (update.Index is { } index)
            {
                if (target.Index is null)
                {
                    target.Index = index.Clone();
                }
                else
                {
                    target.Index.MergeFrom(index);
                }

                CollectionConfigFactory.NormalizeSparse(target);
            }
        }
    }
}
