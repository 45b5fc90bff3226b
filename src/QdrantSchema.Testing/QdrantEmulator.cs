using Grpc.Core;
using Grpc.Core.Interceptors;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Hosting;
using QdrantSchema.Testing.Emulator.Persistence;
using QdrantSchema.Testing.Emulator.Rest;
using QdrantSchema.Testing.Emulator.Transport;

namespace QdrantSchema.Testing;

/// <summary>
/// An in-memory emulator of a single-node Qdrant server, faithful to the behaviour a schema migrator relies on.
/// Reach it in-process (<see cref="CreateClient"/>, <see cref="CreateHttpMessageHandler"/>) or over loopback
/// (<see cref="StartServerAsync"/>).
/// </summary>
/// <example>
/// <code>
/// using var emulator = new QdrantEmulator();
/// var client = emulator.CreateClient();
/// await client.CreateCollectionAsync("memories", new VectorParams { Size = 384, Distance = Distance.Cosine });
/// </code>
/// </example>
public sealed class QdrantEmulator : IDisposable, IAsyncDisposable
{
    private readonly EmulatorAuthenticator _authenticator;
    private readonly string? _temporaryDirectory;
    private readonly List<QdrantEmulatorServer> _servers = [];
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="QdrantEmulator"/> class with default options.</summary>
    public QdrantEmulator()
        : this(new QdrantEmulatorOptions())
    {
    }

    /// <summary>Initializes a new instance of the <see cref="QdrantEmulator"/> class.</summary>
    /// <param name="options">The emulator's settings.</param>
    public QdrantEmulator(QdrantEmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ServerVersion);
        Options = options;

        string snapshots;
        if (options.DataDirectory is { } dataDirectory)
        {
            snapshots = Path.Combine(Path.GetFullPath(dataDirectory), "snapshots");
        }
        else
        {
            _temporaryDirectory = Path.Combine(Path.GetTempPath(), "qdrant-emulator-" + Guid.NewGuid().ToString("N"));
            snapshots = Path.Combine(_temporaryDirectory, "snapshots");
        }

        Directory.CreateDirectory(snapshots);
        _authenticator = new EmulatorAuthenticator(options.ApiKey, options.ReadOnlyApiKey);
        Engine = new EmulatorEngine(new EmulatorEngineOptions
        {
            TimeProvider = options.TimeProvider,
            ServerVersion = options.ServerVersion,
            SnapshotsPath = snapshots,
            PeerId = PeerIdentity(options.DataDirectory),
        });

        if (options.DataDirectory is not null)
        {
            EmulatorPersistence.Attach(Engine, Path.GetFullPath(options.DataDirectory));
        }
    }

    /// <summary>
    /// The node's peer id, used in snapshot names and cluster info. Like Qdrant, a random u64 chosen at first start and
    /// kept in the storage directory (<c>raft_state</c> in Qdrant; <c>peer_id</c> here), so names stay stable across
    /// restarts of one data directory.
    /// </summary>
    private static ulong PeerIdentity(string? dataDirectory)
    {
        if (dataDirectory is null)
        {
            return NewPeerId();
        }

        var path = Path.Combine(Path.GetFullPath(dataDirectory), "peer_id");
        if (File.Exists(path) &&
            ulong.TryParse(File.ReadAllText(path).Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var existing))
        {
            return existing;
        }

        var peerId = NewPeerId();
        File.WriteAllText(path, peerId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return peerId;
    }

    private static ulong NewPeerId()
    {
        Span<byte> bytes = stackalloc byte[8];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);

        // Qdrant's peer ids are positive u64s; keep to 53 bits so REST clients reading JSON numbers as doubles see it exactly.
        return (System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes) & ((1UL << 53) - 1)) | 1;
    }

    /// <summary>Gets the options this emulator was created with.</summary>
    public QdrantEmulatorOptions Options { get; }

    internal EmulatorEngine Engine { get; }

    internal EmulatorAuthenticator Authenticator => _authenticator;

    /// <summary>
    /// Creates a gRPC <see cref="CallInvoker"/> that reaches this emulator in-process, for
    /// <c>new QdrantClient(new QdrantGrpcClient(invoker))</c>. Send the API key as <c>api-key</c> call metadata,
    /// or use <see cref="CreateClient"/>, which does.
    /// </summary>
    /// <returns>A call invoker.</returns>
    public CallInvoker CreateCallInvoker()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new EmulatorCallInvoker(Engine, _authenticator);
    }

    /// <summary>Creates an official <see cref="QdrantClient"/> connected to this emulator in-process.</summary>
    /// <param name="apiKey">The API key to present; by default <see cref="QdrantEmulatorOptions.ApiKey"/>.</param>
    /// <returns>A client; dispose it when done.</returns>
    public QdrantClient CreateClient(string? apiKey = null)
    {
        var invoker = CreateCallInvoker();
        var key = apiKey ?? Options.ApiKey;
        if (key is not null)
        {
            invoker = invoker.Intercept(metadata =>
            {
                metadata.Add("api-key", key);
                return metadata;
            });
        }

        return new QdrantClient(new QdrantGrpcClient(invoker));
    }

    /// <summary>
    /// Creates an <see cref="HttpMessageHandler"/> that answers Qdrant's REST API in-process (any host; the path is
    /// what counts), e.g. <c>new HttpClient(handler) { BaseAddress = new Uri("http://localhost:6333") }</c>.
    /// </summary>
    /// <returns>A message handler.</returns>
    public HttpMessageHandler CreateHttpMessageHandler()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new EmulatorRestHandler(Engine, _authenticator);
    }

    /// <summary>
    /// Starts a loopback server for this emulator: gRPC over HTTP/2 cleartext and REST over HTTP/1.1, bound to
    /// 127.0.0.1 only.
    /// </summary>
    /// <param name="grpcPort">The gRPC port; 0 picks a free one. Qdrant's default is 6334.</param>
    /// <param name="httpPort">The REST port; 0 picks a free one. Qdrant's default is 6333.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running server; dispose it to stop it.</returns>
    public async Task<QdrantEmulatorServer> StartServerAsync(int grpcPort = 0, int httpPort = 0, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(grpcPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(grpcPort, 65535);
        ArgumentOutOfRangeException.ThrowIfNegative(httpPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(httpPort, 65535);
        var server = await EmulatorServerHost.StartAsync(this, grpcPort, httpPort, cancellationToken).ConfigureAwait(false);
        lock (_servers)
        {
            _servers.Add(server);
        }

        return server;
    }

    /// <summary>Stops every server and releases the emulator's state; temporary snapshot files are deleted.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Stops every server and releases the emulator's state; temporary snapshot files are deleted.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        QdrantEmulatorServer[] servers;
        lock (_servers)
        {
            servers = [.. _servers];
        }

        foreach (var server in servers)
        {
            await server.DisposeAsync().ConfigureAwait(false);
        }

        Engine.Dispose();
        if (_temporaryDirectory is not null)
        {
            try
            {
                Directory.Delete(_temporaryDirectory, recursive: true);
            }
            catch (IOException)
            {
                // Best effort: a file may still be open by a download in flight.
            }
        }
    }
}
