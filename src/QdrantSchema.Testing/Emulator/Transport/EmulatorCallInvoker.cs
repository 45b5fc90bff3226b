using Google.Protobuf;
using Grpc.Core;
using QdrantSchema.Testing.Emulator.Engine;

namespace QdrantSchema.Testing.Emulator.Transport;

/// <summary>
/// The in-process gRPC transport: the official client's calls reach the engine directly, with no sockets and no
/// serialisation. Errors surface as <see cref="RpcException"/> with Qdrant's status and text, as over the network.
/// </summary>
internal sealed class EmulatorCallInvoker(EmulatorEngine engine, EmulatorAuthenticator authenticator) : CallInvoker
{
    public override TResponse BlockingUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        Invoke(method, options, request);

    public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request)
    {
        Task<TResponse> response;
        try
        {
            response = Task.FromResult(Invoke(method, options, request));
        }
        catch (RpcException ex)
        {
            response = Task.FromException<TResponse>(ex);
        }
        catch (OperationCanceledException)
        {
            response = Task.FromException<TResponse>(new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client.")));
        }

        var status = response.IsFaulted && response.Exception!.InnerException is RpcException rpc ? rpc.Status : Status.DefaultSuccess;
        return new AsyncUnaryCall<TResponse>(
            response,
            Task.FromResult(new Metadata()),
            () => status,
            () => [],
            () => { });
    }

    public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options, TRequest request) =>
        throw Unimplemented(method.FullName);

    public override AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw Unimplemented(method.FullName);

    public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method, string? host, CallOptions options) =>
        throw Unimplemented(method.FullName);

    private static RpcException Unimplemented(string method) => EmulatorErrors.Unimplemented($"Method {method}").ToRpcException();

    private TResponse Invoke<TRequest, TResponse>(Method<TRequest, TResponse> method, CallOptions options, TRequest request)
        where TRequest : class
        where TResponse : class
    {
        options.CancellationToken.ThrowIfCancellationRequested();
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue && deadline.ToUniversalTime() < engine.Time.GetUtcNow().UtcDateTime)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"));
        }

        try
        {
            var context = new EmulatorCallContext(Authenticate(method.FullName, options.Headers));
            return (TResponse)engine.Invoke(method.FullName, (IMessage)request, context);
        }
        catch (EmulatorException ex)
        {
            throw ex.ToRpcException();
        }
    }

    private EmulatorAccess Authenticate(string method, Metadata? headers)
    {
        if (!authenticator.Enabled || IsWhitelisted(method))
        {
            return authenticator.Enabled ? EmulatorAccess.None : EmulatorAccess.Manage;
        }

        return authenticator.Authenticate(headers?.GetValue("api-key"), headers?.GetValue("authorization"));
    }

    /// <summary>Health checks need no key (<c>src/tonic/auth.rs</c>).</summary>
    internal static bool IsWhitelisted(string method) =>
        method is "/qdrant.Qdrant/HealthCheck" or "/grpc.health.v1.Health/Check";
}
