using Google.Protobuf;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Tests.Emulator;

/// <summary>Small helpers that drive an engine through its gRPC-shaped entry point.</summary>
internal static class EngineCalls
{
    public static T Call<T>(this EmulatorEngine engine, string method, IMessage request)
        where T : IMessage => (T)engine.Invoke(method, request, EmulatorCallContext.Full);

    public static void CreateCollection(this EmulatorEngine engine, string name, ulong size = 3, Distance distance = Distance.Cosine)
    {
        var request = new CreateCollection
        {
            CollectionName = name,
            VectorsConfig = new VectorsConfig { Params = new VectorParams { Size = size, Distance = distance } },
            Metadata = { ["owner"] = new Value { StringValue = "tests" } },
        };
        engine.Call<CollectionOperationResponse>("/qdrant.Collections/Create", request);
    }

    public static void Upsert(this EmulatorEngine engine, string collection, ulong id, float[] vector, string? city = null)
    {
        var point = new PointStruct
        {
            Id = new PointId { Num = id },
            Vectors = new Vectors { Vector = new Vector { Dense = new DenseVector { Data = { vector } } } },
        };
        if (city is not null)
        {
            point.Payload["city"] = new Value { StringValue = city };
        }

        engine.Call<PointsOperationResponse>("/qdrant.Points/Upsert", new UpsertPoints { CollectionName = collection, Wait = true, Points = { point } });
    }

    public static void CreateAlias(this EmulatorEngine engine, string alias, string collection) =>
        engine.Call<CollectionOperationResponse>(
            "/qdrant.Collections/UpdateAliases",
            new ChangeAliases { Actions = { new AliasOperations { CreateAlias = new CreateAlias { AliasName = alias, CollectionName = collection } } } });

    public static string TempDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "qdrant-schema-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDeleteDirectory(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
