using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using QdrantSchema.Execution;
using QdrantSchema.Families;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;

namespace QdrantSchema.IntegrationTests.Operations;

[Migration("20250101000000_ExecutorProbe", Family = "executor")]
internal sealed class ExecutorProbeMigration : QdrantMigration
{
    protected internal override void Up(MigrationBuilder migration) => migration.CreateCollection(c => c.AddVector("v", 4, Qdrant.Client.Grpc.Distance.Cosine));
}

/// <summary>Builds operations and contexts for executor tests without a migrator.</summary>
internal static class OperationTestKit
{
    public const string Family = "executor";

    public static MigrationDescriptor Migration { get; } = MigrationDescriptor.Create(new ExecutorProbeMigration(), new SchemaState(), out _);

    public static string MigrationId => Migration.Id;

    /// <summary>The single operation <paramref name="declare"/> adds.</summary>
    public static MigrationOperation One(Action<MigrationBuilder> declare)
    {
        var builder = new MigrationBuilder();
        declare(builder);
        return Assert.Single(builder.Operations);
    }

    public static IReadOnlyList<MigrationOperation> All(Action<MigrationBuilder> declare)
    {
        var builder = new MigrationBuilder();
        declare(builder);
        return builder.Operations;
    }

    public static FamilyMember Member(string physical, string? alias = null, bool exists = true) => new(Family, physical, alias, exists);

    public static OperationContext Context(QdrantClient client, FamilyMember member, ServerInfo server, int step = 0, int memberCount = 1) => new()
    {
        Client = client,
        Member = member,
        Migration = Migration,
        Step = step,
        Server = server,
        History = new QdrantHistoryStore(client, "__qdrant_schema_unused"),
        TimeProvider = TimeProvider.System,
        Logger = NullLogger.Instance,
        FamilyMemberCount = memberCount,
    };

    /// <summary>The schema the operations fold to from empty (what the live collection must show).</summary>
    public static SchemaState Fold(IEnumerable<MigrationOperation> operations)
    {
        var state = new SchemaState();
        var context = new FoldContext(MigrationId, Family);
        foreach (var operation in operations)
        {
            operation.Apply(state, context);
        }

        return state;
    }
}
