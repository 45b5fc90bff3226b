using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.History;

public abstract class QdrantHistoryStoreTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private QdrantHistoryStore NewStore() => new(Backend.Client, QdrantBackend.NewName("hist"));

    private static MigrationRecord Record(string collection, string migrationId, MigrationStatus status = MigrationStatus.Succeeded) => new()
    {
        Collection = collection,
        Family = "memories",
        MigrationId = migrationId,
        Description = "Create memories",
        Checksum = "ab12",
        Status = status,
        StartedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero),
        Host = "host-a",
        ProcessId = 42,
        LibraryVersion = "1.0.0",
    };

    [Fact]
    public async Task EnsureCreatedAsync_CalledTwice_CreatesVectorlessCollectionWithKeywordIndexes()
    {
        var store = NewStore();

        await store.EnsureCreatedAsync(Ct);
        await store.EnsureCreatedAsync(Ct);

        var info = await Backend.Client.GetCollectionInfoAsync(store.CollectionName, Ct);
        Assert.True(
            info.Config.Params.VectorsConfig is null
            || info.Config.Params.VectorsConfig.ConfigCase == VectorsConfig.ConfigOneofCase.None
            || (info.Config.Params.VectorsConfig.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap && info.Config.Params.VectorsConfig.ParamsMap.Map.Count == 0));
        Assert.Equal(PayloadSchemaType.Keyword, info.PayloadSchema["kind"].DataType);
        Assert.Equal(PayloadSchemaType.Keyword, info.PayloadSchema["collection"].DataType);
    }

    [Fact]
    public async Task WriteAsync_EveryFieldSet_RoundTripsThroughReadAsync()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        var full = Record("memories_a", "20260101000000_First", MigrationStatus.Failed) with
        {
            Step = 3,
            Cursor = new PointId { Uuid = "5c56c793-69f3-4fbf-87e6-c4bf54c28c26" },
            PointsProcessed = 1234,
            Baseline = true,
            StartedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 0, 123, TimeSpan.FromHours(2)).AddTicks(4567),
            FinishedAt = new DateTimeOffset(2026, 11, 25, 10, 5, 1, TimeSpan.Zero),
            Error = "Qdrant refused the request",
            FencingToken = 77,
        };
        var numericCursor = Record("memories_a", "20260102000000_Second", MigrationStatus.Running) with { Cursor = new PointId { Num = 9_000_000_000 } };
        var minimal = Record("memories_a", "20260103000000_Third", MigrationStatus.RolledBack);

        await store.WriteAsync(full, Ct);
        await store.WriteAsync(numericCursor, Ct);
        await store.WriteAsync(minimal, Ct);
        var read = await store.ReadAsync("memories_a", Ct);

        Assert.Equal([full, numericCursor, minimal], read);
        Assert.Equal(full.StartedAt.UtcTicks, read[0].StartedAt.UtcTicks);
        Assert.Null(read[2].Cursor);
        Assert.Null(read[2].FinishedAt);
        Assert.Null(read[2].Error);
        Assert.Null(read[2].FencingToken);
    }

    [Fact]
    public async Task WriteAsync_PayloadFields_AreSnakeCaseAtTheDeterministicId()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        var record = Record("memories_b", "20260101000000_First") with { FinishedAt = new DateTimeOffset(2026, 11, 25, 12, 0, 2, TimeSpan.Zero) };

        await store.WriteAsync(record, Ct);

        var id = HistoryPointIds.Record("memories_b", "20260101000000_First");
        var point = Assert.Single(await Backend.Client.RetrieveAsync(store.CollectionName, [id], true, false, cancellationToken: Ct));
        var payload = point.Payload;
        Assert.Equal("migration", payload["kind"].StringValue);
        Assert.Equal("memories_b", payload["collection"].StringValue);
        Assert.Equal("memories", payload["family"].StringValue);
        Assert.Equal("20260101000000_First", payload["migration_id"].StringValue);
        Assert.Equal("succeeded", payload["status"].StringValue);
        Assert.Equal(0, payload["step"].IntegerValue);
        Assert.Equal("2026-11-25T12:00:00Z", payload["started_at"].StringValue);
        Assert.Equal("2026-11-25T12:00:02Z", payload["finished_at"].StringValue);
        Assert.Equal(42, payload["process_id"].IntegerValue);
        Assert.False(payload.ContainsKey("cursor"));
        Assert.False(payload.ContainsKey("fencing_token"));
    }

    [Fact]
    public void RecordId_SameKey_IsDeterministicUuidV5FromSha256()
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("qdrant-schema:record\nmemories_a\n20260101000000_First"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        var expected = Convert.ToHexStringLower(hash, 0, 16);

        var id = HistoryPointIds.RecordGuid("memories_a", "20260101000000_First");

        Assert.Equal(expected, id.ToString("N"));
        Assert.Equal(id, HistoryPointIds.RecordGuid("memories_a", "20260101000000_First"));
        Assert.Equal(5, id.Version);
        Assert.NotEqual(id, HistoryPointIds.RecordGuid("memories_b", "20260101000000_First"));
        Assert.NotEqual(id, HistoryPointIds.RedoPageGuid("memories_a", "20260101000000_First", 0));
        Assert.NotEqual(HistoryPointIds.RedoPageGuid("memories_a", "m", 0), HistoryPointIds.RedoPageGuid("memories_a", "m", 1));
    }

    [Fact]
    public async Task WriteAsync_SameKeyTwice_UpdatesTheRecordInPlace()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);

        await store.WriteAsync(Record("memories_a", "20260101000000_First", MigrationStatus.Running) with { Step = 1 }, Ct);
        await store.WriteAsync(Record("memories_a", "20260101000000_First") with { Step = 2 }, Ct);

        var record = Assert.Single(await store.ReadAsync("memories_a", Ct));
        Assert.Equal(MigrationStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Step);
        Assert.Equal(1UL, await Backend.Client.CountAsync(store.CollectionName, cancellationToken: Ct));
    }

    [Fact]
    public async Task ReadAllAsync_TwoCollections_KeepsTheirRecordsApartAndOrdered()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        await store.WriteAsync(Record("bot_b", "20260102000000_Second"), Ct);
        await store.WriteAsync(Record("bot_a", "20260102000000_Second"), Ct);
        await store.WriteAsync(Record("bot_a", "20260101000000_First"), Ct);

        var all = await store.ReadAllAsync(Ct);
        var onlyB = await store.ReadAsync("bot_b", Ct);

        Assert.Equal(["bot_a", "bot_b"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["20260101000000_First", "20260102000000_Second"], all["bot_a"].Select(r => r.MigrationId));
        Assert.All(all["bot_a"], r => Assert.Equal("bot_a", r.Collection));
        Assert.Equal("20260102000000_Second", Assert.Single(all["bot_b"]).MigrationId);
        Assert.Equal("bot_b", Assert.Single(onlyB).Collection);
    }

    [Fact]
    public async Task ReadAllAsync_MoreRecordsThanOnePage_ReadsEveryPage()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        const int Count = 1100;
        var points = new List<PointStruct>();
        for (var i = 0; i < Count; i++)
        {
            var record = Record($"bot_{i % 7}", $"2026010100{i:D4}_M");
            var point = QdrantHistoryStore.NewPoint(HistoryPointIds.Record(record.Collection, record.MigrationId));
            HistoryPayload.WriteRecord(record, point.Payload);
            points.Add(point);
        }

        foreach (var chunk in points.Chunk(275))
        {
            await Backend.Client.UpsertAsync(store.CollectionName, chunk, cancellationToken: Ct);
        }

        await store.SaveRedoPageAsync(new RedoPage { Collection = "bot_0", MigrationId = "x", Step = 0, Points = [], OverwritesPayload = false }, Ct);

        var all = await store.ReadAllAsync(Ct);

        Assert.True(Count > QdrantHistoryStore.ReadPageSize * 4);
        Assert.Equal(Count, all.Values.Sum(r => r.Count));
        Assert.Equal(7, all.Count);
        Assert.Equal(Count / 7 + 1, all["bot_0"].Count);
        Assert.Equal(Count / 7 + 1, (await store.ReadAsync("bot_0", Ct)).Count);
    }

    [Fact]
    public async Task SaveRedoPageAsync_PointsWithVectorsAndPayload_RoundTripsAndStaysOutOfRecords()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        var dense = new PointStruct
        {
            Id = 17,
            Vectors = new Dictionary<string, Vector> { ["content"] = new[] { 0.25f, -1.5f, 3f }, ["relationship"] = new[] { 1f, 2f, 3f } },
            Payload = { ["text"] = "hello", ["n"] = 3, ["nested"] = new Value { StructValue = new Struct { Fields = { ["a"] = true } } } },
        };
        var sparse = new PointStruct
        {
            Id = new PointId { Uuid = "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9" },
            Vectors = new Dictionary<string, Vector> { ["keywords"] = ([0.5f, 0.25f], [3u, 9u]) },
        };
        var page = new RedoPage
        {
            Collection = "memories_a",
            MigrationId = "20260101000000_First",
            Step = 2,
            Points = [dense, sparse],
            OverwritesPayload = true,
            NextCursor = new PointId { Num = 18 },
            PointsProcessed = 512,
        };

        await store.SaveRedoPageAsync(page, Ct);
        var loaded = await store.LoadRedoPageAsync("memories_a", "20260101000000_First", 2, Ct);
        var records = await store.ReadAllAsync(Ct);

        Assert.NotNull(loaded);
        Assert.Equal(page.Collection, loaded.Collection);
        Assert.Equal(page.MigrationId, loaded.MigrationId);
        Assert.Equal(2, loaded.Step);
        Assert.True(loaded.OverwritesPayload);
        Assert.Equal(new PointId { Num = 18 }, loaded.NextCursor);
        Assert.Equal(512, loaded.PointsProcessed);
        Assert.Equal([dense, sparse], loaded.Points);
        Assert.Empty(records);
        Assert.Null(await store.LoadRedoPageAsync("memories_a", "20260101000000_First", 3, Ct));
    }

    [Fact]
    public async Task DeleteRedoPageAsync_ExistingAndMissing_RemovesWithoutError()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        await store.SaveRedoPageAsync(new RedoPage { Collection = "c", MigrationId = "m", Step = 0, Points = [], OverwritesPayload = false }, Ct);

        await store.DeleteRedoPageAsync("c", "m", 0, Ct);
        await store.DeleteRedoPageAsync("c", "m", 0, Ct);

        Assert.Null(await store.LoadRedoPageAsync("c", "m", 0, Ct));
    }

    [Fact]
    public async Task DeleteAsync_ExistingRecord_RemovesOnlyThatRecord()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        await store.WriteAsync(Record("c", "20260101000000_First"), Ct);
        await store.WriteAsync(Record("c", "20260102000000_Second"), Ct);

        await store.DeleteAsync("c", "20260101000000_First", Ct);
        await store.DeleteAsync("c", "20260101000000_First", Ct);

        Assert.Equal("20260102000000_Second", Assert.Single(await store.ReadAsync("c", Ct)).MigrationId);
    }

    [Fact]
    public async Task ReadAllAsync_NoHistoryCollection_IsEmptyAndCreatesNothing()
    {
        var store = NewStore();

        var all = await store.ReadAllAsync(Ct);
        var one = await store.ReadAsync("c", Ct);
        var page = await store.LoadRedoPageAsync("c", "m", 0, Ct);
        await store.DeleteAsync("c", "m", Ct);

        Assert.Empty(all);
        Assert.Empty(one);
        Assert.Null(page);
        Assert.False(await Backend.Client.CollectionExistsAsync(store.CollectionName, Ct));
    }

    [Fact]
    public async Task ReadAsync_UnknownStatus_ThrowsNamingHistoryCollectionPointAndRepair()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        await store.WriteAsync(Record("c", "20260101000000_First"), Ct);
        var id = HistoryPointIds.Record("c", "20260101000000_First");
        await Backend.Client.SetPayloadAsync(store.CollectionName, new Dictionary<string, Value> { ["status"] = "exploded" }, Guid.Parse(id.Uuid), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => store.ReadAsync("c", Ct));

        Assert.Contains(store.CollectionName, error.Message, StringComparison.Ordinal);
        Assert.Contains(id.Uuid, error.Message, StringComparison.Ordinal);
        Assert.Contains("'status' is 'exploded'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Repair it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAllAsync_MissingChecksum_ThrowsNamingTheField()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        await store.WriteAsync(Record("c", "20260101000000_First"), Ct);
        var id = HistoryPointIds.Record("c", "20260101000000_First");
        await Backend.Client.DeletePayloadAsync(store.CollectionName, ["checksum"], Guid.Parse(id.Uuid), cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => store.ReadAllAsync(Ct));

        Assert.Contains($"point {id.Uuid} of the history collection '{store.CollectionName}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("field 'checksum' is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_RecordAtForeignId_ThrowsNamingTheExpectedId()
    {
        var store = NewStore();
        await store.EnsureCreatedAsync(Ct);
        var point = QdrantHistoryStore.NewPoint(5);
        HistoryPayload.WriteRecord(Record("c", "20260101000000_First"), point.Payload);
        await Backend.Client.UpsertAsync(store.CollectionName, [point], cancellationToken: Ct);

        var error = await Assert.ThrowsAsync<QdrantSchemaException>(() => store.ReadAsync("c", Ct));

        Assert.Contains("point 5", error.Message, StringComparison.Ordinal);
        Assert.Contains(HistoryPointIds.Record("c", "20260101000000_First").Uuid, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HistoryPayload_ReadRecord_MapsEveryStatus()
    {
        foreach (var status in Enum.GetValues<MigrationStatus>())
        {
            var record = Record("c", "m", status);
            var payload = new MapField<string, Value>();
            HistoryPayload.WriteRecord(record, payload);

            Assert.Equal(record, HistoryPayload.ReadRecord("h", HistoryPointIds.Record("c", "m"), payload));
        }
    }
}

public sealed class QdrantHistoryStoreTests_Server(ServerBackend backend) : QdrantHistoryStoreTests(backend);

public sealed class QdrantHistoryStoreTests_InProcess(InProcessBackend backend) : QdrantHistoryStoreTests(backend);
