using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>One REST call: the parsed query string, the body (read before routing), the caller's access, and response helpers.</summary>
internal sealed class RestRequest : IDisposable
{
    private readonly long _started = Stopwatch.GetTimestamp();
    private JsonDocument? _document;

    public RestRequest(EmulatorEngine engine, HttpRequestMessage message, EmulatorCallContext call, CancellationToken cancellationToken)
    {
        Engine = engine;
        Message = message;
        Call = call;
        CancellationToken = cancellationToken;
        Query = ParseQuery(message.RequestUri?.Query);
    }

    public EmulatorEngine Engine { get; }

    public HttpRequestMessage Message { get; }

    public EmulatorCallContext Call { get; }

    public CancellationToken CancellationToken { get; }

    public Dictionary<string, string> Query { get; }

    public ReadOnlyMemory<byte> Body { get; set; }

    public double Elapsed => Stopwatch.GetElapsedTime(_started).TotalSeconds;

    /// <summary>The body as JSON. An empty body is serde's EOF error; malformed JSON is a 400 format error.</summary>
    public JsonElement Json
    {
        get
        {
            if (_document is null)
            {
                if (Body.IsEmpty)
                {
                    throw RestRequestException.Format("EOF while parsing a value at line 1 column 0");
                }

                try
                {
                    _document = JsonDocument.Parse(Body, new JsonDocumentOptions { MaxDepth = 256 });
                }
                catch (JsonException ex)
                {
                    var line = (ex.LineNumber ?? 0) + 1;
                    var column = (ex.BytePositionInLine ?? 0) + 1;
                    throw RestRequestException.Format($"{FirstSentence(ex.Message)} at line {line} column {column}");
                }
            }

            return _document.RootElement;
        }
    }

    /// <summary>The body as JSON, or an empty object when there is no body (endpoints whose body is optional).</summary>
    public JsonElement JsonOrEmpty => Body.IsEmpty ? EmptyObject : Json;

    private static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement;

    /// <summary>The <c>wait</c> query parameter (REST default false for point and index updates, true for snapshots).</summary>
    public bool Wait(bool defaultValue) => Bool("wait") ?? defaultValue;

    public bool? Bool(string name)
    {
        if (!Query.TryGetValue(name, out var text))
        {
            return null;
        }

        return text switch
        {
            "true" => true,
            "false" => false,
            _ => throw RestRequestException.QueryFormat($"{name}: provided string was not `true` or `false`"),
        };
    }

    /// <summary>The <c>ordering</c> query parameter (<c>weak|medium|strong</c>); accepted and passed on, single-node semantics.</summary>
    public WriteOrdering? Ordering()
    {
        if (!Query.TryGetValue("ordering", out var text))
        {
            return null;
        }

        return text switch
        {
            "weak" => new WriteOrdering { Type = WriteOrderingType.Weak },
            "medium" => new WriteOrdering { Type = WriteOrderingType.Medium },
            "strong" => new WriteOrdering { Type = WriteOrderingType.Strong },
            _ => throw RestRequestException.QueryFormat($"ordering: unknown variant `{text}`, expected one of `weak`, `medium`, `strong`"),
        };
    }

    public ulong? Timeout()
    {
        if (!Query.TryGetValue("timeout", out var text))
        {
            return null;
        }

        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw RestRequestException.QueryFormat("timeout: invalid digit found in string");
    }

    public IMessage Invoke(string method, IMessage request) => Engine.Invoke(method, request, Call);

    public TResponse Invoke<TResponse>(string method, IMessage request)
        where TResponse : IMessage => (TResponse)Engine.Invoke(method, request, Call);

    /// <summary>The success envelope <c>{"result":…,"status":"ok","time":t}</c>.</summary>
    public HttpResponseMessage Ok(Action<Utf8JsonWriter> writeResult)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("result");
            writeResult(writer);
            writer.WriteString("status", "ok");
            writer.WriteNumber("time", Elapsed);
            writer.WriteEndObject();
        }

        return JsonResponse(HttpStatusCode.OK, buffer.WrittenSpan.ToArray());
    }

    public HttpResponseMessage OkBool(bool value) => Ok(w => w.WriteBooleanValue(value));

    /// <summary>HTTP 202 <c>{"status":"accepted","time":t}</c> (<c>helpers::accepted_response</c>).</summary>
    public HttpResponseMessage Accepted()
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("status", "accepted");
            writer.WriteNumber("time", Elapsed);
            writer.WriteEndObject();
        }

        return JsonResponse(HttpStatusCode.Accepted, buffer.WrittenSpan.ToArray());
    }

    /// <summary>The error envelope <c>{"status":{"error":msg},"time":t}</c>.</summary>
    public static HttpResponseMessage Error(HttpStatusCode status, string message, double time)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("status");
            writer.WriteString("error", message);
            writer.WriteEndObject();
            writer.WriteNumber("time", time);
            writer.WriteEndObject();
        }

        return JsonResponse(status, buffer.WrittenSpan.ToArray());
    }

    public static HttpResponseMessage Text(HttpStatusCode status, string text)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(text));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/plain") { CharSet = "utf-8" };
        return new HttpResponseMessage(status) { Content = content };
    }

    public static HttpResponseMessage JsonResponse(HttpStatusCode status, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new HttpResponseMessage(status) { Content = content };
    }

    public void Dispose() => _document?.Dispose();

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }

    private static Dictionary<string, string> ParseQuery(string? query)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(query))
        {
            return result;
        }

        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            var value = eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
            result[key] = value;
        }

        return result;
    }
}
