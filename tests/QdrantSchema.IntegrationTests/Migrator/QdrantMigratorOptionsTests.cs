using QdrantSchema.Testing;

namespace QdrantSchema.IntegrationTests.Migrator;

public sealed class QdrantMigratorOptionsTests
{
    [Theory]
    [InlineData("HistoryCollection", "QdrantMigratorOptions.HistoryCollection 'a/b' is not a valid collection name")]
    [InlineData("MaxParallelCollections", "QdrantMigratorOptions.MaxParallelCollections must be at least 1; it is 0.")]
    [InlineData("DataStepBatchSize", "QdrantMigratorOptions.DataStepBatchSize must be between 1 and 10000; it is 0.")]
    [InlineData("LockTimeout", "QdrantMigratorOptions.LockTimeout must be zero or positive")]
    [InlineData("Lock", "QdrantMigratorOptions.Lock must be set")]
    [InlineData("UnknownAppliedMigrations", "QdrantMigratorOptions.UnknownAppliedMigrations has the undefined value 7")]
    public async Task Constructor_InvalidOption_ThrowsArgumentExceptionNamingIt(string option, string message)
    {
        await using var emulator = new QdrantEmulator();
        using var client = emulator.CreateClient();
        var options = new QdrantMigratorOptions();
        switch (option)
        {
            case "HistoryCollection": options.HistoryCollection = "a/b"; break;
            case "MaxParallelCollections": options.MaxParallelCollections = 0; break;
            case "DataStepBatchSize": options.DataStepBatchSize = 0; break;
            case "LockTimeout": options.LockTimeout = TimeSpan.FromSeconds(-5); break;
            case "Lock": options.Lock = null!; break;
            default: options.UnknownAppliedMigrations = (UnknownMigrationPolicy)7; break;
        }

        var error = Assert.Throws<ArgumentException>(() => new QdrantMigrator(client, [new SmallCreate()], [new CollectionFamily(Small.Family)], options));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(option, error.ParamName);
    }

    [Fact]
    public async Task Constructor_TwoFamiliesWithOneName_ThrowsArgumentException()
    {
        await using var emulator = new QdrantEmulator();
        using var client = emulator.CreateClient();

        var error = Assert.Throws<ArgumentException>(
            () => new QdrantMigrator(client, [new SmallCreate()], [new CollectionFamily(Small.Family), new CollectionFamily(Small.Family)]));

        Assert.Contains("The family 'small' is given twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new QdrantMigratorOptions();

        Assert.Equal("__qdrant_schema", options.HistoryCollection);
        Assert.Equal(4, options.MaxParallelCollections);
        Assert.True(options.ContinueOnCollectionFailure);
        Assert.Equal(UnknownMigrationPolicy.Warn, options.UnknownAppliedMigrations);
        Assert.False(options.AllowOutOfOrder);
        Assert.Empty(options.AcceptedChecksumChanges);
        Assert.Equal(256, options.DataStepBatchSize);
        Assert.Same(QdrantSchema.Locking.NoOpQdrantSchemaLock.Instance, options.Lock);
        Assert.Null(options.EmbedTexts);
    }

    [Fact]
    public void PublicTypes_AreSealed()
    {
        Type[] types =
        [
            typeof(QdrantMigrator), typeof(QdrantMigratorOptions), typeof(SchemaStatus), typeof(CollectionStatusReport), typeof(InterruptedMigration),
            typeof(MigrationPlan), typeof(CollectionPlan), typeof(PlannedMigration), typeof(PlannedOperation), typeof(MigrationRunResult),
            typeof(CollectionRunResult), typeof(ValidationReport), typeof(CollectionValidation), typeof(FamilyValidation), typeof(BaselineResult),
            typeof(CollectionBaseline), typeof(QdrantMigrationFailedException), typeof(QdrantSchemaDriftException), typeof(MigrationDrift),
            typeof(QdrantSchemaServerVersionException), typeof(QdrantSchemaLockTimeoutException),
        ];

        Assert.All(types, t => Assert.True(t.IsSealed, t.Name));
    }
}
