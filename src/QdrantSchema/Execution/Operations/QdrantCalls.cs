using Grpc.Core;
using Qdrant.Client;

namespace QdrantSchema.Execution.Operations;

/// <summary>How the engine turns failed Qdrant calls into its own errors.</summary>
internal static class QdrantCalls
{
    /// <summary>True for the errors a Qdrant call raises on purpose: gRPC status errors and the client's own.</summary>
    public static bool IsServerError(Exception exception) => exception is RpcException or QdrantException;

    /// <summary>Qdrant's NotFound (a missing collection).</summary>
    public static bool IsNotFound(Exception exception) => exception is RpcException { StatusCode: StatusCode.NotFound };

    /// <summary>
    /// The exception to throw for a failed call: cancellation stays an <see cref="OperationCanceledException"/> (never
    /// wrapped); anything else becomes a <see cref="QdrantSchemaException"/> whose message is
    /// <paramref name="message"/> with the server's answer, and whose inner exception is the original.
    /// </summary>
    public static Exception Wrap(Exception exception, string message, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The operation was cancelled.", exception, cancellationToken);
        }

        return new QdrantSchemaException(message.Replace("{answer}", Describe(exception), StringComparison.Ordinal), exception);
    }

    /// <summary>The server's answer, for messages: the gRPC status and its detail (which never carries payloads or keys).</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => exception.Message,
    };
}
