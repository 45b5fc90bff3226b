using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

/// <summary>Creates a payload index. Re-creating an identical index is a no-op; a different one is an error.</summary>
internal sealed class CreatePayloadIndexOperation(string field, PayloadSchemaType type, PayloadIndexParams? parameters) : MigrationOperation
{
    public string Field { get; } = field;

    public PayloadSchemaType Type { get; } = type;

    public PayloadIndexParams? Parameters { get; } = parameters;

    public override string Name => "CreatePayloadIndex";

    public override string? Target => Field;

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (Field.Length == 0)
        {
            throw context.Error(this, "has an empty field name. Give the payload key to index, for example \"user_id\" or \"meta.source\".");
        }

        if (Type == PayloadSchemaType.UnknownType)
        {
            throw context.Error(this, "has no index type. Pass PayloadSchemaType.Keyword, Integer, Float, Geo, Text, Bool, Datetime or Uuid.");
        }

        var expectedCase = ParamsCaseFor(Type);
        if (Parameters is not null && Parameters.IndexParamsCase != expectedCase)
        {
            throw context.Error(
                this,
                $"declares a {Type} index with {Parameters.IndexParamsCase} parameters. Pass {expectedCase} parameters, or none.");
        }

        if (schema.HasVectorName(Field))
        {
            throw context.Error(
                this,
                $"indexes '{Field}', which is a vector name in the schema at that point. Payload indexes are for payload keys; check the field name.");
        }

        var index = new PayloadIndexSchema(Type, Parameters);
        if (schema.PayloadIndexes.TryGetValue(Field, out var existing))
        {
            if (existing.SameAs(index))
            {
                return;
            }

            throw context.Error(
                this,
                $"conflicts with the schema at that point: expected {existing.Describe()}, found {index.Describe()}. " +
                "Use ChangePayloadIndex (delete + create) to change an index.");
        }

        schema.PayloadIndexes[Field] = index;
    }

    internal static PayloadIndexParams.IndexParamsOneofCase ParamsCaseFor(PayloadSchemaType type) => type switch
    {
        PayloadSchemaType.Keyword => PayloadIndexParams.IndexParamsOneofCase.KeywordIndexParams,
        PayloadSchemaType.Integer => PayloadIndexParams.IndexParamsOneofCase.IntegerIndexParams,
        PayloadSchemaType.Float => PayloadIndexParams.IndexParamsOneofCase.FloatIndexParams,
        PayloadSchemaType.Geo => PayloadIndexParams.IndexParamsOneofCase.GeoIndexParams,
        PayloadSchemaType.Text => PayloadIndexParams.IndexParamsOneofCase.TextIndexParams,
        PayloadSchemaType.Bool => PayloadIndexParams.IndexParamsOneofCase.BoolIndexParams,
        PayloadSchemaType.Datetime => PayloadIndexParams.IndexParamsOneofCase.DatetimeIndexParams,
        PayloadSchemaType.Uuid => PayloadIndexParams.IndexParamsOneofCase.UuidIndexParams,
        _ => PayloadIndexParams.IndexParamsOneofCase.None,
    };

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "field", Field);
        builder.Append(" type=").Append((int)Type);
        AppendArgument(builder, "params", Parameters);
    }

    public override OperationInverse CreateInverse(SchemaState before)
        => before.PayloadIndexes.ContainsKey(Field)
            ? OperationInverse.Nothing
            : OperationInverse.Of(new DeletePayloadIndexOperation(Field));
}

/// <summary>Deletes a payload index (the payload values stay).</summary>
internal sealed class DeletePayloadIndexOperation(string field) : MigrationOperation
{
    public string Field { get; } = field;

    public override string Name => "DeletePayloadIndex";

    public override string? Target => Field;

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (!schema.PayloadIndexes.Remove(Field))
        {
            var names = schema.PayloadIndexes.Keys.Select(k => "'" + k + "'").ToList();
            throw context.Error(
                this,
                $"deletes an index that does not exist in the schema at that point (indexes: {(names.Count == 0 ? "none" : string.Join(", ", names))}). Fix the field name or remove the operation.");
        }
    }

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "field", Field);

    public override OperationInverse CreateInverse(SchemaState before)
        => before.PayloadIndexes.TryGetValue(Field, out var index)
            ? OperationInverse.Of(new CreatePayloadIndexOperation(Field, index.Type, index.ParametersView?.Clone()))
            : OperationInverse.None($"DeletePayloadIndex '{Field}': the index is unknown before the operation.");
}
