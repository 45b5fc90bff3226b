namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>A REST endpoint: the request plus the path's <c>{placeholders}</c> in order.</summary>
internal delegate Task<HttpResponseMessage> RestEndpoint(RestRequest request, string[] arguments);

/// <summary>
/// A small method + path-template router. Routes are tried in registration order, like actix's services; a path
/// that matches no route with the request's method is a 404 with an empty body (actix's default service; every
/// Qdrant route carries its method as a resource guard, so a wrong method also falls through to 404).
/// </summary>
internal sealed class RestRouter
{
    private readonly List<Route> _routes = [];

    /// <summary>Adds a route; <paramref name="template"/> is like <c>/collections/{name}/points</c>.</summary>
    public RestRouter Map(HttpMethod method, string template, RestEndpoint endpoint, bool streamsBody = false)
    {
        _routes.Add(new Route(method, template.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries), endpoint, streamsBody));
        return this;
    }

    public RestRouter Map(HttpMethod method, string template, Func<RestRequest, string[], HttpResponseMessage> endpoint) =>
        Map(method, template, (request, arguments) => Task.FromResult(endpoint(request, arguments)));

    public bool TryMatch(HttpMethod method, string[] segments, out Route route, out string[] arguments)
    {
        foreach (var candidate in _routes)
        {
            if (candidate.Method != method || candidate.Segments.Length != segments.Length)
            {
                continue;
            }

            var matched = true;
            var values = new List<string>(2);
            for (var i = 0; i < segments.Length; i++)
            {
                var part = candidate.Segments[i];
                if (part.Length > 1 && part[0] == '{')
                {
                    values.Add(segments[i]);
                }
                else if (!string.Equals(part, segments[i], StringComparison.Ordinal))
                {
                    matched = false;
                    break;
                }
            }

            if (matched)
            {
                route = candidate;
                arguments = [.. values];
                return true;
            }
        }

        route = null!;
        arguments = [];
        return false;
    }

    internal sealed record Route(HttpMethod Method, string[] Segments, RestEndpoint Endpoint, bool StreamsBody);
}
