using Qdrant.Client.Grpc;

namespace QdrantSchema.Schema;

/// <summary>A payload index in an expected schema: its type and, when the migration gave them, its parameters.</summary>
public sealed class PayloadIndexSchema
{
    private readonly PayloadIndexParams? _parameters;

    internal PayloadIndexSchema(PayloadSchemaType type, PayloadIndexParams? parameters)
    {
        Type = type;
        _parameters = parameters?.Clone();
    }

    /// <summary>The index type (keyword, integer, float, geo, text, bool, datetime or uuid).</summary>
    public PayloadSchemaType Type { get; }

    /// <summary>A copy of the index parameters, or <see langword="null"/> when the index was declared with its type only.</summary>
    public PayloadIndexParams? Parameters => _parameters?.Clone();

    internal PayloadIndexParams? ParametersView => _parameters;

    internal string Describe()
        => _parameters is null ? Type.ToString() : $"{Type} {Internal.CanonicalText.Of(_parameters)}";

    internal bool SameAs(PayloadIndexSchema other)
        => Type == other.Type
           && (_parameters is null ? other._parameters is null : other._parameters is not null && _parameters.Equals(other._parameters));

    /// <inheritdoc />
    public override string ToString() => Describe();
}
