using QdrantSchema.Execution;
using QdrantSchema.Testing;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.IntegrationTests.Operations;

public abstract class ServerInfoProbeTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    [Fact]
    public async Task GetAsync_AnyServer_ReportsTheHealthVersion()
    {
        var probe = new ServerInfoProbe(Backend.Client);

        var info = await probe.GetAsync(TestContext.Current.CancellationToken);
        var again = await probe.GetAsync(TestContext.Current.CancellationToken);
        var reply = await Backend.Client.HealthAsync(TestContext.Current.CancellationToken);

        Assert.Equal(ServerInfoProbe.ParseVersion(reply.Version), info.Version);
        Assert.Same(info, again);
        Assert.True(info.Version >= new Version(1, 0, 0));
    }
}

public sealed class ServerInfoProbeTests_Server(ServerBackend backend) : ServerInfoProbeTests(backend);

public sealed class ServerInfoProbeTests_InProcess(InProcessBackend backend) : ServerInfoProbeTests(backend);

public sealed class ServerInfoProbeVersionTests
{
    [Theory]
    [InlineData("1.19.0", 1, 19, 0)]
    [InlineData("1.19.1-dev", 1, 19, 1)]
    [InlineData("v1.20", 1, 20, 0)]
    [InlineData(" 1.18.2+build.7 ", 1, 18, 2)]
    [InlineData("2.0.0-rc.1", 2, 0, 0)]
    public void ParseVersion_ReportedText_TakesLeadingNumbers(string reported, int major, int minor, int patch)
        => Assert.Equal(new Version(major, minor, patch), ServerInfoProbe.ParseVersion(reported));

    [Theory]
    [InlineData("")]
    [InlineData("dev")]
    [InlineData("1")]
    [InlineData("one.two")]
    public void ParseVersion_NotAVersion_ThrowsNamingTheText(string reported)
    {
        var error = Assert.Throws<QdrantSchemaException>(() => ServerInfoProbe.ParseVersion(reported));

        Assert.Contains($"'{reported}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.15.0", false, false, false)]
    [InlineData("1.16.0", true, false, false)]
    [InlineData("1.17.0", true, true, false)]
    [InlineData("1.18.0", true, true, true)]
    public async Task GetAsync_OlderEmulator_ReportsItsCapabilities(string version, bool metadata, bool updateMode, bool vectorNames)
    {
        await using var emulator = new QdrantEmulator(new QdrantEmulatorOptions { ServerVersion = version });
        using var client = emulator.CreateClient();

        var info = await new ServerInfoProbe(client).GetAsync(TestContext.Current.CancellationToken);

        Assert.Equal(Version.Parse(version), info.Version);
        Assert.Equal(metadata, info.SupportsCollectionMetadata);
        Assert.Equal(updateMode, info.SupportsUpdateMode);
        Assert.Equal(vectorNames, info.SupportsVectorNameCrud);
    }
}
