using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.Snapshots;

/// <summary>
/// A full snapshot also leaves a new snapshot in every collection's directory (snapshots/mod.rs creates them with
/// toc.create_snapshot), which would disturb other tests' snapshot lists, so these facts run alone.
/// </summary>
[CollectionDefinition(nameof(FullSnapshotsRunAlone), DisableParallelization = true)]
public sealed class FullSnapshotsRunAlone;

[Collection(nameof(FullSnapshotsRunAlone))]
public abstract class FullSnapshotConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullSnapshot_CreateListDelete_RoundTrip()
    {
        await using var scratch = new Scratch(Backend);
        await scratch.CreateAsync();

        var full = await Backend.Client.CreateFullSnapshotAsync(Ct);

        try
        {
            // full-snapshot-{YYYY-MM-DD-HH-MM-SS}.snapshot (lib/storage/src/content_manager/snapshots/mod.rs).
            Assert.Matches(@"^full-snapshot-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.snapshot$", full.Name);
            Assert.Matches("^[0-9a-f]{64}$", full.Checksum);
            Assert.Contains(await Backend.Client.ListFullSnapshotsAsync(Ct), s => s.Name == full.Name);
            var rest = (await Backend.Http.RestGetAsync("/snapshots")).AssertOk().AssertSchema("get", "/snapshots");
            Assert.Contains(rest.Result!.AsArray(), s => s!["name"]!.GetValue<string>() == full.Name);
        }
        finally
        {
            await Backend.Client.DeleteFullSnapshotAsync(full.Name, Ct);
        }

        Assert.DoesNotContain(await Backend.Client.ListFullSnapshotsAsync(Ct), s => s.Name == full.Name);
    }
}

public sealed class FullSnapshotConformanceTests_Server(ServerBackend backend) : FullSnapshotConformanceTests(backend);

public sealed class FullSnapshotConformanceTests_InProcess(InProcessBackend backend) : FullSnapshotConformanceTests(backend);
