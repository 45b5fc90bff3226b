using System.Net;
using Grpc.Core;
using Qdrant.Client;

namespace QdrantSchema.Testing.Tests.Emulator.Server;

/// <summary>
/// The standalone emulator's command line is a contract scripts and deployment recipes rely on:
/// <c>--grpc-port --http-port [--api-key] [--read-only-api-key] [--data-dir]</c>, one line printed once both ports accept
/// connections, a clean stop on SIGTERM, exit code 2 with the usage for bad arguments.
/// </summary>
public sealed class EmulatorCommandLineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_EphemeralPorts_PrintsOneLineOnceBothPortsServe()
    {
        using var emulator = await EmulatorProcess.StartAsync(["--grpc-port", "0", "--http-port", "0"], Ct);

        using var client = new QdrantClient(emulator.GrpcAddress);
        var health = await client.HealthAsync(Ct);
        using var http = new HttpClient { BaseAddress = emulator.RestAddress };
        var livez = await http.GetStringAsync(new Uri("/livez", UriKind.Relative), Ct);

        Assert.Equal("qdrant - vector search engine", health.Title);
        Assert.Equal("healthz check passed", livez);
        Assert.Single(emulator.Output, line => line.Contains("listening", StringComparison.Ordinal));
        Assert.Equal(IPAddress.Loopback.ToString(), emulator.GrpcAddress.Host);
        Assert.Equal(IPAddress.Loopback.ToString(), emulator.RestAddress.Host);
    }

    [Fact]
    public async Task Sigterm_WhileServing_StopsCleanlyWithExitCodeZero()
    {
        using var emulator = await EmulatorProcess.StartAsync(["--grpc-port", "0", "--http-port", "0"], Ct);

        var exitCode = await emulator.TerminateAsync(Ct);

        Assert.Equal(0, exitCode);
        Assert.Contains("Qdrant emulator stopped", emulator.Output);
    }

    [Fact]
    public async Task Start_ApiKey_CallsWithoutTheKeyAreUnauthenticated()
    {
        using var emulator = await EmulatorProcess.StartAsync(["--grpc-port", "0", "--http-port", "0", "--api-key", "s3cret"], Ct);

        using var anonymous = new QdrantClient(emulator.GrpcAddress);
        using var keyed = new QdrantClient(emulator.GrpcAddress, apiKey: "s3cret");
        var refused = await Assert.ThrowsAsync<RpcException>(() => anonymous.ListCollectionsAsync(Ct));
        var collections = await keyed.ListCollectionsAsync(Ct);

        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Empty(collections);
        Assert.DoesNotContain(emulator.Output, line => line.Contains("s3cret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--grpc-port", "70000")]
    [InlineData("--http-port", "x")]
    [InlineData("--bogus", "1")]
    public async Task Start_BadArgument_ExitsWithCode2AndTheUsage(string option, string value)
    {
        var (exitCode, _, error) = await EmulatorProcess.RunToExitAsync([option, value], Ct);

        Assert.Equal(2, exitCode);
        Assert.Contains(option, error, StringComparison.Ordinal);
        Assert.Contains("usage: QdrantSchema.Emulator", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_DataDirectoryInUse_ExitsWithCode1AndSaysWhy()
    {
        var directory = EngineCalls.TempDirectory();
        try
        {
            using var first = await EmulatorProcess.StartAsync(directory, Ct);

            var (exitCode, _, error) = await EmulatorProcess.RunToExitAsync(["--grpc-port", "0", "--http-port", "0", "--data-dir", directory], Ct);

            Assert.Equal(1, exitCode);
            Assert.Contains("in use by another emulator", error, StringComparison.Ordinal);
        }
        finally
        {
            EngineCalls.TryDeleteDirectory(directory);
        }
    }
}
