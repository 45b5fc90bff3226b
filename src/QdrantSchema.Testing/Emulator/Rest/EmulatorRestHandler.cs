using System.Net;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>
/// Qdrant's REST API over the engine: each request is translated into the engine's gRPC-semantics call and the proto
/// response back into Qdrant's REST JSON (envelopes and error model of QDRANT.md §1.2–1.3).
/// </summary>
internal sealed partial class EmulatorRestHandler : HttpMessageHandler
{
    private readonly EmulatorEngine _engine;
    private readonly EmulatorAuthenticator _authenticator;
    private readonly RestRouter _router = new();

    public EmulatorRestHandler(EmulatorEngine engine, EmulatorAuthenticator authenticator)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(authenticator);
        _engine = engine;
        _authenticator = authenticator;
        MapServiceRoutes(_router);
        MapCollectionRoutes(_router);
        MapPointRoutes(_router);
        MapSnapshotRoutes(_router);
    }

    internal EmulatorEngine Engine => _engine;

    internal EmulatorAuthenticator Authenticator => _authenticator;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // actix NormalizePath::trim: trailing slashes are dropped before routing ("/collections/" is "/collections").
        var path = request.RequestUri is null ? "/" : request.RequestUri.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < segments.Length; i++)
        {
            segments[i] = Uri.UnescapeDataString(segments[i]);
        }

        EmulatorAccess access;
        if (!_authenticator.Enabled)
        {
            access = EmulatorAccess.Manage;
        }
        else if (IsWhitelisted(segments))
        {
            access = EmulatorAccess.None;
        }
        else
        {
            try
            {
                access = _authenticator.Authenticate(Header(request, "api-key"), Header(request, "authorization"));
            }
            catch (EmulatorException ex) when (ex.Kind == EmulatorErrorKind.Unauthenticated)
            {
                // src/actix/auth.rs @ v1.19.0: HttpResponse::Unauthorized().body(e), a plain-text body.
                return RestRequest.Text(HttpStatusCode.Unauthorized, ex.Message);
            }
        }

        if (!_router.TryMatch(request.Method, segments, out var route, out var arguments))
        {
            // actix's default service: 404 with an empty body.
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new ByteArrayContent([]) };
        }

        using var rest = new RestRequest(_engine, request, new EmulatorCallContext(access), cancellationToken);
        try
        {
            if (!route.StreamsBody && request.Content is not null)
            {
                rest.Body = await request.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            }

            return await route.Endpoint(rest, arguments).ConfigureAwait(false);
        }
        catch (RestRequestException ex)
        {
            // validation_error_handler answers with time 0.0.
            return RestRequest.Error(ex.Status, ex.Message, 0.0);
        }
        catch (EmulatorException ex) when (ex.Kind == EmulatorErrorKind.Unauthenticated)
        {
            return RestRequest.Text(HttpStatusCode.Unauthorized, ex.Message);
        }
        catch (EmulatorException ex) when (ex.Kind == EmulatorErrorKind.Validation)
        {
            // The engine words validation failures as gRPC does ("Validation error in body"); actix says "JSON body".
            var message = ex.Message.StartsWith("Validation error in body", StringComparison.Ordinal)
                ? "Validation error in JSON body" + ex.Message["Validation error in body".Length..]
                : ex.Message;
            return RestRequest.Error(HttpStatusCode.UnprocessableEntity, message, 0.0);
        }
        catch (EmulatorException ex)
        {
            return RestRequest.Error(ex.HttpStatusCode, ex.Message, rest.Elapsed);
        }
        catch (InvalidOperationException ex) when (ex.Source == "System.Text.Json")
        {
            // A JSON value of the wrong kind where a specific one was expected (GetString on a number, ...).
            return RestRequest.Error(HttpStatusCode.BadRequest, "Format error in JSON body: invalid type: " + ex.Message, 0.0);
        }
        catch (FormatException ex)
        {
            return RestRequest.Error(HttpStatusCode.BadRequest, "Format error in JSON body: " + ex.Message, 0.0);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Anything else is an emulator fault; a real server would answer 500 with a ServiceError.
            return RestRequest.Error(HttpStatusCode.InternalServerError, "Service internal error: " + ex.Message, rest.Elapsed);
        }
    }

    /// <summary>The auth whitelist of <c>src/actix/mod.rs</c>: <c>/</c> and <c>/healthz</c> exact, <c>/readyz*</c> and <c>/livez*</c> prefixes.</summary>
    private static bool IsWhitelisted(string[] segments) =>
        segments.Length == 0 ||
        (segments.Length == 1 && segments[0] == "healthz") ||
        segments[0].StartsWith("readyz", StringComparison.Ordinal) ||
        segments[0].StartsWith("livez", StringComparison.Ordinal);

    private static string? Header(HttpRequestMessage request, string name) =>
        request.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}
