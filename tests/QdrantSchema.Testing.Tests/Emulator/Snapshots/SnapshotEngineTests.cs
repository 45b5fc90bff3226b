using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Tests.Emulator.Snapshots;

public sealed class SnapshotEngineTests : IDisposable
{
    private readonly string _directory = EngineCalls.TempDirectory();
    private readonly ManualTimeProvider _time = new(new DateTimeOffset(2024, 7, 22, 8, 31, 55, TimeSpan.Zero));
    private readonly EmulatorEngine _engine;

    public SnapshotEngineTests()
    {
        _engine = new EmulatorEngine(new EmulatorEngineOptions
        {
            SnapshotsPath = Path.Combine(_directory, "snapshots"),
            TimeProvider = _time,
            PeerId = 3766212330831337,
        });
        Directory.CreateDirectory(_engine.Options.SnapshotsPath);
    }

    public void Dispose()
    {
        _engine.Dispose();
        EngineCalls.TryDeleteDirectory(_directory);
    }

    private SnapshotDescription CreateSnapshot(string collection) =>
        _engine.Call<CreateSnapshotResponse>("/qdrant.Snapshots/Create", new CreateSnapshotRequest { CollectionName = collection }).SnapshotDescription;

    private string SnapshotUrl(string collection, string name) =>
        new Uri(Path.Combine(_engine.Options.SnapshotsPath, collection, name)).AbsoluteUri;

    private Task<bool> RecoverAsync(string collection, string location, string? checksum = null) =>
        _engine.RecoverCollectionSnapshotAsync(collection, location, null, checksum, null, EmulatorCallContext.Full, CancellationToken.None);

    [Fact]
    public void Create_ViaAlias_NamesFileAfterRealCollectionAndWritesChecksum()
    {
        _engine.CreateCollection("my-collection");
        _engine.CreateAlias("latest", "my-collection");

        var description = CreateSnapshot("latest");

        Assert.Equal("my-collection-3766212330831337-2024-07-22-08-31-55.snapshot", description.Name);
        var path = Path.Combine(_engine.Options.SnapshotsPath, "my-collection", description.Name);
        Assert.Equal(new FileInfo(path).Length, description.Size);
        Assert.Equal(File.ReadAllText(path + ".checksum"), description.Checksum);
        Assert.Equal(64, description.Checksum.Length);
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds(), description.CreationTime.Seconds);
    }

    [Fact]
    public void List_AfterCreateAndDelete_ShowsRemainingSnapshots()
    {
        _engine.CreateCollection("c");
        var first = CreateSnapshot("c");
        _time.Advance(TimeSpan.FromSeconds(2));
        var second = CreateSnapshot("c");

        _engine.Call<DeleteSnapshotResponse>("/qdrant.Snapshots/Delete", new DeleteSnapshotRequest { CollectionName = "c", SnapshotName = first.Name });
        var listed = _engine.Call<ListSnapshotsResponse>("/qdrant.Snapshots/List", new ListSnapshotsRequest { CollectionName = "c" });

        var only = Assert.Single(listed.SnapshotDescriptions);
        Assert.Equal(second.Name, only.Name);
        Assert.False(File.Exists(Path.Combine(_engine.Options.SnapshotsPath, "c", first.Name + ".checksum")));
    }

    [Fact]
    public void List_NoSnapshotDirectory_ReturnsEmpty()
    {
        _engine.CreateCollection("fresh");

        var listed = _engine.Call<ListSnapshotsResponse>("/qdrant.Snapshots/List", new ListSnapshotsRequest { CollectionName = "fresh" });

        Assert.Empty(listed.SnapshotDescriptions);
    }

    [Theory]
    [InlineData("missing.snapshot")]
    [InlineData("../c/x.snapshot")]
    [InlineData("/etc/passwd")]
    public void Delete_MissingOrPathName_NotFound(string name)
    {
        _engine.CreateCollection("c");
        CreateSnapshot("c");

        var error = Assert.Throws<EmulatorException>(() =>
            _engine.Call<DeleteSnapshotResponse>("/qdrant.Snapshots/Delete", new DeleteSnapshotRequest { CollectionName = "c", SnapshotName = name }));

        Assert.Equal(EmulatorErrorKind.NotFound, error.Kind);
        Assert.Equal($"Not found: Snapshot {name} not found", error.Message);
    }

    [Fact]
    public void CreateFull_WithCollectionsAndAliases_WritesTarAndRemovesCollectionSnapshots()
    {
        _engine.CreateCollection("a");
        _engine.CreateCollection("b");
        _engine.CreateAlias("alias-a", "a");

        var full = _engine.Call<CreateSnapshotResponse>("/qdrant.Snapshots/CreateFull", new CreateFullSnapshotRequest()).SnapshotDescription;

        Assert.Equal("full-snapshot-2024-07-22-08-31-55.snapshot", full.Name);
        using (var tar = new System.Formats.Tar.TarReader(File.OpenRead(Path.Combine(_engine.Options.SnapshotsPath, full.Name))))
        {
            var names = new List<string>();
            string? config = null;
            while (tar.GetNextEntry() is { } entry)
            {
                names.Add(entry.Name);
                if (entry.Name == "config.json")
                {
                    config = new StreamReader(entry.DataStream!).ReadToEnd();
                }
            }

            Assert.Contains("config.json", names);
            Assert.Equal(3, names.Count);
            Assert.Contains("\"alias-a\": \"a\"", config, StringComparison.Ordinal);
        }

        Assert.Empty(_engine.Call<ListSnapshotsResponse>("/qdrant.Snapshots/List", new ListSnapshotsRequest { CollectionName = "a" }).SnapshotDescriptions);
        var listed = _engine.Call<ListSnapshotsResponse>("/qdrant.Snapshots/ListFull", new ListFullSnapshotsRequest());
        Assert.Equal(full.Name, Assert.Single(listed.SnapshotDescriptions).Name);
    }

    [Fact]
    public async Task Recover_IntoMissingCollection_CreatesItWithConfigAndPoints()
    {
        _engine.CreateCollection("source");
        _engine.Upsert("source", 1, [1, 2, 3], city: "Oslo");
        _engine.Upsert("source", 2, [3, 2, 1]);
        var snapshot = CreateSnapshot("source");

        Assert.True(await RecoverAsync("copy", SnapshotUrl("source", snapshot.Name), snapshot.Checksum));

        var copy = _engine.Read(() => _engine.Resolve("copy"));
        var source = _engine.Read(() => _engine.Resolve("source"));
        Assert.Equal(source.Config, copy.Config);
        Assert.Equal(2, copy.Points.Count);
        Assert.True(copy.Points.TryGetSlot(PointKey.FromNumber(1), out var slot));
        Assert.Equal("Oslo", copy.Points.GetPayload(slot)["city"].StringValue);
    }

    [Fact]
    public async Task Recover_IntoExistingCollection_ReplacesPointsKeepsConfig()
    {
        _engine.CreateCollection("target");
        _engine.Upsert("target", 1, [1, 2, 3]);
        var snapshot = CreateSnapshot("target");
        _engine.Upsert("target", 2, [1, 1, 1]);
        _engine.Call<CollectionOperationResponse>("/qdrant.Collections/Update", new UpdateCollection
        {
            CollectionName = "target",
            Metadata = { ["changed"] = new Value { BoolValue = true } },
        });

        await RecoverAsync("target", SnapshotUrl("target", snapshot.Name));

        var target = _engine.Read(() => _engine.Resolve("target"));
        Assert.Equal(1, target.Points.Count);
        Assert.True(target.Config.Metadata["changed"].BoolValue);
    }

    [Fact]
    public async Task Recover_DifferentVectors_WrongInputNotCompatible()
    {
        _engine.CreateCollection("small", size: 3);
        _engine.CreateCollection("large", size: 4);
        var snapshot = CreateSnapshot("small");

        var error = await Assert.ThrowsAsync<EmulatorException>(() => RecoverAsync("large", SnapshotUrl("small", snapshot.Name)));

        Assert.Equal(EmulatorErrorKind.BadInput, error.Kind);
        Assert.StartsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors: Single(VectorParams { size: 4,", error.Message, StringComparison.Ordinal);
        Assert.Contains(" Snapshot Vectors: Single(VectorParams { size: 3,", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_WrongChecksum_WrongInputMismatch()
    {
        _engine.CreateCollection("c");
        var snapshot = CreateSnapshot("c");
        var wrong = new string('a', 64);

        var error = await Assert.ThrowsAsync<EmulatorException>(() => RecoverAsync("c", SnapshotUrl("c", snapshot.Name), wrong));

        Assert.Equal($"Wrong input: Snapshot checksum mismatch: expected {wrong}, got {snapshot.Checksum}", error.Message);
    }

    [Fact]
    public async Task Recover_FileOutsideSnapshotsDirectory_Forbidden()
    {
        var outside = Path.Combine(_directory, "outside.snapshot");
        await File.WriteAllTextAsync(outside, "x", TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<EmulatorException>(() => RecoverAsync("c", new Uri(outside).AbsoluteUri));

        Assert.Equal(EmulatorErrorKind.Forbidden, error.Kind);
        Assert.StartsWith("Forbidden: Snapshot file path must be inside the snapshots directory \"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_MissingFile_BadRequest()
    {
        var missing = Path.Combine(_engine.Options.SnapshotsPath, "nope.snapshot");

        var error = await Assert.ThrowsAsync<EmulatorException>(() => RecoverAsync("c", new Uri(missing).AbsoluteUri));

        Assert.Equal($"Bad request: Snapshot file \"{missing}\" does not exist", error.Message);
    }

    [Fact]
    public async Task Recover_UnsupportedScheme_BadRequest()
    {
        var error = await Assert.ThrowsAsync<EmulatorException>(() => RecoverAsync("c", "ftp://example.com/x.snapshot"));

        Assert.Equal("Bad request: URL ftp://example.com/x.snapshot with scheme ftp is not supported", error.Message);
    }

    [Fact]
    public async Task Upload_WrongChecksum_ChecksumMismatchWithSwappedArguments()
    {
        _engine.CreateCollection("c");
        var bytes = "not a snapshot"u8.ToArray();
        var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        var given = new string('b', 64);

        var error = await Assert.ThrowsAsync<EmulatorException>(() => _engine.UploadCollectionSnapshotAsync(
            "c", new MemoryStream(bytes), "up.snapshot", null, given, EmulatorCallContext.Full, CancellationToken.None));

        Assert.Equal(EmulatorErrorKind.ChecksumMismatch, error.Kind);
        Assert.Equal($"Checksum mismatch: expected {actual}, actual {given}", error.Message);
    }

    [Fact]
    public async Task Upload_ValidSnapshot_SavesFileAndRecovers()
    {
        _engine.CreateCollection("src");
        _engine.Upsert("src", 5, [1, 0, 0]);
        var snapshot = CreateSnapshot("src");
        var bytes = await File.ReadAllBytesAsync(Path.Combine(_engine.Options.SnapshotsPath, "src", snapshot.Name), TestContext.Current.CancellationToken);

        var result = await _engine.UploadCollectionSnapshotAsync(
            "dst", new MemoryStream(bytes), "../../evil.snapshot", "snapshot", snapshot.Checksum, EmulatorCallContext.Full, CancellationToken.None);

        Assert.True(result);
        Assert.True(File.Exists(Path.Combine(_engine.Options.SnapshotsPath, "dst", "evil.snapshot")));
        Assert.Equal(1, _engine.Read(() => _engine.Resolve("dst").Points.Count));
    }
}
