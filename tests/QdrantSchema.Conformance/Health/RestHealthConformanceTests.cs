using System.Net;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.Health;

/// <summary>REST health endpoints (QDRANT.md §10; src/actix/api/service_api.rs, tests/openapi/test_k8s_health.py, test_root_api.py).</summary>
public abstract class RestHealthConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    [Fact]
    public async Task Root_Get_UnwrappedVersionInfoMatchingSchema()
    {
        var response = await Backend.Http.RestGetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        response.AssertSchema("get", "/");
        Assert.Equal("qdrant - vector search engine", response.Json!["title"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+", response.Json!["version"]!.GetValue<string>());
        Assert.Null(response.Json!["result"]); // not wrapped in the envelope
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/livez")]
    public async Task Healthz_Get_PlainTextPassed(string path)
    {
        var response = await Backend.Http.RestGetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("healthz check passed", response.Text);
    }

    [Fact]
    public async Task Readyz_Get_AllShardsReady()
    {
        var response = await Backend.Http.RestGetAsync("/readyz");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("all shards are ready", response.Text);
    }
}

public sealed class RestHealthConformanceTests_Server(ServerBackend backend) : RestHealthConformanceTests(backend);

public sealed class RestHealthConformanceTests_InProcess(InProcessBackend backend) : RestHealthConformanceTests(backend);
