using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Health;

public abstract class HealthConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    [Fact]
    public async Task HealthAsync_AnyServer_ReportsQdrantTitleAndVersion()
    {
        var reply = await Backend.Client.HealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal("qdrant - vector search engine", reply.Title);
        Assert.Matches(@"^\d+\.\d+\.\d+", reply.Version);
    }
}

public sealed class HealthConformanceTests_Server(ServerBackend backend) : HealthConformanceTests(backend);

public sealed class HealthConformanceTests_InProcess(InProcessBackend backend) : HealthConformanceTests(backend);
