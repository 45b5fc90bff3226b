using System.Diagnostics;
using QdrantSchema.Locking;

namespace QdrantSchema.IntegrationTests.Locking;

/// <summary>
/// The behaviour every <see cref="IQdrantSchemaLock"/> provider must have (DistributedLock's shape): run by one sealed
/// subclass per provider. Each test uses its own lock names, so providers may share a backend across tests.
/// </summary>
public abstract class LockConformanceTests
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A lock instance for <paramref name="name"/>; two calls give two independent instances (two "processes").</summary>
    protected abstract ValueTask<IQdrantSchemaLock> CreateLockAsync(string name);

    /// <summary>Makes the provider lose <paramref name="handle"/> behind its back (lock taken away, connection killed).</summary>
    protected abstract Task LoseHandleAsync(IQdrantSchemaLockHandle handle, string name);

    /// <summary>How long a lost handle may take to notice.</summary>
    protected virtual TimeSpan LossDetectionLimit => TimeSpan.FromSeconds(15);

    /// <summary>Checks the provider-specific parts of a timeout message.</summary>
    protected virtual void AssertTimeoutMessage(QdrantSchemaLockTimeoutException exception, string name) =>
        Assert.Contains(name, exception.Message, StringComparison.Ordinal);

    protected static string NewLockName() => $"lock-{Guid.NewGuid():N}"[..21];

    [Fact]
    public async Task TryAcquireAsync_Free_ReturnsHandle()
    {
        var name = NewLockName();
        var schemaLock = await CreateLockAsync(name);

        await using var handle = await schemaLock.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(handle);
        Assert.False(handle.HandleLostToken.IsCancellationRequested);
    }

    [Fact]
    public async Task TryAcquireAsync_HeldByAnotherInstance_ReturnsNull()
    {
        var name = NewLockName();
        var first = await CreateLockAsync(name);
        var second = await CreateLockAsync(name);

        await using var held = await first.TryAcquireAsync(TimeSpan.Zero, Ct);
        var again = await second.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(held);
        Assert.Null(again);
    }

    [Fact]
    public async Task TryAcquireAsync_SameInstanceWhileHeld_ReturnsNull()
    {
        var name = NewLockName();
        var schemaLock = await CreateLockAsync(name);

        await using var held = await schemaLock.TryAcquireAsync(TimeSpan.Zero, Ct);
        var again = await schemaLock.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(held);
        Assert.Null(again);
    }

    [Fact]
    public async Task TryAcquireAsync_DifferentNames_AreIndependent()
    {
        var a = await CreateLockAsync(NewLockName());
        var b = await CreateLockAsync(NewLockName());

        await using var first = await a.TryAcquireAsync(TimeSpan.Zero, Ct);
        await using var second = await b.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(first);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task DisposeAsync_Held_AnotherInstanceAcquiresAndFencingTokenGrows()
    {
        var name = NewLockName();
        var first = await CreateLockAsync(name);
        var second = await CreateLockAsync(name);

        var held = await first.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);
        var firstToken = held.FencingToken;
        await held.DisposeAsync();
        await held.DisposeAsync(); // idempotent
        await using var next = await second.TryAcquireAsync(TimeSpan.Zero, Ct);

        Assert.NotNull(next);
        if (firstToken is not null)
        {
            Assert.True(next.FencingToken > firstToken, $"token {next.FencingToken} should be greater than {firstToken}");
        }
    }

    [Fact]
    public async Task TryAcquireAsync_HeldUntilTimeout_ReturnsNullAfterTheTimeout()
    {
        var name = NewLockName();
        var holder = await CreateLockAsync(name);
        var waiter = await CreateLockAsync(name);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        var watch = Stopwatch.StartNew();
        var handle = await waiter.TryAcquireAsync(TimeSpan.FromMilliseconds(400), Ct);

        Assert.Null(handle);
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(350), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task AcquireAsync_HeldUntilTimeout_ThrowsTimeoutExceptionNamingTheLock()
    {
        var name = NewLockName();
        var holder = await CreateLockAsync(name);
        var waiter = await CreateLockAsync(name);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        var exception = await Assert.ThrowsAsync<QdrantSchemaLockTimeoutException>(
            async () => await waiter.AcquireAsync(TimeSpan.FromMilliseconds(200), Ct));

        Assert.Equal(TimeSpan.FromMilliseconds(200), exception.Timeout);
        AssertTimeoutMessage(exception, name);
    }

    [Fact]
    public async Task TryAcquireAsync_ReleasedWhileWaiting_Acquires()
    {
        var name = NewLockName();
        var holder = await CreateLockAsync(name);
        var waiter = await CreateLockAsync(name);
        var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);

        var waiting = waiter.TryAcquireAsync(TimeSpan.FromSeconds(20), Ct).AsTask();
        await Task.Delay(300, Ct);
        Assert.False(waiting.IsCompleted);
        await held.DisposeAsync();
        await using var acquired = await waiting;

        Assert.NotNull(acquired);
    }

    [Fact]
    public async Task TryAcquireAsync_CancelledWhileWaiting_ThrowsOperationCanceled()
    {
        var name = NewLockName();
        var holder = await CreateLockAsync(name);
        var waiter = await CreateLockAsync(name);
        await using var held = await holder.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(300);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await waiter.TryAcquireAsync(Timeout.InfiniteTimeSpan, cancel.Token));
    }

    [Fact]
    public async Task TryAcquireAsync_AlreadyCancelled_ThrowsOperationCanceled()
    {
        var schemaLock = await CreateLockAsync(NewLockName());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await schemaLock.TryAcquireAsync(TimeSpan.Zero, new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task HandleLostToken_LockTakenAway_Fires()
    {
        var name = NewLockName();
        var schemaLock = await CreateLockAsync(name);
        await using var held = await schemaLock.TryAcquireAsync(TimeSpan.Zero, Ct);
        Assert.NotNull(held);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = held.HandleLostToken.Register(() => lost.TrySetResult());

        await LoseHandleAsync(held, name);

        await lost.Task.WaitAsync(LossDetectionLimit, Ct);
        Assert.True(held.HandleLostToken.IsCancellationRequested);
    }
}
