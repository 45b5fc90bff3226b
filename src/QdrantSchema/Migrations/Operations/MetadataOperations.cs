using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

internal static class MetadataRules
{
    public static void Validate(MigrationOperation operation, FoldContext context, string key, Value value)
    {
        if (key.Length == 0)
        {
            throw context.Error(operation, "uses an empty metadata key. Give the key a name.");
        }

        if (value.KindCase is Value.KindOneofCase.None or Value.KindOneofCase.NullValue)
        {
            throw context.Error(
                operation,
                $"sets metadata key '{key}' to null, which Qdrant treats as removing the key. Use RemoveMetadata(\"{key}\") instead.");
        }
    }
}

/// <summary>Sets one collection metadata key (a shallow top-level merge in Qdrant, QDRANT.md §3.5).</summary>
internal sealed class SetMetadataOperation(string key, Value value) : MigrationOperation
{
    public string Key { get; } = key;

    public Value Value { get; } = value;

    public override string Name => "SetMetadata";

    public override string? Target => Key;

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        MetadataRules.Validate(this, context, Key, Value);
        schema.Metadata[Key] = Value.Clone();
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "key", Key);
        AppendArgument(builder, "value", Value);
    }

    public override OperationInverse CreateInverse(SchemaState before)
        => before.Metadata.TryGetValue(Key, out var previous)
            ? OperationInverse.Of(new SetMetadataOperation(Key, previous.Clone()))
            : OperationInverse.Of(new RemoveMetadataOperation(Key));
}

/// <summary>Removes one collection metadata key (sent to Qdrant as the key set to null).</summary>
internal sealed class RemoveMetadataOperation(string key) : MigrationOperation
{
    public string Key { get; } = key;

    public override string Name => "RemoveMetadata";

    public override string? Target => Key;

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (!schema.Metadata.Remove(Key))
        {
            throw context.Error(this, "removes a metadata key that does not exist in the schema at that point. Fix the key or remove the operation.");
        }
    }

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "key", Key);

    public override OperationInverse CreateInverse(SchemaState before)
        => before.Metadata.TryGetValue(Key, out var previous)
            ? OperationInverse.Of(new SetMetadataOperation(Key, previous.Clone()))
            : OperationInverse.None($"RemoveMetadata '{Key}': the key is unknown before the operation.");
}
