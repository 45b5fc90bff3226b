using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// Named-vector CRUD (≥1.18): <c>src/common/update.rs::do_create_vector_name</c>,
/// <c>lib/collection/src/collection/vector_name_schema.rs</c> and <c>VectorsConfig::insert/remove</c> in
/// <c>lib/collection/src/operations/types.rs</c>.
/// </summary>
internal static class VectorNames
{
    /// <summary><c>VectorsConfig::get_params</c>: the single config answers only to <c>""</c>.</summary>
    public static VectorParams? GetParams(VectorsConfig? vectors, string name) => vectors?.ConfigCase switch
    {
        VectorsConfig.ConfigOneofCase.Params => name.Length == 0 ? vectors.Params : null,
        VectorsConfig.ConfigOneofCase.ParamsMap => vectors.ParamsMap.Map.TryGetValue(name, out var value) ? value : null,
        _ => null,
    };

    public static CollectionStore Create(EmulatorEngine engine, CreateVectorNameRequest request)
    {
        // gRPC validation: collection name and the dense size (DenseVectorCreationConfig.size 1..=65536).
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: false);
        if (request.DenseConfig is { } denseToValidate)
        {
            validation.Range("vector_config.size", denseToValidate.Size, 1UL, 65536UL);
        }

        validation.ThrowIfAny();

        // Conversion (TryFrom<create_vector_name_request::VectorConfig>).
        switch (request.VectorConfigCase)
        {
            case CreateVectorNameRequest.VectorConfigOneofCase.DenseConfig:
                ConfigValidation.Distance(request.DenseConfig.Distance);
                if (request.DenseConfig.HasDatatype)
                {
                    ConfigValidation.DatatypeValue(request.DenseConfig.Datatype);
                }

                break;
            case CreateVectorNameRequest.VectorConfigOneofCase.SparseConfig:
                if (request.SparseConfig.HasModifier && !Enum.IsDefined(request.SparseConfig.Modifier))
                {
                    throw ConfigValidation.Raw($"Cannot convert sparse modifier: {(int)request.SparseConfig.Modifier}");
                }

                if (request.SparseConfig.HasDatatype)
                {
                    ConfigValidation.DatatypeValue(request.SparseConfig.Datatype);
                }

                break;
            default:
                throw ConfigValidation.Raw("vector_config is required (dense_config or sparse_config)");
        }

        var name = request.VectorName;
        if (CollectionNames.VectorNameError(name) is { } error)
        {
            throw EmulatorErrors.BadInput($"Invalid vector name `{name}`: {error}");
        }

        var store = engine.Resolve(request.CollectionName);
        var parameters = store.Config.Params;
        if (request.VectorConfigCase == CreateVectorNameRequest.VectorConfigOneofCase.DenseConfig)
        {
            var dense = request.DenseConfig;
            if (GetParams(parameters.VectorsConfig, name) is { } existing)
            {
                return DenseMatches(existing, dense)
                    ? store
                    : throw EmulatorErrors.BadInput($"Vector `{name}` already exists with a different configuration");
            }

            if (parameters.SparseVectorsConfig?.Map.ContainsKey(name) == true)
            {
                throw EmulatorErrors.BadInput($"Vector `{name}` already exists as a sparse vector");
            }

            // Only the immutable schema is given: hnsw, quantization and on_disk stay unset (collection defaults).
            var vectorParams = new VectorParams { Size = dense.Size, Distance = dense.Distance };
            if (dense.MultivectorConfig is { } multivector)
            {
                vectorParams.MultivectorConfig = multivector.Clone();
            }

            if (NormalizedDatatype(dense.HasDatatype, dense.Datatype) is { } datatype)
            {
                vectorParams.Datatype = datatype;
            }

            Insert(parameters, name, vectorParams);
            store.AddVectorColumn(name, vectorParams);
            return store;
        }

        var sparse = request.SparseConfig;
        if (parameters.SparseVectorsConfig?.Map.TryGetValue(name, out var existingSparse) == true)
        {
            return SparseMatches(existingSparse, sparse)
                ? store
                : throw EmulatorErrors.BadInput($"Sparse vector `{name}` already exists with a different configuration");
        }

        if (GetParams(parameters.VectorsConfig, name) is not null)
        {
            throw EmulatorErrors.BadInput($"Vector `{name}` already exists as a dense vector");
        }

        // sparse_config_to_params: the datatype goes into index params; the modifier is kept as given.
        var sparseParams = new SparseVectorParams();
        if (sparse.HasModifier)
        {
            sparseParams.Modifier = sparse.Modifier;
        }

        if (NormalizedDatatype(sparse.HasDatatype, sparse.Datatype) is { } sparseDatatype)
        {
            sparseParams.Index = new SparseIndexConfig { Datatype = sparseDatatype };
        }

        parameters.SparseVectorsConfig ??= new SparseVectorConfig();
        parameters.SparseVectorsConfig.Map[name] = sparseParams;
        store.Points.Vectors[name] = new SparseVectorColumn();
        return store;
    }

    /// <summary>Removes the vector from the dense and sparse config and drops its data; a missing name is fine.</summary>
    public static CollectionStore Delete(EmulatorEngine engine, DeleteVectorNameRequest request)
    {
        CollectionHandlers.ValidateName(request.CollectionName);
        var store = engine.Resolve(request.CollectionName);
        var parameters = store.Config.Params;
        var name = request.VectorName;
        var removed = false;
        var vectors = parameters.VectorsConfig;
        if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.Params && name.Length == 0)
        {
            parameters.VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap() };
            removed = true;
        }
        else if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            removed = vectors.ParamsMap.Map.Remove(name);
        }

        if (parameters.SparseVectorsConfig is { } sparse)
        {
            removed |= sparse.Map.Remove(name);
        }

        if (removed)
        {
            store.Points.Vectors.Remove(name);
        }

        return store;
    }

    /// <summary><c>VectorsConfig::insert</c>: a single unnamed config becomes a map <c>{"": old, name: new}</c>.</summary>
    private static void Insert(CollectionParams parameters, string name, VectorParams vectorParams)
    {
        var vectors = parameters.VectorsConfig;
        if (vectors?.ConfigCase == VectorsConfig.ConfigOneofCase.Params)
        {
            var map = new VectorParamsMap();
            map.Map[string.Empty] = vectors.Params;
            map.Map[name] = vectorParams;
            parameters.VectorsConfig = new VectorsConfig { ParamsMap = map };
            return;
        }

        if (vectors?.ConfigCase != VectorsConfig.ConfigOneofCase.ParamsMap)
        {
            parameters.VectorsConfig = new VectorsConfig { ParamsMap = new VectorParamsMap() };
        }

        parameters.VectorsConfig.ParamsMap.Map[name] = vectorParams;
    }

    /// <summary><c>dense_schema_matches</c>: size, distance, multivector and datatype; tunable params are ignored.</summary>
    private static bool DenseMatches(VectorParams existing, DenseVectorCreationConfig config) =>
        existing.Size == config.Size &&
        existing.Distance == config.Distance &&
        Equals(existing.MultivectorConfig, config.MultivectorConfig) &&
        NormalizedDatatype(existing.HasDatatype, existing.Datatype) == NormalizedDatatype(config.HasDatatype, config.Datatype);

    /// <summary><c>sparse_schema_matches</c>: the modifier (as an option) and the index datatype.</summary>
    private static bool SparseMatches(SparseVectorParams existing, SparseVectorCreationConfig config)
    {
        Modifier? existingModifier = existing.HasModifier ? existing.Modifier : null;
        Modifier? requestedModifier = config.HasModifier ? config.Modifier : null;
        var existingDatatype = existing.Index is { } index ? NormalizedDatatype(index.HasDatatype, index.Datatype) : null;
        return existingModifier == requestedModifier &&
            existingDatatype == NormalizedDatatype(config.HasDatatype, config.Datatype);
    }

    private static Datatype? NormalizedDatatype(bool has, Datatype datatype) =>
        has && datatype != Datatype.Default ? datatype : null;
}
