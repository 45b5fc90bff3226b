using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing;

namespace QdrantSchema.Tests.Backends;

/// <summary>The emulator reached in-process: the client's <c>CallInvoker</c> and an <c>HttpMessageHandler</c>, no sockets.</summary>
public sealed class InProcessBackend : QdrantBackend
{
    private QdrantEmulator? _emulator;

    public override string Name => "emulator-in-process";

    public override bool IsEmulator => true;

    public QdrantEmulator Emulator => _emulator!;

    public override QdrantClient CreateClient(string? apiKey) => _emulator!.CreateClient(apiKey);

    public override QdrantClient CreateInterceptedClient(Grpc.Core.Interceptors.Interceptor interceptor) =>
        new(new QdrantGrpcClient(Grpc.Core.Interceptors.CallInvokerExtensions.Intercept(_emulator!.CreateCallInvoker(), interceptor)));

    protected override HttpClient CreateRawHttpClient() =>
        new(_emulator!.CreateHttpMessageHandler(), disposeHandler: true) { BaseAddress = new Uri("http://localhost:6333") };

    protected override Task StartAsync()
    {
        _emulator = new QdrantEmulator();
        ServerSnapshotsPath = _emulator.SnapshotsDirectory();
        return Task.CompletedTask;
    }

    protected override async Task StopAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync().ConfigureAwait(false);
        }
    }
}

internal static class EmulatorTestExtensions
{
    /// <summary>The emulator's snapshots directory, where file:// recovery is allowed.</summary>
    public static string SnapshotsDirectory(this QdrantEmulator emulator) => emulator.Engine.Options.SnapshotsPath;
}
