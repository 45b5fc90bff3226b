using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using QdrantSchema.Conformance.Infrastructure;
using QdrantSchema.Tests.Backends;

namespace QdrantSchema.Conformance.Rest;

/// <summary>A REST answer: status, raw text and the parsed JSON envelope when the body is JSON.</summary>
public sealed record RestReply(HttpStatusCode Status, string Text, JsonNode? Json, string? ContentType)
{
    /// <summary>Gets the envelope's <c>result</c>.</summary>
    public JsonNode? Result => Json?["result"];

    /// <summary>Gets the envelope's error text (<c>status.error</c>), or null.</summary>
    public string? Error => Json?["status"] is JsonObject status ? status["error"]?.GetValue<string>() : null;

    /// <summary>Asserts the body satisfies Qdrant's OpenAPI response schema for this operation and status.</summary>
    public RestReply AssertSchema(string method, string pathTemplate)
    {
        OpenApiSchema.AssertValid(method, pathTemplate, Status, Json);
        return this;
    }

    /// <summary>Asserts HTTP 200 with status "ok" and returns this response.</summary>
    public RestReply AssertOk()
    {
        Assert.True(Status == HttpStatusCode.OK, $"Expected 200, got {(int)Status}: {Text}");
        Assert.Equal("ok", Json?["status"]?.GetValue<string>());
        return this;
    }
}

/// <summary>Raw REST calls against a backend (JSON in, JSON envelope out).</summary>
public static class RestCall
{
    public static Task<RestReply> RestGetAsync(this HttpClient http, string path) => SendAsync(http, HttpMethod.Get, path, null);

    public static Task<RestReply> RestPutAsync(this HttpClient http, string path, JsonNode? body) => SendAsync(http, HttpMethod.Put, path, body);

    public static Task<RestReply> RestPostAsync(this HttpClient http, string path, JsonNode? body) => SendAsync(http, HttpMethod.Post, path, body);

    public static Task<RestReply> RestPatchAsync(this HttpClient http, string path, JsonNode? body) => SendAsync(http, HttpMethod.Patch, path, body);

    public static Task<RestReply> RestDeleteAsync(this HttpClient http, string path) => SendAsync(http, HttpMethod.Delete, path, null);

    public static async Task<RestReply> SendAsync(this HttpClient http, HttpMethod method, string path, JsonNode? body)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/').Length == 0 ? "/" : path);
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response);
    }

    public static async Task<RestReply> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        JsonNode? json = null;
        if (text.Length > 0 && (contentType?.Contains("json", StringComparison.Ordinal) ?? false))
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = null;
            }
        }

        return new RestReply(response.StatusCode, text, json, contentType);
    }

    /// <summary>Parses a JSON literal (test bodies are easiest to read as JSON).</summary>
    public static JsonNode Json(string json) => JsonNode.Parse(json)!;
}
