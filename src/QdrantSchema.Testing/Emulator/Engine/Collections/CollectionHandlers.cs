using System.Diagnostics;
using Google.Protobuf.WellKnownTypes;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// The collection-management RPCs (<c>qdrant.Collections</c>, plus payload-index and vector-name operations of
/// <c>qdrant.Points</c>). The engine runs each call under its lock; handlers only read and write engine state.
/// </summary>
internal sealed class CollectionHandlers(EmulatorEngine engine)
{
    private const double MinimumTime = 1e-6;

    public CollectionOperationResponse Create(CreateCollection request)
    {
        var start = Stopwatch.GetTimestamp();

        // Request validation, conversion and vector-name checks run before the state is consulted
        // (tonic validate, TryFrom<grpc::CreateCollection>, CreateCollectionOperation::new).
        CollectionConfigFactory.Validate(request);
        var name = request.CollectionName;

        // toc/create_collection.rs: an existing collection (409) is checked before an alias of that name (400).
        if (engine.Collections.ContainsKey(name))
        {
            throw EmulatorErrors.CollectionAlreadyExists(name);
        }

        if (engine.Aliases.ContainsKey(name))
        {
            throw EmulatorErrors.BadInput($"Can't create collection with name {name}. Alias with the same name already exists");
        }

        var config = CollectionConfigFactory.Build(request);
        var store = CollectionStore.FromConfig(name, config, engine.Time.GetUtcNow());
        store.HasMetadata = config.Metadata.Count > 0;
        engine.Collections[name] = store;
        return new CollectionOperationResponse { Result = true, Time = Elapsed(start) };
    }

    public GetCollectionInfoResponse Get(GetCollectionInfoRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        ValidateName(request.CollectionName);
        var store = engine.Resolve(request.CollectionName);
        return new GetCollectionInfoResponse { Result = CollectionInfoBuilder.Build(store), Time = Elapsed(start) };
    }

    /// <summary>Collections only (no aliases), sorted by name (a BTreeMap since 1.18, <c>src/common/collections.rs</c>).</summary>
    public ListCollectionsResponse List(ListCollectionsRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = Stopwatch.GetTimestamp();
        var response = new ListCollectionsResponse();
        foreach (var name in engine.Collections.Keys.Order(StringComparer.Ordinal))
        {
            response.Collections.Add(new CollectionDescription { Name = name });
        }

        response.Time = Elapsed(start);
        return response;
    }

    /// <summary>Resolves through aliases (it goes through <c>get_collection</c>), so an alias name exists.</summary>
    public CollectionExistsResponse Exists(CollectionExistsRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        ValidateName(request.CollectionName);
        var name = request.CollectionName;
        var exists = (engine.Aliases.TryGetValue(name, out var target) && engine.Collections.ContainsKey(target)) ||
            engine.Collections.ContainsKey(name);
        return new CollectionExistsResponse { Result = new CollectionExists { Exists = exists }, Time = Elapsed(start) };
    }

    /// <summary>
    /// <c>toc/collection_meta_ops.rs::delete_collection</c>: removes every alias pointing to the name, then the collection
    /// by its exact name; a missing name (an alias name included) answers false, not an error.
    /// </summary>
    public CollectionOperationResponse Delete(DeleteCollection request)
    {
        var start = Stopwatch.GetTimestamp();
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: false);
        validation.Min("timeout", request.HasTimeout ? request.Timeout : null, 1);
        validation.ThrowIfAny();

        var name = request.CollectionName;
        foreach (var alias in engine.Aliases.Where(a => a.Value == name).Select(a => a.Key).ToList())
        {
            engine.Aliases.Remove(alias);
        }

        var removed = engine.Collections.Remove(name);
        return new CollectionOperationResponse { Result = removed, Time = Elapsed(start) };
    }

    public CollectionOperationResponse Update(UpdateCollection request)
    {
        var start = Stopwatch.GetTimestamp();
        CollectionUpdater.Apply(engine, request);
        return new CollectionOperationResponse { Result = true, Time = Elapsed(start) };
    }

    /// <summary>
    /// <c>toc/collection_meta_ops.rs::update_aliases</c>: actions run in order with no rollback. create_alias needs a
    /// real collection and an alias name that is no collection, and silently re-points an existing alias; delete_alias
    /// of a missing alias is a no-op; rename_alias needs the old alias and overwrites the new name.
    /// </summary>
    public CollectionOperationResponse UpdateAliases(ChangeAliases request)
    {
        var start = Stopwatch.GetTimestamp();
        var validation = new RequestValidation();
        validation.Min("timeout", request.HasTimeout ? request.Timeout : null, 1);
        validation.ThrowIfAny();

        // TryFrom<grpc::ChangeAliases> converts every action before any runs.
        foreach (var action in request.Actions)
        {
            if (action.ActionCase == AliasOperations.ActionOneofCase.None)
            {
                throw ConfigValidation.Raw("Malformed AliasOperation type");
            }
        }

        var actions = request.Actions.Select(a => a.Clone()).ToList();
        foreach (var action in actions)
        {
            switch (action.ActionCase)
            {
                case AliasOperations.ActionOneofCase.CreateAlias:
                    var create = action.CreateAlias;
                    if (!engine.Collections.ContainsKey(create.CollectionName))
                    {
                        throw EmulatorErrors.CollectionNotFound(create.CollectionName);
                    }

                    if (engine.Collections.ContainsKey(create.AliasName))
                    {
                        throw EmulatorErrors.CollectionAlreadyExists(create.AliasName);
                    }

                    engine.Aliases[create.AliasName] = create.CollectionName;
                    break;
                case AliasOperations.ActionOneofCase.DeleteAlias:
                    engine.Aliases.Remove(action.DeleteAlias.AliasName);
                    break;
                case AliasOperations.ActionOneofCase.RenameAlias:
                    var rename = action.RenameAlias;
                    if (!engine.Aliases.Remove(rename.OldAliasName, out var target))
                    {
                        throw EmulatorErrors.NotFound($"Alias {rename.OldAliasName} does not exists!");
                    }

                    engine.Aliases[rename.NewAliasName] = target;
                    break;
                default:
                    break;
            }
        }

        return new CollectionOperationResponse { Result = true, Time = Elapsed(start) };
    }

    /// <summary>Grouped by collection name ascending (≥1.18); within a collection Qdrant's order is a HashMap's, here by alias name.</summary>
    public ListAliasesResponse ListAliases(ListAliasesRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var start = Stopwatch.GetTimestamp();
        var response = new ListAliasesResponse();
        foreach (var (alias, collection) in engine.Aliases
                     .OrderBy(a => a.Value, StringComparer.Ordinal)
                     .ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            response.Aliases.Add(new AliasDescription { AliasName = alias, CollectionName = collection });
        }

        response.Time = Elapsed(start);
        return response;
    }

    /// <summary>Exact collection name, no existence check (an unknown or alias name lists nothing).</summary>
    public ListAliasesResponse ListCollectionAliases(ListCollectionAliasesRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        ValidateName(request.CollectionName);
        var response = new ListAliasesResponse();
        foreach (var alias in engine.Aliases
                     .Where(a => a.Value == request.CollectionName)
                     .Select(a => a.Key)
                     .Order(StringComparer.Ordinal))
        {
            response.Aliases.Add(new AliasDescription { AliasName = alias, CollectionName = request.CollectionName });
        }

        response.Time = Elapsed(start);
        return response;
    }

    /// <summary>
    /// A single node holding every shard locally (<c>Collection::cluster_info</c>): one Active local shard per shard id.
    /// The emulator keeps all points in shard 0. Custom sharding without shard keys has no shards.
    /// </summary>
    public CollectionClusterInfoResponse ClusterInfo(CollectionClusterInfoRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        var store = engine.Resolve(request.CollectionName);
        var parameters = store.Config.Params;
        var custom = parameters.HasShardingMethod && parameters.ShardingMethod == ShardingMethod.Custom;
        var shardCount = custom ? 0u : Math.Max(1u, parameters.ShardNumber);
        var response = new CollectionClusterInfoResponse { PeerId = engine.Options.PeerId, ShardCount = shardCount };
        for (var shard = 0u; shard < shardCount; shard++)
        {
            response.LocalShards.Add(new LocalShardInfo
            {
                ShardId = shard,
                PointsCount = shard == 0 ? (ulong)store.Points.Count : 0,
                State = ReplicaState.Active,
            });
        }

        response.Time = Elapsed(start);
        return response;
    }

    /// <summary>
    /// <c>create_field_index</c> (<c>src/tonic/api/update_common.rs</c>) then <c>do_create_index</c>
    /// (<c>src/common/update.rs</c>): the collection is resolved (strict-mode check) before a missing schema is refused.
    /// Re-creating replaces the schema entry; a field no point has is fine.
    /// </summary>
    public PointsOperationResponse CreateFieldIndex(CreateFieldIndexCollection request)
    {
        var start = Stopwatch.GetTimestamp();
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: false);
        validation.Length("field_name", request.FieldName, 1, null);
        validation.ThrowIfAny();

        var key = ParseFieldName(request.FieldName);
        var schema = PayloadIndexes.ConvertFieldType(request);
        var store = engine.Resolve(request.CollectionName);
        if (schema is null)
        {
            throw EmulatorErrors.BadRequest("Can't auto-detect field type, please specify `field_schema` in the request");
        }

        store.PayloadSchema[key] = schema;
        return UpdateResponse(store, request.HasWait && request.Wait, start);
    }

    /// <summary>Deleting an index that does not exist is not an error.</summary>
    public PointsOperationResponse DeleteFieldIndex(DeleteFieldIndexCollection request)
    {
        var start = Stopwatch.GetTimestamp();
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", request.CollectionName, strict: false);
        validation.Length("field_name", request.FieldName, 1, null);
        validation.ThrowIfAny();

        var key = ParseFieldName(request.FieldName);
        var store = engine.Resolve(request.CollectionName);
        store.PayloadSchema.Remove(key);
        return UpdateResponse(store, request.HasWait && request.Wait, start);
    }

    public PointsOperationResponse CreateVectorName(CreateVectorNameRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        var store = VectorNames.Create(engine, request);
        return UpdateResponse(store, request.HasWait && request.Wait, start);
    }

    public PointsOperationResponse DeleteVectorName(DeleteVectorNameRequest request)
    {
        var start = Stopwatch.GetTimestamp();
        var store = VectorNames.Delete(engine, request);
        return UpdateResponse(store, request.HasWait && request.Wait, start);
    }

    /// <summary>The time field of every response: seconds spent, never zero.</summary>
    public static double Elapsed(long start) => Math.Max(Stopwatch.GetElapsedTime(start).TotalSeconds, MinimumTime);

    /// <summary><c>length(min = 1, max = 255)</c> and <c>validate_collection_name_legacy</c> on <c>collection_name</c>.</summary>
    public static void ValidateName(string collectionName)
    {
        var validation = new RequestValidation();
        validation.CollectionName("collection_name", collectionName, strict: false);
        validation.ThrowIfAny();
    }

    /// <summary>An <c>UpdateResult</c> with the collection's next operation number: Completed with wait, else Acknowledged.</summary>
    public static PointsOperationResponse UpdateResponse(CollectionStore store, bool wait, long start) => new()
    {
        Result = new UpdateResult
        {
            OperationId = store.NextOperationId(),
            Status = wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged,
        },
        Time = Elapsed(start),
    };

    /// <summary><c>json_path_from_proto</c>: <c>Invalid json path: 'x'</c> as a plain InvalidArgument.</summary>
    private static string ParseFieldName(string fieldName) =>
        PayloadPath.TryParse(fieldName, out _) ? fieldName : throw ConfigValidation.Raw($"Invalid json path: '{fieldName}'");
}

/// <summary>Builds <see cref="CollectionInfo"/> as a single-node Qdrant reports it for a fully optimized collection.</summary>
internal static class CollectionInfoBuilder
{
    /// <summary>
    /// Status green with optimizer ok (the emulator applies everything synchronously, QDRANT.md §9), one segment,
    /// <c>indexed_vectors_count</c> 0 (below the default indexing threshold), an empty update queue, the config, the
    /// payload schema with point counts and the creation time. <c>deferred_points</c> is reported only when
    /// <c>prevent_unoptimized</c> is on (<c>local_update_queue_info</c>).
    /// </summary>
    public static CollectionInfo Build(CollectionStore store)
    {
        var info = new CollectionInfo
        {
            Status = CollectionStatus.Green,
            OptimizerStatus = new OptimizerStatus { Ok = true },
            SegmentsCount = 1,
            PointsCount = (ulong)store.Points.Count,
            IndexedVectorsCount = 0,
            Config = store.Config.Clone(),
            UpdateQueue = new UpdateQueueInfo { Length = 0 },
            CreatedAt = Timestamp.FromDateTimeOffset(store.CreatedAt),
        };
        if (store.Config.OptimizerConfig is { HasPreventUnoptimized: true, PreventUnoptimized: true })
        {
            info.UpdateQueue.DeferredPoints = 0;
        }

        info.PayloadSchema.Add(PayloadIndexes.Describe(store));
        return info;
    }
}
