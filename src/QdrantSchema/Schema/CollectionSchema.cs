using System.Collections.ObjectModel;
using Qdrant.Client.Grpc;
using QdrantSchema.Migrations;

namespace QdrantSchema.Schema;

/// <summary>
/// The expected schema of a collection family at some version: what its migrations declared, folded from empty.
/// Server defaults are not part of it: only what migrations set. Immutable: every proto it returns is a copy.
/// </summary>
public sealed class CollectionSchema
{
    internal CollectionSchema(SchemaState state)
    {
        State = state;
    }

    internal SchemaState State { get; }

    /// <summary>The schema before any migration: no collection.</summary>
    public static CollectionSchema Empty { get; } = new(new SchemaState());

    /// <summary>True when the collection exists at this version (a migration created it and none deleted it).</summary>
    public bool Exists => State.Exists;

    /// <summary>Dense vectors by name (<c>""</c> is the unnamed single vector), with every setting declared for them.</summary>
    public IReadOnlyDictionary<string, VectorParams> Vectors => Copy(State.Vectors, v => v.Clone());

    /// <summary>Sparse vectors by name.</summary>
    public IReadOnlyDictionary<string, SparseVectorParams> SparseVectors => Copy(State.SparseVectors, v => v.Clone());

    /// <summary>Collection-level HNSW settings declared by migrations, or <see langword="null"/> when none were.</summary>
    public HnswConfigDiff? Hnsw => State.Hnsw?.Clone();

    /// <summary>Optimizer settings declared by migrations, or <see langword="null"/>.</summary>
    public OptimizersConfigDiff? Optimizers => State.Optimizers?.Clone();

    /// <summary>Collection-level quantization, or <see langword="null"/> when there is none.</summary>
    public QuantizationConfig? Quantization => State.Quantization?.Clone();

    /// <summary>Strict mode settings declared by migrations, or <see langword="null"/>.</summary>
    public StrictModeConfig? StrictMode => State.StrictMode?.Clone();

    /// <summary>The declared shard number, or <see langword="null"/> (the server's default).</summary>
    public uint? ShardNumber => State.ShardNumber;

    /// <summary>The declared replication factor, or <see langword="null"/>.</summary>
    public uint? ReplicationFactor => State.Params is { HasReplicationFactor: true } p ? p.ReplicationFactor : null;

    /// <summary>The declared write consistency factor, or <see langword="null"/>.</summary>
    public uint? WriteConsistencyFactor => State.Params is { HasWriteConsistencyFactor: true } p ? p.WriteConsistencyFactor : null;

#pragma warning disable CS0612 // on_disk_payload is deprecated since Qdrant 1.19 but still honoured.
    /// <summary>The declared on_disk_payload, or <see langword="null"/>.</summary>
    public bool? OnDiskPayload => State.Params is { HasOnDiskPayload: true } p ? p.OnDiskPayload : null;
#pragma warning restore CS0612

    /// <summary>Payload indexes by field.</summary>
    public IReadOnlyDictionary<string, PayloadIndexSchema> PayloadIndexes => Copy(State.PayloadIndexes, i => i);

    /// <summary>Collection metadata by key.</summary>
    public IReadOnlyDictionary<string, Value> Metadata => Copy(State.Metadata, v => v.Clone());

    /// <summary>Aliases that migrations point at the collection.</summary>
    public IReadOnlyCollection<string> Aliases => [.. State.Aliases];

    /// <summary>
    /// Builds a schema from declarations, the way a migration's Up would: use it for the schema the application
    /// expects, then <see cref="Diff"/> it with the fold of the migrations to find changes nobody wrote a migration for.
    /// </summary>
    /// <param name="declare">Declares the schema, typically <c>CreateCollection</c> and <c>CreatePayloadIndex</c> calls.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="QdrantMigrationDefinitionException">The declarations are invalid.</exception>
    public static CollectionSchema Build(Action<MigrationBuilder> declare)
    {
        ArgumentNullException.ThrowIfNull(declare);
        var builder = new MigrationBuilder();
        declare(builder);
        var state = new SchemaState();
        var context = new Migrations.Operations.FoldContext("(declared schema)", "(declared)");
        foreach (var operation in builder.Operations)
        {
            operation.Apply(state, context);
        }

        return new CollectionSchema(state);
    }

    /// <summary>
    /// Compares the expected schema with a live collection. Only what the expected schema specifies is compared
    /// (a live config also carries server defaults). Errors: a missing vector, sparse vector or index, or a vector's
    /// size, distance, datatype or multivector mismatch, or an index type mismatch. Warnings: extra vectors and
    /// indexes, different HNSW, on_disk, quantization, optimizer, strict mode, shard/replication settings, index
    /// parameters and metadata.
    /// </summary>
    /// <param name="expected">The expected schema, for example the fold of the migrations at the collection's version.</param>
    /// <param name="live">The collection's info from <c>GetCollectionInfoAsync</c>.</param>
    /// <returns>The differences.</returns>
    public static SchemaComparison Compare(CollectionSchema expected, CollectionInfo live)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(live);
        return new SchemaComparison(SchemaComparer.Compare(expected.State, SchemaComparer.FromCollectionInfo(live), SchemaComparer.Mode.Live));
    }

    /// <summary>
    /// Compares the schema the application declares with the fold of its migrations: what is declared but differs in
    /// (or is missing from) the fold is a change nobody wrote a migration for. Same rules as <see cref="Compare"/>.
    /// </summary>
    /// <param name="declared">The schema the application code expects (see <see cref="Build"/>).</param>
    /// <param name="folded">The fold of the migrations (see <see cref="MigrationModel.Fold"/>).</param>
    /// <returns>The differences.</returns>
    public static SchemaComparison Diff(CollectionSchema declared, CollectionSchema folded)
    {
        ArgumentNullException.ThrowIfNull(declared);
        ArgumentNullException.ThrowIfNull(folded);
        return new SchemaComparison(SchemaComparer.Compare(declared.State, folded.State, SchemaComparer.Mode.Declared));
    }

    /// <summary>A canonical, line-per-item text of the schema (stable; suitable for snapshots in tests).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => State.ToCanonicalString();

    private static ReadOnlyDictionary<string, TOut> Copy<TIn, TOut>(SortedDictionary<string, TIn> source, Func<TIn, TOut> copy)
    {
        var result = new Dictionary<string, TOut>(source.Count, StringComparer.Ordinal);
        foreach (var (key, value) in source)
        {
            result[key] = copy(value);
        }

        return new ReadOnlyDictionary<string, TOut>(result);
    }
}
