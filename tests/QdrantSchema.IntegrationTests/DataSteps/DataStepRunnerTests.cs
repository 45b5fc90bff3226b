using Microsoft.Extensions.AI;
using Qdrant.Client.Grpc;
using QdrantSchema.Execution.DataSteps;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Tests.Backends;
using static Qdrant.Client.Grpc.Conditions;

namespace QdrantSchema.IntegrationTests.DataSteps;

public abstract class DataStepRunnerTests(QdrantBackend backend)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private DataStepHarness NewHarness() => new(backend);

    private static TransformPayloadOperation Declarative(Action<PayloadTransformBuilder> configure, Filter? where = null)
    {
        var builder = new MigrationBuilder();
        builder.TransformPayload(b =>
        {
            configure(b);
            if (where is not null)
            {
                b.Where(where);
            }
        });
        return (TransformPayloadOperation)builder.Operations.Single();
    }

    /// <summary>The counting delegate: n = n + 1, so a point transformed twice ends at 2.</summary>
    private static TransformPayloadDelegateOperation Increment(Action<PayloadTransformContext>? before = null, Action? onCall = null)
        => new("increment", ctx =>
        {
            onCall?.Invoke();
            before?.Invoke(ctx);
            ctx.Payload["n"] = ctx.Payload["n"].IntegerValue + 1;
            return ValueTask.CompletedTask;
        });

    private static Dictionary<string, Value> Counter(int i) => new() { ["i"] = i, ["n"] = 0, ["text"] = $"text {i}" };

    private static float[] Dense(RetrievedPoint point, string vector) => [.. point.Vectors.Vectors.Vectors[vector].GetDenseVector()!.Data];

    private static string Describe(RetrievedPoint point)
        => string.Join(",", point.Payload.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static void AssertEveryPointOnce(List<RetrievedPoint> points, int expected)
    {
        Assert.Equal(expected, points.Count);
        Assert.All(points, p => Assert.Equal(1, p.Payload["n"].IntegerValue));
    }

    // ---------------------------------------------------------------- declarative transforms

    [Fact]
    public async Task RunAsync_SetMerge_SetsKeyOnEveryPointAndKeepsOthers()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(300), Counter);

        await h.RunAsync(Declarative(b => b.SetMerge("source", "imported")));

        var points = await h.ReadAllAsync();
        Assert.Equal(300, points.Count);
        Assert.All(points, p =>
        {
            Assert.Equal("imported", p.Payload["source"].StringValue);
            Assert.Equal($"text {p.Payload["i"].IntegerValue}", p.Payload["text"].StringValue);
            Assert.Equal([1f, 0f, 0f, p.Payload["i"].IntegerValue], Dense(p, "content"));
        });
        Assert.Null(await h.LoadRedoPageAsync());
        Assert.Equal([256L, 300L], h.Commits.Select(c => c.Processed));
        Assert.Null(h.Commits[^1].Cursor);
    }

    [Fact]
    public async Task RunAsync_Overwrite_ReplacesWholePayload()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(40), Counter);

        await h.RunAsync(Declarative(b => b.Overwrite(new Dictionary<string, Value> { ["schema"] = 2, ["tags"] = new[] { "a", "b" } })));

        var points = await h.ReadAllAsync();
        Assert.All(points, p =>
        {
            Assert.Equal(["schema", "tags"], p.Payload.Keys.Order(StringComparer.Ordinal));
            Assert.Equal(2, p.Payload["schema"].IntegerValue);
            Assert.Equal(["a", "b"], p.Payload["tags"].ListValue.Values.Select(v => v.StringValue));
        });
    }

    [Fact]
    public async Task RunAsync_DeleteKeys_RemovesPresentKeysOnly()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(50), i => i % 2 == 0 ? Counter(i) : new() { ["i"] = i });

        await h.RunAsync(Declarative(b => b.DeleteKeys("text", "n", "absent")));

        var points = await h.ReadAllAsync();
        Assert.All(points, p => Assert.Equal(["i"], p.Payload.Keys));
    }

    [Fact]
    public async Task RunAsync_RenameKey_MovesValueAndRerunIsNoOp()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(300), i => i % 3 == 0
            ? new() { ["i"] = i, ["other"] = "kept" }
            : new() { ["i"] = i, ["timestamp_unix"] = 1000 + i });
        var rename = Declarative(b => b.RenameKey("timestamp_unix", "created_at"));

        await h.RunAsync(rename);
        var first = await h.ReadAllAsync();

        // A rerun from the start (as after a crash before the first commit) changes nothing.
        await h.WriteRecordAsync(null, 0);
        await h.RunAsync(rename);
        var second = await h.ReadAllAsync();

        Assert.All(first, p =>
        {
            var i = p.Payload["i"].IntegerValue;
            Assert.False(p.Payload.ContainsKey("timestamp_unix"));
            if (i % 3 == 0)
            {
                Assert.False(p.Payload.ContainsKey("created_at"));
                Assert.Equal("kept", p.Payload["other"].StringValue);
            }
            else
            {
                Assert.Equal(1000 + i, p.Payload["created_at"].IntegerValue);
            }
        });
        Assert.Equal(first.Select(Describe), second.Select(Describe));
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Fact]
    public async Task RunAsync_Where_TransformsMatchingPointsOnly()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(100), i => new() { ["i"] = i, ["kind"] = i % 4 == 0 ? "a" : "b" });

        await h.RunAsync(Declarative(b => b.SetMerge("flag", true), MatchKeyword("kind", "a")));

        var points = await h.ReadAllAsync();
        Assert.All(points, p => Assert.Equal(p.Payload["kind"].StringValue == "a", p.Payload.ContainsKey("flag")));
        Assert.Equal(25, h.Commits[^1].Processed);
    }

    [Fact]
    public async Task RunAsync_NonIdempotentActionsCrashAfterWrite_RerunAppliesPageOnce()
    {
        // RenameKey(a, b) then SetMerge(a, ...) is not idempotent: applied twice, b would get the new a. The runner
        // must journal such pages, so the crash after the write re-applies the saved result instead.
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(600), i => new() { ["i"] = i, ["a"] = $"old {i}" });
        var transform = Declarative(b => b.RenameKey("a", "b").SetMerge("a", "new"));
        h.AfterCommit = n => throw new InjectedCrashException($"crash after commit {n}");

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(transform));
        Assert.NotNull(await h.LoadRedoPageAsync());
        h.AfterCommit = null;
        await h.RunAsync(transform);

        var points = await h.ReadAllAsync();
        Assert.All(points, p =>
        {
            Assert.Equal($"old {p.Payload["i"].IntegerValue}", p.Payload["b"].StringValue);
            Assert.Equal("new", p.Payload["a"].StringValue);
        });
        Assert.Null(await h.LoadRedoPageAsync());
    }

    // ---------------------------------------------------------------- delegate transform

    [Fact]
    public async Task RunAsync_DelegateOverManyPages_TransformsEveryPointOnce()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(1100).Concat(DataStepHarness.UuidIds(100)), Counter);
        var calls = 0;

        await h.RunAsync(Increment(onCall: () => calls++));

        AssertEveryPointOnce(await h.ReadAllAsync(), 1200);
        Assert.Equal(1200, calls);
        Assert.Equal(5, h.Commits.Count);
        Assert.Equal(1200, h.Commits[^1].Processed);
        Assert.Null(h.Commits[^1].Cursor);
        Assert.Null(await h.LoadRedoPageAsync());
        var record = await h.ReadRecordAsync();
        Assert.Null(record!.Cursor);
        Assert.Equal(1200, record.PointsProcessed);
    }

    [Fact]
    public async Task RunAsync_DelegateLeavesPointUnchanged_DoesNotWriteIt()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(10), Counter);

        await h.RunAsync(new TransformPayloadDelegateOperation("noop", _ => ValueTask.CompletedTask));

        Assert.Single(h.Commits);
        Assert.All(await h.ReadAllAsync(), p => Assert.Equal(0, p.Payload["n"].IntegerValue));
    }

    [Fact]
    public async Task RunAsync_DelegateThrowsMidPage_RerunTransformsEveryPointOnce()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(1000), Counter);
        var fail = true;
        var failing = Increment(before: ctx =>
        {
            if (fail && ctx.Id.Num == 700)
            {
                throw new InjectedCrashException("delegate failed");
            }
        });

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(failing));
        Assert.Equal(512, (await h.ReadRecordAsync())!.PointsProcessed);
        Assert.Null(await h.LoadRedoPageAsync());
        fail = false;
        await h.RunAsync(failing);

        AssertEveryPointOnce(await h.ReadAllAsync(), 1000);
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(4, false)] // the last page: its commit stores a null cursor
    [InlineData(1, true)]  // the commit reached history, the crash came before the redo page was deleted
    [InlineData(4, true)]
    public async Task RunAsync_CommitThrowsAfterWrite_RerunReappliesRedoPageWithoutDelegate(int failingCommit, bool commitStored)
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(900), Counter);
        var calls = 0;
        var step = Increment(onCall: () => calls++);
        void Fail(int n)
        {
            if (n == failingCommit)
            {
                throw new InjectedCrashException("commit failed");
            }
        }

        if (commitStored)
        {
            h.AfterCommit = Fail;
        }
        else
        {
            h.BeforeCommit = Fail;
        }

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(step));
        var redo = await h.LoadRedoPageAsync();
        Assert.NotNull(redo);
        Assert.True(redo.OverwritesPayload);
        var callsBefore = calls;
        h.AfterCommit = null;
        h.BeforeCommit = null;
        await h.RunAsync(step);

        AssertEveryPointOnce(await h.ReadAllAsync(), 900);
        Assert.Null(await h.LoadRedoPageAsync());
        Assert.Equal(900 - Math.Min(failingCommit * 256, 900), calls - callsBefore);
        Assert.Equal(900, (await h.ReadRecordAsync())!.PointsProcessed);
    }

    [Theory]
    [InlineData("save")]
    [InlineData("delete")]
    public async Task RunAsync_CrashAroundRedoPage_RerunTransformsEveryPointOnce(string call)
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(700), Counter);
        var seen = 0;
        h.AfterRedoCall = name =>
        {
            if (name == call && ++seen == 2)
            {
                throw new InjectedCrashException($"crash after redo {name}");
            }
        };

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(Increment()));
        h.AfterRedoCall = null;
        await h.RunAsync(Increment());

        AssertEveryPointOnce(await h.ReadAllAsync(), 700);
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Fact]
    public async Task RunAsync_CancelledBetweenPages_ThrowsAndRerunCompletes()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(1000), Counter);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Token);
        h.AfterCommit = n =>
        {
            if (n == 2)
            {
                cts.Cancel();
            }
        };

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.RunCancellableAsync(Increment(), cts.Token));
        Assert.Equal(cts.Token, error.CancellationToken);
        Assert.Equal(512, (await h.ReadRecordAsync())!.PointsProcessed);
        Assert.Null(await h.LoadRedoPageAsync());
        var points = await h.ReadAllAsync();
        Assert.Equal(512, points.Count(p => p.Payload["n"].IntegerValue == 1));
        Assert.Equal(488, points.Count(p => p.Payload["n"].IntegerValue == 0));

        h.AfterCommit = null;
        await h.RunAsync(Increment());

        AssertEveryPointOnce(await h.ReadAllAsync(), 1000);
    }

    [Fact]
    public async Task RunAsync_LockLostBetweenPages_StopsAndRerunCompletes()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(600), Counter);
        using var lockLost = new CancellationTokenSource();
        h.LockLost = lockLost.Token;
        h.AfterCommit = n =>
        {
            if (n == 1)
            {
                lockLost.Cancel();
            }
        };

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.RunAsync(Increment()));
        Assert.Equal(lockLost.Token, error.CancellationToken);
        Assert.Equal(256, (await h.ReadRecordAsync())!.PointsProcessed);

        h.LockLost = CancellationToken.None;
        h.AfterCommit = null;
        await h.RunAsync(Increment());

        AssertEveryPointOnce(await h.ReadAllAsync(), 600);
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Fact]
    public async Task RunAsync_ResumeFromCursor_TransformsOnlyFromCursor()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(600), Counter);
        await h.WriteRecordAsync(new PointId { Num = 301 }, 300);

        await h.RunAsync(Increment());

        var points = await h.ReadAllAsync();
        Assert.All(points, p => Assert.Equal(p.Id.Num >= 301 ? 1 : 0, p.Payload["n"].IntegerValue));
        Assert.Equal(600, (await h.ReadRecordAsync())!.PointsProcessed);
    }

    [Fact]
    public async Task RunAsync_PageOutputOverBudget_CommitsSubPagesAndSurvivesCrash()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(300), i => new() { ["n"] = 0, ["blob"] = new string('x', 500) });
        h.JournalBudgetBytes = 20_000; // about 35 points per sub-page
        h.AfterCommit = n =>
        {
            if (n == 4)
            {
                throw new InjectedCrashException("crash in a sub-page");
            }
        };

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(Increment()));
        var redo = await h.LoadRedoPageAsync();
        Assert.NotNull(redo);
        Assert.InRange(redo.Points.Count, 1, 40);
        h.AfterCommit = null;
        await h.RunAsync(Increment());

        AssertEveryPointOnce(await h.ReadAllAsync(), 300);
        Assert.True(h.Commits.Count > 8);
        Assert.Null(await h.LoadRedoPageAsync());
    }

    // ---------------------------------------------------------------- fills

    [Fact]
    public async Task RunAsync_FillVector_WritesVectorFromPayloadAndKeepsOthers()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(600), Counter);
        var fill = new FillVectorOperation("relationship", "rel", ctx =>
            ValueTask.FromResult<float[]>([ctx.Payload["i"].IntegerValue, 2, 3, 4]));

        await h.RunAsync(fill);

        var points = await h.ReadAllAsync();
        Assert.Equal(600, points.Count);
        Assert.All(points, p =>
        {
            var i = p.Payload["i"].IntegerValue;
            Assert.Equal([i, 2f, 3f, 4f], Dense(p, "relationship"));
            Assert.Equal([1f, 0f, 0f, i], Dense(p, "content"));
            Assert.Equal(0, p.Payload["n"].IntegerValue);
        });
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Fact]
    public async Task RunAsync_FillVectorCommitThrows_RerunReappliesVectorsWithoutDelegate()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(500), Counter);
        var calls = new Dictionary<ulong, int>();
        var fill = new FillVectorOperation("relationship", "rel", ctx =>
        {
            calls[ctx.Id.Num] = calls.GetValueOrDefault(ctx.Id.Num) + 1;
            return ValueTask.FromResult<float[]>([calls[ctx.Id.Num], 0, 0, 0]);
        });
        h.BeforeCommit = n => throw new InjectedCrashException("commit failed");

        await Assert.ThrowsAsync<InjectedCrashException>(() => h.RunAsync(fill));
        var redo = await h.LoadRedoPageAsync();
        Assert.NotNull(redo);
        Assert.False(redo.OverwritesPayload);
        Assert.Equal(256, redo.Points.Count);
        h.BeforeCommit = null;
        await h.RunAsync(fill);

        // Each vector holds the call number that produced it: 1 everywhere, the first page was re-applied from the journal.
        var points = await h.ReadAllAsync();
        Assert.All(points, p => Assert.Equal([1f, 0f, 0f, 0f], Dense(p, "relationship")));
        Assert.All(calls.Values, c => Assert.Equal(1, c));
    }

    [Fact]
    public async Task RunAsync_FillVectorWrongDimension_ThrowsAndWritesNothing()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(20), Counter);
        var fill = new FillVectorOperation("relationship", "rel", _ => ValueTask.FromResult<float[]>([1, 2, 3]));

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => h.RunAsync(fill));

        Assert.Contains("3-dimensional", error.Message);
        Assert.Contains("expects 4", error.Message);
        Assert.All(await h.ReadAllAsync(), p => Assert.False(p.Vectors.Vectors.Vectors.ContainsKey("relationship")));
        Assert.Empty(h.Commits);
    }

    [Fact]
    public async Task RunAsync_FillVectorMissingVector_ThrowsNamingIt()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync(withRelationship: false);
        await h.SeedAsync(DataStepHarness.NumericIds(5), Counter);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() =>
            h.RunAsync(new FillVectorOperation("relationship", "rel", _ => ValueTask.FromResult<float[]>([1, 2, 3, 4]))));

        Assert.Contains("'relationship'", error.Message);
        Assert.Contains(h.Collection, error.Message);
    }

    private static float[] FakeEmbedding(string text) => [text.Length, text.Count(c => c == ' '), text.GetHashCode(StringComparison.Ordinal) % 1000, 1];

    [Fact]
    public async Task RunAsync_FillVectorFromText_EmbedsStringsAndSkipsOthers()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(600), i => (i % 10) switch
        {
            0 => new() { ["i"] = i },                          // no field: not read
            1 => new() { ["i"] = i, ["text"] = 42 },           // not a string: skipped
            2 => new() { ["i"] = i, ["text"] = "  " },         // blank: skipped
            _ => new() { ["i"] = i, ["text"] = $"memory number {i}" },
        });
        var batches = new List<int>();
        h.Embed = (texts, _) =>
        {
            batches.Add(texts.Count);
            return Task.FromResult<IReadOnlyList<float[]>>([.. texts.Select(FakeEmbedding)]);
        };

        await h.RunAsync(new FillVectorFromTextOperation("relationship", "text"));

        var points = await h.ReadAllAsync();
        Assert.All(points, p =>
        {
            var i = p.Payload["i"].IntegerValue;
            if (i % 10 is 0 or 1 or 2)
            {
                Assert.False(p.Vectors.Vectors.Vectors.ContainsKey("relationship"));
            }
            else
            {
                Assert.Equal(FakeEmbedding($"memory number {i}"), Dense(p, "relationship"));
            }
        });
        Assert.Equal(420, batches.Sum());
        Assert.Equal(3, batches.Count); // one embedding call per page: 540 candidate points in pages of 256
        Assert.Equal(540, h.Commits[^1].Processed);
        Assert.Null(await h.LoadRedoPageAsync());
    }

    [Fact]
    public async Task RunAsync_FillVectorFromTextWithEmbeddingGenerator_UsesGeneratorInPageBatches()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(300), Counter);
        var generator = new FakeEmbeddingGenerator(FakeEmbedding);
        h.Embed = EmbeddingGeneratorAdapter.Create(generator);

        await h.RunAsync(new FillVectorFromTextOperation("relationship", "text"));

        var points = await h.ReadAllAsync();
        Assert.All(points, p => Assert.Equal(
            FakeEmbedding($"text {p.Payload["i"].IntegerValue}"),
            Dense(p, "relationship")));
        Assert.Equal([256, 44], generator.Calls);
    }

    [Fact]
    public async Task RunAsync_FillVectorFromTextWithoutGenerator_ThrowsAndWritesNothing()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(5), Counter);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => h.RunAsync(new FillVectorFromTextOperation("relationship", "text")));

        Assert.Contains("no embedding generator", error.Message);
        Assert.Empty(h.Commits);
    }

    // ---------------------------------------------------------------- delete and count

    [Fact]
    public async Task RunAsync_DeletePoints_DeletesMatchingPointsOnly()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(100), i => new() { ["i"] = i, ["kind"] = i % 5 == 0 ? "junk" : "keep" });

        await h.RunAsync(new DeletePointsOperation(MatchKeyword("kind", "junk")));

        var points = await h.ReadAllAsync();
        Assert.Equal(80, points.Count);
        Assert.All(points, p => Assert.Equal("keep", p.Payload["kind"].StringValue));
        Assert.Equal((null, 20L), Assert.Single(h.Commits));
    }

    [Fact]
    public async Task CountAffectedAsync_EachStepKind_CountsPointsItTouches()
    {
        var h = NewHarness();
        await h.CreateCollectionAsync();
        await h.SeedAsync(DataStepHarness.NumericIds(120), i => i % 4 == 0
            ? new() { ["i"] = i, ["kind"] = "a" }
            : new() { ["i"] = i, ["kind"] = "b", ["text"] = $"t{i}" });

        Assert.Equal(30, await h.CountAffectedAsync(Declarative(b => b.SetMerge("x", 1), MatchKeyword("kind", "a"))));
        Assert.Equal(120, await h.CountAffectedAsync(Declarative(b => b.SetMerge("x", 1))));
        Assert.Equal(120, await h.CountAffectedAsync(Increment()));
        Assert.Equal(120, await h.CountAffectedAsync(new FillVectorOperation("relationship", "rel", _ => ValueTask.FromResult<float[]>([1, 2, 3, 4]))));
        Assert.Equal(90, await h.CountAffectedAsync(new FillVectorFromTextOperation("relationship", "text")));
        Assert.Equal(90, await h.CountAffectedAsync(new DeletePointsOperation(MatchKeyword("kind", "b"))));
    }

    private sealed class FakeEmbeddingGenerator(Func<string, float[]> embed) : IEmbeddingGenerator<string, Embedding<float>>
    {
        public List<int> Calls { get; } = [];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values,
            EmbeddingGenerationOptions? options = null,
            CancellationToken cancellationToken = default)
        {
            var texts = values.ToList();
            Calls.Add(texts.Count);
            return Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(texts.Select(t => new Embedding<float>(embed(t)))));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}

public sealed class DataStepRunnerTests_Server(ServerBackend backend) : DataStepRunnerTests(backend);

public sealed class DataStepRunnerTests_InProcess(InProcessBackend backend) : DataStepRunnerTests(backend);
