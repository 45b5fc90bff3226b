using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Timeout;
using QdrantSchema.Snapshots;

namespace QdrantSchema.Rest;

/// <summary>
/// A small typed client for the Qdrant calls that exist only over REST: snapshot download (streamed to a file and
/// hashed), the <c>.checksum</c> sidecar, recover from a location, and upload (QDRANT.md §8.1;
/// src/actix/api/snapshot_api.rs). Every call goes through <see cref="RestResilience"/>. Errors become
/// <see cref="QdrantSnapshotException"/> with Qdrant's error text and the HTTP status. The API key is sent as the
/// <c>api-key</c> header on each request and appears in no log or message.
/// </summary>
internal sealed class QdrantRestClient : IDisposable
{
    /// <summary>Qdrant's API key header (lib/api/src/lib.rs <c>HTTP_HEADER_API_KEY</c>).</summary>
    public const string ApiKeyHeader = "api-key";

    private const int BufferSize = 1 << 16;
    private const int MaxErrorTextLength = 2000;

    private readonly HttpClient _http;
    private readonly Uri _base;
    private readonly string _displayAddress;
    private readonly string? _apiKey;
    private readonly TimeSpan _totalTimeout;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;
    private readonly ILogger _logger;

    public QdrantRestClient(QdrantRestClientOptions options, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _http = options.Handler is null
            ? new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }, disposeHandler: true)
            : new HttpClient(options.Handler, disposeHandler: false);

        // Timeouts are the pipeline's (per attempt and in total), so the HttpClient's own is off.
        _http.Timeout = Timeout.InfiniteTimeSpan;
        var address = options.BaseAddress.AbsoluteUri;
        _base = new Uri(address.EndsWith('/') ? address : address + "/", UriKind.Absolute);

        // Shown in messages: scheme, host, port and path only (user info, query and fragment could carry secrets).
        _displayAddress = _base.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped);
        _apiKey = string.IsNullOrEmpty(options.ApiKey) ? null : options.ApiKey;
        _totalTimeout = options.TotalTimeout;
        _pipeline = RestResilience.Create(options, logger, time);
        _logger = logger;
    }

    /// <summary>
    /// <c>GET /collections/{c}/snapshots/{name}</c>, streamed into <paramref name="targetFile"/> (created or truncated
    /// on every attempt) while computing its SHA-256.
    /// </summary>
    /// <returns>The number of bytes written and the lowercase SHA-256 hex of the file.</returns>
    public Task<(long Length, string Sha256)> DownloadSnapshotAsync(string collection, string snapshotName, string targetFile, CancellationToken cancellationToken) =>
        SendAsync(
            "download snapshot",
            collection,
            () => new HttpRequestMessage(HttpMethod.Get, SnapshotUri(collection, snapshotName)),
            async (response, token) =>
            {
                var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    var file = new FileStream(targetFile, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
                    await using (file.ConfigureAwait(false))
                    {
                        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                        var buffer = new byte[BufferSize];
                        long length = 0;
                        int read;
                        while ((read = await body.ReadAsync(buffer, token).ConfigureAwait(false)) > 0)
                        {
                            sha.AppendData(buffer, 0, read);
                            await file.WriteAsync(buffer.AsMemory(0, read), token).ConfigureAwait(false);
                            length += read;
                        }

                        await file.FlushAsync(token).ConfigureAwait(false);
                        return (length, Convert.ToHexStringLower(sha.GetHashAndReset()));
                    }
                }
            },
            cancellationToken);

    /// <summary>
    /// The <c>{name}.checksum</c> sidecar Qdrant writes next to each snapshot (downloadable like any file in the
    /// collection's snapshot directory): its SHA-256 hex, or null when there is none (404).
    /// </summary>
    public async Task<string?> GetSnapshotChecksumAsync(string collection, string snapshotName, CancellationToken cancellationToken)
    {
        try
        {
            var text = await SendAsync(
                "download snapshot checksum",
                collection,
                () => new HttpRequestMessage(HttpMethod.Get, SnapshotUri(collection, snapshotName + ".checksum")),
                static async (response, token) => await response.Content.ReadAsStringAsync(token).ConfigureAwait(false),
                cancellationToken).ConfigureAwait(false);

            // The sidecar holds the hex digest, possibly followed by whitespace (or "  name" in sha256sum style).
            var digest = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            return digest.Length == 0 ? null : digest[0].ToLowerInvariant();
        }
        catch (QdrantSnapshotException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>PUT /collections/{c}/snapshots/recover?wait=true</c> with body
    /// <c>{"location", "priority"?, "checksum"?, "api_key"?}</c> (src/actix/api/snapshot_api.rs <c>recover_from_snapshot</c>).
    /// </summary>
    /// <param name="collection">The collection to recover into (created from the snapshot's config when missing).</param>
    /// <param name="location">A <c>file://</c> URL inside the server's snapshots directory, or an http(s) URL.</param>
    /// <param name="priority">Qdrant's <c>SnapshotPriority</c> (<c>no_sync|snapshot|replica</c>) or null for its default.</param>
    /// <param name="checksum">The SHA-256 hex Qdrant verifies the file against, or null.</param>
    /// <param name="locationApiKey">The key Qdrant sends when it downloads an http(s) location, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task RecoverSnapshotAsync(
        string collection, Uri location, string? priority, string? checksum, string? locationApiKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(location);
        var body = RecoverBody(location, priority, checksum, locationApiKey);
        return SendAsync(
            "recover snapshot",
            collection,
            () => new HttpRequestMessage(HttpMethod.Put, new Uri(_base, $"collections/{Escape(collection)}/snapshots/recover?wait=true"))
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            },
            static (_, _) => ValueTask.FromResult(true),
            cancellationToken);
    }

    /// <summary>
    /// <c>POST /collections/{c}/snapshots/upload?wait=true&amp;priority=&amp;checksum=</c> with the file as multipart field
    /// <c>snapshot</c>, streamed from disk (reopened on every attempt).
    /// </summary>
    public Task UploadSnapshotAsync(
        string collection, string filePath, string fileName, string? priority, string? checksum, CancellationToken cancellationToken)
    {
        var query = new StringBuilder("wait=true");
        if (priority is not null)
        {
            query.Append("&priority=").Append(Uri.EscapeDataString(priority));
        }

        if (checksum is not null)
        {
            query.Append("&checksum=").Append(Uri.EscapeDataString(checksum));
        }

        var uri = new Uri(_base, $"collections/{Escape(collection)}/snapshots/upload?{query}");
        return SendAsync(
            "upload snapshot",
            collection,
            () =>
            {
                var file = new FileStream(filePath, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
                var part = new StreamContent(file, BufferSize);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var form = new MultipartFormDataContent { { part, "snapshot", fileName } };
                return new HttpRequestMessage(HttpMethod.Post, uri) { Content = form };
            },
            static (_, _) => ValueTask.FromResult(true),
            cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static byte[] RecoverBody(Uri location, string? priority, string? checksum, string? locationApiKey)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("location", location.AbsoluteUri);
            if (priority is not null)
            {
                json.WriteString("priority", priority);
            }

            if (checksum is not null)
            {
                json.WriteString("checksum", checksum);
            }

            if (locationApiKey is not null)
            {
                json.WriteString("api_key", locationApiKey);
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private Uri SnapshotUri(string collection, string snapshotName) =>
        new(_base, $"collections/{Escape(collection)}/snapshots/{Escape(snapshotName)}");

    /// <summary>
    /// Sends through the pipeline. A success is handed to <paramref name="onSuccess"/> inside the attempt (so a body
    /// cut short is retried like a failed request); the last failing answer becomes a <see cref="QdrantSnapshotException"/>.
    /// </summary>
    private async Task<T> SendAsync<T>(
        string operation,
        string collection,
        Func<HttpRequestMessage> createRequest,
        Func<HttpResponseMessage, CancellationToken, ValueTask<T>> onSuccess,
        CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RestResilience.OperationKey, operation);
        context.Properties.Set(RestResilience.CollectionKey, collection);
        T result = default!;
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                async attempt =>
                {
                    using var request = createRequest();
                    if (_apiKey is not null)
                    {
                        request.Headers.TryAddWithoutValidation(ApiKeyHeader, _apiKey);
                    }

                    var answer = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.CancellationToken).ConfigureAwait(false);
                    if (!answer.IsSuccessStatusCode)
                    {
                        return answer;
                    }

                    try
                    {
                        result = await onSuccess(answer, attempt.CancellationToken).ConfigureAwait(false);
                        return answer;
                    }
                    catch
                    {
                        answer.Dispose();
                        throw;
                    }
                },
                context).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new QdrantSnapshotException(
                $"Qdrant's REST API at {_displayAddress} did not complete '{operation}' for collection '{collection}' in time " +
                $"({ex.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s; total budget {_totalTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s). " +
                "Raise QdrantSnapshotOptions.Timeout for large snapshots, or check the server.",
                statusCode: null,
                serverError: null,
                ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or HttpIOException && !cancellationToken.IsCancellationRequested)
        {
            throw new QdrantSnapshotException(
                $"Could not reach Qdrant's REST API at {_displayAddress} for '{operation}' on collection '{collection}': {ex.Message}",
                (ex as HttpRequestException)?.StatusCode,
                serverError: null,
                ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode)
            {
                return result;
            }

            var status = response.StatusCode;
            var error = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            _logger.RestFailed(operation, collection, (int)status);
            throw new QdrantSnapshotException(
                $"Qdrant refused '{operation}' for collection '{collection}' with HTTP {(int)status} ({status}): {error}",
                status,
                error);
        }
    }

    /// <summary>
    /// Qdrant's error text: <c>status.error</c> of the JSON envelope (src/actix/helpers.rs), else the plain-text body
    /// (auth failures, src/actix/auth.rs), else the reason phrase. Cut to a sane length, and scrubbed of the API key
    /// should a proxy ever echo it.
    /// </summary>
    private async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            text = string.Empty;
        }

        var error = EnvelopeError(text) ?? text.Trim();
        if (error.Length == 0)
        {
            error = response.ReasonPhrase ?? response.StatusCode.ToString();
        }

        if (error.Length > MaxErrorTextLength)
        {
            error = string.Concat(error.AsSpan(0, MaxErrorTextLength), "…");
        }

        return _apiKey is null ? error : error.Replace(_apiKey, "***", StringComparison.Ordinal);
    }

    private static string? EnvelopeError(string text)
    {
        if (text.Length == 0 || text[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("status", out var status) &&
                status.ValueKind == JsonValueKind.Object &&
                status.TryGetProperty("error", out var error) &&
                error.ValueKind == JsonValueKind.String
                ? error.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
