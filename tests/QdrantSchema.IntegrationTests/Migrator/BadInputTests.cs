using Qdrant.Client.Grpc;
using QdrantSchema.Locking;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>Each bad input gets a clear error naming what is wrong and what to do, and changes nothing.</summary>
public abstract class BadInputTests(QdrantBackend backend)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_DuplicateMigrationIds_ThrowsDefinitionErrorAndChangesNothing()
    {
        var (collection, history, migrator) = Create([new SmallCreate(), new SmallDuplicateId()]);

        var error = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Equal(Small.Create, error.MigrationId);
        Assert.Contains($"Migration id '{Small.Create}' is used by two classes", error.Message, StringComparison.Ordinal);
        Assert.Contains("Give one of them a new id", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Fact]
    public async Task MigrateAsync_VectorAddedTwiceWithDifferentConfig_ThrowsDefinitionErrorNamingOperation()
    {
        var (collection, history, migrator) = Create([new SmallCreate(), new SmallAddVectorTwice()]);

        var error = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Equal("20250106000000_AddVAgain", error.MigrationId);
        Assert.Equal("AddVector 'v'", error.Operation);
        Assert.Contains("Migration '20250106000000_AddVAgain' (family 'small'): AddVector 'v'", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Theory]
    [InlineData(typeof(SmallIndexOnVectorName), "CreatePayloadIndex 'v'")]
    [InlineData(typeof(SmallZeroDimension), "AddVector 'zero'")]
    [InlineData(typeof(SmallHugeDimension), "AddVector 'huge'")]
    [InlineData(typeof(SmallBadVectorName), "AddVector 'a/b'")]
    public async Task PlanAsync_OperationInvalidAtThatPoint_ThrowsDefinitionErrorNamingMigrationAndOperation(Type migrationType, string operation)
    {
        var invalid = (QdrantMigration)Activator.CreateInstance(migrationType)!;
        var (collection, history, migrator) = Create([new SmallCreate(), invalid]);

        var error = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => migrator.PlanAsync(cancellationToken: Token));

        Assert.Equal(invalid.Id, error.MigrationId);
        Assert.Equal(operation, error.Operation);
        Assert.StartsWith($"Migration '{invalid.Id}' (family 'small'): {operation}", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Fact]
    public async Task MigrateAsync_MigrationWithNoOperations_ThrowsDefinitionError()
    {
        var (collection, history, migrator) = Create([new SmallCreate(), new SmallEmpty()]);

        var error = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Contains("Migration '20250105000000_Empty' (family 'small'): declares no operations in Up", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Fact]
    public async Task MigrateAsync_FamilyWhoseResolverReturnsNothing_ThrowsNamingFamily()
    {
        var history = QdrantBackend.NewName("hist");
        var family = new CollectionFamily(Small.Family) { Resolver = _ => ValueTask.FromResult<IEnumerable<string>>([]) };
        var migrator = new QdrantMigrator(backend.Client, [new SmallCreate()], [family], new QdrantMigratorOptions { HistoryCollection = history });

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Contains("Family 'small' resolves to no collection", error.Message, StringComparison.Ordinal);
        Assert.False(await backend.Client.CollectionExistsAsync(history, Token));
    }

    [Fact]
    public async Task MigrateAsync_AliasOfAnotherFamilysCollection_ThrowsNamingBoth()
    {
        var history = QdrantBackend.NewName("hist");
        var other = QdrantBackend.NewName("oth");
        var alias = QdrantBackend.NewName("al");
        await backend.Client.CreateCollectionAsync(other, new VectorParamsMap { Map = { ["x"] = new VectorParams { Size = 4, Distance = Distance.Dot } } }, cancellationToken: Token);
        await backend.Client.CreateAliasAsync(alias, other, cancellationToken: Token);
        var small = new CollectionFamily(Small.Family);
        small.Collections.Add(alias);
        var otherFamily = new CollectionFamily("other");
        otherFamily.Collections.Add(other);
        var migrator = new QdrantMigrator(
            backend.Client, [new SmallCreate(), new OtherCreate()], [small, otherFamily], new QdrantMigratorOptions { HistoryCollection = history });

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Contains($"alias '{alias}' points at collection '{other}', which belongs to family 'other'", error.Message, StringComparison.Ordinal);
        Assert.False(await backend.Client.CollectionExistsAsync(history, Token));
    }

    [Fact]
    public async Task MigrateAsync_FamilyWithoutMigrationsOrMigrationWithoutFamily_ThrowsBeforeContactingServer()
    {
        var small = new CollectionFamily(Small.Family);
        small.Collections.Add(QdrantBackend.NewName("sm"));
        var empty = new CollectionFamily("empty");
        empty.Collections.Add(QdrantBackend.NewName("em"));

        var noMigrations = new QdrantMigrator(backend.Client, [new SmallCreate()], [small, empty]);
        var first = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => noMigrations.GetStatusAsync(Token));
        Assert.Contains("Family 'empty' has no migrations", first.Message, StringComparison.Ordinal);

        var noFamily = new QdrantMigrator(backend.Client, [new SmallCreate(), new OtherCreate()], [small]);
        var second = await Assert.ThrowsAsync<QdrantMigrationDefinitionException>(() => noFamily.MigrateAsync(cancellationToken: Token));
        Assert.Contains("targets family 'other', but no CollectionFamily named 'other' was given", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_RebuildOperation_RefusedBeforeAnythingRuns()
    {
        var (collection, history, migrator) = Create([new SmallCreate(), new SmallChangeVectorSize()]);

        var plan = await migrator.PlanAsync(cancellationToken: Token);
        var change = plan.Collections.Single().Migrations[1];
        Assert.Equal(OperationKind.Rebuild, change.Kind);
        Assert.Contains("needs a rebuild behind an alias (not supported yet)", change.Operations[0].Refusal, StringComparison.Ordinal);
        Assert.True(plan.HasRefusals);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Contains("Migrate refused; nothing was changed. Migration '20250111000000_ChangeSize'", error.Message, StringComparison.Ordinal);
        Assert.Contains("needs a rebuild behind an alias", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Fact]
    public async Task MigrateAsync_LockNotAcquired_ThrowsTimeoutAndReadsNothing()
    {
        var (collection, history, _) = Create([new SmallCreate()]);
        var family = new CollectionFamily(Small.Family);
        family.Collections.Add(collection);
        var migrator = new QdrantMigrator(
            backend.Client, [new SmallCreate()], [family],
            new QdrantMigratorOptions { HistoryCollection = history, Lock = new NeverLock(), LockTimeout = TimeSpan.FromMilliseconds(10) });

        var error = await Assert.ThrowsAsync<QdrantSchemaLockTimeoutException>(() => migrator.MigrateAsync(cancellationToken: Token));

        Assert.Equal(TimeSpan.FromMilliseconds(10), error.Timeout);
        Assert.Contains("was not acquired within", error.Message, StringComparison.Ordinal);
        await AssertNothingChangedAsync(collection, history);
    }

    [Fact]
    public async Task MigrateAsync_OneCollectionFailsAndContinueIsOff_SkipsTheOthers()
    {
        var history = QdrantBackend.NewName("hist");
        var names = Enumerable.Range(0, 3).Select(i => QdrantBackend.NewName($"p{i}")).Order(StringComparer.Ordinal).ToList();
        // The first collection (in run order) exists with a conflicting vector, so CreateCollection fails on it.
        await backend.Client.CreateCollectionAsync(names[0], new VectorParamsMap { Map = { ["v"] = new VectorParams { Size = 8, Distance = Distance.Dot } } }, cancellationToken: Token);
        var family = new CollectionFamily(Small.Family);
        foreach (var name in names)
        {
            family.Collections.Add(name);
        }

        var migrator = new QdrantMigrator(
            backend.Client, [new SmallCreate(), new SmallIndexA()], [family],
            new QdrantMigratorOptions { HistoryCollection = history, MaxParallelCollections = 1, ContinueOnCollectionFailure = false });

        var result = await migrator.MigrateAsync(cancellationToken: Token);

        Assert.False(result.Succeeded);
        Assert.Equal(CollectionRunOutcome.Failed, result.Collections[0].Outcome);
        Assert.Equal(Small.Create, result.Collections[0].FailedMigrationId);
        Assert.Equal(0, result.Collections[0].FailedStep);
        Assert.Contains(names[0], result.Collections[0].Error, StringComparison.Ordinal);
        Assert.All(result.Collections.Skip(1), c => Assert.Equal(CollectionRunOutcome.Skipped, c.Outcome));
        Assert.All(result.Collections.Skip(1), c => Assert.Contains("ContinueOnCollectionFailure is off", c.Error, StringComparison.Ordinal));
        var thrown = Assert.Throws<QdrantMigrationFailedException>(result.ThrowIfFailed);
        Assert.Equal(Small.Create, thrown.MigrationId);
        Assert.Equal(names[0], thrown.Collection);
        Assert.Equal(0, thrown.Step);
        Assert.NotNull(thrown.InnerException);

        // With the default policy the others continue and the run still reports the failure.
        var continuing = new QdrantMigrator(
            backend.Client, [new SmallCreate(), new SmallIndexA()], [family], new QdrantMigratorOptions { HistoryCollection = history });
        var second = await continuing.MigrateAsync(cancellationToken: Token);
        Assert.False(second.Succeeded);
        Assert.Equal(CollectionRunOutcome.Failed, second.Collections[0].Outcome);
        Assert.All(second.Collections.Skip(1), c => Assert.Equal(CollectionRunOutcome.Succeeded, c.Outcome));
    }

    private (string Collection, string History, QdrantMigrator Migrator) Create(IEnumerable<QdrantMigration> migrations)
    {
        var collection = QdrantBackend.NewName("sm");
        var history = QdrantBackend.NewName("hist");
        var family = new CollectionFamily(Small.Family);
        family.Collections.Add(collection);
        return (collection, history, new QdrantMigrator(backend.Client, migrations, [family], new QdrantMigratorOptions { HistoryCollection = history }));
    }

    private async Task AssertNothingChangedAsync(string collection, string history)
    {
        Assert.False(await backend.Client.CollectionExistsAsync(collection, Token));
        Assert.False(await backend.Client.CollectionExistsAsync(history, Token));
    }

    private sealed class NeverLock : IQdrantSchemaLock
    {
        public ValueTask<IQdrantSchemaLockHandle?> TryAcquireAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
            => ValueTask.FromResult<IQdrantSchemaLockHandle?>(null);
    }
}

public sealed class BadInputTests_Server(ServerBackend backend) : BadInputTests(backend);

public sealed class BadInputTests_InProcess(InProcessBackend backend) : BadInputTests(backend);
