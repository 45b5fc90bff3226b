using System.Text;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

/// <summary>
/// One declared step of a migration. Each operation knows how it changes the expected schema (<see cref="Apply"/>,
/// which also validates it against the schema at that point), how heavy it is (<see cref="Kind"/>), a canonical text
/// for checksums (<see cref="AppendCanonical"/>) and its inverse (<see cref="CreateInverse"/>).
/// </summary>
internal abstract class MigrationOperation
{
    /// <summary>The operation's name as the builder method that declares it, e.g. <c>AddVector</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What it acts on (a vector, field, key or alias name), or null.</summary>
    public virtual string? Target => null;

    public string DisplayName => Target is null ? Name : $"{Name} '{Target}'";

    public abstract OperationKind Kind { get; }

    /// <summary>True when running it loses data that its inverse cannot bring back.</summary>
    public virtual bool IsDestructive => false;

    /// <summary>True for data steps (executed point by point; checkpointed by the executor).</summary>
    public virtual bool IsDataStep => false;

    protected virtual bool RequiresCollection => true;

    /// <summary>Folds the operation into <paramref name="schema"/>, validating it first.</summary>
    /// <exception cref="QdrantMigrationDefinitionException">The operation is invalid for the schema at this point.</exception>
    public void Apply(SchemaState schema, FoldContext context)
    {
        if (RequiresCollection && !schema.Exists)
        {
            throw context.Error(
                this,
                "comes before the collection exists. Call CreateCollection in this or an earlier migration of the family first.");
        }

        ApplyCore(schema, context);
    }

    protected abstract void ApplyCore(SchemaState schema, FoldContext context);

    /// <summary>Appends one canonical line: the name, then the arguments in a fixed order (see <see cref="Internal.CanonicalText"/>).</summary>
    public void AppendCanonical(StringBuilder builder)
    {
        builder.Append(Name);
        AppendArguments(builder);
        builder.Append('\n');
    }

    protected abstract void AppendArguments(StringBuilder builder);

    /// <summary>The operations that undo this one, given the schema just before it ran.</summary>
    public abstract OperationInverse CreateInverse(SchemaState before);

    public override string ToString() => DisplayName;

    protected static void AppendArgument(StringBuilder builder, string name, string value)
    {
        builder.Append(' ').Append(name).Append('=');
        Internal.CanonicalText.AppendString(builder, value);
    }

    protected static void AppendArgument(StringBuilder builder, string name, Google.Protobuf.IMessage? value)
    {
        if (value is null)
        {
            return;
        }

        builder.Append(' ').Append(name).Append('=');
        Internal.CanonicalText.AppendMessage(builder, value);
    }
}

/// <summary>The result of <see cref="MigrationOperation.CreateInverse"/>.</summary>
internal sealed class OperationInverse
{
    private OperationInverse(IReadOnlyList<MigrationOperation>? operations, string? reason, string? warning)
    {
        Operations = operations;
        Reason = reason;
        Warning = warning;
    }

    /// <summary>The inverse operations (empty when nothing needs undoing), or null when there is no inverse.</summary>
    public IReadOnlyList<MigrationOperation>? Operations { get; }

    public bool IsInvertible => Operations is not null;

    /// <summary>Why there is no inverse.</summary>
    public string? Reason { get; }

    /// <summary>What the inverse cannot restore (e.g. a deleted vector's data).</summary>
    public string? Warning { get; }

    public static OperationInverse Nothing { get; } = new([], null, null);

    public static OperationInverse Of(MigrationOperation operation, string? warning = null) => new([operation], null, warning);

    public static OperationInverse Of(IReadOnlyList<MigrationOperation> operations, string? warning = null) => new(operations, null, warning);

    public static OperationInverse None(string reason) => new(null, reason, null);
}

/// <summary>Which migration is being folded, for error messages.</summary>
internal sealed class FoldContext(string migrationId, string family, string direction = "Up")
{
    public string MigrationId { get; } = migrationId;

    public string Family { get; } = family;

    /// <summary>"Up" or "Down".</summary>
    public string Direction { get; } = direction;

    private readonly HashSet<string> _dataStepNames = new(StringComparer.Ordinal);

    public string Prefix => Direction == "Up"
        ? $"Migration '{MigrationId}' (family '{Family}'): "
        : $"Migration '{MigrationId}' (family '{Family}') Down: ";

    public QdrantMigrationDefinitionException Error(MigrationOperation operation, string message)
        => new(Prefix + operation.DisplayName + " " + message, MigrationId, operation.DisplayName);

    public QdrantMigrationDefinitionException Error(string message) => new(Prefix + message, MigrationId, operation: null);

    /// <summary>Data step names must be unique within a migration: they identify the step's checkpoint.</summary>
    public bool RegisterDataStep(string name) => _dataStepNames.Add(name);
}
