using Qdrant.Client.Grpc;

// The deprecated placement fields (on_disk, on_disk_payload, ...) are still accepted and reported by Qdrant 1.19.
#pragma warning disable CS0612

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// Turns a <see cref="CreateCollection"/> request into the <see cref="CollectionConfig"/> real Qdrant reports for the new
/// collection, with every server default filled in.
/// </summary>
/// <remarks>
/// Defaults and their presence in <c>GetCollectionInfo</c> follow <c>lib/storage/src/content_manager/toc/create_collection.rs</c>
/// (request value, else <c>config/config.yaml</c> storage defaults, merged with <c>update_opt</c>) and the gRPC conversion
/// <c>impl From&lt;CollectionInfo&gt; for api::grpc::qdrant::CollectionInfo</c> in
/// <c>lib/collection/src/operations/conversions.rs</c> (which optional fields it always sets).
/// </remarks>
internal static class CollectionConfigFactory
{
    /// <summary>Runs the request checks that come before any state is looked at (gRPC validation, conversion, names).</summary>
    public static void Validate(CreateCollection request)
    {
        // 1. gRPC request validation (lib/api/build.rs constraints), reported together.
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: true);
        ConfigValidation.Hnsw(validation, "hnsw_config", request.HnswConfig);
        ConfigValidation.Wal(validation, "wal_config", request.WalConfig);
        ConfigValidation.Optimizers(validation, "optimizers_config", request.OptimizersConfig);
        if (request.VectorsConfig is { } vectors)
        {
            ConfigValidation.Vectors(validation, "vectors_config.config", vectors);
        }

        ConfigValidation.Quantization(validation, "quantization_config", request.QuantizationConfig);
        validation.Min("shard_number", request.HasShardNumber ? request.ShardNumber : null, 1);
        validation.Min("replication_factor", request.HasReplicationFactor ? request.ReplicationFactor : null, 1);
        validation.Min("write_consistency_factor", request.HasWriteConsistencyFactor ? request.WriteConsistencyFactor : null, 1);
        ConfigValidation.StrictMode(validation, "strict_mode_config", request.StrictModeConfig);
        validation.ThrowIfAny();

        // 2. Conversion to the internal operation (lib/storage/src/content_manager/conversions.rs).
        if (request.VectorsConfig?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            ConfigValidation.ConvertVectorParams(request.VectorsConfig.Params);
        }
        else if (request.VectorsConfig?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var name in request.VectorsConfig.ParamsMap.Map.Keys.Order(StringComparer.Ordinal))
            {
                ConfigValidation.ConvertVectorParams(request.VectorsConfig.ParamsMap.Map[name]);
            }
        }

        if (request.SparseVectorsConfig is { } sparseConfig)
        {
            foreach (var sparse in sparseConfig.Map.Values)
            {
                ConfigValidation.ConvertSparseParams(sparse);
            }
        }

        // 3. CreateCollectionOperation::new (lib/storage/src/content_manager/collection_meta_ops.rs): vector names of a
        //    map config and of sparse vectors, then "" as a sparse name, then dense/sparse name clashes.
        if (request.VectorsConfig?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var name in request.VectorsConfig.ParamsMap.Map.Keys.Order(StringComparer.Ordinal))
            {
                if (CollectionNames.VectorNameError(name) is { } error)
                {
                    throw EmulatorErrors.BadInput($"Invalid dense vector name `{name}`: {error}");
                }
            }
        }

        if (request.SparseVectorsConfig is { } sparseVectors)
        {
            foreach (var name in sparseVectors.Map.Keys.Order(StringComparer.Ordinal))
            {
                if (CollectionNames.VectorNameError(name) is { } error)
                {
                    throw EmulatorErrors.BadInput($"Invalid sparse vector name `{name}`: {error}");
                }
            }

            if (sparseVectors.Map.ContainsKey(string.Empty))
            {
                throw EmulatorErrors.BadInput("Sparse vector name cannot be empty");
            }

            foreach (var dense in DenseNames(request.VectorsConfig))
            {
                if (sparseVectors.Map.ContainsKey(dense))
                {
                    throw EmulatorErrors.BadInput($"Dense and sparse vector names must be unique - duplicate found with '{dense}'");
                }
            }
        }
    }

    /// <summary>Builds the stored configuration of a new collection. Call <see cref="Validate"/> first.</summary>
    public static CollectionConfig Build(CreateCollection request)
    {
        var parameters = new CollectionParams
        {
            // Single-node: the shard count is the requested one, else 1 (config::default_shard_number).
            ShardNumber = request.HasShardNumber ? request.ShardNumber : 1,
            // storage.on_disk_payload: true in config/config.yaml; always reported.
            OnDiskPayload = !request.HasOnDiskPayload || request.OnDiskPayload,
            ReplicationFactor = request.HasReplicationFactor ? request.ReplicationFactor : 1,
            WriteConsistencyFactor = request.HasWriteConsistencyFactor ? request.WriteConsistencyFactor : 1,
            VectorsConfig = BuildVectors(request.VectorsConfig),
        };

        if (request.HasShardingMethod)
        {
            parameters.ShardingMethod = request.ShardingMethod;
        }

        if (request.SparseVectorsConfig is { } sparse)
        {
            var map = new SparseVectorConfig();
            foreach (var (name, value) in sparse.Map)
            {
                map.Map[name] = NormalizeSparse(value.Clone());
            }

            parameters.SparseVectorsConfig = map;
        }

        if (request.Payload is { } payload)
        {
            parameters.Payload = payload.Clone();
            if (parameters.Payload.HasMemory && parameters.Payload.Memory == Memory.Unknown)
            {
                parameters.Payload.ClearMemory();
            }
        }

        if (request.IdTracker is { } idTracker)
        {
            parameters.IdTracker = idTracker.Clone();
        }

        var config = new CollectionConfig
        {
            Params = parameters,
            HnswConfig = DefaultHnsw(),
            OptimizerConfig = DefaultOptimizers(),
            WalConfig = DefaultWal(),
        };
        ConfigMerge.Hnsw(config.HnswConfig, request.HnswConfig);
        ConfigMerge.Optimizers(config.OptimizerConfig, request.OptimizersConfig);
        ConfigMerge.Wal(config.WalConfig, request.WalConfig);

        if (request.QuantizationConfig is { } quantization)
        {
            config.QuantizationConfig = quantization.Clone();
        }

        // No storage default for strict mode (config.yaml leaves it commented out): the request's config is stored
        // as given (default ∅ updated with the diff), else none is reported.
        if (request.StrictModeConfig is { } strict)
        {
            config.StrictModeConfig = strict.Clone();
        }

        // An empty gRPC metadata map means "no metadata" (conversions.rs: `if metadata.is_empty() { None }`).
        foreach (var (key, value) in request.Metadata)
        {
            config.Metadata[key] = value.Clone();
        }

        return config;
    }

    /// <summary>config/config.yaml <c>storage.hnsw_index</c>: m 16, ef_construct 100, full_scan_threshold 10000, max_indexing_threads 0, on_disk false.</summary>
    public static HnswConfigDiff DefaultHnsw() => new()
    {
        M = 16,
        EfConstruct = 100,
        FullScanThreshold = 10000,
        MaxIndexingThreads = 0,
        OnDisk = false,
    };

    /// <summary>
    /// config/config.yaml <c>storage.optimizers</c>. <c>max_optimization_threads</c> null is reported as the <c>Auto</c>
    /// setting with the deprecated numeric field unset; max_segment_size, memmap_threshold and prevent_unoptimized stay unset.
    /// </summary>
    public static OptimizersConfigDiff DefaultOptimizers() => new()
    {
        DeletedThreshold = 0.2,
        VacuumMinVectorNumber = 1000,
        DefaultSegmentNumber = 0,
        IndexingThreshold = 10000,
        FlushIntervalSec = 5,
        MaxOptimizationThreads = new MaxOptimizationThreads { Setting = MaxOptimizationThreads.Types.Setting.Auto },
    };

    /// <summary>config/config.yaml <c>storage.wal</c> (32 MB, 0 segments ahead) and <c>default_wal_retain_closed</c> 1.</summary>
    public static WalConfigDiff DefaultWal() => new()
    {
        WalCapacityMb = 32,
        WalSegmentsAhead = 0,
        WalRetainClosed = 1,
    };

    /// <summary>The stored form of dense vector params: gRPC <c>Datatype.Default</c> and <c>Memory.Unknown</c> mean unset.</summary>
    public static VectorParams NormalizeVector(VectorParams value)
    {
        if (value.HasDatatype && value.Datatype == Datatype.Default)
        {
            value.ClearDatatype();
        }

        if (value.HasMemory && value.Memory == Memory.Unknown)
        {
            value.ClearMemory();
        }

        if (value.HnswConfig is { HasMemory: true, Memory: Memory.Unknown })
        {
            value.HnswConfig.ClearMemory();
        }

        return value;
    }

    public static SparseVectorParams NormalizeSparse(SparseVectorParams value)
    {
        if (value.Index is { } index)
        {
            if (index.HasDatatype && index.Datatype == Datatype.Default)
            {
                index.ClearDatatype();
            }

            if (index.HasMemory && index.Memory == Memory.Unknown)
            {
                index.ClearMemory();
            }
        }

        return value;
    }

    private static VectorsConfig BuildVectors(VectorsConfig? request)
    {
        if (request?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            return new VectorsConfig { Params = NormalizeVector(request.Params.Clone()) };
        }

        // No vectors at all is allowed: an empty map (conversions.rs `None => Default::default()`).
        var map = new VectorParamsMap();
        if (request?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var (name, value) in request.ParamsMap.Map)
            {
                map.Map[name] = NormalizeVector(value.Clone());
            }
        }

        return new VectorsConfig { ParamsMap = map };
    }

    private static IEnumerable<string> DenseNames(VectorsConfig? vectors) => vectors?.ConfigCase switch
    {
        VectorsConfig.ConfigOneofCase.Params => [string.Empty],
        VectorsConfig.ConfigOneofCase.ParamsMap => vectors.ParamsMap.Map.Keys.Order(StringComparer.Ordinal),
        _ => [],
    };
}
