using System.Net;
using System.Text.Json.Nodes;
using QdrantSchema.Conformance.Infrastructure;

namespace QdrantSchema.Conformance.Rest;

/// <summary>
/// The OpenAPI check is only worth something if it can fail: these facts feed it bodies that break Qdrant's schema
/// and one that keeps it, independent of any backend.
/// </summary>
public sealed class OpenApiSchemaSelfTests
{
    private const string CollectionPath = "/collections/{collection_name}";

    [Fact]
    public void AssertValid_WellFormedCollectionsList_Passes()
    {
        var body = JsonNode.Parse("""{"result":{"collections":[{"name":"a"},{"name":"b"}]},"status":"ok","time":0.001}""");

        OpenApiSchema.AssertValid("get", "/collections", HttpStatusCode.OK, body);
    }

    [Fact]
    public void AssertValid_CollectionDescriptionWithoutName_Fails()
    {
        var body = JsonNode.Parse("""{"result":{"collections":[{"title":"a"}]},"status":"ok","time":0.001}""");

        var failure = Assert.ThrowsAny<Exception>(() => OpenApiSchema.AssertValid("get", "/collections", HttpStatusCode.OK, body));

        Assert.Contains("does not match Qdrant's OpenAPI schema", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertValid_CollectionStatusOutsideItsEnum_Fails()
    {
        var body = JsonNode.Parse("""
            {"result":{"status":"purple","optimizer_status":"ok","segments_count":1,"points_count":0,"indexed_vectors_count":0,
             "config":{"params":{"vectors":{"size":4,"distance":"Cosine"},"shard_number":1,"replication_factor":1,"write_consistency_factor":1,"on_disk_payload":true},
             "hnsw_config":{"m":16,"ef_construct":100,"full_scan_threshold":10000,"max_indexing_threads":0,"on_disk":false},
             "optimizer_config":{"deleted_threshold":0.2,"vacuum_min_vector_number":1000,"default_segment_number":0,"flush_interval_sec":5},
             "wal_config":{"wal_capacity_mb":32,"wal_segments_ahead":0},"quantization_config":null},
             "payload_schema":{}},"status":"ok","time":0.001}
            """);

        Assert.ThrowsAny<Exception>(() => OpenApiSchema.AssertValid("get", CollectionPath, HttpStatusCode.OK, body));
    }

    [Fact]
    public void AssertValid_ErrorEnvelopeWithNumberForMessage_Fails()
    {
        var body = JsonNode.Parse("""{"status":{"error":42},"time":0.0}""");

        Assert.ThrowsAny<Exception>(() => OpenApiSchema.AssertValid("get", CollectionPath, HttpStatusCode.NotFound, body));
    }

    [Fact]
    public void AssertValid_ExistsResultAsString_Fails()
    {
        var body = JsonNode.Parse("""{"result":{"exists":"yes"},"status":"ok","time":0.0}""");

        Assert.ThrowsAny<Exception>(() => OpenApiSchema.AssertValid("get", "/collections/{collection_name}/exists", HttpStatusCode.OK, body));
    }
}
