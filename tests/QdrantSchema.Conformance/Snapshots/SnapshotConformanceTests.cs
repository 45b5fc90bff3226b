using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Grpc.Core;
using Qdrant.Client.Grpc;
using QdrantSchema.Conformance.Collections;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;
using QdrantSchema.Conformance.Rest;

namespace QdrantSchema.Conformance.Snapshots;

/// <summary>
/// Collection and full snapshots (QDRANT.md §8; src/actix/api/snapshot_api.rs, lib/storage/src/content_manager/snapshots/,
/// tests/openapi/test_snapshot.py).
/// </summary>
public abstract class SnapshotConformanceTests(QdrantBackend backend)
{
    protected QdrantBackend Backend { get; } = backend;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<byte[]> DownloadAsync(string collection, string snapshot)
    {
        using var response = await Backend.Http.GetAsync(new Uri($"/collections/{collection}/snapshots/{snapshot}", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Ct);
    }

    private async Task<RestReply> UploadAsync(string collection, byte[] snapshot, string query = "wait=true")
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(snapshot);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "snapshot", "upload.snapshot");
        using var response = await Backend.Http.PostAsync(new Uri($"/collections/{collection}/snapshots/upload?{query}", UriKind.Relative), form, Ct);
        return await RestCall.ReadAsync(response);
    }

    private string SnapshotsPathOrSkip() =>
        Backend.ServerSnapshotsPath ?? throw Xunit.Sdk.SkipException.ForSkip("The server's snapshots directory is unknown (set QDRANT_SNAPSHOTS_PATH)");

    [Fact]
    public async Task CreateSnapshot_Grpc_NameSizeAndChecksumFollowQdrantFormat()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 3);

        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);

        // {collection}-{peer_id}-{YYYY-MM-DD-HH-MM-SS}.snapshot (lib/collection/src/collection/snapshots.rs).
        Assert.Matches($@"^{name}-\d+-\d{{4}}-\d{{2}}-\d{{2}}-\d{{2}}-\d{{2}}-\d{{2}}\.snapshot$", snapshot.Name);
        Assert.True(snapshot.Size > 0);
        Assert.Matches("^[0-9a-f]{64}$", snapshot.Checksum);
        Assert.NotNull(snapshot.CreationTime);
    }

    [Fact]
    public async Task CreateSnapshot_ViaAlias_NamedAfterRealCollection()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        var alias = scratch.Alias();
        await Backend.Client.CreateAliasAsync(alias, name, cancellationToken: Ct);

        var snapshot = await Backend.Client.CreateSnapshotAsync(alias, Ct);

        Assert.StartsWith(name + "-", snapshot.Name, StringComparison.Ordinal);
        Assert.Contains(await Backend.Client.ListSnapshotsAsync(name, Ct), s => s.Name == snapshot.Name);
    }

    [Fact]
    public async Task ListAndDeleteSnapshot_Grpc_ListedThenGone()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        Assert.Empty(await Backend.Client.ListSnapshotsAsync(name, Ct));
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);

        var listed = Assert.Single(await Backend.Client.ListSnapshotsAsync(name, Ct));
        Assert.Equal(snapshot.Name, listed.Name);
        Assert.Equal(snapshot.Checksum, listed.Checksum);
        Assert.Equal(snapshot.Size, listed.Size);

        await Backend.Client.DeleteSnapshotAsync(name, snapshot.Name, Ct);

        Assert.Empty(await Backend.Client.ListSnapshotsAsync(name, Ct));
    }

    [Fact]
    public async Task DeleteSnapshot_Missing_NotFound()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await Backend.Client.CreateSnapshotAsync(name, Ct); // the collection's snapshot directory exists
        var missing = $"{name}-1-2020-01-01-00-00-00.snapshot";

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.DeleteSnapshotAsync(name, missing, Ct));

        // snapshots_manager.rs: CollectionError::not_found("Snapshot {path|name}") → "Not found: Snapshot … not found".
        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.StartsWith("Not found: Snapshot ", e.Status.Detail, StringComparison.Ordinal);
        Assert.Contains(missing, e.Status.Detail, StringComparison.Ordinal);
        Assert.EndsWith(" not found", e.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateSnapshot_MissingCollection_NotFound()
    {
        var name = QdrantBackend.NewName("missing");

        var e = await Assert.ThrowsAsync<RpcException>(() => Backend.Client.CreateSnapshotAsync(name, Ct));

        Assert.Equal(StatusCode.NotFound, e.StatusCode);
        Assert.Equal($"Not found: Collection `{name}` doesn't exist!", e.Status.Detail);
    }

    [Fact]
    public async Task RestCreateAndList_Wait_MatchSchemaAndAgree()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var created = (await Backend.Http.RestPostAsync($"/collections/{name}/snapshots?wait=true", null))
            .AssertOk().AssertSchema("post", "/collections/{collection_name}/snapshots");
        var list = (await Backend.Http.RestGetAsync($"/collections/{name}/snapshots"))
            .AssertOk().AssertSchema("get", "/collections/{collection_name}/snapshots");

        var entry = Assert.Single(list.Result!.AsArray());
        Assert.Equal(created.Result!["name"]!.GetValue<string>(), entry!["name"]!.GetValue<string>());
        Assert.Equal(created.Result!["checksum"]!.GetValue<string>(), entry["checksum"]!.GetValue<string>());
        // creation_time is naive UTC with seconds: "2024-07-22T08:31:55".
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$", entry["creation_time"]!.GetValue<string>());
        (await Backend.Http.RestDeleteAsync($"/collections/{name}/snapshots/{entry["name"]!.GetValue<string>()}?wait=true")).AssertOk();
    }

    [Fact]
    public async Task RestCreate_NoWait_Accepted202()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();

        var response = await Backend.Http.RestPostAsync($"/collections/{name}/snapshots?wait=false", null);

        // test_snapshot.py::test_snapshot_operations_non_wait.
        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal("accepted", response.Json!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Download_ChecksumSidecar_ReturnsTheSha256Hex()
    {
        // Downloads serve any file inside the collection's snapshots directory (snapshots_manager.rs::get_snapshot_path),
        // so the <name>.checksum sidecar written next to every snapshot is downloadable too.
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 2);
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);

        var sidecar = System.Text.Encoding.UTF8.GetString(await DownloadAsync(name, snapshot.Name + ".checksum"));

        Assert.Equal(snapshot.Checksum, sidecar.Trim());
    }

    [Fact]
    public async Task Download_PathOutsideTheSnapshotsDirectory_NotFound()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await Backend.Client.CreateSnapshotAsync(name, Ct);

        // An escaping name is canonicalized and refused as a missing snapshot (snapshots_manager.rs::get_snapshot_path).
        using var response = await Backend.Http.GetAsync(new Uri($"/collections/{name}/snapshots/..%2F..%2Fraft_state.json", UriKind.Relative), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Download_Snapshot_Sha256MatchesReportedChecksum()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 5);
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);

        var bytes = await DownloadAsync(name, snapshot.Name);

        Assert.Equal(snapshot.Size, bytes.LongLength);
        Assert.Equal(snapshot.Checksum, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    [Fact]
    public async Task CreateSnapshot_ChecksumSidecarFile_HoldsSha256()
    {
        var root = SnapshotsPathOrSkip();
        if (!Directory.Exists(root))
        {
            Assert.Skip($"The server's snapshots directory {root} is not visible from the test process");
        }

        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);

        var file = Path.Combine(root, name, snapshot.Name);
        Assert.True(File.Exists(file));
        Assert.Equal(snapshot.Checksum, (await File.ReadAllTextAsync(file + ".checksum", Ct)).Trim());
    }

    [Fact]
    public async Task Recover_FileInsideSnapshotsDir_RestoresPoints()
    {
        var root = SnapshotsPathOrSkip();
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 5);
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);
        await Backend.Client.DeleteAsync(name, [1UL, 2UL, 3UL], cancellationToken: Ct);
        Assert.Equal(2UL, await Backend.Client.CountAsync(name, exact: true, cancellationToken: Ct));

        var location = new Uri(Path.Combine(root, name, snapshot.Name)).AbsoluteUri;
        var response = await Backend.Http.RestPutAsync(
            $"/collections/{name}/snapshots/recover?wait=true", new JsonObject { ["location"] = location, ["checksum"] = snapshot.Checksum });

        response.AssertOk();
        Assert.True(response.Result!.GetValue<bool>());
        Assert.Equal(5UL, await Backend.Client.CountAsync(name, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task Recover_FileIntoNewCollection_CreatesItFromSnapshotConfig()
    {
        var root = SnapshotsPathOrSkip();
        await using var scratch = new Scratch(Backend);
        var source = scratch.Name();
        await Backend.Client.CreateCollectionAsync(source, new VectorParams { Size = 3, Distance = Distance.Euclid }, new Dictionary<string, Value> { ["v"] = "1" }, cancellationToken: Ct);
        await scratch.UpsertAsync(source, 4, size: 3);
        await Backend.Client.CreatePayloadIndexAsync(source, "n", PayloadSchemaType.Integer, cancellationToken: Ct);
        var snapshot = await Backend.Client.CreateSnapshotAsync(source, Ct);
        var target = scratch.Name();

        var location = new Uri(Path.Combine(root, source, snapshot.Name)).AbsoluteUri;
        (await Backend.Http.RestPutAsync($"/collections/{target}/snapshots/recover?wait=true", new JsonObject { ["location"] = location })).AssertOk();

        // recover.rs: a missing target is created from the snapshot's config and its payload indexes re-registered.
        var info = await Backend.Client.GetCollectionInfoAsync(target, Ct);
        Assert.Equal(3UL, info.Config.Params.VectorsConfig.Params.Size);
        Assert.Equal(Distance.Euclid, info.Config.Params.VectorsConfig.Params.Distance);
        Assert.Equal("1", info.Config.Metadata["v"].StringValue);
        Assert.Equal(PayloadSchemaType.Integer, info.PayloadSchema["n"].DataType);
        Assert.Equal(4UL, await Backend.Client.CountAsync(target, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task Recover_FileOutsideSnapshotsDir_ForbiddenWithQdrantText()
    {
        var response = await Backend.Http.RestPutAsync(
            $"/collections/{QdrantBackend.NewName("somethingthatdoesnotexist")}/snapshots/recover", RestCall.Json("""{"location":"file:///etc/passwd"}"""));

        // test_snapshot.py::test_collection_snapshot_security; download.rs::validate_snapshot_path.
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.StartsWith("Forbidden: Snapshot file path must be inside the snapshots directory", response.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recover_FileThatDoesNotExist_BadRequestWithQdrantText()
    {
        var response = await Backend.Http.RestPutAsync(
            $"/collections/{QdrantBackend.NewName("somethingthatdoesnotexist")}/snapshots/recover", RestCall.Json("""{"location":"file:///whatever.snapshot"}"""));

        // test_snapshot.py::test_snapshot_invalid_file_uri (existence is checked before the directory).
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Bad request: Snapshot file \"/whatever.snapshot\" does not exist", response.Error);
    }

    [Fact]
    public async Task Recover_RelativeFileUri_BadRequestWithQdrantText()
    {
        var response = await Backend.Http.RestPutAsync(
            $"/collections/{QdrantBackend.NewName("somethingthatdoesnotexist")}/snapshots/recover", RestCall.Json("""{"location":"file://whatever.snapshot"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("Bad request: Invalid snapshot URI, file path must be absolute or on localhost", response.Error);
    }

    [Fact]
    public async Task Recover_WrongChecksum_BadRequestWithQdrantText()
    {
        var root = SnapshotsPathOrSkip();
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);
        var wrong = new string('3', 64);

        var location = new Uri(Path.Combine(root, name, snapshot.Name)).AbsoluteUri;
        var response = await Backend.Http.RestPutAsync(
            $"/collections/{name}/snapshots/recover?wait=true", new JsonObject { ["location"] = location, ["checksum"] = wrong });

        // recover.rs: StorageError::bad_input("Snapshot checksum mismatch: expected {given}, got {actual}").
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"Wrong input: Snapshot checksum mismatch: expected {wrong}, got {snapshot.Checksum}", response.Error);
    }

    [Fact]
    public async Task Upload_SnapshotIntoNewCollection_RestoresPoints()
    {
        await using var scratch = new Scratch(Backend);
        var source = await scratch.CreateAsync();
        await scratch.UpsertAsync(source, 6);
        var snapshot = await Backend.Client.CreateSnapshotAsync(source, Ct);
        var bytes = await DownloadAsync(source, snapshot.Name);
        var target = scratch.Name();

        var response = await UploadAsync(target, bytes, $"wait=true&checksum={snapshot.Checksum}");

        response.AssertOk();
        Assert.True(response.Result!.GetValue<bool>());
        Assert.Equal(6UL, await Backend.Client.CountAsync(target, exact: true, cancellationToken: Ct));
        var point = Assert.Single(await Backend.Client.RetrieveAsync(target, 4UL, cancellationToken: Ct));
        Assert.Equal(4, point.Payload["n"].IntegerValue);
    }

    [Fact]
    public async Task Upload_SnapshotOverExistingCollection_ReplacesItsPoints()
    {
        await using var scratch = new Scratch(Backend);
        var name = await scratch.CreateAsync();
        await scratch.UpsertAsync(name, 2);
        var snapshot = await Backend.Client.CreateSnapshotAsync(name, Ct);
        var bytes = await DownloadAsync(name, snapshot.Name);
        await scratch.UpsertAsync(name, 9);

        (await UploadAsync(name, bytes)).AssertOk();

        Assert.Equal(2UL, await Backend.Client.CountAsync(name, exact: true, cancellationToken: Ct));
    }

    [Fact]
    public async Task Upload_WrongChecksum_ChecksumMismatch400()
    {
        await using var scratch = new Scratch(Backend);
        var source = await scratch.CreateAsync();
        var snapshot = await Backend.Client.CreateSnapshotAsync(source, Ct);
        var bytes = await DownloadAsync(source, snapshot.Name);
        var wrong = new string('a', 64);

        var response = await UploadAsync(scratch.Name(), bytes, $"wait=true&checksum={wrong}");

        // snapshot_api.rs upload: StorageError::checksum_mismatch(actual_file_hash, given) → "expected {actual}, actual {given}".
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal($"Checksum mismatch: expected {snapshot.Checksum}, actual {wrong}", response.Error);
    }

    [Fact]
    public async Task Upload_IntoCollectionWithOtherVectorConfig_IncompatibleSnapshotError()
    {
        await using var scratch = new Scratch(Backend);
        var source = await scratch.CreateAsync(size: 4);
        var snapshot = await Backend.Client.CreateSnapshotAsync(source, Ct);
        var bytes = await DownloadAsync(source, snapshot.Name);
        var other = await scratch.CreateAsync(size: 8);

        var response = await UploadAsync(other, bytes);

        // recover.rs: vectors must be exactly equal; the rest of the text is Rust Debug output of both configs.
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.StartsWith("Wrong input: Snapshot is not compatible with existing collection: Collection vectors: ", response.Error, StringComparison.Ordinal);
        Assert.Contains(" Snapshot Vectors: ", response.Error, StringComparison.Ordinal);
    }
}

public sealed class SnapshotConformanceTests_Server(ServerBackend backend) : SnapshotConformanceTests(backend);

public sealed class SnapshotConformanceTests_InProcess(InProcessBackend backend) : SnapshotConformanceTests(backend);
