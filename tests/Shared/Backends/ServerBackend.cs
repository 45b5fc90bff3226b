using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Containers;
using Qdrant.Client;
using QdrantSchema.Testing;

namespace QdrantSchema.Tests.Backends;

/// <summary>
/// The suite's "server" backend, chosen once per run:
/// <list type="number">
/// <item>a real Qdrant at <c>QDRANT_GRPC_URL</c> and <c>QDRANT_HTTP_URL</c> (with <c>QDRANT_API_KEY</c> when it needs one);</item>
/// <item>else a real Qdrant in a container when a Docker daemon answers (image pinned in <see cref="Image"/>);</item>
/// <item>else the emulator on loopback, over real sockets (gRPC HTTP/2 and REST HTTP/1.1).</item>
/// </list>
/// </summary>
public sealed class ServerBackend : QdrantBackend
{
    /// <summary>The pinned image. Testcontainers.Qdrant is not in this workplace's registry, so a generic container is used.</summary>
    public const string Image = "qdrant/qdrant:v1.19.0";

    private QdrantEmulator? _emulator;
    private QdrantEmulatorServer? _server;
    private IContainer? _container;
    private readonly List<Grpc.Net.Client.GrpcChannel> _channels = [];
    private Uri? _grpc;
    private Uri? _rest;
    private string _name = "unstarted";
    private bool _isEmulator;

    public override string Name => _name;

    public override bool IsEmulator => _isEmulator;

    /// <summary>Gets the running emulator when this backend is the emulator (null for a real Qdrant).</summary>
    public QdrantEmulator? Emulator => _emulator;

    public override QdrantClient CreateClient(string? apiKey)
    {
        var grpc = _grpc!;
        return new QdrantClient(grpc.Host, grpc.Port, https: grpc.Scheme == Uri.UriSchemeHttps, apiKey: apiKey);
    }

    public override QdrantClient CreateInterceptedClient(Grpc.Core.Interceptors.Interceptor interceptor)
    {
        var channel = Grpc.Net.Client.GrpcChannel.ForAddress(_grpc!);
        lock (_channels)
        {
            _channels.Add(channel);
        }

        var invoker = Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(channel.CreateCallInvoker(), interceptor);
        if (ApiKey is { } key)
        {
            invoker = Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(invoker, metadata =>
            {
                metadata.Add("api-key", key);
                return metadata;
            });
        }

        return new QdrantClient(new Qdrant.Client.Grpc.QdrantGrpcClient(invoker));
    }

    protected override HttpClient CreateRawHttpClient() => new() { BaseAddress = _rest };

    protected override async Task StartAsync()
    {
        var grpcUrl = Environment.GetEnvironmentVariable("QDRANT_GRPC_URL");
        var httpUrl = Environment.GetEnvironmentVariable("QDRANT_HTTP_URL");
        if (!string.IsNullOrEmpty(grpcUrl) && !string.IsNullOrEmpty(httpUrl))
        {
            _grpc = new Uri(grpcUrl);
            _rest = new Uri(httpUrl);
            ApiKey = Environment.GetEnvironmentVariable("QDRANT_API_KEY") is { Length: > 0 } key ? key : null;
            ServerSnapshotsPath = Environment.GetEnvironmentVariable("QDRANT_SNAPSHOTS_PATH");
            _name = $"qdrant {httpUrl}";
            return;
        }

        if (DockerAvailable())
        {
            _container = new ContainerBuilder(Image)
                .WithPortBinding(6333, true)
                .WithPortBinding(6334, true)
                .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r => r.ForPort(6333).ForPath("/readyz")))
                .Build();
            await _container.StartAsync().ConfigureAwait(false);
            _grpc = new Uri($"http://{_container.Hostname}:{_container.GetMappedPublicPort(6334)}");
            _rest = new Uri($"http://{_container.Hostname}:{_container.GetMappedPublicPort(6333)}");
            ServerSnapshotsPath = "/qdrant/snapshots";
            _name = $"qdrant container {Image}";
            return;
        }

        _emulator = new QdrantEmulator();
        _server = await _emulator.StartServerAsync(0, 0).ConfigureAwait(false);
        _grpc = _server.GrpcEndpoint;
        _rest = _server.HttpEndpoint;
        ServerSnapshotsPath = _emulator.SnapshotsDirectory();
        _isEmulator = true;
        _name = "emulator-loopback";
    }

    protected override async Task StopAsync()
    {
        lock (_channels)
        {
            _channels.ForEach(c => c.Dispose());
            _channels.Clear();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync().ConfigureAwait(false);
        }

        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }

        if (_container is not null)
        {
            await _container.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>True when a Docker daemon is reachable (a socket or DOCKER_HOST); the client alone does not count.</summary>
    private static bool DockerAvailable() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_HOST")) || File.Exists("/var/run/docker.sock");
}
