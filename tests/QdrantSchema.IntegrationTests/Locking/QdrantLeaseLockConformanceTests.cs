using QdrantSchema.Locking;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>The lock suite against <see cref="QdrantLeaseLock"/> on the server backend (real Qdrant when configured, else the emulator on loopback).</summary>
public sealed class QdrantLeaseLockConformanceTests(ServerBackend backend) : LockConformanceTests
{
    private readonly string _collection = QdrantBackend.NewName("locks");

    /// <summary>Short leases keep the suite fast: 2 s lease, 200 ms margin, renewal every 667 ms.</summary>
    internal static QdrantLeaseLockOptions ShortLease(string name, string collection) => new()
    {
        LockName = name,
        HistoryCollection = collection,
        LeaseDuration = TimeSpan.FromSeconds(2),
        ClockSkewMargin = TimeSpan.FromMilliseconds(200),
        AllowShortLeaseForTesting = true,
    };

    protected override ValueTask<IQdrantSchemaLock> CreateLockAsync(string name) =>
        ValueTask.FromResult<IQdrantSchemaLock>(new QdrantLeaseLock(backend.Client, ShortLease(name, _collection)));

    protected override async Task LoseHandleAsync(IQdrantSchemaLockHandle handle, string name)
    {
        // An operator forces the lock free: the holder's next renewal sees the advanced token.
        var other = new QdrantLeaseLock(backend.Client, ShortLease(name, _collection));
        var released = await other.ForceReleaseAsync("conformance-test", Ct);
        Assert.NotNull(released);
        Assert.Equal(handle.FencingToken, released.FencingToken);
    }

    protected override void AssertTimeoutMessage(QdrantSchemaLockTimeoutException exception, string name)
    {
        base.AssertTimeoutMessage(exception, name);
        Assert.Contains($"host '{Environment.MachineName}' (process {Environment.ProcessId})", exception.Message, StringComparison.Ordinal);
        Assert.Contains("since ", exception.Message, StringComparison.Ordinal);
        Assert.Contains("qdrant-schema lock release --force", exception.Message, StringComparison.Ordinal);
        Assert.Contains("ForceReleaseAsync", exception.Message, StringComparison.Ordinal);
    }
}
