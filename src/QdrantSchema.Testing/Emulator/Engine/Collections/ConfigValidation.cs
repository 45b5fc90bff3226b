using System.Globalization;
using Qdrant.Client.Grpc;

// The deprecated placement fields (on_disk, on_disk_payload, ...) are still accepted and reported by Qdrant 1.19.
#pragma warning disable CS0612

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// The constraints <c>lib/api/build.rs</c> puts on collection-config messages, and the checks the gRPC-to-internal
/// conversions make (<c>lib/api/src/grpc/conversions.rs</c>, <c>lib/collection/src/operations/conversions.rs</c>).
/// Conversion failures are plain InvalidArgument statuses with the conversion's own text.
/// </summary>
internal static class ConfigValidation
{
    public static void Hnsw(RequestValidation validation, string prefix, HnswConfigDiff? hnsw)
    {
        if (hnsw is null)
        {
            return;
        }

        validation.Min(prefix + ".ef_construct", hnsw.HasEfConstruct ? hnsw.EfConstruct : null, 4);
    }

    public static void Wal(RequestValidation validation, string prefix, WalConfigDiff? wal)
    {
        if (wal is null)
        {
            return;
        }

        validation.Min(prefix + ".wal_capacity_mb", wal.HasWalCapacityMb ? wal.WalCapacityMb : null, 1);
        validation.Min(prefix + ".wal_retain_closed", wal.HasWalRetainClosed ? wal.WalRetainClosed : null, 1);
    }

    public static void Optimizers(RequestValidation validation, string prefix, OptimizersConfigDiff? optimizers)
    {
        if (optimizers is null)
        {
            return;
        }

        validation.Range(prefix + ".deleted_threshold", optimizers.HasDeletedThreshold ? optimizers.DeletedThreshold : null, 0.0, 1.0);
        validation.Min(prefix + ".vacuum_min_vector_number", optimizers.HasVacuumMinVectorNumber ? optimizers.VacuumMinVectorNumber : null, 100);
        validation.Min(prefix + ".max_segment_size", optimizers.HasMaxSegmentSize ? optimizers.MaxSegmentSize : null, 1);
    }

    public static void Vectors(RequestValidation validation, string prefix, VectorsConfig vectors)
    {
        if (vectors.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            VectorParams(validation, prefix, vectors.Params);
        }
        else if (vectors.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            foreach (var name in vectors.ParamsMap.Map.Keys.Order(StringComparer.Ordinal))
            {
                VectorParams(validation, $"{prefix}.map[{name}]", vectors.ParamsMap.Map[name]);
            }
        }
    }

    public static void VectorsDiff(RequestValidation validation, string prefix, VectorsConfigDiff vectors)
    {
        if (vectors.ConfigCase == VectorsConfigDiff.ConfigOneofCase.Params)
        {
            VectorParamsDiff(validation, prefix, vectors.Params);
        }
        else if (vectors.ConfigCase == VectorsConfigDiff.ConfigOneofCase.ParamsMap)
        {
            foreach (var name in vectors.ParamsMap.Map.Keys.Order(StringComparer.Ordinal))
            {
                VectorParamsDiff(validation, $"{prefix}.map[{name}]", vectors.ParamsMap.Map[name]);
            }
        }
    }

    public static void Quantization(RequestValidation validation, string prefix, QuantizationConfig? quantization)
    {
        if (quantization?.Scalar is { } scalar)
        {
            validation.Range(prefix + ".quantization.quantile", scalar.HasQuantile ? scalar.Quantile : null, 0.5, 1.0);
        }
    }

    public static void QuantizationDiff(RequestValidation validation, string prefix, QuantizationConfigDiff? quantization)
    {
        if (quantization?.Scalar is { } scalar)
        {
            validation.Range(prefix + ".quantization.quantile", scalar.HasQuantile ? scalar.Quantile : null, 0.5, 1.0);
        }
    }

    public static void StrictMode(RequestValidation validation, string prefix, StrictModeConfig? strict)
    {
        if (strict is null)
        {
            return;
        }

        validation.Min(prefix + ".max_query_limit", strict.HasMaxQueryLimit ? strict.MaxQueryLimit : null, 1);
        validation.Min(prefix + ".max_timeout", strict.HasMaxTimeout ? strict.MaxTimeout : null, 1);
        validation.Min(prefix + ".read_rate_limit", strict.HasReadRateLimit ? strict.ReadRateLimit : null, 1);
        validation.Min(prefix + ".write_rate_limit", strict.HasWriteRateLimit ? strict.WriteRateLimit : null, 1);
        validation.Min(prefix + ".max_points_count", strict.HasMaxPointsCount ? strict.MaxPointsCount : null, 1);
        validation.Range(prefix + ".max_resident_memory_percent", strict.HasMaxResidentMemoryPercent ? strict.MaxResidentMemoryPercent : null, 1UL, 100UL);
        if (strict.MultivectorConfig is { } multivector)
        {
            foreach (var name in multivector.MultivectorConfig.Keys.Order(StringComparer.Ordinal))
            {
                var entry = multivector.MultivectorConfig[name];
                validation.Min($"{prefix}.multivector_config.multivector_config[{name}].max_vectors", entry.HasMaxVectors ? entry.MaxVectors : null, 1);
            }
        }

        if (strict.SparseConfig is { } sparse)
        {
            foreach (var name in sparse.SparseConfig.Keys.Order(StringComparer.Ordinal))
            {
                var entry = sparse.SparseConfig[name];
                validation.Min($"{prefix}.sparse_config.sparse_config[{name}].max_length", entry.HasMaxLength ? entry.MaxLength : null, 1);
            }
        }
    }

    /// <summary>The checks of <c>TryFrom&lt;grpc::VectorParams&gt; for VectorParams</c>.</summary>
    public static void ConvertVectorParams(VectorParams vector)
    {
        Distance(vector.Distance);
        if (vector.HasMemory)
        {
            Memory(vector.Memory);
        }

        if (vector.HasDatatype)
        {
            DatatypeValue(vector.Datatype);
        }

        if (vector.QuantizationConfig is { } quantization &&
            quantization.QuantizationCase == QuantizationConfig.QuantizationOneofCase.None)
        {
            throw Raw("QuantizationConfig must contain quantization");
        }
    }

    public static void ConvertSparseParams(SparseVectorParams sparse)
    {
        if (sparse.HasModifier && !Enum.IsDefined(sparse.Modifier))
        {
            throw Raw($"Cannot convert sparse modifier: {(int)sparse.Modifier}");
        }

        if (sparse.Index is { } index)
        {
            if (index.HasDatatype)
            {
                DatatypeValue(index.Datatype);
            }

            if (index.HasMemory)
            {
                Memory(index.Memory);
            }
        }
    }

    /// <summary><c>from_grpc_dist</c> in <c>lib/api/src/grpc/conversions.rs</c>.</summary>
    public static void Distance(Distance distance)
    {
        if (!Enum.IsDefined(distance))
        {
            throw Raw($"Malformed distance parameter, unexpected value: {((int)distance).ToString(CultureInfo.InvariantCulture)}");
        }

        if (distance == Qdrant.Client.Grpc.Distance.UnknownDistance)
        {
            throw Raw("Malformed distance parameter: UnknownDistance");
        }
    }

    /// <summary><c>convert_datatype_from_proto</c>.</summary>
    public static void DatatypeValue(Datatype datatype)
    {
        if (!Enum.IsDefined(datatype))
        {
            throw Raw($"Cannot convert datatype: {((int)datatype).ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary><c>convert_memory_from_proto</c>.</summary>
    public static void Memory(Memory memory)
    {
        if (!Enum.IsDefined(memory))
        {
            throw Raw($"Cannot convert memory placement: {((int)memory).ToString(CultureInfo.InvariantCulture)}");
        }
    }

    /// <summary>A plain <c>Status::invalid_argument(text)</c> from a conversion (no prefix).</summary>
    public static EmulatorException Raw(string text) => new(EmulatorErrorKind.Validation, text);

    private static void VectorParams(RequestValidation validation, string prefix, VectorParams vector)
    {
        validation.Range(prefix + ".size", vector.Size, 1UL, 65536UL);
        Hnsw(validation, prefix + ".hnsw_config", vector.HnswConfig);
        Quantization(validation, prefix + ".quantization_config", vector.QuantizationConfig);
    }

    private static void VectorParamsDiff(RequestValidation validation, string prefix, VectorParamsDiff vector)
    {
        Hnsw(validation, prefix + ".hnsw_config", vector.HnswConfig);
        QuantizationDiff(validation, prefix + ".quantization_config", vector.QuantizationConfig);
    }
}
