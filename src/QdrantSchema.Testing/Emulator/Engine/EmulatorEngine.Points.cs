using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine.Points;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine;

/// <summary>
/// Point writes: upsert (with <c>update_filter</c>/<c>update_mode</c>), delete, vectors and payload updates, and
/// UpdateBatch. Reads live in <c>Points/EmulatorEngine.PointReads.cs</c>. Semantics follow QDRANT.md §6 and the cited
/// Qdrant v1.19.0 sources. Every write takes one operation number; a point's version is the number of its last write.
/// </summary>
internal sealed partial class EmulatorEngine
{
    /// <summary>Payload and vector ops run in chunks of 32 and stop at the first chunk with a missing id (<c>PAYLOAD_OP_BATCH_SIZE</c>, <c>VECTOR_OP_BATCH_SIZE</c>).</summary>
    private const int PointOpChunkSize = 32;

    partial void RegisterPointHandlers()
    {
        Register<UpsertPoints, PointsOperationResponse>("/qdrant.Points/Upsert", EmulatorRequirement.Manage, mutates: true, (r, _) =>
        {
            var c = Resolve(r.CollectionName);
            var op = ApplyUpsert(c, r.Points, r.UpdateFilter, r.HasUpdateMode ? r.UpdateMode : UpdateMode.Upsert);
            return Respond(op, r);
        });
        Register<DeletePoints, PointsOperationResponse>("/qdrant.Points/Delete", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyDelete(Resolve(r.CollectionName), r.Points), r));
        Register<UpdatePointVectors, PointsOperationResponse>("/qdrant.Points/UpdateVectors", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyUpdateVectors(Resolve(r.CollectionName), r.Points, r.UpdateFilter), r));
        Register<DeletePointVectors, PointsOperationResponse>("/qdrant.Points/DeleteVectors", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyDeleteVectors(Resolve(r.CollectionName), r.PointsSelector, r.Vectors), r));
        Register<SetPayloadPoints, PointsOperationResponse>("/qdrant.Points/SetPayload", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplySetPayload(Resolve(r.CollectionName), r.PointsSelector, r.Payload, r.HasKey ? r.Key : null), r));
        Register<SetPayloadPoints, PointsOperationResponse>("/qdrant.Points/OverwritePayload", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyOverwritePayload(Resolve(r.CollectionName), r.PointsSelector, r.Payload), r));
        Register<DeletePayloadPoints, PointsOperationResponse>("/qdrant.Points/DeletePayload", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyDeletePayload(Resolve(r.CollectionName), r.PointsSelector, r.Keys), r));
        Register<ClearPayloadPoints, PointsOperationResponse>("/qdrant.Points/ClearPayload", EmulatorRequirement.Manage, mutates: true, (r, _) =>
            Respond(ApplyClearPayload(Resolve(r.CollectionName), r.Points), r));
        Register<UpdateBatchPoints, UpdateBatchResponse>("/qdrant.Points/UpdateBatch", EmulatorRequirement.Manage, mutates: true, UpdateBatch);
        RegisterPointReadHandlers();
    }

    partial void RegisterPointReadHandlers();

    /// <summary>
    /// <c>Completed</c> with <c>wait=true</c>; otherwise <c>Acknowledged</c> (gRPC <c>wait</c> unset means false). The
    /// emulator applies every write before answering either way.
    /// </summary>
    private static UpdateResult Result(ulong operationId, bool wait) =>
        new() { OperationId = operationId, Status = wait ? UpdateStatus.Completed : UpdateStatus.Acknowledged };

    private static PointsOperationResponse Respond(ulong operationId, bool wait) => new() { Result = Result(operationId, wait) };

    private static PointsOperationResponse Respond(ulong operationId, UpsertPoints r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, DeletePoints r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, UpdatePointVectors r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, DeletePointVectors r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, SetPayloadPoints r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, DeletePayloadPoints r) => Respond(operationId, r.HasWait && r.Wait);

    private static PointsOperationResponse Respond(ulong operationId, ClearPayloadPoints r) => Respond(operationId, r.HasWait && r.Wait);

    private UpdateBatchResponse UpdateBatch(UpdateBatchPoints request, EmulatorCallContext context)
    {
        var c = Resolve(request.CollectionName);
        var wait = request.HasWait && request.Wait;
        var response = new UpdateBatchResponse();

        // Operations run in order, each like its single counterpart; a failing one stops the batch after the earlier
        // ones were applied (the server submits them one by one, src/common/update.rs::do_batch_update_points).
        foreach (var operation in request.Operations)
        {
            var op = operation.OperationCase switch
            {
                PointsUpdateOperation.OperationOneofCase.Upsert => ApplyUpsert(
                    c,
                    operation.Upsert.Points,
                    operation.Upsert.UpdateFilter,
                    operation.Upsert.HasUpdateMode ? operation.Upsert.UpdateMode : UpdateMode.Upsert),
#pragma warning disable CS0612, CS0618 // deprecated variants are still served
                PointsUpdateOperation.OperationOneofCase.DeleteDeprecated => ApplyDelete(c, operation.DeleteDeprecated),
                PointsUpdateOperation.OperationOneofCase.ClearPayloadDeprecated => ApplyClearPayload(c, operation.ClearPayloadDeprecated),
#pragma warning restore CS0612, CS0618
                PointsUpdateOperation.OperationOneofCase.SetPayload => ApplySetPayload(
                    c,
                    operation.SetPayload.PointsSelector,
                    operation.SetPayload.Payload,
                    operation.SetPayload.HasKey ? operation.SetPayload.Key : null),
                PointsUpdateOperation.OperationOneofCase.OverwritePayload => ApplyOverwritePayload(
                    c,
                    operation.OverwritePayload.PointsSelector,
                    operation.OverwritePayload.Payload),
                PointsUpdateOperation.OperationOneofCase.DeletePayload => ApplyDeletePayload(
                    c,
                    operation.DeletePayload.PointsSelector,
                    operation.DeletePayload.Keys),
                PointsUpdateOperation.OperationOneofCase.UpdateVectors => ApplyUpdateVectors(
                    c,
                    operation.UpdateVectors.Points,
                    operation.UpdateVectors.UpdateFilter),
                PointsUpdateOperation.OperationOneofCase.DeleteVectors => ApplyDeleteVectors(
                    c,
                    operation.DeleteVectors.PointsSelector,
                    operation.DeleteVectors.Vectors),
                PointsUpdateOperation.OperationOneofCase.DeletePoints => ApplyDelete(c, operation.DeletePoints.Points),
                PointsUpdateOperation.OperationOneofCase.ClearPayload => ApplyClearPayload(c, operation.ClearPayload.Points),
                _ => throw VectorInputs.RawInvalidArgument("Malformed UpdateBatch operation"),
            };
            response.Result.Add(Result(op, wait));
        }

        return response;
    }

    // ---------------------------------------------------------------- upsert

    /// <summary>
    /// Upsert (QDRANT.md §6.2; <c>src/common/update.rs::do_upsert_points</c>,
    /// <c>lib/shard/src/update/points/upsert.rs</c>): every point's vectors are checked before anything changes; then
    /// each point is inserted, replaced whole (payload and every vector; omitted named vectors are dropped) or left
    /// untouched per <c>update_mode</c> and <c>update_filter</c>. Skipped points are never reported.
    /// </summary>
    private static ulong ApplyUpsert(CollectionStore c, RepeatedField<PointStruct> points, Filter? updateFilter, UpdateMode mode)
    {
        var spaces = VectorSpaces.Of(c);
        ValidateUpsert(points, spaces);

        var op = c.NextOperationId();
        var store = c.Points;

        // insert_only ignores update_filter (upsert.rs::retain_conditional_upsert_points).
        var filter = mode != UpdateMode.InsertOnly && updateFilter is not null ? new FilterEvaluator(updateFilter, store) : null;
        if (filter?.MatchesAll == true)
        {
            filter = null;
        }

        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var id = PointKey.FromProto(point.Id);
            var exists = store.TryGetSlot(id, out var slot);
            switch (mode)
            {
                case UpdateMode.InsertOnly when exists:
                    continue;
                case UpdateMode.UpdateOnly when !exists:
                    continue;
                default:
                    if (exists && filter is not null && !filter.Matches(slot))
                    {
                        continue;
                    }

                    break;
            }

            if (exists)
            {
                store.ClearVectors(slot);
            }
            else
            {
                slot = store.GetOrAdd(id, out _);
            }

            StoreVectors(slot, point.Vectors, spaces);

            // An empty gRPC payload means "no payload" (grpc/conversions.rs: "empty payload means None in PointStruct"),
            // and upsert then clears the point's payload storage.
            store.SetPayloadBytes(slot, point.Payload.Count == 0 ? null : PayloadWriter.Encode(point.Payload));
            store.SetVersion(slot, op);
        }

        return op;
    }

    private static void ValidateUpsert(RepeatedField<PointStruct> points, VectorSpaces spaces)
    {
        // 1. Request validation and conversion (lib/api: "Empty ID is not allowed", "Expected some vectors",
        //    "No Vector Provided", "Sparse vector must be named", sparse/multivector shape).
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            if (point.Id is null)
            {
                throw VectorInputs.RawInvalidArgument("Empty ID is not allowed");
            }

            PointKey.FromProto(point.Id);
            ValidateVectorsShape(point.Vectors, "Expected some vectors");
        }

        // 2. The early dimension check over every point (src/common/validate_vectors.rs).
        for (var i = 0; i < points.Count; i++)
        {
            CheckVectors(points[i].Vectors, spaces, namesAndKinds: false, upsertDimensionCheck: true);
        }

        // 3. The segment's name and kind checks (check_named_vectors), done up front here.
        for (var i = 0; i < points.Count; i++)
        {
            CheckVectors(points[i].Vectors, spaces, namesAndKinds: true);
        }
    }

    private static void ValidateVectorsShape(Vectors? vectors, string missingText)
    {
        if (vectors is null)
        {
            throw VectorInputs.RawInvalidArgument(missingText);
        }

        switch (vectors.VectorsOptionsCase)
        {
            case Vectors.VectorsOptionsOneofCase.Vector:
                VectorInputs.ValidateShape(vectors.Vector);
                VectorInputs.CheckUnnamed(vectors.Vector);
                break;
            case Vectors.VectorsOptionsOneofCase.Vectors_:
                foreach (var entry in vectors.Vectors_.Vectors)
                {
                    VectorInputs.ValidateShape(entry.Value);
                }

                break;
            default:
                throw VectorInputs.RawInvalidArgument("No Vector Provided");
        }
    }

    /// <param name="vectors">The point's vectors.</param>
    /// <param name="spaces">The collection's vector spaces.</param>
    /// <param name="namesAndKinds">False for the early dimension pass, true for the name and kind pass.</param>
    /// <param name="upsertDimensionCheck">
    /// True for upsert's early check (<c>validate_vector_dimensions</c>, <c>src/common/validate_vectors.rs</c>), whose
    /// text names the vector for named input: <c>… got 3 for vector 'a'</c>. Other writes fail in the segment check,
    /// whose text has no name.
    /// </param>
    private static void CheckVectors(Vectors vectors, VectorSpaces spaces, bool namesAndKinds, bool upsertDimensionCheck = false)
    {
        if (vectors.VectorsOptionsCase == Vectors.VectorsOptionsOneofCase.Vector)
        {
            CheckVector(string.Empty, vectors.Vector, spaces, namesAndKinds, null);
            return;
        }

        foreach (var entry in vectors.Vectors_.Vectors)
        {
            CheckVector(entry.Key, entry.Value, spaces, namesAndKinds, upsertDimensionCheck ? entry.Key : null);
        }
    }

    private static void CheckVector(string name, Vector vector, VectorSpaces spaces, bool namesAndKinds, string? dimensionErrorName)
    {
        if (!spaces.TryGet(name, out var space))
        {
            // An unnamed vector for a collection of named vectors is the name "" (DEFAULT_VECTOR_NAME), so the text ends
            // in an empty name (lib/segment/src/common/mod.rs::check_vector_name).
            if (namesAndKinds)
            {
                throw EmulatorErrors.NotExistingVector(name);
            }

            return;
        }

        if (namesAndKinds)
        {
            VectorInputs.CheckAgainstSpace(vector, space);
        }
        else
        {
            VectorInputs.CheckDimension(vector, space, dimensionErrorName);
        }
    }

    private static void StoreVectors(int slot, Vectors vectors, VectorSpaces spaces)
    {
        if (vectors.VectorsOptionsCase == Vectors.VectorsOptionsOneofCase.Vector)
        {
            spaces.TryGet(string.Empty, out var space);
            VectorInputs.Store(slot, vectors.Vector, space);
            return;
        }

        foreach (var entry in vectors.Vectors_.Vectors)
        {
            spaces.TryGet(entry.Key, out var space);
            VectorInputs.Store(slot, entry.Value, space);
        }
    }

    // ---------------------------------------------------------------- delete

    /// <summary>Deletes by ids (missing ids are ignored, <c>lib/shard/src/update/points/delete.rs</c>) or by filter.</summary>
    private static ulong ApplyDelete(CollectionStore c, PointsSelector? selector)
    {
        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        foreach (var id in ids)
        {
            c.Points.Remove(id);
        }

        return op;
    }

    /// <summary>
    /// The ids a selector names: the listed ids (existing or not, in request order) or the ids of the points matching
    /// the filter (in id order). <paramref name="byFilter"/> tells which.
    /// </summary>
    private static List<PointKey> SelectIds(CollectionStore c, PointsSelector? selector, out bool byFilter)
    {
        var ids = new List<PointKey>();
        byFilter = selector?.PointsSelectorOneOfCase == PointsSelector.PointsSelectorOneOfOneofCase.Filter;
        if (selector?.PointsSelectorOneOfCase == PointsSelector.PointsSelectorOneOfOneofCase.Points)
        {
            foreach (var id in selector.Points.Ids)
            {
                ids.Add(PointKey.FromProto(id));
            }
        }
        else if (byFilter)
        {
            var filter = new FilterEvaluator(selector!.Filter, c.Points);
            foreach (var id in c.Points.IdsFrom(null))
            {
                c.Points.TryGetSlot(id, out var slot);
                if (filter.Matches(slot))
                {
                    ids.Add(id);
                }
            }
        }
        else
        {
            throw VectorInputs.RawInvalidArgument("Points selector is expected");
        }

        return ids;
    }

    /// <summary>
    /// Applies <paramref name="apply"/> to each listed point in chunks of 32; after a chunk, the first id of it that does
    /// not exist fails the call with <c>No point with id X found</c> — the earlier points stay updated
    /// (<c>lib/shard/src/update/helpers.rs::check_unprocessed_points</c>).
    /// </summary>
    private static void ForEachChunked(PointStore store, List<PointKey> ids, Action<int> apply)
    {
        for (var start = 0; start < ids.Count; start += PointOpChunkSize)
        {
            var end = Math.Min(ids.Count, start + PointOpChunkSize);
            PointKey? missing = null;
            for (var i = start; i < end; i++)
            {
                if (store.TryGetSlot(ids[i], out var slot))
                {
                    apply(slot);
                }
                else
                {
                    missing ??= ids[i];
                }
            }

            if (missing is { } id)
            {
                throw EmulatorErrors.PointNotFound(id.ToString());
            }
        }
    }

    // ---------------------------------------------------------------- vectors

    /// <summary>
    /// Replaces the listed vectors of each point and keeps the others (<c>lib/shard/src/update/vectors.rs</c>). With
    /// <c>update_filter</c>, existing points that do not match are skipped; missing ids still fail with NotFound.
    /// Repeated ids are merged, first occurrence first.
    /// </summary>
    private static ulong ApplyUpdateVectors(CollectionStore c, RepeatedField<PointVectors> points, Filter? updateFilter)
    {
        var spaces = VectorSpaces.Of(c);
        foreach (var point in points)
        {
            if (point.Id is null)
            {
                throw VectorInputs.RawInvalidArgument("Empty ID is not allowed");
            }

            PointKey.FromProto(point.Id);
            ValidateVectorsShape(point.Vectors, "No Vector Provided");
        }

        foreach (var point in points)
        {
            CheckVectors(point.Vectors, spaces, namesAndKinds: false);
        }

        foreach (var point in points)
        {
            CheckVectors(point.Vectors, spaces, namesAndKinds: true);
        }

        var op = c.NextOperationId();
        var store = c.Points;
        var order = new List<PointKey>();
        var byId = new Dictionary<PointKey, List<Vectors>>();
        foreach (var point in points)
        {
            var id = PointKey.FromProto(point.Id);
            if (!byId.TryGetValue(id, out var list))
            {
                list = [];
                byId[id] = list;
                order.Add(id);
            }

            list.Add(point.Vectors);
        }

        if (updateFilter is not null)
        {
            var filter = new FilterEvaluator(updateFilter, store);
            order.RemoveAll(id => store.TryGetSlot(id, out var slot) && !filter.Matches(slot));
        }

        ForEachChunked(store, order, slot =>
        {
            foreach (var vectors in byId[store.GetId(slot)])
            {
                StoreVectors(slot, vectors, spaces);
            }

            store.SetVersion(slot, op);
        });
        return op;
    }

    /// <summary>Deletes the named vectors of the selected points (<c>vectors.rs::delete_vectors</c>).</summary>
    private static ulong ApplyDeleteVectors(CollectionStore c, PointsSelector? selector, VectorsSelector? vectors)
    {
        var spaces = VectorSpaces.Of(c);
        var columns = new List<VectorColumn>();
        foreach (var name in vectors?.Names ?? [])
        {
            columns.Add(spaces.TryGet(name, out var space) ? space.Column : throw EmulatorErrors.NotExistingVector(name));
        }

        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        ForEachChunked(c.Points, ids, slot =>
        {
            foreach (var column in columns)
            {
                column.Remove(slot);
            }

            c.Points.SetVersion(slot, op);
        });
        return op;
    }

    // ---------------------------------------------------------------- payload

    /// <summary>
    /// SetPayload (QDRANT.md §6.7): a top-level merge where <c>null</c> deletes a key — but a point with no stored payload
    /// takes the given payload verbatim, nulls included (<c>payload_storage_impl.rs::set</c>). With <c>key</c>, the merge
    /// happens in the object at that path (<c>set_by_key</c>).
    /// </summary>
    private static ulong ApplySetPayload(CollectionStore c, PointsSelector? selector, MapField<string, Value> payload, string? key)
    {
        var path = key is null ? null : PayloadPath.Parse(key);
        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        var store = c.Points;
        ForEachChunked(store, ids, slot =>
        {
            var bytes = store.GetPayloadBytes(slot);
            if (path is not null)
            {
                var current = PayloadCodec.Decode(bytes);
                PayloadEdit.SetAt(current, path, payload);
                store.SetPayload(slot, current);
            }
            else if (bytes is null)
            {
                store.SetPayloadBytes(slot, EncodeStored(payload));
            }
            else
            {
                var current = PayloadCodec.Decode(bytes);
                PayloadEdit.Merge(current, payload);
                store.SetPayloadBytes(slot, EncodeStored(current));
            }

            store.SetVersion(slot, op);
        });
        return op;
    }

    /// <summary>OverwritePayload replaces the whole payload; <c>key</c> is ignored (<c>payload.rs::overwrite_payload</c>).</summary>
    private static ulong ApplyOverwritePayload(CollectionStore c, PointsSelector? selector, MapField<string, Value> payload)
    {
        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        var bytes = EncodeStored(payload);
        ForEachChunked(c.Points, ids, slot =>
        {
            c.Points.SetPayloadBytes(slot, bytes);
            c.Points.SetVersion(slot, op);
        });
        return op;
    }

    /// <summary>DeletePayload removes each key path (<c>JsonPath::value_remove</c>).</summary>
    private static ulong ApplyDeletePayload(CollectionStore c, PointsSelector? selector, RepeatedField<string> keys)
    {
        var paths = new List<PayloadPath>(keys.Count);
        foreach (var key in keys)
        {
            paths.Add(PayloadPath.Parse(key));
        }

        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        var store = c.Points;
        ForEachChunked(store, ids, slot =>
        {
            var bytes = store.GetPayloadBytes(slot);
            if (bytes is not null)
            {
                var current = PayloadCodec.Decode(bytes);
                foreach (var path in paths)
                {
                    PayloadEdit.Remove(current, path);
                }

                store.SetPayloadBytes(slot, EncodeStored(current));
            }

            store.SetVersion(slot, op);
        });
        return op;
    }

    /// <summary>ClearPayload drops the point's payload storage (later SetPayload then stores verbatim).</summary>
    private static ulong ApplyClearPayload(CollectionStore c, PointsSelector? selector)
    {
        var ids = SelectIds(c, selector, out _);
        var op = c.NextOperationId();
        ForEachChunked(c.Points, ids, slot =>
        {
            c.Points.SetPayloadBytes(slot, null);
            c.Points.SetVersion(slot, op);
        });
        return op;
    }

    /// <summary>Encodes a payload that is stored (possibly empty): never null, unlike "no payload".</summary>
    private static byte[] EncodeStored(MapField<string, Value> payload) => PayloadWriter.Encode(payload);
}
