using System.Net;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>Qdrant's REST API over the engine. (Placeholder: the REST front end is being written.)</summary>
internal sealed class EmulatorRestHandler(EmulatorEngine engine, EmulatorAuthenticator authenticator) : HttpMessageHandler
{
    internal EmulatorEngine Engine { get; } = engine;

    internal EmulatorAuthenticator Authenticator { get; } = authenticator;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Task.FromResult(new HttpResponseMessage(HttpStatusCode.NotImplemented));
}
