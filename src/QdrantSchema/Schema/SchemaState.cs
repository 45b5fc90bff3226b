using System.Text;
using Google.Protobuf;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;

namespace QdrantSchema.Schema;

/// <summary>
/// The mutable working schema of one collection family while migrations are folded. Holds only what migrations
/// declared (never server defaults). <see cref="CollectionSchema"/> is its immutable public view.
/// </summary>
internal sealed class SchemaState
{
    public bool Exists { get; set; }

    public SortedDictionary<string, VectorParams> Vectors { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SparseVectorParams> SparseVectors { get; } = new(StringComparer.Ordinal);

    public HnswConfigDiff? Hnsw { get; set; }

    public OptimizersConfigDiff? Optimizers { get; set; }

    public QuantizationConfig? Quantization { get; set; }

    public StrictModeConfig? StrictMode { get; set; }

    public uint? ShardNumber { get; set; }

    /// <summary>Replication factor, write consistency factor, on_disk_payload and the other mutable collection params.</summary>
    public CollectionParamsDiff? Params { get; set; }

    public SortedDictionary<string, PayloadIndexSchema> PayloadIndexes { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, Value> Metadata { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Aliases { get; } = new(StringComparer.Ordinal);

    public bool HasVectorName(string name) => Vectors.ContainsKey(name) || SparseVectors.ContainsKey(name);

    public SchemaState Clone()
    {
        var copy = new SchemaState
        {
            Exists = Exists,
            Hnsw = Hnsw?.Clone(),
            Optimizers = Optimizers?.Clone(),
            Quantization = Quantization?.Clone(),
            StrictMode = StrictMode?.Clone(),
            ShardNumber = ShardNumber,
            Params = Params?.Clone(),
        };
        foreach (var (name, vector) in Vectors)
        {
            copy.Vectors[name] = vector.Clone();
        }

        foreach (var (name, vector) in SparseVectors)
        {
            copy.SparseVectors[name] = vector.Clone();
        }

        foreach (var (field, index) in PayloadIndexes)
        {
            copy.PayloadIndexes[field] = index;
        }

        foreach (var (key, value) in Metadata)
        {
            copy.Metadata[key] = value.Clone();
        }

        copy.Aliases.UnionWith(Aliases);
        return copy;
    }

    public void Reset()
    {
        Exists = false;
        Vectors.Clear();
        SparseVectors.Clear();
        Hnsw = null;
        Optimizers = null;
        Quantization = null;
        StrictMode = null;
        ShardNumber = null;
        Params = null;
        PayloadIndexes.Clear();
        Metadata.Clear();
        Aliases.Clear();
    }

    /// <summary>
    /// Every part of the schema as path → canonical text, for exact comparisons (a Down must restore exactly the
    /// schema its Up started from).
    /// </summary>
    public SortedDictionary<string, string> CanonicalSections()
    {
        var sections = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["exists"] = Exists ? "true" : "false",
        };
        foreach (var (name, vector) in Vectors)
        {
            sections["vectors." + name] = CanonicalText.Of(vector);
        }

        foreach (var (name, vector) in SparseVectors)
        {
            sections["sparse_vectors." + name] = CanonicalText.Of(vector);
        }

        AddMessage(sections, "hnsw_config", Hnsw);
        AddMessage(sections, "optimizers_config", Optimizers);
        AddMessage(sections, "quantization_config", Quantization);
        AddMessage(sections, "strict_mode_config", StrictMode);
        AddMessage(sections, "params", Params);
        if (ShardNumber is { } shards)
        {
            sections["shard_number"] = shards.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (field, index) in PayloadIndexes)
        {
            sections["payload_schema." + field] = index.Describe();
        }

        foreach (var (key, value) in Metadata)
        {
            sections["metadata." + key] = CanonicalText.Of(value);
        }

        foreach (var alias in Aliases)
        {
            sections["aliases." + alias] = "present";
        }

        return sections;
    }

    public string ToCanonicalString()
    {
        var builder = new StringBuilder();
        foreach (var (path, text) in CanonicalSections())
        {
            builder.Append(path).Append(' ').Append(text).Append('\n');
        }

        return builder.ToString();
    }

    private static void AddMessage(SortedDictionary<string, string> sections, string path, IMessage? message)
    {
        if (message is not null && !ProtoFields.IsEmpty(message))
        {
            sections[path] = CanonicalText.Of(message);
        }
    }
}
