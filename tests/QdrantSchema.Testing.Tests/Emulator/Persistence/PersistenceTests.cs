using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Persistence;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Tests.Emulator.Persistence;

public sealed class PersistenceTests : IDisposable
{
    private readonly string _directory = EngineCalls.TempDirectory();

    public void Dispose() => EngineCalls.TryDeleteDirectory(_directory);

    private QdrantEmulator Start() => new(new QdrantEmulatorOptions { DataDirectory = _directory });

    [Fact]
    public void Restart_AfterDispose_RestoresCollectionsPointsIndexesAndAliases()
    {
        ulong lastOperation;
        using (var emulator = Start())
        {
            var engine = emulator.Engine;
            engine.CreateCollection("docs");
            engine.Call<PointsOperationResponse>("/qdrant.Points/CreateFieldIndex", new CreateFieldIndexCollection
            {
                CollectionName = "docs",
                FieldName = "city",
                FieldType = FieldType.Keyword,
                Wait = true,
            });
            for (ulong i = 1; i <= 20; i++)
            {
                engine.Upsert("docs", i, [i, 1, 2], city: "c" + i);
            }

            lastOperation = engine.Call<PointsOperationResponse>("/qdrant.Points/Delete", new DeletePoints
            {
                CollectionName = "docs",
                Wait = true,
                Points = new PointsSelector { Points = new PointsIdsList { Ids = { new PointId { Num = 3 } } } },
            }).Result.OperationId;
            engine.CreateAlias("current", "docs");
        }

        using (var emulator = Start())
        {
            var engine = emulator.Engine;
            var docs = engine.Read(() => engine.Resolve("current"));
            Assert.Equal("docs", docs.Name);
            Assert.Equal(19, docs.Points.Count);
            Assert.False(docs.Points.Contains(PointKey.FromNumber(3)));
            Assert.True(docs.PayloadSchema.ContainsKey("city"));
            Assert.Equal("tests", docs.Config.Metadata["owner"].StringValue);
            Assert.True(docs.Points.TryGetSlot(PointKey.FromNumber(20), out var slot));
            Assert.Equal("c20", docs.Points.GetPayload(slot)["city"].StringValue);

            // The operation counter carries on where it stopped.
            var next = engine.Call<PointsOperationResponse>(
                "/qdrant.Points/Upsert",
                new UpsertPoints
                {
                    CollectionName = "docs",
                    Wait = true,
                    Points = { new PointStruct { Id = new PointId { Num = 99 }, Vectors = new Vectors { Vector = new Vector { Dense = new DenseVector { Data = { 1f, 1f, 1f } } } } } },
                });
            Assert.Equal(lastOperation + 1, next.Result.OperationId);
        }
    }

    [Fact]
    public void Restart_JournalWithTornTail_ReplaysIntactRecords()
    {
        using (var emulator = Start())
        {
            emulator.Engine.CreateCollection("torn");
            emulator.Engine.Upsert("torn", 1, [1, 0, 0]);
            emulator.Engine.Upsert("torn", 2, [0, 1, 0]);
        }

        // A record cut short by a crash: a header promising more bytes than follow.
        var journal = Path.Combine(_directory, EmulatorJournal.FileName);
        var full = EmulatorJournal.Encode(1000, "/qdrant.Points/Upsert", new UpsertPoints { CollectionName = "torn" });
        using (var file = new FileStream(journal, FileMode.Append))
        {
            file.Write(full, 0, full.Length - 3);
        }

        using (var emulator = Start())
        {
            var torn = emulator.Engine.Read(() => emulator.Engine.Resolve("torn"));
            Assert.Equal(2, torn.Points.Count);
        }

        // The restart wrote a checkpoint and dropped the torn bytes.
        Assert.Equal(0, new FileInfo(journal).Length);
    }

    [Fact]
    public void Restart_FailedCallInJournal_ReproducesOriginalOutcome()
    {
        using (var emulator = Start())
        {
            emulator.Engine.CreateCollection("fails");
            var error = Assert.Throws<EmulatorException>(() => emulator.Engine.Upsert("fails", 1, [1, 0]));
            Assert.Equal(EmulatorErrorKind.BadInput, error.Kind);
            emulator.Engine.Upsert("fails", 2, [1, 0, 0]);
        }

        using (var emulator = Start())
        {
            var fails = emulator.Engine.Read(() => emulator.Engine.Resolve("fails"));
            Assert.Equal(1, fails.Points.Count);
            Assert.True(fails.Points.Contains(PointKey.FromNumber(2)));
        }
    }

    [Fact]
    public void Append_PastCompactionThreshold_WritesCheckpointAndEmptiesJournal()
    {
        var engine = new EmulatorEngine(new EmulatorEngineOptions { SnapshotsPath = Path.Combine(_directory, "snapshots") });
        try
        {
            EmulatorPersistence.Attach(engine, _directory, compactionThreshold: 2048);
            engine.CreateCollection("big");
            for (ulong i = 0; i < 100; i++)
            {
                engine.Upsert("big", i, [i, 1, 1], city: new string('x', 50));
            }

            Assert.True(new FileInfo(Path.Combine(_directory, EmulatorJournal.FileName)).Length <= 2048);
        }
        finally
        {
            engine.Dispose();
        }

        using var restarted = Start();
        Assert.Equal(100, restarted.Engine.Read(() => restarted.Engine.Resolve("big").Points.Count));
    }

    [Fact]
    public void Restart_SameDataDirectory_KeepsPeerIdInSnapshotNames()
    {
        string first;
        using (var emulator = Start())
        {
            emulator.Engine.CreateCollection("docs");
            first = emulator.Engine.Call<CreateSnapshotResponse>("/qdrant.Snapshots/Create", new CreateSnapshotRequest { CollectionName = "docs" })
                .SnapshotDescription.Name;
        }

        using var restarted = Start();
        var second = restarted.Engine.Call<CreateSnapshotResponse>("/qdrant.Snapshots/Create", new CreateSnapshotRequest { CollectionName = "docs" })
            .SnapshotDescription.Name;

        // {collection}-{peer_id}-{timestamp}.snapshot: the peer id is chosen once per storage directory.
        Assert.Equal(first.Split('-')[1], second.Split('-')[1]);
        Assert.NotEqual("1", first.Split('-')[1]);
    }

    [Fact]
    public void Start_TwoEmulatorsWithoutDataDirectory_GetDifferentPeerIds()
    {
        using var a = new QdrantEmulator();
        using var b = new QdrantEmulator();

        Assert.NotEqual(a.Engine.Options.PeerId, b.Engine.Options.PeerId);
    }

    [Fact]
    public void Attach_DirectoryInUse_Throws()
    {
        using var first = Start();

        Assert.Throws<IOException>(() => Start());
    }

    [Fact]
    public void ReadAll_CorruptRecordInTheMiddle_StopsBeforeIt()
    {
        var path = Path.Combine(_directory, "j.log");
        var a = EmulatorJournal.Encode(1, "/m/A", new DeleteCollection { CollectionName = "a" });
        var b = EmulatorJournal.Encode(2, "/m/B", new DeleteCollection { CollectionName = "b" });
        var c = EmulatorJournal.Encode(3, "/m/C", new DeleteCollection { CollectionName = "c" });
        b[^1] ^= 0xFF;
        File.WriteAllBytes(path, [.. a, .. b, .. c]);

        var records = EmulatorJournal.ReadAll(path, out var intact);

        var only = Assert.Single(records);
        Assert.Equal("/m/A", only.Method);
        Assert.Equal(1UL, only.Sequence);
        Assert.Equal(a.Length, intact);
        Assert.Equal("a", DeleteCollection.Parser.ParseFrom(only.Request.Span).CollectionName);
    }
}
