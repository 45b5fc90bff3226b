using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Migrator;

/// <summary>The history disagrees with the code: changed checksums, unknown applied migrations, out-of-order migrations.</summary>
public abstract class HistoryDriftTests(QdrantBackend backend)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MigrateAsync_AppliedMigrationEdited_RefusesNamingItThenAcceptsWhenListed()
    {
        var (collection, history) = Names();
        await Migrator(collection, history, [new SmallCreate(), new SmallIndexA()]).MigrateAsync(cancellationToken: Token);
        var edited = Migrator(collection, history, [new SmallCreate(), new SmallIndexAEdited(), new SmallIndexC()]);

        var error = await Assert.ThrowsAsync<QdrantSchemaDriftException>(() => edited.MigrateAsync(cancellationToken: Token));

        var drift = Assert.Single(error.Drifts);
        Assert.Equal(MigrationDriftKind.ChecksumChanged, drift.Kind);
        Assert.Equal(Small.IndexA, drift.MigrationId);
        Assert.Equal(collection, drift.Collection);
        Assert.Contains($"Migration '{Small.IndexA}' was recorded on collection '{collection}' with checksum", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing was changed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"add \"{Small.IndexA}\" to QdrantMigratorOptions.AcceptedChecksumChanges", error.Message, StringComparison.Ordinal);
        Assert.False((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("c"));
        var status = await edited.GetStatusAsync(Token);
        Assert.Equal([Small.IndexA], status.Collections.Single().ChecksumMismatches);
        Assert.True(status.HasFailures);
        Assert.NotEmpty((await edited.PlanAsync(cancellationToken: Token)).Collections.Single().Blockers);

        var accepted = Migrator(collection, history, [new SmallCreate(), new SmallIndexAEdited(), new SmallIndexC()], o => o.AcceptedChecksumChanges.Add(Small.IndexA));
        var result = await accepted.MigrateAsync(cancellationToken: Token);

        Assert.True(result.Succeeded, result.ToString());
        Assert.Equal([Small.IndexC], result.Collections.Single().AppliedMigrations);
        Assert.Empty((await edited.GetStatusAsync(Token)).Collections.Single().ChecksumMismatches);
        var records = await new QdrantHistoryStore(backend.Client, history).ReadAsync(collection, Token);
        var catalog = MigrationCatalog.Create([new SmallCreate(), new SmallIndexAEdited()]);
        Assert.Equal(catalog.Families[Small.Family].Find(Small.IndexA)!.Checksum, records.Single(r => r.MigrationId == Small.IndexA).Checksum);
    }

    [Fact]
    public async Task MigrateAsync_HistoryHasMigrationUnknownToCode_WarnsByDefaultAndFailsUnderFailPolicy()
    {
        var (collection, history) = Names();
        await Migrator(collection, history, [new SmallCreate(), new SmallIndexA(), new SmallIndexC()]).MigrateAsync(cancellationToken: Token);
        var older = Migrator(collection, history, [new SmallCreate(), new SmallIndexA()]);

        var status = await older.GetStatusAsync(Token);
        Assert.Equal([Small.IndexC], status.Collections.Single().UnknownApplied);
        Assert.Contains("applied but unknown to the code: " + Small.IndexC, status.ToString(), StringComparison.Ordinal);

        var warned = await older.MigrateAsync(cancellationToken: Token);
        Assert.True(warned.Succeeded);
        Assert.Equal(CollectionRunOutcome.NothingToDo, warned.Collections.Single().Outcome);

        var strict = Migrator(collection, history, [new SmallCreate(), new SmallIndexA()], o => o.UnknownAppliedMigrations = UnknownMigrationPolicy.Fail);
        var error = await Assert.ThrowsAsync<QdrantSchemaDriftException>(() => strict.MigrateAsync(cancellationToken: Token));

        var drift = Assert.Single(error.Drifts);
        Assert.Equal(MigrationDriftKind.UnknownApplied, drift.Kind);
        Assert.Equal(Small.IndexC, drift.MigrationId);
        Assert.Contains($"Migration '{Small.IndexC}' is recorded as succeeded on collection '{collection}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("does not define it", error.Message, StringComparison.Ordinal);
        Assert.Contains("UnknownAppliedMigrations to Warn", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrateAsync_PendingMigrationOlderThanApplied_RefusedUnlessAllowed()
    {
        var (collection, history) = Names();
        await Migrator(collection, history, [new SmallCreate(), new SmallIndexA(), new SmallIndexC()]).MigrateAsync(cancellationToken: Token);
        List<QdrantMigration> withB = [new SmallCreate(), new SmallIndexA(), new SmallIndexB(), new SmallIndexC()];

        var error = await Assert.ThrowsAsync<QdrantSchemaDriftException>(() => Migrator(collection, history, withB).MigrateAsync(cancellationToken: Token));

        var drift = Assert.Single(error.Drifts);
        Assert.Equal(MigrationDriftKind.OutOfOrder, drift.Kind);
        Assert.Equal(Small.IndexB, drift.MigrationId);
        Assert.Contains($"Migration '{Small.IndexB}' is pending on collection '{collection}', but '{Small.IndexC}', which is newer, is already applied", error.Message, StringComparison.Ordinal);
        Assert.Contains("AllowOutOfOrder", error.Message, StringComparison.Ordinal);
        Assert.False((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("b"));
        Assert.Equal([Small.IndexB], (await Migrator(collection, history, withB).GetStatusAsync(Token)).Collections.Single().OutOfOrder);

        var allowed = await Migrator(collection, history, withB, o => o.AllowOutOfOrder = true).MigrateAsync(cancellationToken: Token);

        Assert.True(allowed.Succeeded, allowed.ToString());
        Assert.Equal([Small.IndexB], allowed.Collections.Single().AppliedMigrations);
        Assert.Equal(Small.IndexC, allowed.Collections.Single().Version);
        Assert.True((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("b"));
    }

    [Fact]
    public async Task MigrateAsync_TargetVersion_StopsAtTargetAndRefusesToGoBack()
    {
        var (collection, history) = Names();
        List<QdrantMigration> all = [new SmallCreate(), new SmallIndexA(), new SmallIndexC()];

        var toA = await Migrator(collection, history, all).MigrateAsync(Small.IndexA, Token);
        Assert.Equal(Small.IndexA, toA.Collections.Single().Version);
        Assert.False((await backend.Client.GetCollectionInfoAsync(collection, Token)).PayloadSchema.ContainsKey("c"));

        await Migrator(collection, history, all).MigrateAsync(cancellationToken: Token);
        var back = await Assert.ThrowsAsync<QdrantSchemaException>(() => Migrator(collection, history, all).MigrateAsync(Small.IndexA, Token));
        Assert.Contains($"is at '{Small.IndexC}', past the target '{Small.IndexA}'", back.Message, StringComparison.Ordinal);

        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => Migrator(collection, history, all).MigrateAsync("20250102000000_Typo", Token));
        Assert.Equal("targetVersion", unknown.ParamName);
    }

    [Fact]
    public async Task ValidateAsync_DeclaredSchemaAheadOfMigrations_ReportsPendingModelChanges()
    {
        var (collection, history) = Names();
        var family = new CollectionFamily(Small.Family)
        {
            DeclaredSchema = QdrantSchema.Schema.CollectionSchema.Build(m => m
                .CreateCollection(c => c.AddVector("v", 4, Distance.Dot))
                .CreatePayloadIndex("a", PayloadSchemaType.Keyword)
                .CreatePayloadIndex("z", PayloadSchemaType.Keyword)),
        };
        family.Collections.Add(collection);
        var migrator = new QdrantMigrator(backend.Client, [new SmallCreate(), new SmallIndexA()], [family], new QdrantMigratorOptions { HistoryCollection = history });
        await migrator.MigrateAsync(cancellationToken: Token);

        var report = await migrator.ValidateAsync(Token);

        var familyReport = Assert.Single(report.Families);
        Assert.True(familyReport.HasPendingModelChanges);
        Assert.Contains(familyReport.PendingModelChanges!.Errors, e => e.Path == "payload_schema.z");
        Assert.False(report.IsValid);
        Assert.True(report.Collections.Single().IsValid, report.ToString());
        Assert.Contains("pending model changes", report.ToString(), StringComparison.Ordinal);
    }

    private static (string Collection, string History) Names() => (QdrantBackend.NewName("sm"), QdrantBackend.NewName("hist"));

    private QdrantMigrator Migrator(string collection, string history, IEnumerable<QdrantMigration> migrations, Action<QdrantMigratorOptions>? configure = null)
    {
        var options = new QdrantMigratorOptions { HistoryCollection = history };
        configure?.Invoke(options);
        var family = new CollectionFamily(Small.Family);
        family.Collections.Add(collection);
        return new QdrantMigrator(backend.Client, migrations, [family], options);
    }
}

public sealed class HistoryDriftTests_Server(ServerBackend backend) : HistoryDriftTests(backend);

public sealed class HistoryDriftTests_InProcess(InProcessBackend backend) : HistoryDriftTests(backend);
