using System.Net.Http.Headers;
using Qdrant.Client;

namespace QdrantSchema.Tests.Backends;

/// <summary>
/// A Qdrant the conformance suite runs against: a real server when one is available, else the emulator. Each
/// suite class is abstract over its backend and has one concrete subclass per backend (the VectorData conformance
/// shape), so every fact is checked on every transport.
/// </summary>
public abstract class QdrantBackend : IAsyncLifetime
{
    private QdrantClient? _client;
    private HttpClient? _http;

    /// <summary>Gets a short name for reports, e.g. <c>emulator-loopback</c> or <c>qdrant http://…</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a value indicating whether this backend is the emulator (false: a real Qdrant).</summary>
    public abstract bool IsEmulator { get; }

    /// <summary>Gets the official gRPC client.</summary>
    public QdrantClient Client => _client ?? throw new InvalidOperationException("Backend not started");

    /// <summary>Gets an HTTP client for Qdrant's REST API (base address set, API key header sent).</summary>
    public HttpClient Http => _http ?? throw new InvalidOperationException("Backend not started");

    /// <summary>Gets the read-write API key the backend expects, if any.</summary>
    public string? ApiKey { get; protected set; }

    /// <summary>
    /// Gets the server-side snapshots directory, where <c>file://</c> recovery is allowed, when it is known
    /// (the emulator; a container; <c>QDRANT_SNAPSHOTS_PATH</c> for a server you point the suite at).
    /// </summary>
    public string? ServerSnapshotsPath { get; protected set; }

    /// <summary>A collection name no other test uses.</summary>
    public static string NewName(string prefix = "c") => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 17, prefix.Length + 33)];

    /// <summary>Creates another gRPC client with a different key (auth tests).</summary>
    public abstract QdrantClient CreateClient(string? apiKey);

    /// <summary>
    /// Creates a gRPC client whose calls pass through <paramref name="interceptor"/> (fault injection, call recording),
    /// over the same transport as <see cref="Client"/> and with the backend's API key.
    /// </summary>
    public abstract QdrantClient CreateInterceptedClient(Grpc.Core.Interceptors.Interceptor interceptor);

    /// <summary>Creates another REST client with a different key, or none.</summary>
    public HttpClient CreateHttpClient(string? apiKey)
    {
        var http = CreateRawHttpClient();
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Add("api-key", apiKey);
        }

        return http;
    }

    public async ValueTask InitializeAsync()
    {
        await StartAsync().ConfigureAwait(false);
        _client = CreateClient(ApiKey);
        _http = CreateHttpClient(ApiKey);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    public async ValueTask DisposeAsync()
    {
        _client?.Dispose();
        _http?.Dispose();
        await StopAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    protected abstract Task StartAsync();

    protected abstract Task StopAsync();

    /// <summary>An HTTP client with the REST base address and no headers.</summary>
    protected abstract HttpClient CreateRawHttpClient();
}
