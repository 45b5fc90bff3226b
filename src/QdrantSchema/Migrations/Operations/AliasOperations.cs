using System.Text;
using QdrantSchema.Internal;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

internal enum AliasAction
{
    Create,
    Delete,
    Swap,
}

/// <summary>
/// Creates, deletes or swaps an alias that points at the family's physical collection. Swap re-points an alias that
/// may point elsewhere in one atomic UpdateAliases call (delete + create, QDRANT.md §5).
/// </summary>
internal sealed class AliasOperation(AliasAction action, string alias) : MigrationOperation
{
    public AliasAction Action { get; } = action;

    public string Alias { get; } = alias;

    public override string Name => Action switch
    {
        AliasAction.Create => "CreateAlias",
        AliasAction.Delete => "DeleteAlias",
        _ => "SwapAlias",
    };

    public override string? Target => VectorRules.Printable(Alias);

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        var problem = QdrantNames.CollectionNameProblem(Alias);
        if (problem is not null)
        {
            throw context.Error(this, $"uses an invalid alias name: {problem}. Choose another name.");
        }

        if (Action == AliasAction.Delete)
        {
            // An alias may have been created outside migrations; Qdrant's delete_alias of a missing alias is a no-op.
            schema.Aliases.Remove(Alias);
        }
        else
        {
            schema.Aliases.Add(Alias);
        }
    }

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "alias", Alias);

    public override OperationInverse CreateInverse(SchemaState before)
    {
        var existed = before.Aliases.Contains(Alias);
        return Action switch
        {
            AliasAction.Create => existed ? OperationInverse.Nothing : OperationInverse.Of(new AliasOperation(AliasAction.Delete, Alias)),
            AliasAction.Delete => existed
                ? OperationInverse.Of(new AliasOperation(AliasAction.Create, Alias))
                : OperationInverse.None($"DeleteAlias '{Alias}': no earlier migration created the alias, so where it pointed is unknown. Override Down."),
            _ => existed
                ? OperationInverse.Nothing
                : OperationInverse.None($"SwapAlias '{Alias}': the collection the alias pointed to before is unknown. Override Down."),
        };
    }
}
