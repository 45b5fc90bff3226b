using Qdrant.Client.Grpc;

namespace QdrantSchema.Migrations;

/// <summary>One point handed to a payload transform delegate (<see cref="MigrationBuilder.TransformPayload(Func{PayloadTransformContext, ValueTask}, string)"/>).</summary>
public sealed class PayloadTransformContext
{
    /// <summary>Creates a context; the executor does this for every point, tests of a transform may too.</summary>
    /// <param name="id">The point id.</param>
    /// <param name="payload">The point's payload, which the transform changes in place.</param>
    /// <param name="cancellationToken">Cancelled when the run is stopped.</param>
    public PayloadTransformContext(PointId id, IDictionary<string, Value> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(payload);
        Id = id;
        Payload = payload;
        CancellationToken = cancellationToken;
    }

    /// <summary>The point id.</summary>
    public PointId Id { get; }

    /// <summary>The point's payload. Add, change or remove keys; the result replaces the stored payload.</summary>
    public IDictionary<string, Value> Payload { get; }

    /// <summary>Cancelled when the run is stopped; pass it to anything the transform awaits.</summary>
    public CancellationToken CancellationToken { get; }
}
