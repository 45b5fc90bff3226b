using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using MultipartDisposition = Microsoft.Net.Http.Headers.ContentDispositionHeaderValue;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Rest;

// Snapshot endpoints (src/actix/api/snapshot_api.rs @ v1.19.0). Create/delete/recover/upload default to wait=true;
// wait=false answers 202 {"status":"accepted"} (helpers::time_or_accept) and errors are then only logged.
internal sealed partial class EmulatorRestHandler
{
    private static void MapSnapshotRoutes(RestRouter router)
    {
        router.Map(HttpMethod.Get, "/collections/{name}/snapshots", (r, a) =>
            WriteSnapshotList(r, r.Invoke<ListSnapshotsResponse>("/qdrant.Snapshots/List", new ListSnapshotsRequest { CollectionName = a[0] })));

        router.Map(HttpMethod.Post, "/collections/{name}/snapshots", (r, a) =>
            TimeOrAccept(r, () =>
            {
                var response = r.Invoke<CreateSnapshotResponse>("/qdrant.Snapshots/Create", new CreateSnapshotRequest { CollectionName = a[0] });
                return w => RestJson.WriteSnapshotDescription(w, response.SnapshotDescription ?? new SnapshotDescription());
            }));

        router.Map(HttpMethod.Put, "/collections/{name}/snapshots/recover", async (r, a) =>
        {
            var body = r.Json;
            var location = body.TryGetProperty("location", out var l) && l.ValueKind == JsonValueKind.String
                ? l.GetString()!
                : throw RestRequestException.MissingField("location");
            var priority = OptionalString(body, "priority");
            var checksum = OptionalString(body, "checksum");
            var apiKey = OptionalString(body, "api_key");
            var wait = r.Wait(true);
            var task = r.Engine.RecoverCollectionSnapshotAsync(a[0], location, priority, checksum, apiKey, r.Call, r.CancellationToken);
            return await AwaitOrAccept(r, task, wait).ConfigureAwait(false);
        });

        router.Map(HttpMethod.Post, "/collections/{name}/snapshots/upload", UploadSnapshotAsync, streamsBody: true);

        router.Map(HttpMethod.Get, "/collections/{name}/snapshots/{snapshot}", (r, a) =>
            FileResponse(r.Engine.OpenCollectionSnapshot(a[0], a[1], r.Call), a[1]));

        router.Map(HttpMethod.Delete, "/collections/{name}/snapshots/{snapshot}", (r, a) =>
            TimeOrAccept(r, () =>
            {
                r.Invoke("/qdrant.Snapshots/Delete", new DeleteSnapshotRequest { CollectionName = a[0], SnapshotName = a[1] });
                return w => w.WriteBooleanValue(true);
            }));

        router.Map(HttpMethod.Get, "/snapshots", (r, _) =>
            WriteSnapshotList(r, r.Invoke<ListSnapshotsResponse>("/qdrant.Snapshots/ListFull", new ListFullSnapshotsRequest())));

        router.Map(HttpMethod.Post, "/snapshots", (r, _) =>
            TimeOrAccept(r, () =>
            {
                var response = r.Invoke<CreateSnapshotResponse>("/qdrant.Snapshots/CreateFull", new CreateFullSnapshotRequest());
                return w => RestJson.WriteSnapshotDescription(w, response.SnapshotDescription ?? new SnapshotDescription());
            }));

        router.Map(HttpMethod.Get, "/snapshots/{snapshot}", (r, a) =>
            FileResponse(r.Engine.OpenFullSnapshot(a[0], r.Call), a[0]));

        router.Map(HttpMethod.Delete, "/snapshots/{snapshot}", (r, a) =>
            TimeOrAccept(r, () =>
            {
                r.Invoke("/qdrant.Snapshots/DeleteFull", new DeleteFullSnapshotRequest { SnapshotName = a[0] });
                return w => w.WriteBooleanValue(true);
            }));
    }

    private static string? OptionalString(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static HttpResponseMessage WriteSnapshotList(RestRequest r, ListSnapshotsResponse response) => r.Ok(w =>
    {
        w.WriteStartArray();
        foreach (var description in response.SnapshotDescriptions)
        {
            RestJson.WriteSnapshotDescription(w, description);
        }

        w.WriteEndArray();
    });

    /// <summary>
    /// <c>helpers::time_or_accept</c>: with wait (default true) the result; with wait=false a 202 <c>accepted</c>
    /// while the work carries on (here it has already run: the engine is synchronous) and its errors are not returned.
    /// </summary>
    private static HttpResponseMessage TimeOrAccept(RestRequest r, Func<Action<Utf8JsonWriter>> operation)
    {
        if (r.Wait(true))
        {
            return r.Ok(operation());
        }

        try
        {
            operation();
        }
        catch (EmulatorException ex) when (ex.Kind is not (EmulatorErrorKind.Forbidden or EmulatorErrorKind.Unauthenticated))
        {
            // Real Qdrant logs the failure of a background snapshot operation and has already answered 202.
        }

        return r.Accepted();
    }

    private static async Task<HttpResponseMessage> AwaitOrAccept(RestRequest r, Task<bool> task, bool wait)
    {
        if (wait)
        {
            var result = await task.ConfigureAwait(false);
            return r.OkBool(result);
        }

        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return r.Accepted();
    }

    private static HttpResponseMessage FileResponse(Stream stream, string name)
    {
        var content = new StreamContent(stream);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        content.Headers.ContentDisposition = new System.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileName = name };
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>
    /// <c>POST /collections/{c}/snapshots/upload?wait&amp;priority&amp;checksum</c>: a multipart form whose field
    /// <c>snapshot</c> carries the file.
    /// </summary>
    private static async Task<HttpResponseMessage> UploadSnapshotAsync(RestRequest r, string[] a)
    {
        var content = r.Message.Content;
        var boundary = content?.Headers.ContentType?.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        if (content is null || string.IsNullOrEmpty(boundary))
        {
            throw new RestRequestException(HttpStatusCode.BadRequest, "Multipart stream is incomplete");
        }

        var wait = r.Wait(true);
        r.Query.TryGetValue("priority", out var priority);
        r.Query.TryGetValue("checksum", out var checksum);
        var body = await content.ReadAsStreamAsync(r.CancellationToken).ConfigureAwait(false);
        var reader = new MultipartReader(boundary, body);
        while (await reader.ReadNextSectionAsync(r.CancellationToken).ConfigureAwait(false) is { } section)
        {
            if (!MultipartDisposition.TryParse(section.ContentDisposition, out var disposition) ||
                !string.Equals(disposition.Name.Value?.Trim('"'), "snapshot", StringComparison.Ordinal))
            {
                continue;
            }

            var fileName = disposition.FileName.Value?.Trim('"');

            // Buffer the part: the engine reads it after the multipart reader has moved on.
            var file = new MemoryStream();
            await section.Body.CopyToAsync(file, r.CancellationToken).ConfigureAwait(false);
            file.Position = 0;
            var task = UploadAndDispose(r, a[0], file, fileName, priority, checksum);
            return await AwaitOrAccept(r, task, wait).ConfigureAwait(false);
        }

        throw new RestRequestException(HttpStatusCode.BadRequest, "Multipart stream is incomplete");
    }

    private static async Task<bool> UploadAndDispose(RestRequest r, string collection, MemoryStream file, string? fileName, string? priority, string? checksum)
    {
        await using (file.ConfigureAwait(false))
        {
            return await r.Engine.UploadCollectionSnapshotAsync(collection, file, fileName, priority, checksum, r.Call, r.CancellationToken).ConfigureAwait(false);
        }
    }
}
