using System.Net;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;

using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Infrastructure;

/// <summary>
/// A collection owned by one test: created with a unique name, deleted on dispose (errors while deleting are ignored,
/// so a failing test still cleans up).
/// </summary>
public sealed class CollectionScope : IAsyncDisposable
{
    private readonly QdrantBackend _backend;

    private CollectionScope(QdrantBackend backend, string name)
    {
        _backend = backend;
        Name = name;
    }

    public string Name { get; }

    public QdrantClient Client => _backend.Client;

    public HttpClient Http => _backend.Http;

    /// <summary>Creates a collection with one unnamed dense vector.</summary>
    public static async Task<CollectionScope> CreateAsync(QdrantBackend backend, ulong size = 2, Distance distance = Distance.Dot)
    {
        var name = QdrantBackend.NewName("pt");
        await backend.Client.CreateCollectionAsync(
            name,
            new VectorParams { Size = size, Distance = distance },
            cancellationToken: TestContext.Current.CancellationToken);
        return new CollectionScope(backend, name);
    }

    /// <summary>Creates a collection with named dense vectors.</summary>
    public static async Task<CollectionScope> CreateNamedAsync(QdrantBackend backend, params (string Name, ulong Size, Distance Distance)[] vectors)
    {
        var name = QdrantBackend.NewName("pt");
        var map = new VectorParamsMap();
        foreach (var (vectorName, size, distance) in vectors)
        {
            map.Map[vectorName] = new VectorParams { Size = size, Distance = distance };
        }

        await backend.Client.CreateCollectionAsync(name, map, cancellationToken: TestContext.Current.CancellationToken);
        return new CollectionScope(backend, name);
    }

    /// <summary>Upserts points with wait=true.</summary>
    public Task<UpdateResult> UpsertAsync(params PointStruct[] points) =>
        Client.UpsertAsync(Name, points, wait: true, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Retrieves one point with payload and all vectors, or null when it does not exist.</summary>
    public async Task<RetrievedPoint?> GetAsync(PointId id)
    {
        var points = await Client.RetrieveAsync(Name, [id], withPayload: true, withVectors: true, cancellationToken: TestContext.Current.CancellationToken);
        return points.Count == 0 ? null : points[0];
    }

    /// <summary>All point ids in scroll order.</summary>
    public async Task<List<ulong>> IdsAsync(Filter? filter = null)
    {
        var response = await Client.ScrollAsync(Name, filter, limit: 1000, cancellationToken: TestContext.Current.CancellationToken);
        return [.. response.Result.Select(p => p.Id.Num)];
    }

    /// <summary>Sends a REST request with a JSON body (or none) to a path under this collection (<c>/collections/{name}</c> + suffix).</summary>
    public Task<RestResponse> RestAsync(HttpMethod method, string suffix, string? json = null) =>
        Http.SendJsonAsync(method, $"/collections/{Name}{suffix}", json);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _backend.Client.DeleteCollectionAsync(Name, cancellationToken: CancellationToken.None);
        }
        catch (RpcException)
        {
        }
        catch (QdrantException)
        {
        }
    }
}

/// <summary>A REST answer: status code, raw text and the parsed JSON body (default when the body is not JSON).</summary>
public sealed record RestResponse(HttpStatusCode Status, string Text, JsonElement Body)
{
    /// <summary>Gets <c>result</c> of the Qdrant envelope.</summary>
    public JsonElement Result => Body.GetProperty("result");

    /// <summary>Gets <c>status.error</c> of an error envelope.</summary>
    public string? Error => Body.ValueKind == JsonValueKind.Object && Body.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.Object
        ? s.GetProperty("error").GetString()
        : null;
}

public static class PointsTestData
{
    /// <summary>A point with an unnamed dense vector and an optional payload.</summary>
    public static PointStruct Point(ulong id, float[] vector, Dictionary<string, Value>? payload = null)
    {
        var point = new PointStruct { Id = id, Vectors = vector };
        if (payload is not null)
        {
            foreach (var (k, v) in payload)
            {
                point.Payload[k] = v;
            }
        }

        return point;
    }

    /// <summary>A point with named dense vectors and an optional payload.</summary>
    public static PointStruct Point(ulong id, Dictionary<string, float[]> vectors, Dictionary<string, Value>? payload = null)
    {
        var point = new PointStruct { Id = id, Vectors = vectors };
        if (payload is not null)
        {
            foreach (var (k, v) in payload)
            {
                point.Payload[k] = v;
            }
        }

        return point;
    }

    /// <summary>The unnamed dense vector of a retrieved point.</summary>
    public static float[] Dense(this RetrievedPoint point) => point.Vectors.Vector.GetDenseVector()!.Data.ToArray();

    /// <summary>A named dense vector of a retrieved point.</summary>
    public static float[] Dense(this RetrievedPoint point, string name) =>
        point.Vectors.Vectors.Vectors[name].GetDenseVector()!.Data.ToArray();

    /// <summary>The names of the vectors a retrieved point carries (named collections).</summary>
    public static string[] VectorNames(this RetrievedPoint point) =>
        point.Vectors?.Vectors is null ? [] : [.. point.Vectors.Vectors.Vectors.Keys.Order(StringComparer.Ordinal)];

    public static void AssertVector(float[] expected, float[] actual, int precision = 4)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], precision);
        }
    }

    /// <summary>Asserts an RPC fails with exactly this status code and detail text.</summary>
    public static async Task<RpcException> AssertRpcErrorAsync(StatusCode code, string detail, Func<Task> action)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(action);
        Assert.Equal(code, ex.StatusCode);
        Assert.Equal(detail, ex.Status.Detail);
        return ex;
    }

    /// <summary>Sends a JSON request and parses the envelope.</summary>
    public static async Task<RestResponse> SendJsonAsync(this HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        JsonElement body = default;
        try
        {
            using var doc = JsonDocument.Parse(text);
            body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        return new RestResponse(response.StatusCode, text, body);
    }

    /// <summary>Ids of REST points (numbers) in order.</summary>
    public static List<ulong> NumIds(this JsonElement points) => [.. points.EnumerateArray().Select(p => p.GetProperty("id").GetUInt64())];

    /// <summary>Ids of gRPC points in order.</summary>
    public static List<ulong> NumIds(this IEnumerable<RetrievedPoint> points) => [.. points.Select(p => p.Id.Num)];

    /// <summary>Ids of gRPC scored points in order.</summary>
    public static List<ulong> NumIds(this IEnumerable<ScoredPoint> points) => [.. points.Select(p => p.Id.Num)];
}
