using Medallion.Threading.Postgres;
using Npgsql;
using QdrantSchema.DistributedLock;
using QdrantSchema.Locking;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>The lock suite against <see cref="DistributedLockQdrantSchemaLock"/> over a real PostgreSQL advisory lock.</summary>
public sealed class PostgresLockConformanceTests : LockConformanceTests
{
    protected override ValueTask<IQdrantSchemaLock> CreateLockAsync(string name)
    {
        var connectionString = PostgresTestDatabase.ConnectionString();
        return ValueTask.FromResult<IQdrantSchemaLock>(new DistributedLockQdrantSchemaLock(
            new PostgresDistributedLock(new PostgresAdvisoryLockKey(name, allowHashing: true), connectionString)));
    }

    protected override async Task LoseHandleAsync(IQdrantSchemaLockHandle handle, string name)
    {
        // Kill the server session that holds the advisory lock, as a failover or an idle-session reaper would.
        await using var connection = new NpgsqlConnection(PostgresTestDatabase.ConnectionString());
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_locks WHERE locktype = 'advisory' AND pid <> pg_backend_pid()", connection);
        var killed = (long)(await command.ExecuteScalarAsync(Ct))!;
        Assert.True(killed >= 1, "no session held an advisory lock");
    }

    protected override void AssertTimeoutMessage(QdrantSchemaLockTimeoutException exception, string name)
    {
        // The advisory-lock key is a hash of the name; the message names the key and the provider.
        Assert.Contains(new PostgresAdvisoryLockKey(name, allowHashing: true).ToString(), exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(PostgresDistributedLock), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FencingToken_PostgresAdvisoryLock_IsNull()
    {
        var schemaLock = await CreateLockAsync(NewLockName());

        await using var handle = await schemaLock.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(handle);
        Assert.Null(handle.FencingToken);
    }

    [Fact]
    public void Constructor_NullLock_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => new DistributedLockQdrantSchemaLock((Medallion.Threading.IDistributedLock)null!));
        Assert.Throws<ArgumentNullException>(() => new DistributedLockQdrantSchemaLock((Medallion.Threading.IDistributedLockProvider)null!));
    }
}
