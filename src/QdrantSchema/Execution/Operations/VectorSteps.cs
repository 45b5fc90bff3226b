using Qdrant.Client.Grpc;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Schema;

// on_disk is deprecated since Qdrant 1.19 (replaced by `memory`) but still honoured; migrations may declare it.
#pragma warning disable CS0612

namespace QdrantSchema.Execution.Operations;

/// <summary>AddVector / AddSparseVector / DeleteVector: Qdrant ≥ 1.18 CreateVectorName and DeleteVectorName (QDRANT.md §4).</summary>
internal static class VectorSteps
{
    /// <summary>
    /// Adds the vector when it is missing (CreateVectorName takes only the immutable part), then applies the declared
    /// per-vector HNSW, quantization and on_disk/memory settings with an UpdateCollection. An existing vector with the
    /// same immutable settings is kept (a rerun); a different one fails.
    /// </summary>
    public static async Task AddAsync(AddVectorOperation operation, StepScope scope)
    {
        var live = SchemaComparer.FromCollectionInfo(await scope.GetInfoAsync().ConfigureAwait(false));
        var label = CollectionSteps.Label(operation.VectorName);
        if (operation.Dense is { } dense)
        {
            if (live.Vectors.TryGetValue(operation.VectorName, out var existing))
            {
                if (!VectorRules.SameImmutable(dense, existing))
                {
                    throw scope.Fail(
                        $"vector {label} already exists with different settings.",
                        VectorRules.Describe(dense),
                        VectorRules.Describe(existing),
                        "Qdrant cannot change size, distance, datatype or multivector in place: delete the vector in a migration first (DeleteVector), or give the new vector another name.");
                }
            }
            else if (live.SparseVectors.ContainsKey(operation.VectorName))
            {
                throw scope.Fail(
                    $"{label} already exists as a sparse vector.",
                    $"dense {VectorRules.Describe(dense)}",
                    "a sparse vector",
                    "Dense and sparse vector names must be unique: delete the sparse vector first, or choose another name.");
            }
            else
            {
                var config = new DenseVectorCreationConfig { Size = dense.Size, Distance = dense.Distance };
                if (dense.HasDatatype)
                {
                    config.Datatype = dense.Datatype;
                }

                if (dense.MultivectorConfig is not null)
                {
                    config.MultivectorConfig = dense.MultivectorConfig.Clone();
                }

                await CreateAsync(new CreateVectorNameRequest { CollectionName = scope.Collection, VectorName = operation.VectorName, Wait = true, DenseConfig = config }, scope, VectorRules.Describe(dense))
                    .ConfigureAwait(false);
            }

            var diff = new VectorParamsDiff();
            if (dense.HnswConfig is not null)
            {
                diff.HnswConfig = dense.HnswConfig.Clone();
            }

            if (dense.QuantizationConfig is not null)
            {
                diff.QuantizationConfig = UpdateCollectionOperation.ToDiff(dense.QuantizationConfig);
            }

            if (dense.HasOnDisk)
            {
                diff.OnDisk = dense.OnDisk;
            }

            if (dense.HasMemory)
            {
                diff.Memory = dense.Memory;
            }

            if (diff.HnswConfig is not null || diff.QuantizationConfig is not null || diff.HasOnDisk || diff.HasMemory)
            {
                var update = new CollectionUpdate();
                update.Vectors[operation.VectorName] = diff;
                await UpdateSteps.SendAsync(update, scope).ConfigureAwait(false);
            }

            var after = SchemaComparer.FromCollectionInfo(await scope.GetInfoAsync().ConfigureAwait(false));
            if (!after.Vectors.TryGetValue(operation.VectorName, out var added))
            {
                throw scope.Fail($"vector {label} does not show in the collection after it was added.", VectorRules.Describe(dense), "no such vector", "Run again; if it persists, check the server's logs.");
            }

            if (!VectorRules.SameImmutable(dense, added))
            {
                throw scope.Fail($"vector {label} was added, but with different settings.", VectorRules.Describe(dense), VectorRules.Describe(added), "Check whether another process changed the collection, then run again.");
            }

            // The immutable part is checked above (with Qdrant's datatype normalisation); compare the tunable rest.
            var tunable = dense.Clone();
            tunable.Size = 0;
            tunable.Distance = Distance.UnknownDistance;
            tunable.ClearDatatype();
            tunable.MultivectorConfig = null;
            var mismatches = LiveCompare.Mismatches(tunable, added, "vectors." + operation.VectorName);
            if (mismatches.Count > 0)
            {
                LiveCompare.Describe(mismatches, out var expected, out var found);
                throw scope.Fail($"vector {label} was added, but its settings differ from the declaration.", expected, found, "Check whether another process changed the collection, then run again.");
            }

            return;
        }

        var sparse = operation.Sparse!;
        if (live.Vectors.ContainsKey(operation.VectorName))
        {
            throw scope.Fail(
                $"{label} already exists as a dense vector.",
                VectorRules.Describe(sparse),
                "a dense vector",
                "Dense and sparse vector names must be unique: delete the dense vector first, or choose another name.");
        }

        if (!live.SparseVectors.ContainsKey(operation.VectorName))
        {
            var config = new SparseVectorCreationConfig();
            if (sparse.HasModifier)
            {
                config.Modifier = sparse.Modifier;
            }

            if (sparse.Index is { HasDatatype: true } index)
            {
                config.Datatype = index.Datatype;
            }

            await CreateAsync(new CreateVectorNameRequest { CollectionName = scope.Collection, VectorName = operation.VectorName, Wait = true, SparseConfig = config }, scope, VectorRules.Describe(sparse))
                .ConfigureAwait(false);
        }

        // The modifier and index settings are mutable: (re)apply them, which also repairs a rerun after a crash.
        var sparseDiff = new SparseVectorParams();
        if (sparse.HasModifier)
        {
            sparseDiff.Modifier = sparse.Modifier;
        }

        if (sparse.Index is not null)
        {
            sparseDiff.Index = sparse.Index.Clone();
        }

        if (sparseDiff.HasModifier || sparseDiff.Index is not null)
        {
            var update = new CollectionUpdate();
            update.SparseVectors[operation.VectorName] = sparseDiff;
            await UpdateSteps.SendAsync(update, scope).ConfigureAwait(false);
        }

        var afterSparse = SchemaComparer.FromCollectionInfo(await scope.GetInfoAsync().ConfigureAwait(false));
        if (!afterSparse.SparseVectors.TryGetValue(operation.VectorName, out var addedSparse))
        {
            throw scope.Fail($"sparse vector {label} does not show in the collection after it was added.", VectorRules.Describe(sparse), "no such vector", "Run again; if it persists, check the server's logs.");
        }

        var sparseMismatches = LiveCompare.Mismatches(sparse, addedSparse, "sparse_vectors." + operation.VectorName);
        if (sparseMismatches.Count > 0)
        {
            LiveCompare.Describe(sparseMismatches, out var expected, out var found);
            throw scope.Fail($"sparse vector {label} was added, but its settings differ from the declaration.", expected, found, "Check whether another process changed the collection, then run again.");
        }
    }

    /// <summary>Deletes the vector and its data on every point. A missing vector is fine.</summary>
    public static async Task DeleteAsync(DeleteVectorOperation operation, StepScope scope)
    {
        var label = CollectionSteps.Label(operation.VectorName);
        var live = SchemaComparer.FromCollectionInfo(await scope.GetInfoAsync().ConfigureAwait(false));
        if (live.HasVectorName(operation.VectorName))
        {
            try
            {
                await scope.Client.DeleteVectorNameAsync(
                        new DeleteVectorNameRequest { CollectionName = scope.Collection, VectorName = operation.VectorName, Wait = true },
                        scope.CancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                throw scope.Rejected(e, $"vector {label} to be deleted", "Check the API key's rights and the server version, then run again.");
            }
        }

        var after = SchemaComparer.FromCollectionInfo(await scope.GetInfoAsync().ConfigureAwait(false));
        if (after.HasVectorName(operation.VectorName))
        {
            throw scope.Fail($"vector {label} still exists after it was deleted.", "no such vector", $"vector {label}", "Run again; if it persists, check the server's logs.");
        }
    }

    private static async Task CreateAsync(CreateVectorNameRequest request, StepScope scope, string description)
    {
        try
        {
            await scope.Client.CreateVectorNameAsync(request, scope.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw scope.Rejected(
                e,
                $"to add vector {CollectionSteps.Label(request.VectorName)} ({description})",
                "Fix the declaration (name, size, datatype) and run again.");
        }
    }
}
