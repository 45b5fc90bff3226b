using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Engine;

internal sealed partial class EmulatorEngine
{
    /// <summary>The title real Qdrant reports from <c>GET /</c> and <c>HealthCheck</c>.</summary>
    public const string Title = "qdrant - vector search engine";

    partial void RegisterServiceHandlers()
    {
        Register<HealthCheckRequest, HealthCheckReply>(
            "/qdrant.Qdrant/HealthCheck",
            EmulatorRequirement.Anonymous,
            mutates: false,
            (_, _) => new HealthCheckReply { Title = Title, Version = Options.ServerVersion });
    }
}
