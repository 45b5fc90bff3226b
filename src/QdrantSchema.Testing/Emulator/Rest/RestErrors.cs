using System.Net;
using System.Text.Json;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>
/// A request the REST layer rejects before it reaches the engine, with actix's status and text
/// (<c>src/actix/mod.rs::validation_error_handler</c> @ v1.19.0): serde failures are 400
/// <c>Format error in JSON body: …</c>, validator failures 422 <c>Validation error in JSON body: [field: msg]</c>,
/// both in the JSON error envelope with <c>time: 0.0</c>.
/// </summary>
internal sealed class RestRequestException : Exception
{
    public RestRequestException(HttpStatusCode status, string message)
        : base(message)
    {
        Status = status;
    }

    public RestRequestException()
        : this(HttpStatusCode.BadRequest, "Bad request")
    {
    }

    public RestRequestException(string message)
        : this(HttpStatusCode.BadRequest, message)
    {
    }

    public RestRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
        Status = HttpStatusCode.BadRequest;
    }

    public HttpStatusCode Status { get; }

    public static RestRequestException Format(string detail) =>
        new(HttpStatusCode.BadRequest, "Format error in JSON body: " + detail);

    public static RestRequestException Validation(string field, string message) =>
        new(HttpStatusCode.UnprocessableEntity, $"Validation error in JSON body: [{field}: {message}]");

    public static RestRequestException QueryFormat(string detail) =>
        new(HttpStatusCode.BadRequest, "Deserialize error in query parameters: " + detail);

    /// <summary>serde's wording for a JSON value of the wrong kind.</summary>
    public static RestRequestException InvalidType(JsonElement element, string expected) =>
        Format($"invalid type: {Describe(element)}, expected {expected}");

    public static RestRequestException MissingField(string field) => Format($"missing field `{field}`");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"string \"{element.GetString()}\"",
        JsonValueKind.Number => element.TryGetInt64(out var l) ? $"integer `{l}`" : $"floating point `{element.GetRawText()}`",
        JsonValueKind.True => "boolean `true`",
        JsonValueKind.False => "boolean `false`",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "sequence",
        JsonValueKind.Object => "map",
        _ => "value",
    };
}
