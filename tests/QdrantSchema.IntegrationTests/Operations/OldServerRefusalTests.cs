using Qdrant.Client.Grpc;
using QdrantSchema.Execution;
using QdrantSchema.Testing;
using static QdrantSchema.IntegrationTests.Operations.OperationTestKit;

namespace QdrantSchema.IntegrationTests.Operations;

/// <summary>Operations a server is too old for are refused before anything is sent, naming both versions.</summary>
public sealed class OldServerRefusalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<QdrantSchemaException> RunOnAsync(string version, Action<Migrations.MigrationBuilder> declare, Func<Qdrant.Client.QdrantClient, Task>? arrange = null)
    {
        await using var emulator = new QdrantEmulator(new QdrantEmulatorOptions { ServerVersion = version });
        using var client = emulator.CreateClient();
        await client.CreateCollectionAsync("memories", new VectorParamsMap { Map = { ["content"] = new VectorParams { Size = 4, Distance = Distance.Cosine } } }, cancellationToken: Ct);
        var server = await new ServerInfoProbe(client).GetAsync(Ct);
        var operation = One(declare);
        var executor = new OperationExecutor();
        var context = Context(client, Member("memories"), server);

        Assert.NotNull(executor.Refusal(operation, server));
        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => executor.ExecuteAsync(operation, context, Ct));

        var info = await client.GetCollectionInfoAsync("memories", Ct);
        Assert.Equal(["content"], info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
        Assert.Empty(info.Config.Metadata);
        Assert.Contains("Nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Contains("collection 'memories'", error.Message, StringComparison.Ordinal);
        Assert.Contains(MigrationId, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public async Task AddVector_Server117_RefusedNamingVersions()
    {
        var error = await RunOnAsync("1.17.0", m => m.AddVector("relationship", 4, Distance.Cosine));

        Assert.Contains("AddVector 'relationship' needs Qdrant 1.18.0 or later", error.Message, StringComparison.Ordinal);
        Assert.Contains("the server is 1.17.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddSparseVectorAndDeleteVector_Server117_Refused()
    {
        var sparse = await RunOnAsync("1.17.0", m => m.AddSparseVector("keywords"));
        var delete = await RunOnAsync("1.17.0", m => m.DeleteVector("content"));

        Assert.Contains("the server is 1.17.0", sparse.Message, StringComparison.Ordinal);
        Assert.Contains("DeleteVector 'content' needs Qdrant 1.18.0", delete.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetAndRemoveMetadata_Server115_RefusedNamingVersions()
    {
        var set = await RunOnAsync("1.15.0", m => m.SetMetadata("owner", new Value { StringValue = "x" }));
        var remove = await RunOnAsync("1.15.0", m => m.RemoveMetadata("owner"));

        Assert.Contains("SetMetadata 'owner' needs Qdrant 1.16.0 or later", set.Message, StringComparison.Ordinal);
        Assert.Contains("the server is 1.15.0", set.Message, StringComparison.Ordinal);
        Assert.Contains("RemoveMetadata 'owner' needs Qdrant 1.16.0", remove.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refusal_CreateCollectionWithMetadataOn115_SaysMetadataNeeds116()
    {
        var executor = new OperationExecutor();
        var withMetadata = One(m => m.CreateCollection(c => c.AddVector("v", 4, Distance.Cosine).Metadata("k", new Value { BoolValue = true })));
        var without = One(m => m.CreateCollection(c => c.AddVector("v", 4, Distance.Cosine)));
        var old = new ServerInfo(new Version(1, 15, 0));

        Assert.Contains("needs Qdrant 1.16.0 or later; the server is 1.15.0", executor.Refusal(withMetadata, old), StringComparison.Ordinal);
        Assert.Null(executor.Refusal(without, old));
        Assert.Null(executor.Refusal(withMetadata, new ServerInfo(new Version(1, 16, 0))));
    }

    [Fact]
    public void Refusal_CurrentServer_OnlyRebuildsAndIrreversibleAreRefused()
    {
        var executor = new OperationExecutor();
        var server = new ServerInfo(new Version(1, 19, 0));

        Assert.Null(executor.Refusal(One(m => m.AddVector("v", 4, Distance.Cosine)), server));
        Assert.Null(executor.Refusal(One(m => m.SetMetadata("k", new Value { BoolValue = true })), server));
        Assert.Contains("needs a rebuild behind an alias (not supported yet)", executor.Refusal(One(m => m.ChangeShardNumber(2)), server), StringComparison.Ordinal);
        Assert.Contains("cannot be undone: gone", executor.Refusal(new Migrations.Operations.IrreversibleOperation("gone"), server), StringComparison.Ordinal);
    }
}
