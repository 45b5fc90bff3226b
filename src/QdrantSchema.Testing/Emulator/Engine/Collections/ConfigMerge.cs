using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

// The deprecated placement fields (on_disk, on_disk_payload, ...) are still accepted and reported by Qdrant 1.19.
#pragma warning disable CS0612

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// Field-wise merges of config diffs into the stored config (<c>DiffConfig::update</c> in
/// <c>lib/collection/src/operations/config_diff.rs</c>): every field present in the diff replaces the stored value, absent
/// fields keep it. Protobuf's <c>MergeFrom</c> has exactly these semantics for the proto3 <c>optional</c> fields the diff
/// messages use.
/// </summary>
internal static class ConfigMerge
{
    public static void Hnsw(HnswConfigDiff target, HnswConfigDiff? diff)
    {
        if (diff is null)
        {
            return;
        }

        target.MergeFrom(diff);
        if (target is { HasMemory: true, Memory: Memory.Unknown })
        {
            target.ClearMemory();
        }
    }

    public static void Wal(WalConfigDiff target, WalConfigDiff? diff)
    {
        if (diff is not null)
        {
            target.MergeFrom(diff);
        }
    }

    /// <summary>
    /// Merges an optimizer diff. The thread limit comes from the deprecated numeric field if set, else from
    /// <c>max_optimization_threads</c> (<c>Auto</c> = no limit); it is reported as <c>Auto</c> or a value, with the deprecated
    /// field mirroring the value (<c>TryFrom&lt;grpc::OptimizersConfigDiff&gt;</c> and the CollectionInfo conversion).
    /// </summary>
    public static void Optimizers(OptimizersConfigDiff target, OptimizersConfigDiff? diff)
    {
        if (diff is null)
        {
            return;
        }

        var plain = diff.Clone();
        plain.ClearDeprecatedMaxOptimizationThreads();
        plain.MaxOptimizationThreads = null;
        target.MergeFrom(plain);

        bool threadsGiven;
        ulong? threads = null;
        if (diff.HasDeprecatedMaxOptimizationThreads)
        {
            threadsGiven = true;
            threads = diff.DeprecatedMaxOptimizationThreads;
        }
        else if (diff.MaxOptimizationThreads is { } setting)
        {
            threadsGiven = true;
            threads = setting.VariantCase == MaxOptimizationThreads.VariantOneofCase.Value ? setting.Value : null;
        }
        else
        {
            threadsGiven = false;
        }

        if (threadsGiven)
        {
            if (threads is { } count)
            {
                target.DeprecatedMaxOptimizationThreads = count;
                target.MaxOptimizationThreads = new MaxOptimizationThreads { Value = count };
            }
            else
            {
                target.ClearDeprecatedMaxOptimizationThreads();
                target.MaxOptimizationThreads = new MaxOptimizationThreads { Setting = MaxOptimizationThreads.Types.Setting.Auto };
            }
        }
    }

    /// <summary><c>CollectionParams::update(&amp;CollectionParamsDiff)</c>: replication, consistency, fan-out and payload placement.</summary>
    public static void Params(CollectionParams target, CollectionParamsDiff diff)
    {
        if (diff.HasReplicationFactor)
        {
            target.ReplicationFactor = diff.ReplicationFactor;
        }

        if (diff.HasWriteConsistencyFactor)
        {
            target.WriteConsistencyFactor = diff.WriteConsistencyFactor;
        }

        if (diff.HasReadFanOutFactor)
        {
            target.ReadFanOutFactor = diff.ReadFanOutFactor;
        }

        if (diff.HasReadFanOutDelayMs)
        {
            target.ReadFanOutDelayMs = diff.ReadFanOutDelayMs;
        }

        if (diff.HasOnDiskPayload)
        {
            target.OnDiskPayload = diff.OnDiskPayload;
        }

        if (diff.Payload is { } payload)
        {
            target.Payload ??= new PayloadStorageParams();
            target.Payload.MergeFrom(payload);
            if (target.Payload is { HasMemory: true, Memory: Memory.Unknown })
            {
                target.Payload.ClearMemory();
            }
        }

        if (diff.IdTracker is { } idTracker)
        {
            target.IdTracker ??= new IdTrackerParams();
            target.IdTracker.MergeFrom(idTracker);
        }
    }

    /// <summary>
    /// <c>Collection::update_strict_mode_config</c>: merged field-wise into the existing config, or stored as given when
    /// the collection has none (<c>lib/collection/src/collection/collection_ops.rs</c>).
    /// </summary>
    public static void StrictMode(CollectionConfig config, StrictModeConfig diff)
    {
        if (config.StrictModeConfig is { } existing)
        {
            existing.MergeFrom(diff);
        }
        else
        {
            config.StrictModeConfig = diff.Clone();
        }
    }

    /// <summary>
    /// <c>Collection::update_metadata</c>: a shallow merge where <c>null</c> removes a key (<c>merge_map</c>), except that a
    /// collection without metadata stores the update verbatim, nulls included. An empty gRPC map means no change.
    /// </summary>
    /// <param name="hasMetadata">Whether the collection has metadata (Rust <c>Some</c>), even an empty map.</param>
    /// <param name="stored">The stored metadata.</param>
    /// <param name="update">The request's metadata.</param>
    /// <returns>Whether the collection has metadata afterwards.</returns>
    public static bool Metadata(bool hasMetadata, MapField<string, Value> stored, MapField<string, Value> update)
    {
        if (update.Count == 0)
        {
            return hasMetadata;
        }

        if (!hasMetadata)
        {
            foreach (var (key, value) in update)
            {
                stored[key] = value.Clone();
            }

            return true;
        }

        foreach (var (key, value) in update)
        {
            if (value.KindCase == Value.KindOneofCase.NullValue)
            {
                stored.Remove(key);
            }
            else
            {
                stored[key] = value.Clone();
            }
        }

        return true;
    }

    /// <summary>A quantization diff as the stored config: the method's params, or null for <c>Disabled</c>.</summary>
    public static QuantizationConfig? Quantization(QuantizationConfigDiff diff) => diff.QuantizationCase switch
    {
        QuantizationConfigDiff.QuantizationOneofCase.Scalar => new QuantizationConfig { Scalar = diff.Scalar.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Product => new QuantizationConfig { Product = diff.Product.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Binary => new QuantizationConfig { Binary = diff.Binary.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Turboquant => new QuantizationConfig { Turboquant = diff.Turboquant.Clone() },
        _ => null,
    };
}
