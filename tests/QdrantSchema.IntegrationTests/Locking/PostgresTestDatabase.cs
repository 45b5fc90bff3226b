namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>
/// The PostgreSQL server the adapter tests use: <c>QDRANT_SCHEMA_TEST_POSTGRES</c> (an Npgsql connection string), which
/// <c>.ci/run</c> sets after starting a throwaway cluster on 127.0.0.1. Without it the tests skip locally and fail on CI.
/// </summary>
internal static class PostgresTestDatabase
{
    public const string Variable = "QDRANT_SCHEMA_TEST_POSTGRES";

    public static string ConnectionString()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail($"{Variable} is not set on CI: .ci/run should have started PostgreSQL and exported it.");
        }

        Assert.Skip($"No PostgreSQL for the lock adapter tests: set {Variable} (an Npgsql connection string) or run .ci/run.");
        return string.Empty;
    }
}
