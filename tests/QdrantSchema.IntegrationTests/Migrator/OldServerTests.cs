using QdrantSchema.Testing;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>A server too old for an operation: the plan says so and migrate refuses before changing anything.</summary>
public sealed class OldServerTests : IAsyncLifetime
{
    private readonly QdrantEmulator _emulator = new(new QdrantEmulatorOptions { ServerVersion = "1.17.0" });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _emulator.DisposeAsync();

    [Fact]
    public async Task MigrateAsync_AddVectorOnQdrant117_RefusesNamingServerVersionAndChangesNothing()
    {
        using var client = _emulator.CreateClient();
        var family = new CollectionFamily(Small.Family);
        family.Collections.Add("memories");
        var migrator = new QdrantMigrator(client, [new SmallCreate(), new SmallAddVector()], [family]);

        var plan = await migrator.PlanAsync(cancellationToken: Token);
        Assert.Equal("1.17.0", plan.ServerVersion);
        var refusal = plan.Collections.Single().Migrations[1].Operations[0].Refusal;
        Assert.Contains("AddVector 'w' needs Qdrant 1.18.0 or later", refusal, StringComparison.Ordinal);
        Assert.Contains("the server is 1.17.0", refusal, StringComparison.Ordinal);
        Assert.Null(plan.Collections.Single().Migrations[0].Operations[0].Refusal);

        var error = await Assert.ThrowsAsync<QdrantSchemaServerVersionException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Equal("1.17.0", error.ServerVersion);
        Assert.Equal(Small.AddVector, error.MigrationId);
        Assert.Equal("memories", error.Collection);
        Assert.Equal("AddVector 'w'", error.Operation);
        Assert.Contains("Migrate refused; nothing was changed. Migration '20250104000000_AddVector' on collection 'memories'", error.Message, StringComparison.Ordinal);
        Assert.Contains("upgrade Qdrant", error.Message, StringComparison.Ordinal);
        Assert.False(await client.CollectionExistsAsync("memories", Token));
        Assert.False(await client.CollectionExistsAsync("__qdrant_schema", Token));
    }

    [Fact]
    public async Task MigrateAsync_OnQdrant115_RecordsHistoryWithoutVersionMetadata()
    {
        await using var emulator = new QdrantEmulator(new QdrantEmulatorOptions { ServerVersion = "1.15.0" });
        using var client = emulator.CreateClient();
        var family = new CollectionFamily(Small.Family);
        family.Collections.Add("memories");
        var migrator = new QdrantMigrator(client, [new SmallCreate(), new SmallIndexA()], [family]);

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.True(result.Succeeded, result.ToString());
        var info = await client.GetCollectionInfoAsync("memories", Token);
        Assert.False(info.Config.Metadata.ContainsKey("qdrant_schema"));
        Assert.Equal(Small.IndexA, (await migrator.GetStatusAsync(Token)).Collections.Single().CurrentVersion);
    }
}
