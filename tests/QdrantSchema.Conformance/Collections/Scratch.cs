using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Collections;

/// <summary>
/// Names created by one test, removed again when it ends (collections and aliases; errors while cleaning up are
/// ignored, the backend may already have removed them).
/// </summary>
public sealed class Scratch(QdrantBackend backend) : IAsyncDisposable
{
    private readonly List<string> _collections = [];
    private readonly List<string> _aliases = [];

    public QdrantClient Client => backend.Client;

    /// <summary>Reserves a unique collection name that is deleted on dispose (nothing is created).</summary>
    public string Name(string prefix = "c")
    {
        var name = QdrantBackend.NewName(prefix);
        _collections.Add(name);
        return name;
    }

    /// <summary>Reserves a unique alias name that is deleted on dispose.</summary>
    public string Alias()
    {
        var name = QdrantBackend.NewName("a");
        _aliases.Add(name);
        return name;
    }

    /// <summary>Creates a collection with one unnamed 4-dim Dot vector.</summary>
    public async Task<string> CreateAsync(ulong size = 4, Distance distance = Distance.Dot)
    {
        var name = Name();
        await Client.CreateCollectionAsync(name, new VectorParams { Size = size, Distance = distance }, cancellationToken: TestContext.Current.CancellationToken);
        return name;
    }

    /// <summary>Creates a collection from a raw request (its name is replaced by a fresh one).</summary>
    public async Task<string> CreateAsync(CreateCollection request)
    {
        request.CollectionName = Name();
        await Client.CreateCollectionAsync(request, TestContext.Current.CancellationToken);
        return request.CollectionName;
    }

    /// <summary>Upserts points 1..count with vectors [i, 1, 0, 0…] and payload {"n": i}.</summary>
    public async Task UpsertAsync(string collection, int count, ulong size = 4)
    {
        var points = Enumerable.Range(1, count).Select(i =>
        {
            var vector = new float[size];
            vector[0] = i;
            vector[1] = 1;
            return new PointStruct { Id = (ulong)i, Vectors = vector, Payload = { ["n"] = i } };
        }).ToList();
        await Client.UpsertAsync(collection, points, wait: true, cancellationToken: TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var alias in _aliases)
        {
            try
            {
                await backend.Client.DeleteAliasAsync(alias, cancellationToken: CancellationToken.None);
            }
            catch (Exception e) when (e is RpcException or QdrantException)
            {
                // Already gone.
            }
        }

        foreach (var name in _collections)
        {
            try
            {
                await backend.Client.DeleteCollectionAsync(name, cancellationToken: CancellationToken.None);
            }
            catch (Exception e) when (e is RpcException or QdrantException)
            {
                // Never created, or already deleted.
            }
        }
    }
}
