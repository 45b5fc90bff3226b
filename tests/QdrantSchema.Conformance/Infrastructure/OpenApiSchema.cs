using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Json.Schema;

namespace QdrantSchema.Conformance.Infrastructure;

/// <summary>
/// Qdrant's REST OpenAPI 3.0 document (v1.19, <c>docs/redoc/master/openapi.json</c>), turned into JSON Schema 2020-12
/// so REST response bodies can be checked against the schema of the operation that produced them.
/// </summary>
/// <remarks>
/// OpenAPI 3.0 is not JSON Schema; the translation is deliberately light:
/// <list type="bullet">
/// <item><c>#/components/schemas/X</c> becomes <c>#/$defs/X</c>;</item>
/// <item><c>nullable: true</c> adds <c>"null"</c> to <c>type</c> (and to <c>enum</c>); a schema that is only
/// <c>{"nullable": true}</c> (schemars' way of writing <c>Option</c> inside <c>anyOf</c>) becomes <c>{"type":"null"}</c>;</item>
/// <item><c>oneOf</c> becomes <c>anyOf</c>: schemars emits <c>oneOf</c> for untagged enums whose variants are not
/// mutually exclusive (a real server's body can match two), so exclusivity is not checked;</item>
/// <item><c>format</c>s (<c>uint64</c>, <c>float</c>, …) are annotations only.</item>
/// </list>
/// </remarks>
public static class OpenApiSchema
{
    private const string SpecFile = "qdrant-openapi-1.19.json";

    private static readonly Lazy<JsonObject> Spec = new(Load);
    private static readonly ConcurrentDictionary<string, JsonSchema> Compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Asserts that <paramref name="body"/> satisfies the response schema of <paramref name="method"/>
    /// <paramref name="pathTemplate"/> (e.g. <c>get</c>, <c>/collections/{collection_name}</c>) for
    /// <paramref name="status"/>: the exact code when the spec lists it, else <c>4XX</c>, else <c>default</c>.
    /// </summary>
    public static void AssertValid(string method, string pathTemplate, HttpStatusCode status, JsonNode? body)
    {
        var schema = SchemaFor(method, pathTemplate, status);
        var results = schema.Evaluate(body, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (!results.IsValid)
        {
            var errors = (results.Details ?? [])
                .Where(d => d.HasErrors)
                .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
                .Take(20);
            Assert.Fail(
                $"Response of {method.ToUpperInvariant()} {pathTemplate} ({(int)status}) does not match Qdrant's OpenAPI schema:\n"
                + string.Join("\n", errors) + "\nBody: " + body?.ToJsonString());
        }
    }

    /// <summary>Gets a value indicating whether the spec declares the operation at all.</summary>
    public static bool HasOperation(string method, string pathTemplate) =>
        Spec.Value["paths"]?[pathTemplate]?[method.ToLowerInvariant()] is not null;

    private static JsonSchema SchemaFor(string method, string pathTemplate, HttpStatusCode status)
    {
        var operation = Spec.Value["paths"]?[pathTemplate]?[method.ToLowerInvariant()]
            ?? throw new InvalidOperationException($"Qdrant's OpenAPI has no operation {method} {pathTemplate}");
        var responses = operation["responses"]!.AsObject();
        var code = ((int)status).ToString(CultureInfo.InvariantCulture);
        var key = responses.ContainsKey(code) ? code
            : (int)status is >= 400 and < 500 && responses.ContainsKey("4XX") ? "4XX"
            : "default";
        var cacheKey = $"{method} {pathTemplate} {key}";
        return Compiled.GetOrAdd(cacheKey, _ =>
        {
            var responseSchema = responses[key]?["content"]?["application/json"]?["schema"]
                ?? throw new InvalidOperationException($"{cacheKey} has no application/json schema");
            var root = new JsonObject
            {
                ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
                ["$defs"] = Spec.Value["components"]!["schemas"]!.DeepClone(),
                ["allOf"] = new JsonArray(responseSchema.DeepClone()),
            };
            return JsonSchema.FromText(root.ToJsonString());
        });
    }

    private static JsonObject Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Data", SpecFile);
        var spec = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Translate(spec);
        return spec;
    }

    private static void Translate(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue reference && reference.GetValue<string>() is { } target
                    && target.StartsWith("#/components/schemas/", StringComparison.Ordinal))
                {
                    obj["$ref"] = "#/$defs/" + target["#/components/schemas/".Length..];
                }

                if (obj["oneOf"] is JsonArray oneOf)
                {
                    obj.Remove("oneOf");
                    obj["anyOf"] = oneOf;
                }

                if (obj["nullable"] is JsonValue nullable && nullable.GetValue<bool>())
                {
                    obj.Remove("nullable");
                    if (obj["type"] is JsonValue type)
                    {
                        obj["type"] = new JsonArray(type.GetValue<string>(), "null");
                    }
                    else if (obj.ContainsKey("$ref") || obj.ContainsKey("allOf") || obj.ContainsKey("anyOf"))
                    {
                        var inner = new JsonObject();
                        foreach (var keyword in new[] { "$ref", "allOf", "anyOf" })
                        {
                            if (obj[keyword] is { } value)
                            {
                                obj.Remove(keyword);
                                inner[keyword] = value;
                            }
                        }

                        obj["anyOf"] = new JsonArray(inner, new JsonObject { ["type"] = "null" });
                    }
                    else if (!obj.ContainsKey("enum") && !obj.ContainsKey("properties") && !obj.ContainsKey("items"))
                    {
                        obj["type"] = "null";
                    }

                    if (obj["enum"] is JsonArray values)
                    {
                        values.Add(null);
                    }
                }
                else
                {
                    obj.Remove("nullable");
                }

                foreach (var child in obj.Select(p => p.Value).ToList())
                {
                    Translate(child);
                }

                break;
            case JsonArray array:
                foreach (var child in array.ToList())
                {
                    Translate(child);
                }

                break;
        }
    }
}
