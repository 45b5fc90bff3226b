using Qdrant.Client;

namespace QdrantSchema.Testing;

/// <summary>A running loopback server of a <see cref="QdrantEmulator"/>. Dispose it to stop it.</summary>
public sealed class QdrantEmulatorServer : IAsyncDisposable
{
    private readonly Func<ValueTask> _stop;
    private int _stopped;

    internal QdrantEmulatorServer(int grpcPort, int httpPort, string? apiKey, Func<ValueTask> stop)
    {
        GrpcPort = grpcPort;
        HttpPort = httpPort;
        ApiKey = apiKey;
        _stop = stop;
    }

    /// <summary>Gets the port gRPC (HTTP/2 cleartext) listens on, on 127.0.0.1.</summary>
    public int GrpcPort { get; }

    /// <summary>Gets the port REST (HTTP/1.1) listens on, on 127.0.0.1.</summary>
    public int HttpPort { get; }

    /// <summary>Gets the gRPC endpoint, e.g. <c>http://127.0.0.1:6334</c>.</summary>
    public Uri GrpcEndpoint => new($"http://127.0.0.1:{GrpcPort}");

    /// <summary>Gets the REST endpoint, e.g. <c>http://127.0.0.1:6333</c>.</summary>
    public Uri HttpEndpoint => new($"http://127.0.0.1:{HttpPort}");

    private string? ApiKey { get; }

    /// <summary>Creates an official client that talks to this server over gRPC.</summary>
    /// <param name="apiKey">The key to present; by default the emulator's read-write key.</param>
    /// <returns>A client; dispose it when done.</returns>
    public QdrantClient CreateClient(string? apiKey = null) =>
        new("127.0.0.1", GrpcPort, https: false, apiKey: apiKey ?? ApiKey);

    /// <summary>Stops the server. Calls in flight complete or fail; the emulator's data stays.</summary>
    /// <returns>A task that completes when the ports are closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 0)
        {
            await _stop().ConfigureAwait(false);
        }
    }
}
