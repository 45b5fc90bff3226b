using System.Globalization;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.Operations;

/// <summary>Why an operation cannot run on a server (for plans, and checked again before running).</summary>
internal static class Refusals
{
    public static readonly Version VectorNameCrud = new(1, 18, 0);
    public static readonly Version CollectionMetadata = new(1, 16, 0);

    public const string RebuildNotSupported = "needs a rebuild behind an alias (not supported yet)";

    /// <summary>The reason <paramref name="operation"/> cannot run on <paramref name="server"/>, or null.</summary>
    public static string? For(MigrationOperation operation, ServerInfo server)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(server);
        return operation switch
        {
            AddVectorOperation or DeleteVectorOperation when !server.SupportsVectorNameCrud =>
                $"{operation.DisplayName} needs Qdrant {Format(VectorNameCrud)} or later (CreateVectorName/DeleteVectorName change vectors in place); " +
                $"the server is {Format(server.Version)}. Upgrade Qdrant to {Format(VectorNameCrud)} or later.",
            SetMetadataOperation or RemoveMetadataOperation when !server.SupportsCollectionMetadata =>
                $"{operation.DisplayName} needs Qdrant {Format(CollectionMetadata)} or later (collection metadata); the server is {Format(server.Version)}. " +
                $"Upgrade Qdrant to {Format(CollectionMetadata)} or later.",
            CreateCollectionOperation create when create.Definition.Metadata.Count > 0 && !server.SupportsCollectionMetadata =>
                $"{operation.DisplayName} declares collection metadata, which needs Qdrant {Format(CollectionMetadata)} or later; the server is {Format(server.Version)}. " +
                $"Upgrade Qdrant to {Format(CollectionMetadata)} or later.",
            ChangeVectorOperation =>
                $"{operation.DisplayName} {RebuildNotSupported}: Qdrant cannot change a vector's size, distance, datatype or multivector setting in place. " +
                "Until rebuilds are supported, add a new vector (AddVector) and fill it, or rebuild the collection yourself and point an alias at it.",
            ChangeShardNumberOperation =>
                $"{operation.DisplayName} {RebuildNotSupported}: Qdrant cannot change the shard number of a collection in place. " +
                "Until rebuilds are supported, create a collection with the new shard number, copy the points and swap an alias yourself.",
            IrreversibleOperation irreversible => $"{operation.DisplayName}: the migration cannot be undone: {irreversible.Reason}",
            _ => null,
        };
    }

    public static string Format(Version version)
        => string.Create(CultureInfo.InvariantCulture, $"{version.Major}.{version.Minor}.{Math.Max(0, version.Build)}");
}
