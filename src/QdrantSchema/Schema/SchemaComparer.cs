using System.Globalization;
using Google.Protobuf;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Schema;

/// <summary>
/// Compares an expected schema with an actual one: a live collection (<see cref="Mode.Live"/>) or the fold of the
/// migrations (<see cref="Mode.Declared"/>, where "expected" is what the application declares). Only what the expected
/// side specifies is compared; extras on the actual side are warnings.
/// </summary>
internal static class SchemaComparer
{
    internal enum Mode
    {
        Live,
        Declared,
    }

    public static SchemaState FromCollectionInfo(CollectionInfo info)
    {
        var state = new SchemaState { Exists = true };
        var config = info.Config ?? new CollectionConfig();
        var parameters = config.Params ?? new CollectionParams();
        switch (parameters.VectorsConfig?.ConfigCase)
        {
            case VectorsConfig.ConfigOneofCase.Params:
                state.Vectors[string.Empty] = parameters.VectorsConfig.Params.Clone();
                break;
            case VectorsConfig.ConfigOneofCase.ParamsMap:
                foreach (var (name, vector) in parameters.VectorsConfig.ParamsMap.Map)
                {
                    state.Vectors[name] = vector.Clone();
                }

                break;
            default:
                break;
        }

        if (parameters.SparseVectorsConfig is not null)
        {
            foreach (var (name, vector) in parameters.SparseVectorsConfig.Map)
            {
                state.SparseVectors[name] = vector.Clone();
            }
        }

        state.Hnsw = config.HnswConfig?.Clone();
        state.Optimizers = config.OptimizerConfig?.Clone();
        state.Quantization = config.QuantizationConfig?.Clone();
        state.StrictMode = config.StrictModeConfig?.Clone();
        state.ShardNumber = parameters.ShardNumber == 0 ? null : parameters.ShardNumber;
#pragma warning disable CS0612 // on_disk_payload is deprecated since Qdrant 1.19 but still reported.
        var diff = new CollectionParamsDiff { OnDiskPayload = parameters.OnDiskPayload };
#pragma warning restore CS0612
        if (parameters.HasReplicationFactor)
        {
            diff.ReplicationFactor = parameters.ReplicationFactor;
        }

        if (parameters.HasWriteConsistencyFactor)
        {
            diff.WriteConsistencyFactor = parameters.WriteConsistencyFactor;
        }

        if (parameters.HasReadFanOutFactor)
        {
            diff.ReadFanOutFactor = parameters.ReadFanOutFactor;
        }

        if (parameters.HasReadFanOutDelayMs)
        {
            diff.ReadFanOutDelayMs = parameters.ReadFanOutDelayMs;
        }

        diff.Payload = parameters.Payload?.Clone();
        diff.IdTracker = parameters.IdTracker?.Clone();
        state.Params = diff;
        foreach (var (field, index) in info.PayloadSchema)
        {
            state.PayloadIndexes[field] = new PayloadIndexSchema(index.DataType, index.Params);
        }

        foreach (var (key, value) in config.Metadata)
        {
            state.Metadata[key] = value.Clone();
        }

        return state;
    }

    public static List<SchemaDifference> Compare(SchemaState expected, SchemaState actual, Mode mode)
    {
        var differences = new List<SchemaDifference>();
        var c = new Collector(differences, mode);
        if (!expected.Exists)
        {
            if (actual.Exists)
            {
                c.Error(
                    "collection",
                    "absent",
                    "present",
                    mode == Mode.Live
                        ? "The collection exists, but the schema at this version has none (no migration created it yet). Baseline the collection or apply the migrations that create it."
                        : "The migrations create the collection, but the declared schema has none. Declare it with CreateCollection.");
            }

            return differences;
        }

        if (!actual.Exists)
        {
            c.Error(
                "collection",
                "present",
                "absent",
                mode == Mode.Live
                    ? "The collection does not exist. Apply the migrations that create it."
                    : "The declared schema has a collection, but no migration creates it. Add a migration with CreateCollection.");
            return differences;
        }

        CompareVectors(expected, actual, c);
        CompareSparseVectors(expected, actual, c);
        CompareIndexes(expected, actual, c);
        c.Fields("hnsw_config", expected.Hnsw, actual.Hnsw);
        c.Fields("optimizers_config", expected.Optimizers, actual.Optimizers);
        c.Fields("strict_mode_config", expected.StrictMode, actual.StrictMode);
        c.Fields("params", expected.Params, actual.Params);
        if (expected.Quantization is not null && !Same(expected.Quantization, actual.Quantization))
        {
            c.Setting("quantization_config", Text(expected.Quantization), Text(actual.Quantization));
        }

        if (expected.ShardNumber is { } shards && shards != actual.ShardNumber)
        {
            c.Setting(
                "shard_number",
                shards.ToString(CultureInfo.InvariantCulture),
                actual.ShardNumber?.ToString(CultureInfo.InvariantCulture) ?? ProtoFields.NotSet);
        }

        foreach (var (key, value) in expected.Metadata)
        {
            var path = "metadata." + key;
            if (!actual.Metadata.TryGetValue(key, out var found))
            {
                c.Warning(
                    path,
                    Text(value),
                    null,
                    mode == Mode.Live
                        ? $"Metadata key '{key}' is missing from the collection; the schema expects {Text(value)}. Apply the pending migrations or set the key."
                        : $"Metadata key '{key}' is declared as {Text(value)}, but no migration sets it. Add a migration with SetMetadata.");
            }
            else if (!found.Equals(value))
            {
                c.Setting(path, Text(value), Text(found));
            }
        }

        return differences;
    }

    private static void CompareVectors(SchemaState expected, SchemaState actual, Collector c)
    {
        foreach (var (name, vector) in expected.Vectors)
        {
            var path = VectorPath("vectors", name);
            if (!actual.Vectors.TryGetValue(name, out var found))
            {
                var description = VectorRules.Describe(vector);
                c.Error(
                    path,
                    description,
                    null,
                    c.Mode == Mode.Live
                        ? (actual.SparseVectors.ContainsKey(name)
                            ? $"Vector '{name}' is a sparse vector in the collection, but the schema expects a dense vector ({description}). Rebuild the collection or check that it belongs to this family."
                            : $"Vector '{name}' is missing from the collection; the schema expects {description}. Apply the pending migrations, or check that the collection belongs to this family.")
                        : $"Vector '{name}' ({description}) is declared, but no migration creates it. Add a migration with AddVector(\"{name}\", ...).");
                continue;
            }

            c.Immutable(path, name, "size", vector.Size.ToString(CultureInfo.InvariantCulture), found.Size.ToString(CultureInfo.InvariantCulture));
            c.Immutable(path, name, "distance", vector.Distance.ToString(), found.Distance.ToString());
            if (vector.HasDatatype)
            {
                c.Immutable(path, name, "datatype", VectorRules.NormalDatatype(vector).ToString(), VectorRules.NormalDatatype(found).ToString());
            }

            c.Immutable(
                path,
                name,
                "multivector_config",
                vector.MultivectorConfig is null ? "none" : vector.MultivectorConfig.Comparator.ToString(),
                found.MultivectorConfig is null ? "none" : found.MultivectorConfig.Comparator.ToString());
#pragma warning disable CS0612 // on_disk is deprecated since Qdrant 1.19 but still honoured.
            if (vector.HasOnDisk && (!found.HasOnDisk || found.OnDisk != vector.OnDisk))
            {
                c.Setting(path + ".on_disk", vector.OnDisk ? "true" : "false", found.HasOnDisk ? (found.OnDisk ? "true" : "false") : ProtoFields.NotSet);
            }
#pragma warning restore CS0612
            if (vector.HasMemory && (!found.HasMemory || found.Memory != vector.Memory))
            {
                c.Setting(path + ".memory", vector.Memory.ToString(), found.HasMemory ? found.Memory.ToString() : ProtoFields.NotSet);
            }

            if (vector.HnswConfig is not null)
            {
                // A vector's HNSW fields that are not set fall back to the collection's.
                foreach (var (field, e, a) in ProtoFields.CompareSetFields(vector.HnswConfig, found.HnswConfig, actual.Hnsw))
                {
                    c.Setting(path + ".hnsw_config." + field, e, a);
                }
            }

            if (vector.QuantizationConfig is not null && !Same(vector.QuantizationConfig, found.QuantizationConfig))
            {
                c.Setting(path + ".quantization_config", Text(vector.QuantizationConfig), Text(found.QuantizationConfig));
            }
        }

        foreach (var (name, found) in actual.Vectors)
        {
            if (!expected.Vectors.ContainsKey(name))
            {
                c.Extra(VectorPath("vectors", name), $"Vector '{name}'", VectorRules.Describe(found));
            }
        }
    }

    private static void CompareSparseVectors(SchemaState expected, SchemaState actual, Collector c)
    {
        foreach (var (name, vector) in expected.SparseVectors)
        {
            var path = VectorPath("sparse_vectors", name);
            if (!actual.SparseVectors.TryGetValue(name, out var found))
            {
                c.Error(
                    path,
                    VectorRules.Describe(vector),
                    null,
                    c.Mode == Mode.Live
                        ? $"Sparse vector '{name}' is missing from the collection. Apply the pending migrations, or check that the collection belongs to this family."
                        : $"Sparse vector '{name}' is declared, but no migration creates it. Add a migration with AddSparseVector(\"{name}\").");
                continue;
            }

            if (vector.HasModifier)
            {
                var e = vector.Modifier;
                var a = found.HasModifier ? found.Modifier : Modifier.None;
                if (e != a)
                {
                    c.Setting(path + ".modifier", e.ToString(), a.ToString());
                }
            }

            if (vector.Index is not null)
            {
                foreach (var (field, e, a) in ProtoFields.CompareSetFields(vector.Index, found.Index))
                {
                    c.Setting(path + ".index." + field, e, a);
                }
            }
        }

        foreach (var name in actual.SparseVectors.Keys)
        {
            if (!expected.SparseVectors.ContainsKey(name))
            {
                c.Extra(VectorPath("sparse_vectors", name), $"Sparse vector '{name}'", "sparse");
            }
        }
    }

    private static void CompareIndexes(SchemaState expected, SchemaState actual, Collector c)
    {
        foreach (var (field, index) in expected.PayloadIndexes)
        {
            var path = "payload_schema." + field;
            if (!actual.PayloadIndexes.TryGetValue(field, out var found))
            {
                c.Error(
                    path,
                    index.Describe(),
                    null,
                    c.Mode == Mode.Live
                        ? $"Payload index '{field}' ({index.Type}) is missing from the collection. Apply the pending migrations or create the index."
                        : $"Payload index '{field}' ({index.Type}) is declared, but no migration creates it. Add a migration with CreatePayloadIndex(\"{field}\", PayloadSchemaType.{index.Type}).");
                continue;
            }

            if (found.Type != index.Type)
            {
                c.Error(
                    path + ".type",
                    index.Type.ToString(),
                    found.Type.ToString(),
                    c.Mode == Mode.Live
                        ? $"Payload index '{field}' is {found.Type} in the collection, but the schema expects {index.Type}. Recreate the index with the expected type (ChangePayloadIndex)."
                        : $"Payload index '{field}' is declared as {index.Type}, but the migrations make it {found.Type}. Add a migration with ChangePayloadIndex.");
                continue;
            }

            if (index.ParametersView is { } parameters)
            {
                var inner = Inner(parameters);
                var foundInner = found.ParametersView is { } fp && fp.IndexParamsCase == parameters.IndexParamsCase ? Inner(fp) : null;
                if (inner is not null)
                {
                    foreach (var (name, e, a) in ProtoFields.CompareSetFields(inner, foundInner))
                    {
                        c.Setting(path + ".params." + name, e, a);
                    }
                }
            }
        }

        foreach (var (field, found) in actual.PayloadIndexes)
        {
            if (!expected.PayloadIndexes.ContainsKey(field))
            {
                c.Extra("payload_schema." + field, $"Payload index '{field}'", found.Type.ToString());
            }
        }
    }

    private static IMessage? Inner(PayloadIndexParams parameters) => parameters.IndexParamsCase switch
    {
        PayloadIndexParams.IndexParamsOneofCase.KeywordIndexParams => parameters.KeywordIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.IntegerIndexParams => parameters.IntegerIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.FloatIndexParams => parameters.FloatIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.GeoIndexParams => parameters.GeoIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.TextIndexParams => parameters.TextIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.BoolIndexParams => parameters.BoolIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.DatetimeIndexParams => parameters.DatetimeIndexParams,
        PayloadIndexParams.IndexParamsOneofCase.UuidIndexParams => parameters.UuidIndexParams,
        _ => null,
    };

    private static string VectorPath(string prefix, string name) => prefix + "." + (name.Length == 0 ? "\"\"" : name);

    private static bool Same(IMessage? a, IMessage? b)
        => a is null ? b is null : b is not null && CanonicalText.Of(a) == CanonicalText.Of(b);

    private static string Text(IMessage? message) => message is null ? ProtoFields.NotSet : CanonicalText.Of(message);

    private sealed class Collector(List<SchemaDifference> differences, Mode mode)
    {
        public Mode Mode { get; } = mode;

        public void Error(string path, string? expected, string? actual, string message)
            => differences.Add(new SchemaDifference(path, expected, actual, SchemaDifferenceSeverity.Error, message));

        public void Warning(string path, string? expected, string? actual, string message)
            => differences.Add(new SchemaDifference(path, expected, actual, SchemaDifferenceSeverity.Warning, message));

        /// <summary>A setting Qdrant cannot change in place: an error.</summary>
        public void Immutable(string vectorPath, string name, string field, string expected, string actual)
        {
            if (expected == actual)
            {
                return;
            }

            Error(
                vectorPath + "." + field,
                expected,
                actual,
                Mode == Mode.Live
                    ? $"Vector '{name}' has {field} {actual} in the collection, but the schema expects {expected}. Qdrant cannot change it in place: rebuild the collection, or recreate the vector (DeleteVector + AddVector) and fill it again."
                    : $"Vector '{name}' is declared with {field} {expected}, but the migrations give it {actual}. Add a migration with ChangeVector(\"{name}\", ...).");
        }

        /// <summary>A setting Qdrant can change in place: a warning.</summary>
        public void Setting(string path, string expected, string actual)
            => Warning(
                path,
                expected,
                actual,
                Mode == Mode.Live
                    ? $"'{path}' is {actual} in the collection, but the schema expects {expected}. Apply the pending migrations, or add one with UpdateCollection to make them agree."
                    : $"'{path}' is declared as {expected}, but the migrations give {actual}. Add a migration with UpdateCollection.");

        public void Fields(string path, IMessage? expected, IMessage? actual)
        {
            if (expected is null)
            {
                return;
            }

            foreach (var (field, e, a) in ProtoFields.CompareSetFields(expected, actual))
            {
                Setting(path + "." + field, e, a);
            }
        }

        public void Extra(string path, string what, string actual)
            => Warning(
                path,
                null,
                actual,
                Mode == Mode.Live
                    ? $"{what} exists in the collection but not in the schema. Leave it, or add a migration that declares or deletes it."
                    : $"{what} is created by the migrations but not declared by the application. Declare it, or add a migration that deletes it.");
    }
}
