using System.Net;
using Grpc.Core;

namespace QdrantSchema.Testing.Emulator.Engine;

/// <summary>
/// The kinds of error real Qdrant reports (<c>StorageError</c> in <c>lib/storage/src/content_manager/errors.rs</c>),
/// each with its gRPC status code, HTTP status and message prefix (QDRANT.md §1.3).
/// </summary>
internal enum EmulatorErrorKind
{
    /// <summary><c>Wrong input: {d}</c>, InvalidArgument, 400.</summary>
    BadInput,
    /// <summary><c>Wrong input: {d}</c> (sic), AlreadyExists, 409.</summary>
    AlreadyExists,
    /// <summary><c>Not found: {d}</c>, NotFound, 404.</summary>
    NotFound,
    /// <summary><c>Bad request: {d}</c>, InvalidArgument, 400.</summary>
    BadRequest,
    /// <summary><c>Service internal error: {d}</c>, Internal, 500.</summary>
    ServiceError,
    /// <summary><c>Forbidden: {d}</c>, PermissionDenied, 403.</summary>
    Forbidden,
    /// <summary><c>Timeout: {d}</c>, DeadlineExceeded, 408.</summary>
    Timeout,
    /// <summary><c>Pre-condition failure: {d}</c>, FailedPrecondition, 500.</summary>
    PreconditionFailed,
    /// <summary><c>Checksum mismatch: ...</c>, DataLoss, 400. The message is used verbatim.</summary>
    ChecksumMismatch,
    /// <summary>Request validation (REST 422 <c>Validation error in ...</c>, gRPC InvalidArgument). Verbatim message.</summary>
    Validation,
    /// <summary>Authentication missing or wrong: Unauthenticated, 401 with a plain-text body. Verbatim message.</summary>
    Unauthenticated,
    /// <summary>An RPC or endpoint the emulator does not implement: Unimplemented, 501. Verbatim message.</summary>
    Unimplemented,
}

/// <summary>
/// An error the emulator answers with, carrying the same gRPC status, HTTP status and text as real Qdrant.
/// The engine throws it; the transports turn it into an <see cref="RpcException"/> or a REST error envelope.
/// </summary>
internal sealed class EmulatorException : Exception
{
    public EmulatorException(EmulatorErrorKind kind, string description)
        : base(Format(kind, description))
    {
        Kind = kind;
        Description = description;
    }

    public EmulatorException()
        : this(EmulatorErrorKind.ServiceError, "unknown error")
    {
    }

    public EmulatorException(string message)
        : this(EmulatorErrorKind.ServiceError, message)
    {
    }

    public EmulatorException(string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = EmulatorErrorKind.ServiceError;
        Description = message;
    }

    public EmulatorErrorKind Kind { get; }

    /// <summary>The description without the kind's prefix.</summary>
    public string Description { get; }

    public StatusCode GrpcStatusCode => Kind switch
    {
        EmulatorErrorKind.BadInput => StatusCode.InvalidArgument,
        EmulatorErrorKind.AlreadyExists => StatusCode.AlreadyExists,
        EmulatorErrorKind.NotFound => StatusCode.NotFound,
        EmulatorErrorKind.BadRequest => StatusCode.InvalidArgument,
        EmulatorErrorKind.ServiceError => StatusCode.Internal,
        EmulatorErrorKind.Forbidden => StatusCode.PermissionDenied,
        EmulatorErrorKind.Timeout => StatusCode.DeadlineExceeded,
        EmulatorErrorKind.PreconditionFailed => StatusCode.FailedPrecondition,
        EmulatorErrorKind.ChecksumMismatch => StatusCode.DataLoss,
        EmulatorErrorKind.Validation => StatusCode.InvalidArgument,
        EmulatorErrorKind.Unauthenticated => StatusCode.Unauthenticated,
        EmulatorErrorKind.Unimplemented => StatusCode.Unimplemented,
        _ => StatusCode.Unknown,
    };

    public HttpStatusCode HttpStatusCode => Kind switch
    {
        EmulatorErrorKind.BadInput => HttpStatusCode.BadRequest,
        EmulatorErrorKind.AlreadyExists => HttpStatusCode.Conflict,
        EmulatorErrorKind.NotFound => HttpStatusCode.NotFound,
        EmulatorErrorKind.BadRequest => HttpStatusCode.BadRequest,
        EmulatorErrorKind.ServiceError => HttpStatusCode.InternalServerError,
        EmulatorErrorKind.Forbidden => HttpStatusCode.Forbidden,
        EmulatorErrorKind.Timeout => HttpStatusCode.RequestTimeout,
        EmulatorErrorKind.PreconditionFailed => HttpStatusCode.InternalServerError,
        EmulatorErrorKind.ChecksumMismatch => HttpStatusCode.BadRequest,
        EmulatorErrorKind.Validation => HttpStatusCode.UnprocessableEntity,
        EmulatorErrorKind.Unauthenticated => HttpStatusCode.Unauthorized,
        EmulatorErrorKind.Unimplemented => HttpStatusCode.NotImplemented,
        _ => HttpStatusCode.InternalServerError,
    };

    public RpcException ToRpcException() => new(new Status(GrpcStatusCode, Message));

    private static string Format(EmulatorErrorKind kind, string description) => kind switch
    {
        EmulatorErrorKind.BadInput or EmulatorErrorKind.AlreadyExists => "Wrong input: " + description,
        EmulatorErrorKind.NotFound => "Not found: " + description,
        EmulatorErrorKind.BadRequest => "Bad request: " + description,
        EmulatorErrorKind.ServiceError => "Service internal error: " + description,
        EmulatorErrorKind.Forbidden => "Forbidden: " + description,
        EmulatorErrorKind.Timeout => "Timeout: " + description,
        EmulatorErrorKind.PreconditionFailed => "Pre-condition failure: " + description,
        _ => description,
    };
}

/// <summary>Factories for the errors whose exact text real Qdrant gives (QDRANT.md §1.4).</summary>
internal static class EmulatorErrors
{
    public static EmulatorException CollectionNotFound(string name) =>
        new(EmulatorErrorKind.NotFound, $"Collection `{name}` doesn't exist!");

    public static EmulatorException CollectionAlreadyExists(string name) =>
        new(EmulatorErrorKind.AlreadyExists, $"Collection `{name}` already exists!");

    public static EmulatorException BadInput(string description) => new(EmulatorErrorKind.BadInput, description);

    public static EmulatorException BadRequest(string description) => new(EmulatorErrorKind.BadRequest, description);

    public static EmulatorException NotFound(string description) => new(EmulatorErrorKind.NotFound, description);

    public static EmulatorException Validation(string description) =>
        new(EmulatorErrorKind.Validation, "Validation error in body: [" + description + "]");

    public static EmulatorException Unimplemented(string what) =>
        new(EmulatorErrorKind.Unimplemented, $"{what} is not implemented by the QdrantSchema emulator");

    public static EmulatorException PointNotFound(string id) =>
        new(EmulatorErrorKind.NotFound, $"No point with id {id} found");

    public static EmulatorException NotExistingVector(string name) =>
        new(EmulatorErrorKind.BadInput, $"Not existing vector name error: {name}");

    public static EmulatorException WrongVectorDimension(ulong expected, int got) =>
        new(EmulatorErrorKind.BadInput, $"Vector dimension error: expected dim: {expected}, got {got}");

    public static EmulatorException ManageAccessRequired() =>
        new(EmulatorErrorKind.Forbidden, "Global manage access is required");
}
