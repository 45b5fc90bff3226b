using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Migrations;

/// <summary>
/// Declares, in order, the operations of a migration's <see cref="QdrantMigration.Up"/> or
/// <see cref="QdrantMigration.Down"/>. Nothing runs here: the operations are validated when migrations are folded
/// and executed later. Every proto passed in is copied, so callers may reuse theirs.
/// </summary>
public sealed class MigrationBuilder
{
    private readonly List<MigrationOperation> _operations = [];

    internal MigrationBuilder()
    {
    }

    internal IReadOnlyList<MigrationOperation> Operations => _operations;

    /// <summary>True when the base <see cref="QdrantMigration.Down"/> ran: Down is generated from Up's inverses.</summary>
    internal bool UsesGeneratedInverse { get; private set; }

    internal void UseGeneratedInverse() => UsesGeneratedInverse = true;

    internal MigrationBuilder Add(MigrationOperation operation)
    {
        _operations.Add(operation);
        return this;
    }

    /// <summary>Creates the family's collection. Its inverse deletes the collection and all its points.</summary>
    /// <param name="configure">Declares vectors, sparse vectors and settings. Default: a collection with no vectors and server defaults.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder CreateCollection(Action<CollectionBuilder>? configure = null)
    {
        var builder = new CollectionBuilder();
        configure?.Invoke(builder);
        return Add(new CreateCollectionOperation(builder.Definition));
    }

    /// <summary>Deletes the family's collection and all its points. Irreversible; mostly for a hand-written Down.</summary>
    /// <returns>This builder.</returns>
    public MigrationBuilder DeleteCollection() => Add(new DeleteCollectionOperation());

    /// <summary>
    /// Adds a dense vector to the existing collection (Qdrant ≥ 1.18). Existing points have no value for it until a
    /// fill. Re-adding an identical vector is a no-op. Use <c>""</c> as the name for the unnamed vector.
    /// </summary>
    /// <param name="name">The vector name (at most 200 bytes; no <c>&lt; &gt; : " / \ | ? *</c>).</param>
    /// <param name="size">The dimension, 1 to 65536.</param>
    /// <param name="distance">The distance function.</param>
    /// <param name="configure">Optional datatype, multivector, on_disk, HNSW and quantization settings.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder AddVector(string name, ulong size, Distance distance, Action<VectorBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(new AddVectorOperation(name, BuildVector(size, distance, configure)));
    }

    /// <summary>Adds a sparse vector to the existing collection (Qdrant ≥ 1.18).</summary>
    /// <param name="name">The sparse vector name (not empty).</param>
    /// <param name="modifier">An optional modifier, such as <see cref="Modifier.Idf"/>. Default: none.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder AddSparseVector(string name, Modifier? modifier = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(new AddVectorOperation(name, BuildSparse(modifier)));
    }

    /// <summary>Deletes a dense or sparse vector and every point's value for it (Qdrant ≥ 1.18).</summary>
    /// <param name="name">The vector name.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder DeleteVector(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(new DeleteVectorOperation(name));
    }

    /// <summary>
    /// Changes a dense vector's size, distance, datatype or multivector setting. Qdrant cannot do that in place, so
    /// the migration is classed <see cref="OperationKind.Rebuild"/> and the vector's values must be filled again.
    /// </summary>
    /// <param name="name">The existing vector.</param>
    /// <param name="size">The new dimension, 1 to 65536.</param>
    /// <param name="distance">The new distance function.</param>
    /// <param name="configure">Optional settings, as for <see cref="AddVector"/>.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder ChangeVector(string name, ulong size, Distance distance, Action<VectorBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Add(new ChangeVectorOperation(name, BuildVector(size, distance, configure)));
    }

    /// <summary>Changes the number of shards. Qdrant cannot do that in place: classed <see cref="OperationKind.Rebuild"/>.</summary>
    /// <param name="shardNumber">At least 1.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder ChangeShardNumber(uint shardNumber) => Add(new ChangeShardNumberOperation(shardNumber));

    /// <summary>Creates a payload index. Re-creating an identical index is a no-op; to change one use <see cref="ChangePayloadIndex"/>.</summary>
    /// <param name="field">The payload key, for example <c>user_id</c> or <c>meta.source</c>.</param>
    /// <param name="type">The index type.</param>
    /// <param name="parameters">Type-specific parameters matching <paramref name="type"/>. Default: none (server defaults).</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder CreatePayloadIndex(string field, PayloadSchemaType type, PayloadIndexParams? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Add(new CreatePayloadIndexOperation(field, type, parameters?.Clone()));
    }

    /// <summary>Deletes a payload index (the payload values stay).</summary>
    /// <param name="field">The indexed payload key.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder DeletePayloadIndex(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return Add(new DeletePayloadIndexOperation(field));
    }

    /// <summary>Changes an index's type or parameters: declares <see cref="DeletePayloadIndex"/> then <see cref="CreatePayloadIndex"/>.</summary>
    /// <param name="field">The indexed payload key.</param>
    /// <param name="type">The new index type.</param>
    /// <param name="parameters">The new parameters. Default: none.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder ChangePayloadIndex(string field, PayloadSchemaType type, PayloadIndexParams? parameters = null)
        => DeletePayloadIndex(field).CreatePayloadIndex(field, type, parameters);

    /// <summary>Changes what Qdrant can change in place: HNSW, optimizers, quantization, params, strict mode, per-vector settings.</summary>
    /// <param name="configure">Declares the changes.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder UpdateCollection(Action<CollectionUpdateBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new CollectionUpdateBuilder();
        configure(builder);
        return Add(new UpdateCollectionOperation(builder.Update));
    }

    /// <summary>Sets a collection metadata key (Qdrant ≥ 1.16). Its inverse restores the previous value or removes the key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value (copied). Not null: use <see cref="RemoveMetadata"/> to remove a key.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder SetMetadata(string key, Value value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return Add(new SetMetadataOperation(key, value.Clone()));
    }

    /// <summary>Removes a collection metadata key.</summary>
    /// <param name="key">The key.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder RemoveMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Add(new RemoveMetadataOperation(key));
    }

    /// <summary>Creates an alias pointing at the family's physical collection.</summary>
    /// <param name="alias">The alias name (a valid collection name).</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder CreateAlias(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return Add(new AliasOperation(AliasAction.Create, alias));
    }

    /// <summary>Deletes an alias.</summary>
    /// <param name="alias">The alias name.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder DeleteAlias(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return Add(new AliasOperation(AliasAction.Delete, alias));
    }

    /// <summary>Re-points an alias (wherever it points now) at the family's physical collection, atomically.</summary>
    /// <param name="alias">The alias name.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder SwapAlias(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return Add(new AliasOperation(AliasAction.Swap, alias));
    }

    /// <summary>
    /// A data step: declared payload changes (set-merge, overwrite, delete keys, rename key) applied to every point.
    /// The checksum covers every declared change.
    /// </summary>
    /// <param name="configure">Declares the changes.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder TransformPayload(Action<PayloadTransformBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = new PayloadTransformBuilder();
        configure(builder);
        return Add(new TransformPayloadOperation([.. builder.Actions], builder.Filter));
    }

    /// <summary>
    /// A data step: <paramref name="transform"/> runs on every point's payload and may change it in place.
    /// A delegate cannot be hashed: the checksum covers the step kind and <paramref name="name"/> only, so give the
    /// step a new name when its logic changes in a way that matters.
    /// </summary>
    /// <param name="transform">Changes <see cref="PayloadTransformContext.Payload"/>.</param>
    /// <param name="name">A name unique within the migration; it also identifies the step's checkpoint.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder TransformPayload(Func<PayloadTransformContext, ValueTask> transform, string name)
    {
        ArgumentNullException.ThrowIfNull(transform);
        ArgumentNullException.ThrowIfNull(name);
        return Add(new TransformPayloadDelegateOperation(name, transform));
    }

    /// <summary>
    /// A data step: computes dense vector <paramref name="vectorName"/> for every point. The checksum covers the
    /// step kind, the vector and <paramref name="name"/>, not the delegate.
    /// </summary>
    /// <param name="vectorName">An existing dense (non-multi) vector.</param>
    /// <param name="compute">Returns the vector for one point.</param>
    /// <param name="name">A name unique within the migration; it also identifies the step's checkpoint.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder FillVector(string vectorName, Func<VectorFillContext, ValueTask<float[]>> compute, string name)
    {
        ArgumentNullException.ThrowIfNull(vectorName);
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(name);
        return Add(new FillVectorOperation(vectorName, name, compute));
    }

    /// <summary>
    /// A data step: embeds the text in payload key <paramref name="payloadField"/> into dense vector
    /// <paramref name="vectorName"/> for every point, with the embedding generator supplied when migrations run.
    /// </summary>
    /// <param name="vectorName">An existing dense (non-multi) vector.</param>
    /// <param name="payloadField">The payload key holding the text.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder FillVectorFromText(string vectorName, string payloadField)
    {
        ArgumentNullException.ThrowIfNull(vectorName);
        ArgumentNullException.ThrowIfNull(payloadField);
        return Add(new FillVectorFromTextOperation(vectorName, payloadField));
    }

    /// <summary>A data step: deletes the points matching <paramref name="filter"/>. Irreversible.</summary>
    /// <param name="filter">A filter with at least one condition (copied).</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder DeletePoints(Filter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return Add(new DeletePointsOperation(filter.Clone()));
    }

    /// <summary>In a <see cref="QdrantMigration.Down"/>: states that the migration cannot be undone, and why.</summary>
    /// <param name="reason">Why; shown when someone tries to revert the migration.</param>
    /// <returns>This builder.</returns>
    public MigrationBuilder Irreversible(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return Add(new IrreversibleOperation(reason));
    }

    internal static VectorParams BuildVector(ulong size, Distance distance, Action<VectorBuilder>? configure)
    {
        var vector = new VectorParams { Size = size, Distance = distance };
        configure?.Invoke(new VectorBuilder(vector));
        return vector;
    }

    internal static SparseVectorParams BuildSparse(Modifier? modifier)
    {
        var sparse = new SparseVectorParams();
        if (modifier is { } m)
        {
            sparse.Modifier = m;
        }

        return sparse;
    }
}
