using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

/// <summary>
/// Base of the data steps: they read and rewrite points (streamed in pages by the executor) and never change the
/// schema. None has an inverse: a migration with a data step is irreversible unless its Down is written by hand.
/// </summary>
internal abstract class DataOperation : MigrationOperation
{
    public override OperationKind Kind => OperationKind.InPlaceData;

    public override bool IsDataStep => true;

    public override OperationInverse CreateInverse(SchemaState before)
        => OperationInverse.None($"{DisplayName} is a data step, which has no generated inverse. Override Down to undo it, or call Irreversible(reason) there.");

    protected static void ValidateStepName(MigrationOperation operation, FoldContext context, string name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw context.Error(operation, "has no name. Give the step a stable name: it is what the checksum covers and what identifies its checkpoint.");
        }

        if (!context.RegisterDataStep(name))
        {
            throw context.Error(operation, $"reuses the step name '{name}'. Step names must be unique within a migration.");
        }
    }

    protected static VectorParams RequireDenseVector(MigrationOperation operation, FoldContext context, SchemaState schema, string vectorName)
    {
        if (schema.SparseVectors.ContainsKey(vectorName))
        {
            throw context.Error(operation, $"fills '{VectorRules.Printable(vectorName)}', which is a sparse vector; fills compute dense vectors. Fill a dense vector instead.");
        }

        if (!schema.Vectors.TryGetValue(vectorName, out var vector))
        {
            throw context.Error(operation, $"fills vector '{VectorRules.Printable(vectorName)}', which does not exist in the schema at that point. Add it with AddVector first.");
        }

        if (vector.MultivectorConfig is not null)
        {
            throw context.Error(operation, $"fills '{VectorRules.Printable(vectorName)}', which is a multivector; a fill computes one dense vector per point. Fill a plain dense vector instead.");
        }

        return vector;
    }
}

internal enum PayloadActionKind
{
    SetMerge,
    Overwrite,
    DeleteKeys,
    RenameKey,
}

/// <summary>One declared payload change.</summary>
internal sealed class PayloadAction
{
    public required PayloadActionKind Kind { get; init; }

    public string? Key { get; init; }

    public Value? Value { get; init; }

    public IReadOnlyList<string> Keys { get; init; } = [];

    public string? From { get; init; }

    public string? To { get; init; }

    public SortedDictionary<string, Value>? Payload { get; init; }
}

/// <summary>Declared payload changes applied, in order, to every point (or those matching <see cref="Filter"/>).</summary>
internal sealed class TransformPayloadOperation(IReadOnlyList<PayloadAction> actions, Filter? filter) : DataOperation
{
    public IReadOnlyList<PayloadAction> Actions { get; } = actions;

    public Filter? Filter { get; } = filter;

    public override string Name => "TransformPayload";

    public override bool IsDestructive => Actions.Any(a => a.Kind is PayloadActionKind.DeleteKeys or PayloadActionKind.Overwrite);

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (Actions.Count == 0)
        {
            throw context.Error(this, "declares no changes. Call SetMerge, Overwrite, DeleteKeys or RenameKey, or remove the operation.");
        }

        foreach (var action in Actions)
        {
            switch (action.Kind)
            {
                case PayloadActionKind.SetMerge when string.IsNullOrEmpty(action.Key):
                    throw context.Error(this, "sets an empty payload key. Give the key a name.");
                case PayloadActionKind.DeleteKeys when action.Keys.Count == 0 || action.Keys.Any(string.IsNullOrEmpty):
                    throw context.Error(this, "deletes no key or an empty key. Name the payload keys to delete.");
                case PayloadActionKind.RenameKey when string.IsNullOrEmpty(action.From) || string.IsNullOrEmpty(action.To):
                    throw context.Error(this, "renames from or to an empty key. Name both keys.");
                case PayloadActionKind.RenameKey when action.From == action.To:
                    throw context.Error(this, $"renames '{action.From}' to itself. Remove the rename.");
                default:
                    break;
            }
        }
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        foreach (var action in Actions)
        {
            builder.Append(' ').Append(action.Kind switch
            {
                PayloadActionKind.SetMerge => "set",
                PayloadActionKind.Overwrite => "overwrite",
                PayloadActionKind.DeleteKeys => "delete",
                _ => "rename",
            });
            builder.Append('(');
            switch (action.Kind)
            {
                case PayloadActionKind.SetMerge:
                    CanonicalText.AppendString(builder, action.Key!);
                    builder.Append(',');
                    CanonicalText.AppendMessage(builder, action.Value!);
                    break;
                case PayloadActionKind.Overwrite:
                    foreach (var (key, value) in action.Payload!)
                    {
                        CanonicalText.AppendString(builder, key);
                        builder.Append(':');
                        CanonicalText.AppendMessage(builder, value);
                        builder.Append(',');
                    }

                    break;
                case PayloadActionKind.DeleteKeys:
                    builder.AppendJoin(',', action.Keys.Select(k =>
                    {
                        var quoted = new StringBuilder();
                        CanonicalText.AppendString(quoted, k);
                        return quoted.ToString();
                    }));
                    break;
                default:
                    CanonicalText.AppendString(builder, action.From!);
                    builder.Append(',');
                    CanonicalText.AppendString(builder, action.To!);
                    break;
            }

            builder.Append(')');
        }

        AppendArgument(builder, "filter", Filter);
    }
}

/// <summary>
/// A user delegate over every point's payload. Delegates cannot be hashed: the checksum covers the step kind and its
/// <see cref="StepName"/> only, so rename the step when its logic changes in a way that matters.
/// </summary>
internal sealed class TransformPayloadDelegateOperation(string stepName, Func<PayloadTransformContext, ValueTask> transform) : DataOperation
{
    public string StepName { get; } = stepName;

    public Func<PayloadTransformContext, ValueTask> Transform { get; } = transform;

    public override string Name => "TransformPayload";

    public override string? Target => StepName;

    protected override void ApplyCore(SchemaState schema, FoldContext context) => ValidateStepName(this, context, StepName);

    protected override void AppendArguments(StringBuilder builder)
    {
        builder.Append(" kind=delegate");
        AppendArgument(builder, "name", StepName);
    }
}

/// <summary>Computes a dense vector for every point with a user delegate. Checksum: the step kind, vector and name.</summary>
internal sealed class FillVectorOperation(string vectorName, string stepName, Func<VectorFillContext, ValueTask<float[]>> compute) : DataOperation
{
    public string VectorName { get; } = vectorName;

    public string StepName { get; } = stepName;

    public Func<VectorFillContext, ValueTask<float[]>> Compute { get; } = compute;

    public override string Name => "FillVector";

    public override string? Target => StepName;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        ValidateStepName(this, context, StepName);
        RequireDenseVector(this, context, schema, VectorName);
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        builder.Append(" kind=delegate");
        AppendArgument(builder, "vector", VectorName);
        AppendArgument(builder, "name", StepName);
    }
}

/// <summary>
/// Embeds a payload text field into a dense vector for every point. The embedding generator is supplied when the
/// migration runs (the executor's concern); the operation records only the field and the vector.
/// </summary>
internal sealed class FillVectorFromTextOperation(string vectorName, string payloadField) : DataOperation
{
    public string VectorName { get; } = vectorName;

    public string PayloadField { get; } = payloadField;

    public override string Name => "FillVectorFromText";

    public override string? Target => VectorRules.Printable(VectorName);

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (string.IsNullOrEmpty(PayloadField))
        {
            throw context.Error(this, "has an empty payload field. Name the payload key that holds the text to embed.");
        }

        RequireDenseVector(this, context, schema, VectorName);
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "vector", VectorName);
        AppendArgument(builder, "field", PayloadField);
    }
}

/// <summary>Deletes the points matching a filter. Destructive.</summary>
internal sealed class DeletePointsOperation(Filter filter) : DataOperation
{
    public Filter Filter { get; } = filter;

    public override string Name => "DeletePoints";

    public override bool IsDestructive => true;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (ProtoFields.IsEmpty(Filter))
        {
            throw context.Error(this, "has an empty filter, which matches every point. Give the filter conditions, or delete the collection instead.");
        }
    }

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "filter", Filter);
}

/// <summary>Declares, in a Down, that the migration cannot be undone.</summary>
internal sealed class IrreversibleOperation(string reason) : MigrationOperation
{
    public string Reason { get; } = reason;

    public override string Name => "Irreversible";

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override bool RequiresCollection => false;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
        => throw context.Error(this, "can only be declared in Down. Remove it from Up.");

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "reason", Reason);

    public override OperationInverse CreateInverse(SchemaState before) => OperationInverse.None(Reason);
}
