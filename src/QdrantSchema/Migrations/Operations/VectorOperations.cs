using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Schema;

namespace QdrantSchema.Migrations.Operations;

/// <summary>
/// Adds a named dense or sparse vector to an existing collection (Qdrant ≥ 1.18 CreateVectorName). Re-adding an
/// identical vector is a no-op; a different one is an error. Existing points get no value for it.
/// </summary>
internal sealed class AddVectorOperation : MigrationOperation
{
    public AddVectorOperation(string vectorName, VectorParams dense)
    {
        VectorName = vectorName;
        Dense = dense;
    }

    public AddVectorOperation(string vectorName, SparseVectorParams sparse)
    {
        VectorName = vectorName;
        Sparse = sparse;
    }

    public string VectorName { get; }

    public VectorParams? Dense { get; }

    public SparseVectorParams? Sparse { get; }

    public override string Name => Dense is null ? "AddSparseVector" : "AddVector";

    public override string? Target => VectorRules.Printable(VectorName);

    public override OperationKind Kind => OperationKind.MetadataOnly;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (Dense is not null)
        {
            VectorRules.ValidateDense(this, context, VectorName, Dense);
            if (schema.SparseVectors.ContainsKey(VectorName))
            {
                throw context.Error(
                    this,
                    "conflicts with the schema at that point: the name is already a sparse vector. Dense and sparse vector names must be unique; choose another name or delete the sparse vector first.");
            }

            if (schema.Vectors.TryGetValue(VectorName, out var existing))
            {
                if (existing.Equals(Dense))
                {
                    return;
                }

                var (expected, found) = VectorRules.DescribeDifference(existing, Dense);
                throw context.Error(
                    this,
                    $"conflicts with the schema at that point: expected {expected}, found {found}. Change the migration or add a new one that deletes the vector first.");
            }

            schema.Vectors[VectorName] = Dense.Clone();
            return;
        }

        VectorRules.ValidateName(this, context, VectorName, sparse: true);
        if (schema.Vectors.ContainsKey(VectorName))
        {
            throw context.Error(
                this,
                "conflicts with the schema at that point: the name is already a dense vector. Dense and sparse vector names must be unique; choose another name or delete the dense vector first.");
        }

        if (schema.SparseVectors.TryGetValue(VectorName, out var existingSparse))
        {
            if (existingSparse.Equals(Sparse))
            {
                return;
            }

            throw context.Error(
                this,
                $"conflicts with the schema at that point: expected {VectorRules.Describe(existingSparse)}, found {VectorRules.Describe(Sparse!)}. Change the migration or add a new one that deletes the vector first.");
        }

        schema.SparseVectors[VectorName] = Sparse!.Clone();
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "name", VectorName);
        AppendArgument(builder, "params", Dense is null ? Sparse : Dense);
    }

    public override OperationInverse CreateInverse(SchemaState before)
    {
        if (before.Vectors.ContainsKey(VectorName) || before.SparseVectors.ContainsKey(VectorName))
        {
            return OperationInverse.Nothing; // an identical re-add changed nothing
        }

        return OperationInverse.Of(
            new DeleteVectorOperation(VectorName),
            $"Down deletes vector '{VectorRules.Printable(VectorName)}' and the values every point has for it.");
    }
}

/// <summary>Deletes a named dense or sparse vector and its data (Qdrant ≥ 1.18 DeleteVectorName).</summary>
internal sealed class DeleteVectorOperation(string vectorName) : MigrationOperation
{
    public string VectorName { get; } = vectorName;

    public override string Name => "DeleteVector";

    public override string? Target => VectorRules.Printable(VectorName);

    public override OperationKind Kind => OperationKind.MetadataOnly;

    public override bool IsDestructive => true;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        if (!schema.Vectors.Remove(VectorName) && !schema.SparseVectors.Remove(VectorName))
        {
            throw context.Error(
                this,
                $"deletes a vector that does not exist in the schema at that point (vectors: {Names(schema)}). Fix the name or remove the operation.");
        }
    }

    private static string Names(SchemaState schema)
    {
        var names = schema.Vectors.Keys.Concat(schema.SparseVectors.Keys).Select(n => "'" + n + "'").ToList();
        return names.Count == 0 ? "none" : string.Join(", ", names);
    }

    protected override void AppendArguments(StringBuilder builder) => AppendArgument(builder, "name", VectorName);

    public override OperationInverse CreateInverse(SchemaState before)
    {
        var warning = $"Down re-creates vector '{VectorRules.Printable(VectorName)}' empty: the values deleted with it are not restored.";
        if (before.Vectors.TryGetValue(VectorName, out var dense))
        {
            return OperationInverse.Of(new AddVectorOperation(VectorName, dense.Clone()), warning);
        }

        if (before.SparseVectors.TryGetValue(VectorName, out var sparse))
        {
            return OperationInverse.Of(new AddVectorOperation(VectorName, sparse.Clone()), warning);
        }

        return OperationInverse.None($"DeleteVector '{VectorName}': the vector is unknown before the operation.");
    }
}

/// <summary>
/// Changes a dense vector's size, distance, datatype or multivector setting. Qdrant cannot do that in place
/// (QDRANT.md §3.4 "Immutable"), so the operation is classed <see cref="OperationKind.Rebuild"/>.
/// </summary>
internal sealed class ChangeVectorOperation(string vectorName, VectorParams vector) : MigrationOperation
{
    public string VectorName { get; } = vectorName;

    public VectorParams Vector { get; } = vector;

    public override string Name => "ChangeVector";

    public override string? Target => VectorRules.Printable(VectorName);

    public override OperationKind Kind => OperationKind.Rebuild;

    public override bool IsDestructive => true;

    protected override void ApplyCore(SchemaState schema, FoldContext context)
    {
        VectorRules.ValidateDense(this, context, VectorName, Vector);
        if (!schema.Vectors.TryGetValue(VectorName, out var existing))
        {
            throw context.Error(
                this,
                "changes a dense vector that does not exist in the schema at that point. Use AddVector to create it.");
        }

        if (VectorRules.SameImmutable(existing, Vector))
        {
            throw context.Error(
                this,
                $"does not change the size, distance, datatype or multivector setting ({VectorRules.Describe(existing)}). " +
                "Use UpdateCollection(u => u.Vector(...)) for HNSW, quantization or on_disk changes, which Qdrant makes in place.");
        }

        schema.Vectors[VectorName] = Vector.Clone();
    }

    protected override void AppendArguments(StringBuilder builder)
    {
        AppendArgument(builder, "name", VectorName);
        AppendArgument(builder, "params", Vector);
    }

    public override OperationInverse CreateInverse(SchemaState before)
        => before.Vectors.TryGetValue(VectorName, out var previous)
            ? OperationInverse.Of(
                new ChangeVectorOperation(VectorName, previous.Clone()),
                $"Down rebuilds vector '{VectorRules.Printable(VectorName)}' with its previous settings; its values must be filled again.")
            : OperationInverse.None($"ChangeVector '{VectorName}': the vector is unknown before the operation.");
}
