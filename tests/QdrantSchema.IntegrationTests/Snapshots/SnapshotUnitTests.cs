using System.Net;
using Qdrant.Client.Grpc;
using QdrantSchema.Rest;
using QdrantSchema.Snapshots;
using QdrantSchema.Testing;

namespace QdrantSchema.IntegrationTests.Snapshots;

/// <summary>Snapshot facts that need no shared backend: names, coverage text, file locations, retry classification, auth.</summary>
public sealed class SnapshotUnitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("memories-3766212330831337-2024-07-22-08-31-55.snapshot")]
    [InlineData("a..b.snapshot")]
    [InlineData("upload.snapshot")]
    public void FromServer_PlainFileName_Accepted(string name)
    {
        var source = SnapshotRestoreSource.FromServer("memories", name, SnapshotPriority.Replica);

        Assert.Equal(name, source.SnapshotName);
        Assert.True(source.IsServerSnapshot);
    }

    [Theory]
    [InlineData("../x", "path separator")]
    [InlineData("..", "directory reference")]
    [InlineData("a/b", "path separator")]
    [InlineData("..\\..\\x", "path separator")]
    [InlineData("/abs.snapshot", "path separator")]
    [InlineData(" .. ", "directory reference")]
    [InlineData("a\u0000b", "control character")]
    [InlineData("", "empty")]
    public void FromServer_UnsafeName_RefusedWithReason(string name, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => SnapshotRestoreSource.FromServer("memories", name));

        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
        Assert.Equal("snapshotName", e.ParamName);
    }

    [Fact]
    public void FromFile_BadChecksum_Refused()
    {
        Assert.Throws<ArgumentException>(() => SnapshotRestoreSource.FromFile("/tmp/x.snapshot", "abc"));
    }

    [Fact]
    public void DescribeCoverage_RemoteShardsOnOtherPeers_SaysLocalShardsOnly()
    {
        var info = new CollectionClusterInfoResponse { PeerId = 10, ShardCount = 3 };
        info.LocalShards.Add(new LocalShardInfo { ShardId = 0, State = ReplicaState.Active });
        info.RemoteShards.Add(new RemoteShardInfo { ShardId = 1, PeerId = 12, State = ReplicaState.Active });
        info.RemoteShards.Add(new RemoteShardInfo { ShardId = 2, PeerId = 11, State = ReplicaState.Active });
        info.RemoteShards.Add(new RemoteShardInfo { ShardId = 0, PeerId = 11, State = ReplicaState.Active });

        var (text, partial) = QdrantSnapshotManager.DescribeCoverage(info);

        Assert.True(partial);
        Assert.StartsWith("local shards only: 2 remote shard(s) on peers 11, 12", text, StringComparison.Ordinal);
        Assert.Contains("peer 10 holds 1 of 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public void DescribeCoverage_ReplicasOnly_FullButSaysReplicasAreElsewhere()
    {
        var info = new CollectionClusterInfoResponse { PeerId = 10, ShardCount = 1 };
        info.LocalShards.Add(new LocalShardInfo { ShardId = 0, State = ReplicaState.Active });
        info.RemoteShards.Add(new RemoteShardInfo { ShardId = 0, PeerId = 11, State = ReplicaState.Active });

        var (text, partial) = QdrantSnapshotManager.DescribeCoverage(info);

        Assert.False(partial);
        Assert.Contains("replicas on peers 11", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/qdrant/snapshots", "file:///qdrant/snapshots/my%20coll/my%20coll-1-2024-01-01-00-00-00.snapshot")]
    [InlineData("/qdrant/snapshots/", "file:///qdrant/snapshots/my%20coll/my%20coll-1-2024-01-01-00-00-00.snapshot")]
    [InlineData("C:\\qdrant\\snapshots", "file:///C:/qdrant/snapshots/my%20coll/my%20coll-1-2024-01-01-00-00-00.snapshot")]
    public void ServerFileLocation_AbsoluteRoot_FileUrlInsideCollectionDirectory(string root, string expected)
    {
        var uri = QdrantSnapshotManager.ServerFileLocation(root, "my coll", "my coll-1-2024-01-01-00-00-00.snapshot");

        Assert.Equal(expected, uri.AbsoluteUri);
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.RequestTimeout, true)]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.NotImplemented, false)]
    [InlineData(HttpStatusCode.InsufficientStorage, false)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.Conflict, false)]
    public void IsTransient_Status_Classified(HttpStatusCode status, bool transient)
    {
        Assert.Equal(transient, RestResilience.IsTransient(status));
    }

    [Theory]
    [InlineData("ftp://x")]
    [InlineData("relative/path")]
    public void Constructor_NonHttpRestAddress_Refused(string address)
    {
        using var emulator = new QdrantEmulator();
        using var client = emulator.CreateClient();

        Assert.Throws<ArgumentException>(() => new QdrantSnapshotManager(
            client, new QdrantSnapshotOptions { RestBaseAddress = new Uri(address, UriKind.RelativeOrAbsolute) }));
    }

    [Fact]
    public async Task DownloadAsync_WrongApiKeyOnSecuredServer_401NotRetriedAndKeyNotQuoted()
    {
        const string wrongKey = "sk-wrong-key-that-must-stay-secret-1234";
        await using var emulator = new QdrantEmulator(new QdrantEmulatorOptions { ApiKey = "right-key" });
        using var admin = emulator.CreateClient("right-key");
        await admin.CreateCollectionAsync("secured", new VectorParams { Size = 2, Distance = Distance.Dot }, cancellationToken: Ct);
        var snapshot = await admin.CreateSnapshotAsync("secured", Ct);
        using var handler = new RecordingHandler(emulator.CreateHttpMessageHandler());
        var logs = new CapturingLoggerFactory();

        // gRPC with the right key (list works), REST with a wrong one: the download itself is refused.
        using var manager = new QdrantSnapshotManager(
            admin,
            new QdrantSnapshotOptions { RestBaseAddress = new Uri("http://localhost:6333"), ApiKey = wrongKey, HttpMessageHandler = handler, RetryDelay = TimeSpan.FromMilliseconds(1) },
            logs);
        var e = await Assert.ThrowsAsync<QdrantSnapshotException>(() => manager.DownloadAsync("secured", snapshot.Name, Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N")), Ct));

        // src/actix/auth.rs: a plain-text 401 body.
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal("Invalid API key or JWT", e.ServerError);
        Assert.Equal(1, handler.Count(".snapshot"));
        Assert.DoesNotContain(wrongKey, e.ToString(), StringComparison.Ordinal);
        Assert.All(logs.Entries, entry => Assert.DoesNotContain(wrongKey, entry.Text, StringComparison.Ordinal));
    }
}
