using Qdrant.Client.Grpc;

namespace QdrantSchema.Migrations;

/// <summary>One point handed to a vector fill delegate (<see cref="MigrationBuilder.FillVector"/>).</summary>
public sealed class VectorFillContext
{
    /// <summary>Creates a context; the executor does this for every point, tests of a fill may too.</summary>
    /// <param name="id">The point id.</param>
    /// <param name="payload">The point's payload (read-only).</param>
    /// <param name="cancellationToken">Cancelled when the run is stopped.</param>
    public VectorFillContext(PointId id, IReadOnlyDictionary<string, Value> payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(payload);
        Id = id;
        Payload = payload;
        CancellationToken = cancellationToken;
    }

    /// <summary>The point id.</summary>
    public PointId Id { get; }

    /// <summary>The point's payload.</summary>
    public IReadOnlyDictionary<string, Value> Payload { get; }

    /// <summary>Cancelled when the run is stopped; pass it to anything the fill awaits (an embedding call, say).</summary>
    public CancellationToken CancellationToken { get; }
}
