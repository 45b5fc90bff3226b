using System.Net;
using System.Security.Cryptography;
using Qdrant.Client.Grpc;
using QdrantSchema.Snapshots;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Snapshots;

/// <summary>
/// The snapshot API against every backend (QDRANT.md §8): gRPC create/list/delete, REST download (verified), recover and
/// upload, retention, aliases, retries and the API key's secrecy.
/// </summary>
public abstract class QdrantSnapshotManagerTests(QdrantBackend backend) : IAsyncDisposable
{
    private const string SecretKey = "sk-qdrant-schema-test-0f9e8d7c6b5a4f3e";

    private readonly List<string> _collections = [];
    private readonly List<IDisposable> _disposables = [];
    private readonly List<string> _directories = [];

    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }

        foreach (var name in _collections)
        {
            try
            {
                await Backend.Client.DeleteCollectionAsync(name);
            }
            catch (Exception)
            {
                // Best effort: the test may have deleted it, or never created it.
            }
        }

        foreach (var directory in _directories.Where(Directory.Exists))
        {
            Directory.Delete(directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>The handler REST calls reach the backend through (the emulator's in-process handler, or sockets).</summary>
    protected abstract HttpMessageHandler CreateBackendHandler();

    [Fact]
    public async Task CreateListDelete_Collection_ListedWithChecksumThenGone()
    {
        var manager = Manager();
        var name = await CollectionAsync(points: 3);

        var created = await manager.CreateAsync(name, Ct);

        Assert.Equal(name, created.Collection);
        Assert.StartsWith(name + "-", created.Name, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", created.Checksum);
        Assert.True(created.Size > 0);
        Assert.NotNull(created.CreatedAt);
        Assert.False(created.IsPartial);
        Assert.Contains("shard(s) are local on peer", created.Coverage, StringComparison.Ordinal);
        var listed = Assert.Single(await manager.ListAsync(name, Ct));
        Assert.Equal(created.Name, listed.Name);
        Assert.Equal(created.Checksum, listed.Checksum);
        Assert.Equal(created.Size, listed.Size);

        await manager.DeleteAsync(name, created.Name, Ct);

        Assert.Empty(await manager.ListAsync(name, Ct));
    }

    [Fact]
    public async Task DeleteAsync_MissingSnapshot_QdrantNotFoundText()
    {
        var manager = Manager();
        var name = await CollectionAsync();
        await manager.CreateAsync(name, Ct);
        var missing = $"{name}-1-2020-01-01-00-00-00.snapshot";

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.DeleteAsync(name, missing, Ct));

        Assert.StartsWith("Not found: Snapshot ", e.ServerError, StringComparison.Ordinal);
        Assert.Contains(e.ServerError!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownloadAsync_Snapshot_WritesFileMatchingQdrantChecksum()
    {
        var manager = Manager();
        var name = await CollectionAsync(points: 20);
        var snapshot = await manager.CreateAsync(name, Ct);
        var directory = ScratchDirectory();

        var path = await manager.DownloadAsync(name, snapshot.Name, directory, Ct);

        Assert.Equal(Path.Combine(directory, snapshot.Name), path);
        var bytes = await File.ReadAllBytesAsync(path, Ct);
        Assert.Equal(snapshot.Size, bytes.LongLength);
        Assert.Equal(snapshot.Checksum, Convert.ToHexStringLower(SHA256.HashData(bytes)));
        Assert.Equal([path], Directory.GetFiles(directory)); // no partial file left behind
    }

    [Fact]
    public async Task DownloadAsync_BytesCorruptedInTransit_RefusedAndPartialFileDeleted()
    {
        var corrupting = Track(new CorruptingHandler(CreateBackendHandler()));
        var manager = Manager(corrupting);
        var name = await CollectionAsync(points: 10);
        var snapshot = await manager.CreateAsync(name, Ct);
        var directory = ScratchDirectory();

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.DownloadAsync(name, snapshot.Name, directory, Ct));

        Assert.Equal(1, corrupting.Corrupted);
        Assert.Contains("corrupt", e.Message, StringComparison.Ordinal);
        Assert.Contains(snapshot.Checksum!, e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("..")]
    [InlineData(".")]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("/etc/passwd")]
    [InlineData("C:x.snapshot")]
    [InlineData("x\ny.snapshot")]
    [InlineData("")]
    public async Task PathTraversalName_Refused_BeforeAnyRequest(string snapshotName)
    {
        var recording = Track(new RecordingHandler(CreateBackendHandler()));
        var manager = Manager(recording);
        var directory = ScratchDirectory();

        await Assert.ThrowsAsync<ArgumentException>(() => manager.DownloadAsync("anything", snapshotName, directory, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => manager.DeleteAsync("anything", snapshotName, Ct));
        Assert.Throws<ArgumentException>(() => SnapshotRestoreSource.FromServer("anything", snapshotName));

        Assert.Empty(recording.Requests);
        Assert.False(Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any());
    }

    [Fact]
    public async Task RestoreAsync_LocalFileIntoNewCollection_PointsIdentical()
    {
        var manager = Manager();
        var source = await CollectionAsync(points: 25);
        var snapshot = await manager.CreateAsync(source, Ct);
        var file = await manager.DownloadAsync(source, snapshot.Name, ScratchDirectory(), Ct);
        var target = NewCollectionName();

        var result = await manager.RestoreAsync(target, SnapshotRestoreSource.FromFile(file, priority: SnapshotPriority.Snapshot), Ct);

        Assert.Equal(SnapshotRestoreMethod.Upload, result.Method);
        Assert.Equal(snapshot.Checksum, result.Checksum);
        Assert.False(result.IsPartial);
        await AssertSamePointsAsync(source, target);
    }

    [Fact]
    public async Task RestoreAsync_FileIntoCollectionWithOtherVectorConfig_RefusedWithQdrantMessage()
    {
        var manager = Manager();
        var source = await CollectionAsync(points: 2, size: 4);
        var snapshot = await manager.CreateAsync(source, Ct);
        var file = await manager.DownloadAsync(source, snapshot.Name, ScratchDirectory(), Ct);
        var other = await CollectionAsync(points: 1, size: 8);

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.RestoreAsync(other, SnapshotRestoreSource.FromFile(file), Ct));

        // recover.rs: the existing collection's vectors must equal the snapshot's exactly.
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.StartsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors: ", e.ServerError, StringComparison.Ordinal);
        Assert.Contains("Snapshot is not compatible with existing collection", e.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, await Backend.Client.CountAsync(other, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task RestoreAsync_ServerSnapshotByName_RecoversFromServerSnapshotsPath()
    {
        // Real Qdrant: recovering by name needs the server's snapshots directory (QDRANT_SNAPSHOTS_PATH for a server you
        // point the suite at; /qdrant/snapshots in the pinned container; the emulator knows its own).
        var root = Backend.ServerSnapshotsPath ?? throw Xunit.Sdk.SkipException.ForSkip("The server's snapshots directory is unknown (set QDRANT_SNAPSHOTS_PATH)");
        var manager = Manager(configure: o => o.ServerSnapshotsPath = root);
        var name = await CollectionAsync(points: 6);
        var snapshot = await manager.CreateAsync(name, Ct);
        await Backend.Client.DeleteAsync(name, [1UL, 2UL, 3UL], cancellationToken: Ct);

        var result = await manager.RestoreAsync(name, SnapshotRestoreSource.FromSnapshot(snapshot), Ct);

        Assert.Equal(SnapshotRestoreMethod.Recover, result.Method);
        Assert.Equal(6UL, await Backend.Client.CountAsync(name, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task RestoreAsync_ServerSnapshotWithoutServerPath_DownloadsThenUploads()
    {
        var manager = Manager();
        var source = await CollectionAsync(points: 12);
        var snapshot = await manager.CreateAsync(source, Ct);
        var target = NewCollectionName();

        var result = await manager.RestoreAsync(target, SnapshotRestoreSource.FromServer(source, snapshot.Name), Ct);

        Assert.Equal(SnapshotRestoreMethod.Upload, result.Method);
        await AssertSamePointsAsync(source, target);
    }

    [Fact]
    public async Task RestoreAsync_FileWithWrongChecksum_400NotRetried()
    {
        var recording = Track(new RecordingHandler(CreateBackendHandler()));
        var manager = Manager(recording);
        var source = await CollectionAsync(points: 2);
        var snapshot = await manager.CreateAsync(source, Ct);
        var file = await manager.DownloadAsync(source, snapshot.Name, ScratchDirectory(), Ct);
        var wrong = new string('a', 64);

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(
            () => manager.RestoreAsync(NewCollectionName(), SnapshotRestoreSource.FromFile(file, wrong), Ct));

        // snapshot_api.rs upload: checksum_mismatch(actual_file_hash, given) → "expected {actual}, actual {given}".
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal($"Checksum mismatch: expected {snapshot.Checksum}, actual {wrong}", e.ServerError);
        Assert.Equal(1, recording.Count("/snapshots/upload"));
    }

    [Fact]
    public async Task DownloadAsync_Transient503Twice_RetriedThenSucceeds()
    {
        var failing = Track(new FailingHandler(
            CreateBackendHandler(), r => r.RequestUri!.AbsolutePath.EndsWith(".snapshot", StringComparison.Ordinal), 2, HttpStatusCode.ServiceUnavailable, "Service internal error: busy"));
        var logs = new CapturingLoggerFactory();
        var manager = Manager(failing, logs: logs);
        var name = await CollectionAsync(points: 4);
        var snapshot = await manager.CreateAsync(name, Ct);

        var path = await manager.DownloadAsync(name, snapshot.Name, ScratchDirectory(), Ct);

        Assert.Equal(3, failing.Matched);
        Assert.Equal(snapshot.Checksum, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(path, Ct))));
        Assert.Equal(2, logs.Entries.Count(e => e.Id.Id == 4009 && e.Category == "QdrantSchema.Snapshots"));
    }

    [Fact]
    public async Task DownloadAsync_503BeyondRetryBudget_FailsWithStatusAndQdrantText()
    {
        var failing = Track(new FailingHandler(
            CreateBackendHandler(), r => r.RequestUri!.AbsolutePath.EndsWith(".snapshot", StringComparison.Ordinal), 100, HttpStatusCode.ServiceUnavailable, "Service internal error: busy"));
        var manager = Manager(failing, configure: o => o.MaxRetryAttempts = 2);
        var name = await CollectionAsync(points: 1);
        var snapshot = await manager.CreateAsync(name, Ct);
        var directory = ScratchDirectory();

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.DownloadAsync(name, snapshot.Name, directory, Ct));

        Assert.Equal(3, failing.Matched);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal("Service internal error: busy", e.ServerError);
        Assert.Empty(Directory.GetFiles(directory));
    }

    [Fact]
    public async Task DownloadAsync_400_NotRetried()
    {
        var failing = Track(new FailingHandler(
            CreateBackendHandler(), r => r.RequestUri!.AbsolutePath.EndsWith(".snapshot", StringComparison.Ordinal), 100, HttpStatusCode.BadRequest, "Bad request: nope"));
        var manager = Manager(failing);
        var name = await CollectionAsync(points: 1);
        var snapshot = await manager.CreateAsync(name, Ct);

        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.DownloadAsync(name, snapshot.Name, ScratchDirectory(), Ct));

        Assert.Equal(1, failing.Matched);
        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Equal("Bad request: nope", e.ServerError);
    }

    [Fact]
    public async Task ApplyRetentionAsync_KeepLastOne_DeletesOlderButNeverTheProtectedOne()
    {
        var manager = Manager();
        var name = await CollectionAsync(points: 1);
        var oldest = await manager.CreateAsync(name, Ct);
        await NextSecondAsync(); // Qdrant names snapshots by the second: a second one in the same second replaces the first
        var middle = await manager.CreateAsync(name, Ct);
        await NextSecondAsync();
        var newest = await manager.CreateAsync(name, Ct);

        var deleted = await manager.ApplyRetentionAsync(name, keepLast: 1, protect: new HashSet<string> { oldest.Name }, Ct);

        Assert.Equal([middle.Name], deleted.Select(s => s.Name));
        Assert.Equal([newest.Name, oldest.Name], (await manager.ListAsync(name, Ct)).Select(s => s.Name));
        Assert.Empty(await manager.ApplyRetentionAsync(name, keepLast: 1, protect: new HashSet<string> { oldest.Name }, Ct));
    }

    [Fact]
    public async Task CaptureAsync_AliasAndHistory_RecordsAliasMapAndSkipsHistory()
    {
        var history = NewCollectionName();
        var manager = Manager(configure: o => o.HistoryCollection = history);
        var name = await CollectionAsync(points: 2);
        await CollectionAsync(name: history);
        var alias = NewCollectionName();
        await Backend.Client.CreateAliasAsync(alias, name, cancellationToken: Ct);
        try
        {
            var set = await manager.CaptureAsync([alias, name, history], Ct);

            var snapshot = Assert.Single(set.Snapshots);
            Assert.Equal(name, snapshot.Collection);
            Assert.Equal(name, set.Aliases[alias]);
            Assert.Contains(set.Skipped, s => s.Contains(history, StringComparison.Ordinal));
            Assert.Empty(await manager.ListAsync(history, Ct));
            Assert.False(set.IsPartial);
            await Assert.ThrowsAsync<ArgumentException>(() => manager.RestoreAsync(history, SnapshotRestoreSource.FromSnapshot(snapshot), Ct));
        }
        finally
        {
            await Backend.Client.DeleteAliasAsync(alias, cancellationToken: Ct);
        }
    }

    [Fact]
    public async Task ApiKey_FailingCalls_NeverInExceptionsOrLogs()
    {
        var failing = Track(new FailingHandler(
            CreateBackendHandler(), r => r.RequestUri!.AbsolutePath.EndsWith(".snapshot", StringComparison.Ordinal), 100, HttpStatusCode.ServiceUnavailable, "Service internal error: busy"));
        var recording = Track(new RecordingHandler(failing));
        var logs = new CapturingLoggerFactory();
        var manager = Manager(recording, configure: o => o.ApiKey = SecretKey, logs: logs);
        var name = await CollectionAsync(points: 1);
        var snapshot = await manager.CreateAsync(name, Ct);
        var file = Path.Combine(Directory.CreateDirectory(ScratchDirectory()).FullName, "local.snapshot");
        await File.WriteAllBytesAsync(file, [1, 2, 3], Ct);

        var errors = new List<Exception>
        {
            await Assert.ThrowsAnyAsync<Exception>(() => manager.DownloadAsync(name, snapshot.Name, ScratchDirectory(), Ct)),
            await Assert.ThrowsAnyAsync<Exception>(() => manager.DownloadAsync(name, $"{name}-1-2020-01-01-00-00-00.snapshot", ScratchDirectory(), Ct)),
            await Assert.ThrowsAnyAsync<Exception>(() => manager.RestoreAsync(NewCollectionName(), SnapshotRestoreSource.FromFile(file, new string('b', 64)), Ct)),
        };

        // The key was sent (as the api-key header) on the REST calls ...
        Assert.NotEmpty(recording.Requests);
        Assert.All(recording.Requests, r => Assert.Equal(SecretKey, r.ApiKey));

        // ... and appears nowhere a user or operator can read.
        Assert.All(errors, e => Assert.DoesNotContain(SecretKey, e.ToString(), StringComparison.Ordinal));
        Assert.NotEmpty(logs.Entries);
        Assert.All(logs.Entries, entry => Assert.DoesNotContain(SecretKey, entry.Text, StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_OptionsWithoutRestAddress_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new QdrantSnapshotManager(Backend.Client, new QdrantSnapshotOptions()));

        Assert.Contains("RestBaseAddress", e.Message, StringComparison.Ordinal);
    }

    private static Task NextSecondAsync() => Task.Delay(TimeSpan.FromMilliseconds(1100), Ct);

    private QdrantSnapshotManager Manager(HttpMessageHandler? handler = null, Action<QdrantSnapshotOptions>? configure = null, CapturingLoggerFactory? logs = null)
    {
        var options = new QdrantSnapshotOptions
        {
            RestBaseAddress = Backend.Http.BaseAddress,
            ApiKey = Backend.ApiKey,
            HttpMessageHandler = handler ?? Track(CreateBackendHandler()),
            RetryDelay = TimeSpan.FromMilliseconds(1),
        };
        configure?.Invoke(options);
        return Track(new QdrantSnapshotManager(Backend.Client, options, logs));
    }

    private T Track<T>(T disposable)
        where T : IDisposable
    {
        _disposables.Add(disposable);
        return disposable;
    }

    private string ScratchDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "qdrant-schema-snapshot-tests", Guid.NewGuid().ToString("N"));
        _directories.Add(directory);
        return directory;
    }

    private string NewCollectionName()
    {
        var name = QdrantBackend.NewName("snap");
        _collections.Add(name);
        return name;
    }

    private async Task<string> CollectionAsync(int points = 0, ulong size = 4, string? name = null)
    {
        name ??= NewCollectionName();
        if (!_collections.Contains(name))
        {
            _collections.Add(name);
        }

        await Backend.Client.CreateCollectionAsync(name, new VectorParams { Size = size, Distance = Distance.Cosine }, cancellationToken: Ct);
        if (points > 0)
        {
            var batch = Enumerable.Range(1, points).Select(i => new PointStruct
            {
                Id = (ulong)i,
                Vectors = Enumerable.Range(0, (int)size).Select(d => (float)((i * 7) + d + 1)).ToArray(),
                Payload = { ["n"] = i, ["text"] = $"memory {i}", ["tags"] = new[] { "a", $"t{i % 3}" } },
            }).ToList();
            await Backend.Client.UpsertAsync(name, batch, cancellationToken: Ct);
        }

        return name;
    }

    private async Task AssertSamePointsAsync(string source, string target)
    {
        var expected = await Backend.Client.ScrollAsync(source, limit: 1000, payloadSelector: true, vectorsSelector: true, cancellationToken: Ct);
        var actual = await Backend.Client.ScrollAsync(target, limit: 1000, payloadSelector: true, vectorsSelector: true, cancellationToken: Ct);
        Assert.NotEmpty(expected.Result);
        Assert.Equal(expected.Result.Count, actual.Result.Count);
        for (var i = 0; i < expected.Result.Count; i++)
        {
            Assert.Equal(expected.Result[i].Id, actual.Result[i].Id);
            Assert.Equal(expected.Result[i].Payload, actual.Result[i].Payload);
            Assert.Equal(expected.Result[i].Vectors, actual.Result[i].Vectors);
        }
    }
}

public sealed class QdrantSnapshotManagerTests_Server(ServerBackend backend) : QdrantSnapshotManagerTests(backend)
{
    protected override HttpMessageHandler CreateBackendHandler() => new SocketsHttpHandler();
}

public sealed class QdrantSnapshotManagerTests_InProcess(InProcessBackend backend) : QdrantSnapshotManagerTests(backend)
{
    private readonly InProcessBackend _backend = backend;

    protected override HttpMessageHandler CreateBackendHandler() => _backend.Emulator.CreateHttpMessageHandler();
}
