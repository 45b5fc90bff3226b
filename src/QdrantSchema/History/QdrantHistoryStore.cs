using Google.Protobuf;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Execution.Operations;
using QdrantSchema.Internal;

namespace QdrantSchema.History;

/// <summary>
/// The history kept in a Qdrant collection of vectorless points (default <c>__qdrant_schema</c>): one point per
/// (physical collection, migration) with <c>kind = "migration"</c>, and one per journaled data-step page with
/// <c>kind = "redo"</c>. Point ids are derived from their key (<see cref="HistoryPointIds"/>), so writing twice updates
/// in place. Payload fields are snake_case (<see cref="HistoryPayload"/>); <c>kind</c> and <c>collection</c> carry
/// keyword indexes. Every write waits for the server to apply it (wait=true).
/// </summary>
internal sealed class QdrantHistoryStore : IHistoryStore
{
    /// <summary>The default history collection name.</summary>
    public const string DefaultCollectionName = "__qdrant_schema";

    /// <summary>Points per scroll page when reading records.</summary>
    internal const uint ReadPageSize = 256;

    private static readonly string[] IndexedFields = [HistoryPayload.Kind, HistoryPayload.Collection];

    private readonly QdrantClient _client;

    public QdrantHistoryStore(QdrantClient client, string collectionName = DefaultCollectionName)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(collectionName);
        var problem = QdrantNames.CollectionNameProblem(collectionName);
        if (problem is not null)
        {
            throw new ArgumentException($"'{collectionName}' is not a valid history collection name: {problem}.", nameof(collectionName));
        }

        _client = client;
        CollectionName = collectionName;
    }

    public string CollectionName { get; }

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        CollectionInfo? info = null;
        try
        {
            info = await _client.GetCollectionInfoAsync(CollectionName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsNotFound(e) && !cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw QdrantCalls.Wrap(e, $"Could not read the history collection '{CollectionName}' ({{answer}}). Check the connection and that the API key may read collections.", cancellationToken);
        }

        if (info is null)
        {
            try
            {
                // Vectorless: the history is looked up by id and filter, never searched.
                await _client.CreateCollectionAsync(new CreateCollection { CollectionName = CollectionName }, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                // Another process may have created it between our check and our create.
                if (cancellationToken.IsCancellationRequested || !await ExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    throw QdrantCalls.Wrap(
                        e,
                        $"Could not create the history collection '{CollectionName}' ({{answer}}). " +
                        "Check that the API key may create collections, or create the collection yourself (no vectors) and run again.",
                        cancellationToken);
                }
            }
        }

        foreach (var field in IndexedFields)
        {
            if (info is not null && info.PayloadSchema.TryGetValue(field, out var existing) && existing.DataType == PayloadSchemaType.Keyword)
            {
                continue;
            }

            try
            {
                await _client.CreatePayloadIndexAsync(CollectionName, field, PayloadSchemaType.Keyword, wait: true, cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                throw QdrantCalls.Wrap(
                    e,
                    $"Could not create the keyword index on '{field}' in the history collection '{CollectionName}' ({{answer}}). Check that the API key may write.",
                    cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<MigrationRecord>>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var records = await ReadRecordsAsync(collection: null, cancellationToken).ConfigureAwait(false);
        var grouped = new SortedDictionary<string, IReadOnlyList<MigrationRecord>>(StringComparer.Ordinal);
        foreach (var group in records.GroupBy(r => r.Collection, StringComparer.Ordinal))
        {
            grouped[group.Key] = [.. group.OrderBy(r => r.MigrationId, StringComparer.Ordinal)];
        }

        return grouped;
    }

    public async Task<IReadOnlyList<MigrationRecord>> ReadAsync(string collection, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        var records = await ReadRecordsAsync(collection, cancellationToken).ConfigureAwait(false);
        return [.. records.OrderBy(r => r.MigrationId, StringComparer.Ordinal)];
    }

    public async Task WriteAsync(MigrationRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var point = NewPoint(HistoryPointIds.Record(record.Collection, record.MigrationId));
        HistoryPayload.WriteRecord(record, point.Payload);
        await UpsertAsync(
                point,
                $"Could not write the history record of migration '{record.MigrationId}' on collection '{record.Collection}' to '{CollectionName}' ({{answer}}). " +
                "Nothing after this point was run; check the connection and run again: the migration resumes from its last recorded step.",
                cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task DeleteAsync(string collection, string migrationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(migrationId);
        await DeletePointAsync(
                HistoryPointIds.Record(collection, migrationId),
                $"Could not delete the history record of migration '{migrationId}' on collection '{collection}' from '{CollectionName}' ({{answer}}). Check the connection and run again.",
                cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task SaveRedoPageAsync(RedoPage page, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        var point = NewPoint(HistoryPointIds.RedoPage(page.Collection, page.MigrationId, page.Step));
        HistoryPayload.WriteRedoPage(page, point.Payload);
        await UpsertAsync(
                point,
                $"Could not save the redo page of step {page.Step} of migration '{page.MigrationId}' on collection '{page.Collection}' to '{CollectionName}' ({{answer}}). " +
                "The page was not written to the collection; check the connection and run again.",
                cancellationToken)
            .ConfigureAwait(false);
    }

    public async Task<RedoPage?> LoadRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(migrationId);
        var id = HistoryPointIds.RedoPage(collection, migrationId, step);
        IReadOnlyList<RetrievedPoint> points;
        try
        {
            points = await _client.RetrieveAsync(
                    CollectionName,
                    [id],
                    new WithPayloadSelector { Enable = true },
                    new WithVectorsSelector { Enable = false },
                    cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsNotFound(e) && !cancellationToken.IsCancellationRequested)
        {
            return null; // no history collection: no page
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw QdrantCalls.Wrap(
                e,
                $"Could not read the redo page of step {step} of migration '{migrationId}' on collection '{collection}' from '{CollectionName}' ({{answer}}). Check the connection and run again.",
                cancellationToken);
        }

        return points.Count == 0 ? null : HistoryPayload.ReadRedoPage(CollectionName, points[0].Id, points[0].Payload);
    }

    public async Task DeleteRedoPageAsync(string collection, string migrationId, int step, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(collection);
        ArgumentException.ThrowIfNullOrEmpty(migrationId);
        await DeletePointAsync(
                HistoryPointIds.RedoPage(collection, migrationId, step),
                $"Could not delete the redo page of step {step} of migration '{migrationId}' on collection '{collection}' from '{CollectionName}' ({{answer}}). Check the connection and run again.",
                cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// A vectorless history point. Qdrant's gRPC API rejects a point without a vectors field ("Expected some vectors"),
    /// so it carries an empty named-vectors map.
    /// </summary>
    internal static PointStruct NewPoint(PointId id) => new() { Id = id, Vectors = new Vectors { Vectors_ = new NamedVectors() } };

    private async Task<List<MigrationRecord>> ReadRecordsAsync(string? collection, CancellationToken cancellationToken)
    {
        var filter = new Filter { Must = { Conditions.MatchKeyword(HistoryPayload.Kind, HistoryPayload.KindMigration) } };
        if (collection is not null)
        {
            filter.Must.Add(Conditions.MatchKeyword(HistoryPayload.Collection, collection));
        }

        var records = new List<MigrationRecord>();
        PointId? offset = null;
        do
        {
            ScrollResponse page;
            try
            {
                page = await _client.ScrollAsync(
                        CollectionName,
                        filter,
                        ReadPageSize,
                        offset,
                        new WithPayloadSelector { Enable = true },
                        new WithVectorsSelector { Enable = false },
                        cancellationToken: cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (QdrantCalls.IsNotFound(e) && offset is null && !cancellationToken.IsCancellationRequested)
            {
                return records; // no history collection yet: nothing was ever recorded
            }
            catch (Exception e) when (QdrantCalls.IsServerError(e))
            {
                throw QdrantCalls.Wrap(
                    e,
                    $"Could not read the history collection '{CollectionName}' ({{answer}}). Check the connection and that the API key may read it.",
                    cancellationToken);
            }

            foreach (var point in page.Result)
            {
                records.Add(HistoryPayload.ReadRecord(CollectionName, point.Id, point.Payload));
            }

            offset = page.NextPageOffset;
        }
        while (offset is not null);

        return records;
    }

    private async Task UpsertAsync(PointStruct point, string failure, CancellationToken cancellationToken)
    {
        try
        {
            await _client.UpsertAsync(CollectionName, [point], wait: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw QdrantCalls.Wrap(e, failure, cancellationToken);
        }
    }

    private async Task DeletePointAsync(PointId id, string failure, CancellationToken cancellationToken)
    {
        try
        {
            await _client.DeleteAsync(CollectionName, id, wait: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsNotFound(e) && !cancellationToken.IsCancellationRequested)
        {
            // No history collection: nothing to delete.
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            throw QdrantCalls.Wrap(e, failure, cancellationToken);
        }
    }

    private async Task<bool> ExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CollectionExistsAsync(CollectionName, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (QdrantCalls.IsServerError(e))
        {
            return false;
        }
    }
}
