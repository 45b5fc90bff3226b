using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;
using QdrantSchema.Testing;

namespace QdrantSchema.Conformance.Auth;

/// <summary>An emulator started with a read-write and a read-only key, reachable in-process and over loopback.</summary>
public sealed class KeyedEmulatorFixture : IAsyncLifetime
{
    public const string ReadWriteKey = "conformance-rw-key";
    public const string ReadOnlyKey = "conformance-ro-key";

    public QdrantEmulator Emulator { get; private set; } = null!;

    public QdrantEmulatorServer Server { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Emulator = new QdrantEmulator(new QdrantEmulatorOptions { ApiKey = ReadWriteKey, ReadOnlyApiKey = ReadOnlyKey });
        Server = await Emulator.StartServerAsync(0, 0);
    }

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}

/// <summary>Where the auth facts run: clients with a chosen key (or none), or a reason to skip.</summary>
public sealed class AuthTarget
{
    public required Func<string?, QdrantClient> Client { get; init; }

    public required Func<string?, HttpClient> Http { get; init; }

    public string ReadWriteKey { get; init; } = KeyedEmulatorFixture.ReadWriteKey;

    public string ReadOnlyKey { get; init; } = KeyedEmulatorFixture.ReadOnlyKey;

    public string? SkipReason { get; init; }

    public static AuthTarget InProcess(KeyedEmulatorFixture fixture) => new()
    {
        // CreateClient(null) would fall back to the emulator's own key, so "no key" gets a bare call invoker.
        Client = key => key is null ? NoKeyInProcess(fixture) : fixture.Emulator.CreateClient(key),
        Http = key => WithKey(new HttpClient(fixture.Emulator.CreateHttpMessageHandler(), disposeHandler: true) { BaseAddress = new Uri("http://localhost:6333") }, key),
    };

    public static AuthTarget Server(ServerBackend backend, KeyedEmulatorFixture fixture)
    {
        if (backend.IsEmulator)
        {
            var grpc = fixture.Server.GrpcEndpoint;
            return new()
            {
                Client = key => new QdrantClient(grpc.Host, grpc.Port, https: false, apiKey: key),
                Http = key => WithKey(new HttpClient { BaseAddress = fixture.Server.HttpEndpoint }, key),
            };
        }

        var rw = Environment.GetEnvironmentVariable("QDRANT_API_KEY");
        var ro = Environment.GetEnvironmentVariable("QDRANT_READ_ONLY_API_KEY");
        if (string.IsNullOrEmpty(rw) || string.IsNullOrEmpty(ro))
        {
            return new()
            {
                Client = _ => throw new InvalidOperationException("skipped"),
                Http = _ => throw new InvalidOperationException("skipped"),
                SkipReason = "Auth facts need a Qdrant started with keys: set QDRANT_API_KEY and QDRANT_READ_ONLY_API_KEY",
            };
        }

        return new()
        {
            Client = backend.CreateClient,
            Http = backend.CreateHttpClient,
            ReadWriteKey = rw,
            ReadOnlyKey = ro,
        };
    }

    private static QdrantClient NoKeyInProcess(KeyedEmulatorFixture fixture) =>
        new(new QdrantGrpcClient(fixture.Emulator.CreateCallInvoker()));

    private static HttpClient WithKey(HttpClient http, string? key)
    {
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("api-key", key);
        }

        return http;
    }
}

/// <summary>API-key authentication (QDRANT.md §2, §1.2; src/common/auth/mod.rs, src/actix/auth.rs, src/tonic/auth.rs, rbac/mod.rs).</summary>
public abstract class AuthConformanceTests(AuthTarget target)
{
    private const string NoKeyText = "Must provide an API key or an Authorization bearer token";
    private const string WrongKeyText = "Invalid API key or JWT";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private AuthTarget Target
    {
        get
        {
            if (target.SkipReason is { } reason)
            {
                Assert.Skip(reason);
            }

            return target;
        }
    }

    [Fact]
    public async Task Rest_NoKey_Unauthorized401PlainText()
    {
        using var http = Target.Http(null);

        var response = await http.RestGetAsync("/collections");

        // actix auth middleware: HttpResponse::Unauthorized().body(e) — the bare message, not the JSON envelope.
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(NoKeyText, response.Text);
    }

    [Fact]
    public async Task Grpc_NoKey_UnauthenticatedWithQdrantText()
    {
        using var client = Target.Client(null);

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListCollectionsAsync(Ct));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(NoKeyText, e.Status.Detail);
    }

    [Fact]
    public async Task Rest_WrongKey_Unauthorized401()
    {
        using var http = Target.Http("definitely-wrong");

        var response = await http.RestGetAsync("/collections");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal(WrongKeyText, response.Text);
    }

    [Fact]
    public async Task Grpc_WrongKey_Unauthenticated()
    {
        using var client = Target.Client("definitely-wrong");

        var e = await Assert.ThrowsAsync<RpcException>(() => client.ListCollectionsAsync(Ct));

        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        Assert.Equal(WrongKeyText, e.Status.Detail);
    }

    [Fact]
    public async Task ReadOnlyKey_Reads_Allowed()
    {
        using var client = Target.Client(Target.ReadOnlyKey);
        using var http = Target.Http(Target.ReadOnlyKey);

        await client.ListCollectionsAsync(Ct);
        await client.ListAliasesAsync(Ct);
        (await http.RestGetAsync("/collections")).AssertOk();
    }

    [Fact]
    public async Task ReadOnlyKey_GrpcWrite_PermissionDeniedWithQdrantText()
    {
        using var client = Target.Client(Target.ReadOnlyKey);

        var e = await Assert.ThrowsAsync<RpcException>(() =>
            client.CreateCollectionAsync(QdrantBackend.NewName(), new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct));

        // rbac/mod.rs GlobalAccessMode::meets_requirements.
        Assert.Equal(StatusCode.PermissionDenied, e.StatusCode);
        Assert.Equal("Forbidden: Global manage access is required", e.Status.Detail);
    }

    [Fact]
    public async Task ReadOnlyKey_RestWrite_Forbidden403JsonError()
    {
        using var http = Target.Http(Target.ReadOnlyKey);

        var response = await http.RestPutAsync($"/collections/{QdrantBackend.NewName()}", RestCall.Json("""{"vectors":{"size":4,"distance":"Dot"}}"""));

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("Forbidden: Global manage access is required", response.Error);
    }

    [Fact]
    public async Task ReadWriteKey_CreateAndDelete_Allowed()
    {
        using var client = Target.Client(Target.ReadWriteKey);
        var name = QdrantBackend.NewName();

        await client.CreateCollectionAsync(name, new VectorParams { Size = 4, Distance = Distance.Dot }, cancellationToken: Ct);
        await client.DeleteCollectionAsync(name, cancellationToken: Ct);
    }

    [Fact]
    public async Task Rest_BearerToken_AcceptedLikeApiKey()
    {
        using var http = Target.Http(null);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Target.ReadWriteKey);

        // auth/mod.rs: api-key header first, else "authorization: Bearer <token>".
        (await http.RestGetAsync("/collections")).AssertOk();
    }

    [Fact]
    public async Task HealthEndpoints_NoKey_Allowed()
    {
        using var http = Target.Http(null);
        using var client = Target.Client(null);

        // Whitelisted: REST /, /healthz, /readyz, /livez; gRPC qdrant.Qdrant/HealthCheck (src/actix/mod.rs, src/tonic/auth.rs).
        Assert.Equal(HttpStatusCode.OK, (await http.RestGetAsync("/")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.RestGetAsync("/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await http.RestGetAsync("/readyz")).Status);
        Assert.Equal("qdrant - vector search engine", (await client.HealthAsync(Ct)).Title);
    }
}

public sealed class AuthConformanceTests_Server(ServerBackend backend, KeyedEmulatorFixture fixture)
    : AuthConformanceTests(AuthTarget.Server(backend, fixture)), IClassFixture<KeyedEmulatorFixture>;

public sealed class AuthConformanceTests_InProcess(KeyedEmulatorFixture fixture)
    : AuthConformanceTests(AuthTarget.InProcess(fixture)), IClassFixture<KeyedEmulatorFixture>;
