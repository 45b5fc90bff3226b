using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using QdrantSchema.Testing.Emulator.Engine;
using QdrantSchema.Testing.Emulator.Transport;

namespace QdrantSchema.Testing.Emulator.Hosting;

/// <summary>
/// Serves an emulator on loopback with Kestrel: gRPC over HTTP/2 cleartext on one port (unary calls framed by hand
/// with the client's own message descriptors) and REST over HTTP/1.1 on the other (the same front end as the
/// in-process <see cref="HttpMessageHandler"/>).
/// </summary>
internal static class EmulatorServerHost
{
    public static async Task<QdrantEmulatorServer> StartAsync(QdrantEmulator emulator, int grpcPort, int httpPort, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        ListenOptions? grpcListen = null;
        ListenOptions? httpListen = null;
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;

            // Upserts of a few hundred points carry megabytes; Kestrel's default HTTP/2 windows (128 KB per connection,
            // 96 KB per stream) make the client wait for a WINDOW_UPDATE every ~100 KB. Qdrant (tonic/hyper) reads
            // large requests without such stalls, so open the windows wide.
            kestrel.Limits.Http2.InitialConnectionWindowSize = 64 * 1024 * 1024;
            kestrel.Limits.Http2.InitialStreamWindowSize = 32 * 1024 * 1024;
            kestrel.Limits.Http2.MaxFrameSize = 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, grpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                grpcListen = listen;
            });
            kestrel.Listen(IPAddress.Loopback, httpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                httpListen = listen;
            });
        });

        var app = builder.Build();
        var rest = new Rest.EmulatorRestHandler(emulator.Engine, emulator.Authenticator);
        var restInvoker = new HttpMessageInvoker(rest, disposeHandler: false);
        app.Run(context =>
        {
            var isGrpc = context.Request.ContentType?.StartsWith("application/grpc", StringComparison.Ordinal) == true &&
                         context.Request.Protocol == "HTTP/2";
            return isGrpc
                ? ServeGrpcAsync(context, emulator.Engine, emulator.Authenticator)
                : ServeRestAsync(context, restInvoker);
        });

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var boundGrpc = grpcListen!.IPEndPoint!.Port;
        var boundHttp = httpListen!.IPEndPoint!.Port;
        return new QdrantEmulatorServer(boundGrpc, boundHttp, emulator.Options.ApiKey, async () =>
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
            restInvoker.Dispose();
            rest.Dispose();
        });
    }

    private static async Task ServeGrpcAsync(HttpContext context, EmulatorEngine engine, EmulatorAuthenticator authenticator)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        context.Response.ContentType = "application/grpc";
        if (path == "/grpc.health.v1.Health/Check")
        {
            // The standard gRPC health service (no key needed, src/tonic/auth.rs). Its messages are not in the Qdrant
            // client's descriptors, so the reply HealthCheckResponse{status: SERVING (1)} is written as its two bytes.
            await ReadSingleMessageAsync(context).ConfigureAwait(false);
            context.Response.DeclareTrailer("grpc-status");
            await context.Response.Body.WriteAsync(new byte[] { 0, 0, 0, 0, 2, 0x08, 0x01 }, context.RequestAborted).ConfigureAwait(false);
            context.Response.AppendTrailer("grpc-status", "0");
            return;
        }

        if (!GrpcMethodCatalog.TryGet(path, out var method) || method.IsClientStreaming || method.IsServerStreaming)
        {
            WriteTrailersOnly(context, EmulatorErrors.Unimplemented($"Method {path}"));
            return;
        }

        IMessage request;
        try
        {
            var payload = await ReadSingleMessageAsync(context).ConfigureAwait(false);
            request = GrpcMethodCatalog.ParseRequest(method, payload);
        }
        catch (InvalidProtocolBufferException ex)
        {
            WriteTrailersOnly(context, new EmulatorException(EmulatorErrorKind.Validation, "Failed to deserialize request: " + ex.Message));
            return;
        }

        IMessage response;
        try
        {
            var access = !authenticator.Enabled ? EmulatorAccess.Manage
                : EmulatorCallInvoker.IsWhitelisted(path) ? EmulatorAccess.None
                : authenticator.Authenticate(Header(context, "api-key"), Header(context, "authorization"));
            response = engine.Invoke(path, request, new EmulatorCallContext(access));
        }
        catch (EmulatorException ex)
        {
            WriteTrailersOnly(context, ex);
            return;
        }

        var size = response.CalculateSize();
        var buffer = ArrayPool<byte>.Shared.Rent(size + 5);
        try
        {
            buffer[0] = 0;
            BinaryPrimitives.WriteUInt32BigEndian(buffer.AsSpan(1), (uint)size);
            response.WriteTo(buffer.AsSpan(5, size));
            context.Response.DeclareTrailer("grpc-status");
            await context.Response.Body.WriteAsync(buffer.AsMemory(0, size + 5), context.RequestAborted).ConfigureAwait(false);
            context.Response.AppendTrailer("grpc-status", "0");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<byte[]> ReadSingleMessageAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted).ConfigureAwait(false);
        var bytes = body.GetBuffer().AsSpan(0, (int)body.Length);
        if (bytes.Length < 5)
        {
            return [];
        }

        var compressed = bytes[0] == 1;
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes[1..]);
        var message = bytes.Slice(5, length).ToArray();
        if (!compressed)
        {
            return message;
        }

        using var input = new GZipStream(new MemoryStream(message), CompressionMode.Decompress);
        using var output = new MemoryStream();
        await input.CopyToAsync(output, context.RequestAborted).ConfigureAwait(false);
        return output.ToArray();
    }

    private static void WriteTrailersOnly(HttpContext context, EmulatorException error)
    {
        context.Response.Headers["grpc-status"] = ((int)error.GrpcStatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers["grpc-message"] = PercentEncode(error.Message);
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>Percent-encodes a grpc-message as the gRPC HTTP/2 protocol requires (bytes outside 0x20–0x7E and '%').</summary>
    private static string PercentEncode(string message)
    {
        var builder = new StringBuilder(message.Length);
        foreach (var b in Encoding.UTF8.GetBytes(message))
        {
            if (b is >= 0x20 and <= 0x7E && b != (byte)'%')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }

    private static async Task ServeRestAsync(HttpContext context, HttpMessageInvoker rest)
    {
        var request = context.Request;
        var uri = new Uri($"http://{request.Host}{request.PathBase}{request.Path}{request.QueryString}");
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), uri);
        if (request.ContentLength is > 0 || request.Headers.ContainsKey("Transfer-Encoding"))
        {
            message.Content = new StreamContent(request.Body);
        }

        foreach (var header in request.Headers)
        {
            if (!message.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await rest.SendAsync(message, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Content.Headers)
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        foreach (var header in response.Headers)
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        context.Response.Headers.Remove("transfer-encoding");
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }
}
