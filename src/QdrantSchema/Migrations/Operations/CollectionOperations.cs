using System.Globalization;
using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

/// <summary>Everything <c>CreateCollection</c> declares.</summary>
internal sealed class CollectionDefinition
{
    public SortedDictionary<string, VectorParams> Vectors { get; } = new(StringComparer.Ordinal);

    /// <summary>Names in declaration order, to report a duplicate declaration.</summary>
    public List<string> DeclaredNames { get; } = [];

    public SortedDictionary<string, SparseVectorParams> SparseVectors { get; } = new(StringComparer.Ordinal);

    public HnswConfigDiff? Hnsw { get; set; }

    public OptimizersConfigDiff? Optimizers { get; set; }

    public QuantizationConfig? Quantization { get; set; }

    public StrictModeConfig? StrictMode { get; set; }

    public uint? ShardNumber { get; set; }

    public CollectionParamsDiff? Params { get; set; }

    public SortedDictionary<string, Value> Metadata { get; } = new(StringComparer.Ordinal);
}

/// <summary>Creates the family's collection. Inverse: <see cref="DeleteCollectionOperation"/> (destructive).</summary>
internal sealed class CreateCollectionOperation(CollectionDefinition definition) : MigrationOperation
{
    public CollectionDefinition Definition { get; } = definition;

    public override string Name => "CreateCollection";

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override bool RequiresCollection => false;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (schema.Exists)
        {
            throw context.Error(
                this,
                "creates the collection a second time: an earlier operation already created it. " +
                "Remove this CreateCollection, or change the collection with AddVector, UpdateCollection or CreatePayloadIndex.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in Definition.DeclaredNames)
        {
            if (!seen.Add(name))
            {
                throw context.Error(
                    this,
                    $"declares the vector name '{VectorRules.Printable(name)}' twice. Dense and sparse vector names must be unique; rename one of them.");
            }
        }

        foreach (var (name, vector) in Definition.Vectors)
        {
            VectorRules.ValidateDense(this, context, name, vector);
        }

        foreach (var name in Definition.SparseVectors.Keys)
        {
            VectorRules.ValidateName(this, context, name, sparse: true);
        }

        if (Definition.ShardNumber == 0)
        {
            throw context.Error(this, "declares 0 shards. Use at least 1, or leave the shard number to the server.");
        }

        foreach (var (key, value) in Definition.Metadata)
        {
            MetadataRules.Validate(this, context, key, value);
        }

        schema.Reset();
        schema.Exists = true;
        foreach (var (name, vector) in Definition.Vectors)
        {
            schema.Vectors[name] = vector.Clone();
        }

        foreach (var (name, vector) in Definition.SparseVectors)
        {
            schema.SparseVectors[name] = vector.Clone();
        }

        schema.Hnsw = Definition.Hnsw?.Clone();
        schema.Optimizers = Definition.Optimizers?.Clone();
        schema.Quantization = Definition.Quantization?.Clone();
        schema.StrictMode = Definition.StrictMode?.Clone();
        schema.ShardNumber = Definition.ShardNumber;
        schema.Params = Definition.Params?.Clone();
        foreach (var (key, value) in Definition.Metadata)
        {
            schema.Metadata[key] = value.Clone();
        }
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        foreach (var (name, vector) in Definition.Vectors)
        {
            builder.Append(" vector:");
            Internal.CanonicalText.AppendString(builder, name);
            builder.Append('=');
            Internal.CanonicalText.AppendMessage(builder, vector);
        }

        foreach (var (name, vector) in Definition.SparseVectors)
        {
            builder.Append(" sparse_vector:");
            Internal.CanonicalText.AppendString(builder, name);
            builder.Append('=');
            Internal.CanonicalText.AppendMessage(builder, vector);
        }

        AppendArgument(builder, "hnsw_config", Definition.Hnsw);
        AppendArgument(builder, "optimizers_config", Definition.Optimizers);
        AppendArgument(builder, "quantization_config", Definition.Quantization);
        AppendArgument(builder, "strict_mode_config", Definition.StrictMode);
        if (Definition.ShardNumber is { } shards)
        {
            builder.Append(" shard_number=").Append(shards.ToString(CultureInfo.InvariantCulture));
        }

        AppendArgument(builder, "params", Definition.Params);
        foreach (var (key, value) in Definition.Metadata)
        {
            builder.Append(" metadata:");
            Internal.CanonicalText.AppendString(builder, key);
            builder.Append('=');
            Internal.CanonicalText.AppendMessage(builder, value);
        }
    }

    public override OperationInverse CreateInverse(SchemaState before)
        => OperationInverse.Of(
            new DeleteCollectionOperation(),
            "Down deletes the collection and every point in it; nothing can bring the data back.");
}

/// <summary>Deletes the family's collection with all its points. Destructive; has no inverse.</summary>
internal sealed class DeleteCollectionOperation : MigrationOperation
{
    public override string Name => "DeleteCollection";

    public override OperationKind Kind => OperationKind.MetadataOnly;

    public override bool IsDestructive => true;

    protected override void ApplyCore(SchemaState schema, FoldContext context) => schema.Reset();

    protected override void AppendArguments(StringBuilder builder)
    {
    }

    public override OperationInverse CreateInverse(SchemaState before)
        => OperationInverse.None("DeleteCollection deletes every point of the collection, which nothing can restore.");
}

/// <summary>Changes the number of shards: Qdrant cannot do it in place, so it needs a rebuild.</summary>
internal sealed class ChangeShardNumberOperation(uint shardNumber) : MigrationOperation
{
    public uint ShardNumber { get; } = shardNumber;

    public override string Name => "ChangeShardNumber";

    public override string? Target => ShardNumber.ToString(CultureInfo.InvariantCulture);

    public override OperationKind Kind => OperationKind.Rebuild;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (ShardNumber == 0)
        {
            throw context.Error(this, "asks for 0 shards. Use at least 1.");
        }

        if (schema.ShardNumber == ShardNumber)
        {
            throw context.Error(
                this,
                $"changes nothing: the schema at that point already has {ShardNumber.ToString(CultureInfo.InvariantCulture)} shards. Remove the operation.");
        }

        schema.ShardNumber = ShardNumber;
    }

    protected override void AppendArguments(StringBuilder builder)
        => builder.Append(" shard_number=").Append(ShardNumber.ToString(CultureInfo.InvariantCulture));

    public override OperationInverse CreateInverse(SchemaState before)
        => before.ShardNumber is { } previous
            ? OperationInverse.Of(new ChangeShardNumberOperation(previous))
            : OperationInverse.None(
                "ChangeShardNumber: no earlier migration declared the shard number, so the number to restore is unknown. Override Down.");
}
