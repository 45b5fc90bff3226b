using System.Globalization;
using System.Text;
using Qdrant.Client.Grpc;
using QdrantSchema.Internal;

namespace QdrantSchema.Migrations.Operations;

/// <summary>Validation and descriptions shared by the operations that declare vectors.</summary>
internal static class VectorRules
{
    public static void ValidateDense(MigrationOperation operation, FoldContext context, string name, VectorParams vector)
    {
        ValidateName(operation, context, name, sparse: false);
        if (vector.Size == 0 || vector.Size > QdrantNames.MaxVectorSize)
        {
            throw context.Error(
                operation,
                $"declares size {vector.Size.ToString(CultureInfo.InvariantCulture)} for vector '{name}'; Qdrant allows 1 to {QdrantNames.MaxVectorSize.ToString(CultureInfo.InvariantCulture)}. " +
                "Use the dimension of your embedding model.");
        }

        if (vector.Distance == Distance.UnknownDistance)
        {
            throw context.Error(operation, $"declares no distance for vector '{name}'. Pass Distance.Cosine, Euclid, Dot or Manhattan.");
        }
    }

    public static void ValidateName(MigrationOperation operation, FoldContext context, string name, bool sparse)
    {
        var problem = QdrantNames.VectorNameProblem(name, sparse);
        if (problem is not null)
        {
            throw context.Error(operation, $"uses an invalid vector name '{Printable(name)}': {problem}. Choose another name.");
        }
    }

    /// <summary>"size 384 Cosine", plus the datatype and multivector setting when given.</summary>
    public static string Describe(VectorParams vector)
    {
        var builder = new StringBuilder()
            .Append("size ").Append(vector.Size.ToString(CultureInfo.InvariantCulture))
            .Append(' ').Append(vector.Distance);
        if (vector.HasDatatype)
        {
            builder.Append(' ').Append(vector.Datatype);
        }

        if (vector.MultivectorConfig is not null)
        {
            builder.Append(" multivector ").Append(vector.MultivectorConfig.Comparator);
        }

        return builder.ToString();
    }

    /// <summary>Describes two different vectors so that the difference shows.</summary>
    public static (string Expected, string Found) DescribeDifference(VectorParams expected, VectorParams found)
    {
        var a = Describe(expected);
        var b = Describe(found);
        // "expected size 384 Cosine, found 768 Dot"
        return a == b ? (CanonicalText.Of(expected), CanonicalText.Of(found)) : (a, b["size ".Length..]);
    }

    public static string Describe(SparseVectorParams vector)
        => vector.HasModifier ? "sparse, modifier " + vector.Modifier : "sparse";

    /// <summary>The immutable part of a dense vector: what CreateVectorName takes and what needs a rebuild to change.</summary>
    public static bool SameImmutable(VectorParams a, VectorParams b)
        => a.Size == b.Size
           && a.Distance == b.Distance
           && NormalDatatype(a) == NormalDatatype(b)
           && Equals(a.MultivectorConfig, b.MultivectorConfig);

    /// <summary>Qdrant treats an absent datatype and <c>Default</c> as float32.</summary>
    public static Datatype NormalDatatype(VectorParams vector)
        => !vector.HasDatatype || vector.Datatype == Datatype.Default ? Datatype.Float32 : vector.Datatype;

    public static string Printable(string name)
        => name.Replace("\0", "\\0", StringComparison.Ordinal).Replace("\u001f", "\\x1F", StringComparison.Ordinal);
}
