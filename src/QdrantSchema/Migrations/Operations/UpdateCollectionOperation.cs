using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;
using QdrantSchema.Schema;

// on_disk is deprecated since Qdrant 1.19 (replaced by `memory`) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Migrations.Operations;

/// <summary>Everything one <c>UpdateCollection</c> declares; each section is a Qdrant diff message.</summary>
internal sealed class CollectionUpdate
{
    public HnswConfigDiff? Hnsw { get; set; }

    public OptimizersConfigDiff? Optimizers { get; set; }

    public QuantizationConfigDiff? Quantization { get; set; }

    public CollectionParamsDiff? Params { get; set; }

    public StrictModeConfig? StrictMode { get; set; }

    public SortedDictionary<string, VectorParamsDiff> Vectors { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<string, SparseVectorParams> SparseVectors { get; } = new(StringComparer.Ordinal);

    public bool IsEmpty
        => Hnsw is null && Optimizers is null && Quantization is null && Params is null && StrictMode is null
           && Vectors.Count == 0 && SparseVectors.Count == 0;
}

/// <summary>
/// Changes what Qdrant can change in place (QDRANT.md §3.4): HNSW, optimizers, quantization, params, strict mode,
/// per-vector HNSW/quantization/on_disk, sparse modifier and index. Field-wise merge, quantization replaced.
/// </summary>
internal sealed class UpdateCollectionOperation(CollectionUpdate update) : MigrationOperation
{
    public CollectionUpdate Update { get; } = update;

    public override string Name => "UpdateCollection";

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (Update.IsEmpty || AllSectionsEmpty())
        {
            throw context.Error(this, "declares no changes. Set at least one section (Hnsw, Optimizers, Quantization, Params, StrictMode, Vector) or remove the operation.");
        }

        if (Update.Quantization is { QuantizationCase: QuantizationConfigDiff.QuantizationOneofCase.None })
        {
            throw context.Error(this, "passes an empty QuantizationConfigDiff. Set Scalar, Product, Binary, Turboquant or Disabled.");
        }

        foreach (var (name, diff) in Update.Vectors)
        {
            if (!schema.Vectors.ContainsKey(name))
            {
                throw context.Error(
                    this,
                    $"changes vector '{VectorRules.Printable(name)}', which is not a dense vector in the schema at that point. Fix the name or add the vector first.");
            }

            if (diff.QuantizationConfig is { QuantizationCase: QuantizationConfigDiff.QuantizationOneofCase.None })
            {
                throw context.Error(this, $"passes an empty quantization for vector '{VectorRules.Printable(name)}'. Set Scalar, Product, Binary, Turboquant or Disabled.");
            }
        }

        foreach (var name in Update.SparseVectors.Keys)
        {
            if (!schema.SparseVectors.ContainsKey(name))
            {
                throw context.Error(
                    this,
                    $"changes sparse vector '{VectorRules.Printable(name)}', which is not a sparse vector in the schema at that point. Fix the name or add the sparse vector first.");
            }
        }

        if (Update.Hnsw is not null)
        {
            (schema.Hnsw ??= new HnswConfigDiff()).MergeFrom(Update.Hnsw);
        }

        if (Update.Optimizers is not null)
        {
            (schema.Optimizers ??= new OptimizersConfigDiff()).MergeFrom(Update.Optimizers);
        }

        if (Update.Params is not null)
        {
            (schema.Params ??= new CollectionParamsDiff()).MergeFrom(Update.Params);
        }

        if (Update.StrictMode is not null)
        {
            (schema.StrictMode ??= new StrictModeConfig()).MergeFrom(Update.StrictMode);
        }

        if (Update.Quantization is not null)
        {
            schema.Quantization = ToConfig(Update.Quantization);
        }

        foreach (var (name, diff) in Update.Vectors)
        {
            var vector = schema.Vectors[name];
            if (diff.HnswConfig is not null)
            {
                (vector.HnswConfig ??= new HnswConfigDiff()).MergeFrom(diff.HnswConfig);
            }

            if (diff.QuantizationConfig is not null)
            {
                vector.QuantizationConfig = ToConfig(diff.QuantizationConfig);
            }

            if (diff.HasOnDisk)
            {
                vector.OnDisk = diff.OnDisk;
            }

            if (diff.HasMemory)
            {
                vector.Memory = diff.Memory;
            }
        }

        foreach (var (name, diff) in Update.SparseVectors)
        {
            var sparse = schema.SparseVectors[name];
            if (diff.HasModifier)
            {
                sparse.Modifier = diff.Modifier;
            }

            if (diff.Index is not null)
            {
                (sparse.Index ??= new SparseIndexConfig()).MergeFrom(diff.Index);
            }
        }
    }

    private bool AllSectionsEmpty()
        => (Update.Hnsw is null || ProtoFields.IsEmpty(Update.Hnsw))
           && (Update.Optimizers is null || ProtoFields.IsEmpty(Update.Optimizers))
           && Update.Quantization is null
           && (Update.Params is null || ProtoFields.IsEmpty(Update.Params))
           && (Update.StrictMode is null || ProtoFields.IsEmpty(Update.StrictMode))
           && Update.Vectors.Values.All(ProtoFields.IsEmpty)
           && Update.SparseVectors.Values.All(ProtoFields.IsEmpty);

    internal static QuantizationConfig? ToConfig(QuantizationConfigDiff diff) => diff.QuantizationCase switch
    {
        QuantizationConfigDiff.QuantizationOneofCase.Scalar => new QuantizationConfig { Scalar = diff.Scalar.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Product => new QuantizationConfig { Product = diff.Product.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Binary => new QuantizationConfig { Binary = diff.Binary.Clone() },
        QuantizationConfigDiff.QuantizationOneofCase.Turboquant => new QuantizationConfig { Turboquant = diff.Turboquant.Clone() },
        _ => null,
    };

    internal static QuantizationConfigDiff ToDiff(QuantizationConfig? config) => config?.QuantizationCase switch
    {
        QuantizationConfig.QuantizationOneofCase.Scalar => new QuantizationConfigDiff { Scalar = config.Scalar.Clone() },
        QuantizationConfig.QuantizationOneofCase.Product => new QuantizationConfigDiff { Product = config.Product.Clone() },
        QuantizationConfig.QuantizationOneofCase.Binary => new QuantizationConfigDiff { Binary = config.Binary.Clone() },
        QuantizationConfig.QuantizationOneofCase.Turboquant => new QuantizationConfigDiff { Turboquant = config.Turboquant.Clone() },
        _ => new QuantizationConfigDiff { Disabled = new Disabled() },
    };

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "hnsw_config", Update.Hnsw);
        AppendArgument(builder, "optimizers_config", Update.Optimizers);
        AppendArgument(builder, "quantization_config", Update.Quantization);
        AppendArgument(builder, "params", Update.Params);
        AppendArgument(builder, "strict_mode_config", Update.StrictMode);
        foreach (var (name, diff) in Update.Vectors)
        {
            builder.Append(" vector:");
            CanonicalText.AppendString(builder, name);
            builder.Append('=');
            CanonicalText.AppendMessage(builder, diff);
        }

        foreach (var (name, diff) in Update.SparseVectors)
        {
            builder.Append(" sparse_vector:");
            CanonicalText.AppendString(builder, name);
            builder.Append('=');
            CanonicalText.AppendMessage(builder, diff);
        }
    }

    /// <summary>
    /// An UpdateCollection that puts back, for every field this one sets, the value it had in <paramref name="before"/>.
    /// A field no earlier migration declared has an unknown previous value (the server default may differ), which
    /// makes the operation irreversible unless Down is written by hand. No quantization declared means none.
    /// </summary>
    public override OperationInverse CreateInverse(SchemaState before)
    {
        var unknown = new List<string>();
        var inverse = new CollectionUpdate();
        if (Update.Hnsw is not null)
        {
            inverse.Hnsw = ProtoFields.Previous(Update.Hnsw, before.Hnsw, "hnsw_config", unknown);
        }

        if (Update.Optimizers is not null)
        {
            inverse.Optimizers = ProtoFields.Previous(Update.Optimizers, before.Optimizers, "optimizers_config", unknown);
        }

        if (Update.Params is not null)
        {
            inverse.Params = ProtoFields.Previous(Update.Params, before.Params, "params", unknown);
        }

        if (Update.StrictMode is not null)
        {
            inverse.StrictMode = ProtoFields.Previous(Update.StrictMode, before.StrictMode, "strict_mode_config", unknown);
        }

        if (Update.Quantization is not null)
        {
            inverse.Quantization = ToDiff(before.Quantization);
        }

        foreach (var (name, diff) in Update.Vectors)
        {
            if (!before.Vectors.TryGetValue(name, out var vector))
            {
                unknown.Add("vectors." + name);
                continue;
            }

            var path = "vectors." + name;
            var previous = new VectorParamsDiff();
            if (diff.HnswConfig is not null)
            {
                previous.HnswConfig = ProtoFields.Previous(diff.HnswConfig, vector.HnswConfig, path + ".hnsw_config", unknown);
            }

            if (diff.QuantizationConfig is not null)
            {
                previous.QuantizationConfig = ToDiff(vector.QuantizationConfig);
            }

            if (diff.HasOnDisk)
            {
                if (vector.HasOnDisk)
                {
                    previous.OnDisk = vector.OnDisk;
                }
                else
                {
                    unknown.Add(path + ".on_disk");
                }
            }

            if (diff.HasMemory)
            {
                if (vector.HasMemory)
                {
                    previous.Memory = vector.Memory;
                }
                else
                {
                    unknown.Add(path + ".memory");
                }
            }

            inverse.Vectors[name] = previous;
        }

        foreach (var (name, diff) in Update.SparseVectors)
        {
            if (!before.SparseVectors.TryGetValue(name, out var sparse))
            {
                unknown.Add("sparse_vectors." + name);
                continue;
            }

            var previous = new SparseVectorParams();
            if (diff.HasModifier)
            {
                previous.Modifier = sparse.HasModifier ? sparse.Modifier : Modifier.None;
            }

            if (diff.Index is not null)
            {
                previous.Index = ProtoFields.Previous(diff.Index, sparse.Index, "sparse_vectors." + name + ".index", unknown);
            }

            inverse.SparseVectors[name] = previous;
        }

        if (unknown.Count > 0)
        {
            return OperationInverse.None(
                $"UpdateCollection sets {string.Join(", ", unknown)}, whose previous value no earlier migration declared, " +
                "so Down cannot restore it. Override Down and state the values to restore.");
        }

        return OperationInverse.Of(new UpdateCollectionOperation(inverse));
    }
}
