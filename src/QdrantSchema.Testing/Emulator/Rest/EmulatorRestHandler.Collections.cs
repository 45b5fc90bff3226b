using System.Net;
using System.Text.Json;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Engine.Collections;

namespace QdrantSchema.Testing.Emulator.Rest;

// Service and collection endpoints (src/actix/api/service_api.rs, collections_api.rs, vector_name_api.rs @ v1.19.0).
internal sealed partial class EmulatorRestHandler
{
    private static void MapServiceRoutes(RestRouter router)
    {
        router.Map(HttpMethod.Get, "/", (r, _) =>
        {
            // GET / is not wrapped in the envelope: {"title":..,"version":..,"commit"?}.
            var reply = r.Invoke<HealthCheckReply>("/qdrant.Qdrant/HealthCheck", new HealthCheckRequest());
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("title", reply.Title);
                writer.WriteString("version", reply.Version);
                if (reply.HasCommit)
                {
                    writer.WriteString("commit", reply.Commit);
                }

                writer.WriteEndObject();
            }

            return RestRequest.JsonResponse(HttpStatusCode.OK, buffer.ToArray());
        });
        router.Map(HttpMethod.Get, "/healthz", (_, _) => RestRequest.Text(HttpStatusCode.OK, "healthz check passed"));
        router.Map(HttpMethod.Get, "/livez", (_, _) => RestRequest.Text(HttpStatusCode.OK, "healthz check passed"));
        router.Map(HttpMethod.Get, "/readyz", (_, _) => RestRequest.Text(HttpStatusCode.OK, "all shards are ready"));
    }

    private static void MapCollectionRoutes(RestRouter router)
    {
        router.Map(HttpMethod.Get, "/collections", (r, _) =>
        {
            var response = r.Invoke<ListCollectionsResponse>("/qdrant.Collections/List", new ListCollectionsRequest());
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteStartArray("collections");
                foreach (var collection in response.Collections)
                {
                    w.WriteStartObject();
                    w.WriteString("name", collection.Name);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

        router.Map(HttpMethod.Get, "/aliases", (r, _) =>
            WriteAliases(r, r.Invoke<ListAliasesResponse>("/qdrant.Collections/ListAliases", new ListAliasesRequest())));

        router.Map(HttpMethod.Post, "/collections/aliases", (r, _) =>
        {
            var request = RestProtoJson.Read<ChangeAliases>(r.Json);
            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            return r.OkBool(r.Invoke<CollectionOperationResponse>("/qdrant.Collections/UpdateAliases", request).Result);
        });

        router.Map(HttpMethod.Put, "/collections/{name}", (r, a) =>
        {
            // StrictCollectionPath (src/actix/api/mod.rs) validates the name before the body: actix labels the
            // failure "path parameters" (src/actix/mod.rs::validation_error_handler).
            var path = new RequestValidation();
            path.CollectionName("collection_name", a[0], strict: true);
            if (path.HasErrors)
            {
                throw new RestRequestException(HttpStatusCode.UnprocessableEntity, $"Validation error in path parameters: [{path.Describe()}]");
            }

            var body = r.JsonOrEmpty;
            var request = RestJson.ReadCreateCollection(body, a[0]);
            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            var created = r.Invoke<CollectionOperationResponse>("/qdrant.Collections/Create", request).Result;
            if (created && body.ValueKind == JsonValueKind.Object &&
                body.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object)
            {
                // REST can say "metadata: {}" (Some of an empty map), which gRPC cannot: an empty gRPC map means none.
                // Qdrant then reports "metadata": {} and merges later updates instead of storing them verbatim.
                r.Engine.Write(() => r.Engine.Resolve(a[0]).HasMetadata = true);
            }

            return r.OkBool(created);
        });

        router.Map(HttpMethod.Get, "/collections/{name}", (r, a) =>
        {
            var response = r.Invoke<GetCollectionInfoResponse>("/qdrant.Collections/Get", new GetCollectionInfoRequest { CollectionName = a[0] });
            var metadataPresent = r.Engine.Read(() =>
                r.Engine.Aliases.TryGetValue(a[0], out var target) ? r.Engine.Collections.GetValueOrDefault(target)?.HasMetadata == true
                : r.Engine.Collections.GetValueOrDefault(a[0])?.HasMetadata == true);
            return r.Ok(w => RestJson.WriteCollectionInfo(w, response.Result ?? new CollectionInfo(), metadataPresent));
        });

        router.Map(HttpMethod.Patch, "/collections/{name}", (r, a) =>
        {
            var request = RestJson.ReadUpdateCollection(r.JsonOrEmpty, a[0]);
            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            return r.OkBool(r.Invoke<CollectionOperationResponse>("/qdrant.Collections/Update", request).Result);
        });

        router.Map(HttpMethod.Delete, "/collections/{name}", (r, a) =>
        {
            var request = new DeleteCollection { CollectionName = a[0] };
            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            return r.OkBool(r.Invoke<CollectionOperationResponse>("/qdrant.Collections/Delete", request).Result);
        });

        router.Map(HttpMethod.Get, "/collections/{name}/exists", (r, a) =>
        {
            var response = r.Invoke<CollectionExistsResponse>("/qdrant.Collections/CollectionExists", new CollectionExistsRequest { CollectionName = a[0] });
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteBoolean("exists", response.Result?.Exists ?? false);
                w.WriteEndObject();
            });
        });

        router.Map(HttpMethod.Get, "/collections/{name}/aliases", (r, a) =>
            WriteAliases(r, r.Invoke<ListAliasesResponse>("/qdrant.Collections/ListCollectionAliases", new ListCollectionAliasesRequest { CollectionName = a[0] })));

        router.Map(HttpMethod.Put, "/collections/{name}/index", (r, a) =>
        {
            var body = r.Json;
            var request = new CreateFieldIndexCollection
            {
                CollectionName = a[0],
                Wait = r.Wait(false),
                FieldName = body.TryGetProperty("field_name", out var field) && field.ValueKind == JsonValueKind.String
                    ? field.GetString()!
                    : throw RestRequestException.MissingField("field_name"),
            };
            if (!body.TryGetProperty("field_schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
            {
                // REST's field_schema is optional; without it Qdrant refuses to auto-detect the type with a 400
                // (src/common/update.rs::do_create_index). In the engine's gRPC terms "no schema" is a field_type
                // value outside the enum (convert_field_type in src/tonic/api/update_common.rs).
                request.FieldType = (FieldType)(-1);
            }
            else
            {
                var (type, indexParams) = RestJson.ReadPayloadIndexParams(schema);
                if (type is { } fieldType)
                {
                    request.FieldType = fieldType;
                }

                if (indexParams is not null)
                {
                    request.FieldIndexParams = indexParams;
                }
            }

            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/CreateFieldIndex", request));
        });

        router.Map(HttpMethod.Delete, "/collections/{name}/index/{field}", (r, a) =>
        {
            var request = new DeleteFieldIndexCollection { CollectionName = a[0], FieldName = a[1], Wait = r.Wait(false) };
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/DeleteFieldIndex", request));
        });

        router.Map(HttpMethod.Put, "/collections/{name}/vectors/{vector}", (r, a) =>
        {
            var body = r.Json;
            var request = new CreateVectorNameRequest { CollectionName = a[0], VectorName = a[1], Wait = r.Wait(false) };
            if (body.TryGetProperty("dense", out var dense) && dense.ValueKind == JsonValueKind.Object)
            {
                request.DenseConfig = RestProtoJson.Read<DenseVectorCreationConfig>(dense);
                if (!dense.TryGetProperty("size", out _))
                {
                    throw RestRequestException.MissingField("size");
                }

                // DenseVectorConfig.size is validated 1..=65536 (tests/openapi/test_named_vector_crud.py expects 422).
                RestJson.CheckVectorSize(request.DenseConfig.Size, "dense.size");
            }
            else if (body.TryGetProperty("sparse", out var sparse) && sparse.ValueKind == JsonValueKind.Object)
            {
                request.SparseConfig = RestProtoJson.Read<SparseVectorCreationConfig>(sparse);
            }
            else
            {
                throw RestRequestException.Format("data did not match any variant of untagged enum VectorNameConfig");
            }

            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/CreateVectorName", request));
        });

        router.Map(HttpMethod.Delete, "/collections/{name}/vectors/{vector}", (r, a) =>
        {
            var request = new DeleteVectorNameRequest { CollectionName = a[0], VectorName = a[1], Wait = r.Wait(false) };
            if (r.Ordering() is { } ordering)
            {
                request.Ordering = ordering;
            }

            if (r.Timeout() is { } timeout)
            {
                request.Timeout = timeout;
            }

            return UpdateResult(r, r.Invoke<PointsOperationResponse>("/qdrant.Points/DeleteVectorName", request));
        });

        router.Map(HttpMethod.Get, "/collections/{name}/cluster", (r, a) =>
        {
            var info = r.Invoke<CollectionClusterInfoResponse>("/qdrant.Collections/CollectionClusterInfo", new CollectionClusterInfoRequest { CollectionName = a[0] });
            return r.Ok(w => WriteClusterInfo(w, info));
        });

        router.Map(HttpMethod.Get, "/collections/{name}/optimizations", (r, a) =>
        {
            // GET /collections/{c}/optimizations (≥1.17): the emulator applies updates synchronously, so nothing is
            // ever running or queued. The collection must exist (resolved through aliases like every read).
            var info = r.Invoke<GetCollectionInfoResponse>("/qdrant.Collections/Get", new GetCollectionInfoRequest { CollectionName = a[0] });
            return r.Ok(w =>
            {
                w.WriteStartObject();
                w.WriteStartObject("summary");
                w.WriteNumber("queued_optimizations", 0);
                w.WriteNumber("queued_segments", 0);
                w.WriteNumber("queued_points", 0);
                w.WriteNumber("idle_segments", info.Result?.SegmentsCount ?? 1);
                w.WriteEndObject();
                w.WriteStartArray("running");
                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
    }

    private static HttpResponseMessage WriteAliases(RestRequest r, ListAliasesResponse response) => r.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("aliases");
        foreach (var alias in response.Aliases)
        {
            w.WriteStartObject();
            w.WriteString("alias_name", alias.AliasName);
            w.WriteString("collection_name", alias.CollectionName);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static void WriteClusterInfo(Utf8JsonWriter w, CollectionClusterInfoResponse info)
    {
        w.WriteStartObject();
        w.WriteNumber("peer_id", info.PeerId);
        w.WriteNumber("shard_count", info.ShardCount);
        w.WriteStartArray("local_shards");
        foreach (var shard in info.LocalShards)
        {
            w.WriteStartObject();
            w.WriteNumber("shard_id", shard.ShardId);
            w.WriteNumber("points_count", shard.PointsCount);
            w.WriteString("state", shard.State.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("remote_shards");
        foreach (var shard in info.RemoteShards)
        {
            w.WriteStartObject();
            w.WriteNumber("shard_id", shard.ShardId);
            w.WriteNumber("peer_id", shard.PeerId);
            w.WriteString("state", shard.State.ToString());
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("shard_transfers");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>Points-service updates answer REST <c>UpdateResult</c>.</summary>
    private static HttpResponseMessage UpdateResult(RestRequest r, PointsOperationResponse response) =>
        r.Ok(w => RestJson.WriteUpdateResult(w, response.Result));
}
