using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Rollback;

/// <summary>Every generated inverse, applied on a live collection by a rollback, restores the schema before its migration.</summary>
public abstract class InverseRollbackTests(QdrantBackend backend)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RollbackAsync_EachInvertibleOperation_RestoresThePreviousSchema()
    {
        var (collection, history, alias, migrator, migrations) = Create();
        Assert.True((await migrator.MigrateAsync(targetVersion: Inverses.Update, cancellationToken: Token)).Succeeded);
        await UpsertPointWithWAsync(collection);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);

        // Each step back undoes one migration; the live collection then matches the fold up to the target.
        string[] targets = [Inverses.Update, Inverses.Alias, Inverses.OwnerB, Inverses.OwnerA, Inverses.AddVector, Inverses.Index, Inverses.Create];
        foreach (var target in targets)
        {
            var result = await migrator.RollbackAsync(target, Token);
            Assert.True(result.Succeeded, result.ToString());
            var single = Assert.Single(result.Collections);
            Assert.Single(single.RolledBackMigrations);
            Assert.Equal(target, single.Version);

            var info = await backend.Client.GetCollectionInfoAsync(collection, Token);
            var comparison = Schema.CollectionSchema.Compare(MigrationModel.Fold(migrations, target), info);
            Assert.False(comparison.HasErrors, $"after rolling back to {target}: {comparison}");
            Assert.Equal(target, info.Config.Metadata["qdrant_schema"].StructValue.Fields["version"].StringValue);
            var status = Assert.Single((await migrator.GetStatusAsync(Token)).Collections);
            Assert.Equal(target, status.CurrentVersion);

            switch (target)
            {
                case Inverses.Update: // DeleteVector w undone: w is back, empty
                    Assert.Contains("w", info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
                    Assert.Contains(result.Warnings, w => w.Contains("re-creates vector 'w' empty", StringComparison.Ordinal));
                    var point = (await backend.Client.RetrieveAsync(collection, 1ul, withPayload: false, withVectors: true, cancellationToken: Token)).Single();
                    Assert.False(point.Vectors.Vectors.Vectors.ContainsKey("w"), "the deleted vector's data cannot come back");
                    break;
                case Inverses.Alias: // UpdateCollection undone: previous values
                    Assert.Equal(20000ul, info.Config.OptimizerConfig.IndexingThreshold);
                    Assert.Equal(16ul, info.Config.HnswConfig.M);
                    break;
                case Inverses.OwnerB: // CreateAlias undone
                    Assert.DoesNotContain(await backend.Client.ListAliasesAsync(Token), a => a.AliasName == alias);
                    break;
                case Inverses.OwnerA: // SetMetadata undone: the previous value
                    Assert.Equal("team-a", info.Config.Metadata["owner"].StringValue);
                    break;
                case Inverses.AddVector: // SetMetadata undone: no previous value, key removed
                    Assert.False(info.Config.Metadata.ContainsKey("owner"));
                    break;
                case Inverses.Index: // AddVector undone
                    Assert.DoesNotContain("w", info.Config.Params.VectorsConfig.ParamsMap.Map.Keys);
                    break;
                case Inverses.Create: // CreatePayloadIndex undone
                    Assert.False(info.PayloadSchema.ContainsKey("a"));
                    break;
            }
        }

        var records = await new QdrantHistoryStore(backend.Client, history).ReadAsync(collection, Token);
        Assert.Equal(MigrationStatus.Succeeded, records.Single(r => r.MigrationId == Inverses.Create).Status);
        Assert.All(records.Where(r => r.MigrationId != Inverses.Create), r =>
        {
            Assert.Equal(MigrationStatus.RolledBack, r.Status);
            Assert.Equal(MigrationDirection.Down, r.Direction);
            Assert.Null(r.Error);
        });

        // Migrate re-applies the rolled-back migrations.
        var again = await migrator.MigrateAsync(cancellationToken: Token);
        Assert.True(again.Succeeded, again.ToString());
        Assert.Equal(7, again.AppliedCount);
        var final = await backend.Client.GetCollectionInfoAsync(collection, Token);
        Assert.False(Schema.CollectionSchema.Compare(MigrationModel.Fold(migrations), final).HasErrors);
        var reapplied = await new QdrantHistoryStore(backend.Client, history).ReadAsync(collection, Token);
        Assert.All(reapplied, r =>
        {
            Assert.Equal(MigrationStatus.Succeeded, r.Status);
            Assert.Equal(MigrationDirection.Up, r.Direction);
            Assert.Null(r.RollbackTarget);
        });
    }

    [Fact]
    public async Task RollbackAsync_SeveralVersionsAtOnce_UndoesNewestFirstAndReportsDataLoss()
    {
        var (collection, _, alias, migrator, migrations) = Create();
        Assert.True((await migrator.MigrateAsync(targetVersion: Inverses.Update, cancellationToken: Token)).Succeeded);
        await UpsertPointWithWAsync(collection);
        Assert.True((await migrator.MigrateAsync(cancellationToken: Token)).Succeeded);

        var plan = await migrator.PlanRollbackAsync(Inverses.Index, Token);
        var planned = Assert.Single(plan.Collections);
        Assert.False(plan.HasRefusals, plan.ToString());
        Assert.Equal(
            [Inverses.DeleteVector, Inverses.Update, Inverses.Alias, Inverses.OwnerB, Inverses.OwnerA, Inverses.AddVector],
            planned.Migrations.Select(m => m.Id));
        Assert.Equal(Inverses.Index, planned.TargetVersion);
        Assert.Equal("AddVector 'w'", Assert.Single(planned.Migrations[0].Operations).Description);
        Assert.Equal("DeleteVector 'w'", Assert.Single(planned.Migrations[^1].Operations).Description);
        Assert.Contains(planned.Migrations[^1].Warnings, w => w.Contains("'w'", StringComparison.Ordinal));

        var result = await migrator.RollbackAsync(Inverses.Index, Token);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal(planned.Migrations.Select(m => m.Id), result.Collections[0].RolledBackMigrations);
        Assert.Equal(Inverses.Index, result.Collections[0].Version);
        Assert.NotEmpty(result.Warnings);
        var info = await backend.Client.GetCollectionInfoAsync(collection, Token);
        Assert.False(Schema.CollectionSchema.Compare(MigrationModel.Fold(migrations, Inverses.Index), info).HasErrors);
        Assert.DoesNotContain(await backend.Client.ListAliasesAsync(Token), a => a.AliasName == alias);
        var point = (await backend.Client.RetrieveAsync(collection, 1ul, withPayload: true, withVectors: true, cancellationToken: Token)).Single();
        Assert.Equal("x", point.Payload["a"].StringValue);
        Assert.Equal(["v"], point.Vectors.Vectors.Vectors.Keys);
    }

    [Fact]
    public async Task RollbackAsync_UnknownTarget_ThrowsArgumentExceptionAndNullThrowsArgumentNull()
    {
        var (_, _, _, migrator, _) = Create();
        await Assert.ThrowsAsync<ArgumentNullException>(() => migrator.RollbackAsync(null!, Token));
        var error = await Assert.ThrowsAsync<ArgumentException>(() => migrator.RollbackAsync("20990101000000_Nope", Token));
        Assert.Contains("is not the id of any migration", error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => migrator.PlanRollbackAsync("20990101000000_Nope", Token));
    }

    [Fact]
    public async Task RollbackAsync_NothingAfterTarget_IsNothingToDo()
    {
        var (_, _, _, migrator, _) = Create();
        Assert.True((await migrator.MigrateAsync(targetVersion: Inverses.Index, cancellationToken: Token)).Succeeded);

        var result = await migrator.RollbackAsync(Inverses.Index, Token);

        Assert.True(result.Succeeded);
        Assert.Equal(CollectionRunOutcome.NothingToDo, Assert.Single(result.Collections).Outcome);
        Assert.Equal(0, result.RolledBackCount);
    }

    private Task UpsertPointWithWAsync(string collection)
        => backend.Client.UpsertAsync(
            collection,
            [new PointStruct { Id = 1, Vectors = new Dictionary<string, float[]> { ["v"] = [1, 0, 0, 0], ["w"] = [0, 1, 0, 0] }, Payload = { ["a"] = "x" } }],
            cancellationToken: Token);

    private (string Collection, string History, string Alias, QdrantMigrator Migrator, List<QdrantMigration> Migrations) Create()
    {
        var collection = QdrantBackend.NewName("inv");
        var history = QdrantBackend.NewName("hist");
        var alias = QdrantBackend.NewName("al");
        var family = new CollectionFamily(Inverses.Family);
        family.Collections.Add(collection);
        var migrations = Inverses.Migrations(alias);
        var migrator = new QdrantMigrator(backend.Client, migrations, [family], new QdrantMigratorOptions { HistoryCollection = history });
        return (collection, history, alias, migrator, migrations);
    }
}

public sealed class InverseRollbackTests_Server(ServerBackend backend) : InverseRollbackTests(backend);

public sealed class InverseRollbackTests_InProcess(InProcessBackend backend) : InverseRollbackTests(backend);
