using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Snapshots;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Tests.Emulator.Snapshots;

public sealed class CollectionSnapshotFormatTests
{
    internal static CollectionStore CreateSample(string name = "sample")
    {
        var config = new CollectionConfig
        {
            Params = new CollectionParams
            {
                ShardNumber = 1,
                VectorsConfig = new VectorsConfig
                {
                    ParamsMap = new VectorParamsMap
                    {
                        Map =
                        {
                            ["text"] = new VectorParams { Size = 3, Distance = Distance.Cosine },
                            ["image"] = new VectorParams { Size = 2, Distance = Distance.Euclid, Datatype = Datatype.Float16 },
                            ["colbert"] = new VectorParams
                            {
                                Size = 2,
                                Distance = Distance.Dot,
                                MultivectorConfig = new MultiVectorConfig { Comparator = MultiVectorComparator.MaxSim },
                            },
                        },
                    },
                },
                SparseVectorsConfig = new SparseVectorConfig { Map = { ["bm25"] = new SparseVectorParams { Modifier = Modifier.Idf } } },
            },
            HnswConfig = new HnswConfigDiff { M = 16, EfConstruct = 100 },
            Metadata = { ["owner"] = new Value { StringValue = "team-a" }, ["version"] = new Value { IntegerValue = 3 } },
        };
        var store = CollectionStore.FromConfig(name, config, new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));
        store.PayloadSchema["city"] = new PayloadSchemaInfo
        {
            DataType = PayloadSchemaType.Keyword,
            Params = new PayloadIndexParams { KeywordIndexParams = new KeywordIndexParams { IsTenant = true } },
        };
        store.PayloadSchema["price"] = new PayloadSchemaInfo { DataType = PayloadSchemaType.Float };
        store.PeekOperationId = 42;

        var points = store.Points;
        var a = points.GetOrAdd(PointKey.FromNumber(7), out _);
        points.SetVersion(a, 5);
        var payload = new Struct
        {
            Fields =
            {
                ["city"] = new Value { StringValue = "Zürich" },
                ["price"] = new Value { DoubleValue = 1.5 },
                ["count"] = new Value { IntegerValue = -3 },
                ["ok"] = new Value { BoolValue = true },
                ["none"] = new Value { NullValue = NullValue.NullValue },
                ["tags"] = new Value { ListValue = new ListValue { Values = { new Value { StringValue = "x" }, new Value { IntegerValue = 1 } } } },
                ["nested"] = new Value { StructValue = new Struct { Fields = { ["deep"] = new Value { StringValue = "y" } } } },
            },
        };
        points.SetPayload(a, payload.Fields);
        ((DenseVectorColumn)points.Vectors["text"]).Set(a, [3f, 0f, 4f], normalize: true);
        ((DenseVectorColumn)points.Vectors["image"]).Set(a, [1.25f, -2f], normalize: false);
        ((MultiDenseVectorColumn)points.Vectors["colbert"]).Set(a, [1f, 2f, 3f, 4f]);
        ((SparseVectorColumn)points.Vectors["bm25"]).Set(a, new SparseValue([1, 5, 9], [0.5f, 0.25f, 2f]));

        var b = points.GetOrAdd(PointKey.FromGuid(Guid.Parse("6f1c1d8c-3b7a-4f7b-9d59-1f5d0a7f0e2a")), out _);
        points.SetVersion(b, 9);
        ((DenseVectorColumn)points.Vectors["image"]).Set(b, [0f, 1f], normalize: false);

        var c = points.GetOrAdd(PointKey.FromNumber(1), out _);
        points.SetVersion(c, 0);
        return store;
    }

    private static byte[] Serialize(CollectionStore store)
    {
        using var stream = new MemoryStream();
        CollectionSnapshotFormat.Write(stream, store);
        return stream.ToArray();
    }

    [Fact]
    public void Write_ThenRead_RoundTripsConfigIndexesAndEveryPoint()
    {
        var original = CreateSample();
        var bytes = Serialize(original);

        var restored = CollectionSnapshotFormat.Read(new MemoryStream(bytes), "restored", createdAt: null);

        Assert.Equal("restored", restored.Name);
        Assert.Equal(original.Config, restored.Config);
        Assert.Equal(original.CreatedAt, restored.CreatedAt);
        Assert.Equal("team-a", restored.Config.Metadata["owner"].StringValue);
        Assert.Equal(original.PayloadSchema.Keys.Order(), restored.PayloadSchema.Keys.Order());
        Assert.True(restored.PayloadSchema["city"].Params.KeywordIndexParams.IsTenant);
        Assert.Equal(3, restored.Points.Count);
        Assert.Equal(
            original.Points.IdsFrom(null).ToArray(),
            restored.Points.IdsFrom(null).ToArray());

        Assert.True(restored.Points.TryGetSlot(PointKey.FromNumber(7), out var slot));
        Assert.Equal(5UL, restored.Points.GetVersion(slot));
        var payload = restored.Points.GetPayload(slot);
        Assert.Equal("Zürich", payload["city"].StringValue);
        Assert.Equal(-3, payload["count"].IntegerValue);
        Assert.Equal(Value.KindOneofCase.NullValue, payload["none"].KindCase);
        Assert.Equal("y", payload["nested"].StructValue.Fields["deep"].StringValue);
        Assert.Equal([0.6f, 0f, 0.8f], ((DenseVectorColumn)restored.Points.Vectors["text"]).Get(slot).ToArray());
        Assert.Equal([1.25f, -2f], ((DenseVectorColumn)restored.Points.Vectors["image"]).Get(slot).ToArray());
        Assert.Equal([1f, 2f, 3f, 4f], ((MultiDenseVectorColumn)restored.Points.Vectors["colbert"]).Get(slot));
        var sparse = ((SparseVectorColumn)restored.Points.Vectors["bm25"]).Get(slot);
        Assert.Equal([1u, 5u, 9u], sparse.Indices);
        Assert.Equal([0.5f, 0.25f, 2f], sparse.Values);

        Assert.True(restored.Points.TryGetSlot(PointKey.FromNumber(1), out var empty));
        Assert.Empty(restored.Points.GetPayload(empty));
        Assert.False(restored.Points.Vectors["text"].Has(empty));

        // A second write of the restored collection is byte-identical (apart from nothing: names are not stored).
        Assert.Equal(bytes, Serialize(restored));
    }

    [Fact]
    public void Read_WithCreatedAt_UsesGivenTime()
    {
        var bytes = Serialize(CreateSample());
        var when = new DateTimeOffset(2030, 5, 6, 7, 8, 9, TimeSpan.Zero);

        var restored = CollectionSnapshotFormat.Read(new MemoryStream(bytes), "x", when);

        Assert.Equal(when, restored.CreatedAt);
    }

    [Fact]
    public void Read_TruncatedFile_ThrowsInvalidData()
    {
        var bytes = Serialize(CreateSample());

        foreach (var length in new[] { 0, 5, 20, bytes.Length / 2, bytes.Length - 1 })
        {
            Assert.Throws<InvalidDataException>(() =>
                CollectionSnapshotFormat.Read(new MemoryStream(bytes, 0, length), "x", null));
        }
    }

    [Fact]
    public void Read_NotASnapshot_ThrowsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() =>
            CollectionSnapshotFormat.Read(new MemoryStream("this is a tar file, honest"u8.ToArray()), "x", null));
    }

    [Fact]
    public void VectorsConfig_SingleVector_PrintsRustDebugShape()
    {
        var text = RustDebug.VectorsConfig(new VectorsConfig { Params = new VectorParams { Size = 4, Distance = Distance.Cosine } });

        Assert.Equal(
            "Single(VectorParams { size: 4, distance: Cosine, hnsw_config: None, quantization_config: None, on_disk: None, memory: None, datatype: None, multivector_config: None })",
            text);
    }
}
