using Grpc.Core;
using Microsoft.Extensions.Logging;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.History;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;

namespace QdrantSchema.Execution.DataSteps;

/// <summary>
/// Runs data steps page by page against one physical collection, so that a crash, a cancellation or a lost lock at
/// any moment can be resumed without transforming any point twice.
/// </summary>
/// <remarks>
/// <para><b>Paging.</b> Points are read with Scroll in id order (every integer id before every UUID), filtered by the
/// step's filter, from the committed cursor: the inclusive offset of the first point not yet committed. A page holds
/// at most <see cref="OperationContext.BatchSize"/> points and only payloads are read (no step reads vectors). Memory
/// is bounded by one page. When a step writes vectors the page shrinks so that one page's output stays under
/// <see cref="JournalBudgetBytes"/>, and any page whose output is larger than that (big payloads) is committed in
/// several smaller sub-pages, each ending at the id of the first point it does not cover. A Scroll that exceeds the
/// client's response limit (4 MB by default) is retried with half the page size.</para>
/// <para><b>Idempotent steps</b> (declarative <c>TransformPayload</c>) write each changed point's new payload
/// (OverwritePayload, all of a page's points in one UpdateBatch, wait=true), then commit the cursor. Points the actions
/// do not change are not written. A rerun applies the actions again to points that were already written, which
/// changes nothing as long as the actions are idempotent for the point; the runner checks that per point (it applies
/// the actions to their own result) and journals the page like a delegate step when they are not, e.g. a
/// <c>RenameKey(a, b)</c> followed by <c>SetMerge(a, ...)</c>.</para>
/// <para><b>Delegate steps</b> (<c>TransformPayload</c> with a delegate, <c>FillVector</c>, <c>FillVectorFromText</c>)
/// run user code whose effect must happen once. For each page: run the delegate for each point, save the page's output
/// as a redo page in the history store, write it (wait=true), commit the cursor that follows the page, delete the
/// redo page. Crash windows:</para>
/// <list type="bullet">
/// <item>Before the redo page is saved (in the delegate, in the embedding call, in the save itself): nothing of the
/// page was written. The next run scrolls the page again and runs the delegate again for its points, so the delegate
/// may run twice for a page, but its effect is applied once.</item>
/// <item>After the redo page is saved (during the write, before or during the commit, before the delete): the next run
/// finds the redo page, sees that it starts at or after the committed cursor, and writes the saved content again
/// without calling the delegate (writing the same payload or vector twice is harmless), then commits and deletes
/// it.</item>
/// <item>After the commit, before the delete: the committed cursor equals the page's next cursor, so the redo page
/// is recognised as committed and discarded. For the last page (next cursor null) the saved content is written once
/// more and the step ends.</item>
/// </list>
/// <para><b>Cancellation.</b> The caller's token and <see cref="OperationContext.LockLost"/> are checked between pages
/// (and sub-pages), never between a page's write and its commit; when one fires the run throws
/// <see cref="OperationCanceledException"/>. Both tokens are also passed to every call, so a call in flight can be
/// interrupted: that leaves the page in one of the crash windows above, which the next run resolves.</para>
/// <para><b>Errors.</b> A delegate's exception propagates unchanged, with nothing of its page written. Invalid delegate
/// output (a null vector, a wrong dimension, a null payload value) and a write Qdrant does not confirm as completed
/// throw <see cref="QdrantSchemaException"/>; the page is not committed.</para>
/// </remarks>
internal sealed class DataStepRunner : IDataStepRunner
{
    /// <summary>The default budget for one page's output (serialized points): about 2.7 MB once base64 in the redo page.</summary>
    public const int DefaultJournalBudgetBytes = 2 * 1024 * 1024;

    /// <summary>
    /// The most bytes (protobuf size of the written points) one committed page may carry. The redo page stores them as
    /// base64 in a history point, which must come back through a 4 MB gRPC response.
    /// </summary>
    public int JournalBudgetBytes { get; init; } = DefaultJournalBudgetBytes;

    public async Task RunAsync(DataOperation operation, DataStepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.Operation.LockLost);
        var run = new StepRun(this, operation, context, cancellationToken, linked.Token);
        try
        {
            if (operation is DeletePointsOperation delete)
            {
                await run.DeleteAsync(delete.Filter).ConfigureAwait(false);
                return;
            }

            StepKernel kernel = operation switch
            {
                TransformPayloadOperation declarative => new DeclarativeTransformKernel(declarative),
                TransformPayloadDelegateOperation transform => new DelegateTransformKernel(transform, run),
                FillVectorOperation fill => new FillVectorKernel(fill, run),
                FillVectorFromTextOperation fromText => new FillVectorFromTextKernel(
                    fromText,
                    run,
                    context.EmbedTextsAsync ?? throw new QdrantSchemaException(
                        $"{run.Describe()} embeds payload field '{fromText.PayloadField}', but no embedding generator was configured. "
                        + "Configure one (an IEmbeddingGenerator<string, Embedding<float>>) for the migrator, then run the migration again.")),
                _ => throw new ArgumentException($"'{operation.DisplayName}' is not a data step.", nameof(operation)),
            };
            await run.RunPagedAsync(kernel).ConfigureAwait(false);
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Cancelled && linked.IsCancellationRequested)
        {
            throw run.Canceled(exception);
        }
    }

    public async Task<long> CountAffectedAsync(DataOperation operation, OperationContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Member.Exists)
        {
            return 0;
        }

        var filter = operation switch
        {
            TransformPayloadOperation declarative => declarative.Filter,
            FillVectorFromTextOperation fromText => FillVectorFromTextKernel.HasFieldFilter(fromText.PayloadField),
            DeletePointsOperation delete => delete.Filter,
            _ => null,
        };
        var count = await context.Client
            .CountAsync(context.Member.PhysicalName, filter, exact: true, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return checked((long)count);
    }

    /// <summary>One point's outcome in a page: what to write (null: nothing), whether it was skipped, whether a rerun needs the journal.</summary>
    private readonly record struct PointOutcome(PointStruct? Write, bool Skipped, bool NeedsJournal);

    /// <summary>What differs between the paged steps: what to read, how to compute a page, how its output is written.</summary>
    private abstract class StepKernel
    {
        public virtual Filter? ScrollFilter => null;

        public virtual WithPayloadSelector PayloadSelector { get; } = new() { Enable = true };

        /// <summary>True: every page is journaled (user code); false: only pages the check finds non-idempotent.</summary>
        public abstract bool AlwaysJournal { get; }

        /// <summary>True: the output replaces payloads; false: it updates one named vector.</summary>
        public abstract bool OverwritesPayload { get; }

        /// <summary>The expected output size per written point when known in advance (vectors), else 0.</summary>
        public int BytesPerWrittenPoint { get; protected set; }

        public virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public abstract ValueTask<PointOutcome[]> ComputeAsync(IReadOnlyList<RetrievedPoint> points, CancellationToken cancellationToken);

        /// <summary>Logs the points the step skipped, when it skips any.</summary>
        public virtual void LogSkipped(StepRun run, long skipped)
        {
        }
    }

    private sealed class DeclarativeTransformKernel(TransformPayloadOperation operation) : StepKernel
    {
        public override Filter? ScrollFilter => operation.Filter;

        public override bool AlwaysJournal => false;

        public override bool OverwritesPayload => true;

        public override ValueTask<PointOutcome[]> ComputeAsync(IReadOnlyList<RetrievedPoint> points, CancellationToken cancellationToken)
        {
            var outcomes = new PointOutcome[points.Count];
            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];
                var after = PayloadActions.Apply(operation.Actions, point.Payload);
                if (PayloadActions.PayloadEquals(point.Payload, after))
                {
                    continue;
                }

                // A rerun after a crash may see this point already written: applying the actions to their own result
                // must change nothing, or the page has to be journaled.
                var idempotent = PayloadActions.PayloadEquals(PayloadActions.Apply(operation.Actions, after), after);
                outcomes[i] = new PointOutcome(new PointStruct { Id = point.Id, Payload = { after } }, Skipped: false, NeedsJournal: !idempotent);
            }

            return ValueTask.FromResult(outcomes);
        }
    }

    private sealed class DelegateTransformKernel(TransformPayloadDelegateOperation operation, StepRun run) : StepKernel
    {
        public override bool AlwaysJournal => true;

        public override bool OverwritesPayload => true;

        public override async ValueTask<PointOutcome[]> ComputeAsync(IReadOnlyList<RetrievedPoint> points, CancellationToken cancellationToken)
        {
            var outcomes = new PointOutcome[points.Count];
            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];

                // The delegate gets deep copies, so changes to nested values are seen against the original.
                var payload = new Dictionary<string, Value>(point.Payload.Count, StringComparer.Ordinal);
                foreach (var (key, value) in point.Payload)
                {
                    payload[key] = value.Clone();
                }

                await operation.Transform(new PayloadTransformContext(point.Id.Clone(), payload, cancellationToken)).ConfigureAwait(false);
                foreach (var (key, value) in payload)
                {
                    if (value is null)
                    {
                        throw new QdrantSchemaException(
                            $"{run.Describe()} set payload key '{key}' to null. Store an explicit null as a Value with NullValue, or remove the key.");
                    }
                }

                if (!PayloadActions.PayloadEquals(point.Payload, payload))
                {
                    outcomes[i] = new PointOutcome(new PointStruct { Id = point.Id, Payload = { payload } }, Skipped: false, NeedsJournal: true);
                }
            }

            return outcomes;
        }
    }

    /// <summary>Shared by the fills: the target vector's shape, read from the live collection, and output checks.</summary>
    private abstract class FillKernel(string vectorName, StepRun run) : StepKernel
    {
        private ulong _dimension;
        private bool _named = true;

        public override bool AlwaysJournal => true;

        public override bool OverwritesPayload => false;

        protected StepRun Run => run;

        public override async Task PrepareAsync(CancellationToken cancellationToken)
        {
            var info = await run.Client.GetCollectionInfoAsync(run.Collection, cancellationToken).ConfigureAwait(false);
            var config = info.Config?.Params?.VectorsConfig;
            if (config?.ConfigCase == VectorsConfig.ConfigOneofCase.ParamsMap && config.ParamsMap.Map.TryGetValue(vectorName, out var named))
            {
                _dimension = named.Size;
            }
            else if (config?.ConfigCase == VectorsConfig.ConfigOneofCase.Params && vectorName.Length == 0)
            {
                _dimension = config.Params.Size;
                _named = false;
            }
            else
            {
                throw new QdrantSchemaException(
                    $"{run.Describe()} fills dense vector '{vectorName}', which collection '{run.Collection}' does not have. "
                    + "Check that the migration adds the vector (AddVector) before the fill and that the collection was not changed by hand.");
            }

            // One dense float vector per point plus the id and map framing.
            BytesPerWrittenPoint = checked((int)Math.Min(int.MaxValue, (_dimension * sizeof(float)) + 64 + (ulong)vectorName.Length));
        }

        protected PointStruct VectorPoint(PointId id, float[]? vector)
        {
            if (vector is null)
            {
                throw new QdrantSchemaException($"{run.Describe()} computed no vector (null) for a point. Return a {_dimension}-dimensional vector for every point.");
            }

            if ((ulong)vector.Length != _dimension)
            {
                throw new QdrantSchemaException(
                    $"{run.Describe()} computed a {vector.Length}-dimensional vector for '{vectorName}', which expects {_dimension} dimensions. "
                    + "Fix the fill (or the embedding model) to produce vectors of the vector's size.");
            }

            Vector value = vector;
            var vectors = _named
                ? new Vectors { Vectors_ = new NamedVectors { Vectors = { [vectorName] = value } } }
                : new Vectors { Vector = value };
            return new PointStruct { Id = id, Vectors = vectors };
        }
    }

    private sealed class FillVectorKernel(FillVectorOperation operation, StepRun run) : FillKernel(operation.VectorName, run)
    {
        public override async ValueTask<PointOutcome[]> ComputeAsync(IReadOnlyList<RetrievedPoint> points, CancellationToken cancellationToken)
        {
            var outcomes = new PointOutcome[points.Count];
            for (var i = 0; i < points.Count; i++)
            {
                var point = points[i];
                var vector = await operation.Compute(new VectorFillContext(point.Id.Clone(), point.Payload, cancellationToken)).ConfigureAwait(false);
                outcomes[i] = new PointOutcome(VectorPoint(point.Id, vector), Skipped: false, NeedsJournal: true);
            }

            return outcomes;
        }
    }

    /// <summary>
    /// Embeds a payload text field. Only points where the field is present and not empty are read (Qdrant's
    /// <c>is_empty</c>: missing, null and <c>[]</c> are empty). Of those, a point whose value is not a string, or is an
    /// empty or white-space string, is skipped: its vector is left as it is, it counts as processed and as skipped, and
    /// the run logs how many were skipped (warning 3105). The run does not fail for them.
    /// </summary>
    private sealed class FillVectorFromTextKernel(
        FillVectorFromTextOperation operation,
        StepRun run,
        Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<float[]>>> embed) : FillKernel(operation.VectorName, run)
    {
        public override Filter? ScrollFilter { get; } = HasFieldFilter(operation.PayloadField);

        public override WithPayloadSelector PayloadSelector { get; } = new() { Include = new PayloadIncludeSelector { Fields = { operation.PayloadField } } };

        public static Filter HasFieldFilter(string field)
            => new() { MustNot = { new Condition { IsEmpty = new IsEmptyCondition { Key = field } } } };

        public override async ValueTask<PointOutcome[]> ComputeAsync(IReadOnlyList<RetrievedPoint> points, CancellationToken cancellationToken)
        {
            var outcomes = new PointOutcome[points.Count];
            var texts = new List<string>(points.Count);
            var indexes = new List<int>(points.Count);
            for (var i = 0; i < points.Count; i++)
            {
                if (points[i].Payload.TryGetValue(operation.PayloadField, out var value)
                    && value.KindCase == Value.KindOneofCase.StringValue
                    && !string.IsNullOrWhiteSpace(value.StringValue))
                {
                    texts.Add(value.StringValue);
                    indexes.Add(i);
                }
                else
                {
                    outcomes[i] = new PointOutcome(null, Skipped: true, NeedsJournal: false);
                }
            }

            if (texts.Count == 0)
            {
                return outcomes;
            }

            var vectors = await embed(texts, cancellationToken).ConfigureAwait(false);
            if (vectors is null || vectors.Count != texts.Count)
            {
                throw new QdrantSchemaException(
                    $"{Run.Describe()} asked the embedding generator for {texts.Count} embeddings and got {vectors?.Count ?? 0}. "
                    + "Check the generator: it must return one embedding per input text, in order.");
            }

            for (var j = 0; j < indexes.Count; j++)
            {
                var point = points[indexes[j]];
                outcomes[indexes[j]] = new PointOutcome(VectorPoint(point.Id, vectors[j]), Skipped: false, NeedsJournal: true);
            }

            return outcomes;
        }

        public override void LogSkipped(StepRun run, long skipped)
        {
            if (skipped > 0)
            {
                run.Logger.TextMissing(run.Collection, run.MigrationId, run.Step, run.StepName, operation.PayloadField, skipped);
            }
        }
    }

    /// <summary>The state of one data step run.</summary>
    private sealed class StepRun(
        DataStepRunner runner,
        DataOperation operation,
        DataStepContext context,
        CancellationToken cancellationToken,
        CancellationToken token)
    {
        private PointId? _cursor = context.Cursor;
        private long _processed = context.PointsProcessed;
        private long _scanned;
        private long _written;
        private long _skipped;

        public QdrantClient Client => context.Operation.Client;

        public string Collection => context.Operation.Member.PhysicalName;

        public string MigrationId => context.Operation.Migration.Id;

        public int Step => context.Operation.Step;

        public string StepName => operation.DisplayName;

        public ILogger Logger => context.Operation.Logger;

        private IHistoryStore History => context.Operation.History;

        public string Describe() => $"Data step {Step} ({StepName}) of migration '{MigrationId}' on collection '{Collection}'";

        public OperationCanceledException Canceled(Exception? inner)
        {
            var reason = cancellationToken.IsCancellationRequested ? "cancelled" : "schema lock lost";
            Logger.DataStepStopped(Collection, MigrationId, Step, reason, _processed);
            return new OperationCanceledException(
                $"{Describe()} stopped ({reason}) after {_processed} committed points; the next run resumes from there.",
                inner,
                cancellationToken.IsCancellationRequested ? cancellationToken : context.Operation.LockLost);
        }

        public async Task DeleteAsync(Filter filter)
        {
            ThrowIfStopping();
            Logger.DataStepStarting(Collection, MigrationId, Step, StepName, _processed);
            var count = await Client.CountAsync(Collection, filter, exact: true, cancellationToken: token).ConfigureAwait(false);
            var result = await Client.DeleteAsync(Collection, filter, wait: true, cancellationToken: token).ConfigureAwait(false);
            EnsureCompleted(result);
            _processed += checked((long)count);
            await context.CommitPageAsync(null, _processed, token).ConfigureAwait(false);
            Logger.PointsDeleted(Collection, MigrationId, Step, checked((long)count));
        }

        public async Task RunPagedAsync(StepKernel kernel)
        {
            ThrowIfStopping();
            Logger.DataStepStarting(Collection, MigrationId, Step, StepName, _processed);
            await kernel.PrepareAsync(token).ConfigureAwait(false);
            if (!await ResumeFromRedoPageAsync().ConfigureAwait(false))
            {
                var batchSize = Math.Max(1, context.Operation.BatchSize);
                var pageSize = kernel.BytesPerWrittenPoint > 0
                    ? Math.Clamp(runner.JournalBudgetBytes / kernel.BytesPerWrittenPoint, 1, batchSize)
                    : batchSize;
                Logger.PageSize(Collection, MigrationId, Step, pageSize, batchSize, kernel.BytesPerWrittenPoint);
                while (true)
                {
                    ThrowIfStopping();
                    var (points, next, size) = await ScrollAsync(kernel, pageSize).ConfigureAwait(false);
                    pageSize = size;
                    var outcomes = await kernel.ComputeAsync(points, token).ConfigureAwait(false);
                    await CommitPageAsync(kernel, points, outcomes, next).ConfigureAwait(false);
                    if (next is null)
                    {
                        break;
                    }
                }
            }

            kernel.LogSkipped(this, _skipped);
            Logger.DataStepCompleted(Collection, MigrationId, Step, StepName, _scanned, _written, _skipped, _processed);
        }

        /// <summary>Re-applies a redo page left by an interrupted run. Returns true when that page was the step's last.</summary>
        private async Task<bool> ResumeFromRedoPageAsync()
        {
            var redo = await History.LoadRedoPageAsync(Collection, MigrationId, Step, token).ConfigureAwait(false);
            if (redo is null)
            {
                return false;
            }

            // Committed already: the cursor moved to the page's next cursor (the delete did not happen). For the last
            // page (next cursor null) the two cannot be told apart from "not started", so it is re-applied below,
            // which writes the same content again and ends the step either way.
            var committed = redo.NextCursor is not null && PointIds.AreEqual(redo.NextCursor, _cursor);

            // A page from before the cursor cannot be pending: pages are saved, written and committed in order.
            var behindCursor = _cursor is not null && redo.Points.Any(p => PointIds.Compare(p.Id, _cursor) < 0);
            if (committed || behindCursor)
            {
                await History.DeleteRedoPageAsync(Collection, MigrationId, Step, token).ConfigureAwait(false);
                Logger.RedoPageDiscarded(Collection, MigrationId, Step);
                return false;
            }

            await ApplyAsync(redo.Points, redo.OverwritesPayload).ConfigureAwait(false);

            // The count the page's commit records: journaled with the page when the store keeps it; otherwise, for a
            // last page whose commit already happened (null cursor, points counted), the count stands; else the page's
            // written points are added (the points it read but did not change were not journaled).
            var processed = redo.PointsProcessed
                ?? (_cursor is null && redo.NextCursor is null && _processed > 0 ? _processed : _processed + redo.Points.Count);
            await context.CommitPageAsync(redo.NextCursor, processed, token).ConfigureAwait(false);
            _cursor = redo.NextCursor;
            _processed = processed;
            _written += redo.Points.Count;
            await DeleteRedoPageAfterCommitAsync().ConfigureAwait(false);
            Logger.RedoPageReapplied(Collection, MigrationId, Step, redo.Points.Count);
            return redo.NextCursor is null;
        }

        private async Task<(IReadOnlyList<RetrievedPoint> Points, PointId? Next, int PageSize)> ScrollAsync(StepKernel kernel, int pageSize)
        {
            while (true)
            {
                try
                {
                    var response = await Client.ScrollAsync(
                        Collection,
                        kernel.ScrollFilter,
                        (uint)pageSize,
                        _cursor,
                        kernel.PayloadSelector,
                        new WithVectorsSelector { Enable = false },
                        cancellationToken: token).ConfigureAwait(false);
                    return (response.Result, response.NextPageOffset, pageSize);
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted && pageSize > 1)
                {
                    // The page's payloads exceed the client's response limit (4 MB by default): read smaller pages.
                    pageSize = Math.Max(1, pageSize / 2);
                    Logger.PageSize(Collection, MigrationId, Step, pageSize, context.Operation.BatchSize, kernel.BytesPerWrittenPoint);
                }
            }
        }

        /// <summary>Writes and commits a scrolled page, in sub-pages when its output exceeds the journal budget.</summary>
        private async Task CommitPageAsync(StepKernel kernel, IReadOnlyList<RetrievedPoint> points, PointOutcome[] outcomes, PointId? next)
        {
            if (points.Count == 0)
            {
                await CommitChunkAsync(kernel, [], 0, next).ConfigureAwait(false);
                return;
            }

            var start = 0;
            while (start < points.Count)
            {
                if (start > 0)
                {
                    ThrowIfStopping();
                }

                var end = start;
                long bytes = 0;
                var writes = new List<PointStruct>();
                var skipped = 0;
                var notIdempotent = 0;
                while (end < points.Count)
                {
                    var outcome = outcomes[end];
                    if (outcome.Write is not null)
                    {
                        var size = outcome.Write.CalculateSize();
                        if (writes.Count > 0 && bytes + size > runner.JournalBudgetBytes)
                        {
                            break;
                        }

                        bytes += size;
                        writes.Add(outcome.Write);
                    }

                    if (outcome.Skipped)
                    {
                        skipped++;
                    }

                    if (outcome.NeedsJournal)
                    {
                        notIdempotent++;
                    }

                    end++;
                }

                var journal = writes.Count > 0 && (kernel.AlwaysJournal || notIdempotent > 0);
                if (journal && !kernel.AlwaysJournal)
                {
                    Logger.DeclarativePageJournaled(Collection, MigrationId, Step, notIdempotent);
                }

                _skipped += skipped;
                await CommitChunkAsync(kernel, writes, end - start, end < points.Count ? points[end].Id : next, journal).ConfigureAwait(false);
                start = end;
            }
        }

        private async Task CommitChunkAsync(StepKernel kernel, List<PointStruct> writes, int scanned, PointId? next, bool journal = false)
        {
            var processed = _processed + scanned;
            if (journal)
            {
                var page = new RedoPage
                {
                    Collection = Collection,
                    MigrationId = MigrationId,
                    Step = Step,
                    Points = writes,
                    OverwritesPayload = kernel.OverwritesPayload,
                    NextCursor = next,
                    PointsProcessed = processed,
                };
                await History.SaveRedoPageAsync(page, token).ConfigureAwait(false);
            }

            if (writes.Count > 0)
            {
                await ApplyAsync(writes, kernel.OverwritesPayload).ConfigureAwait(false);
            }

            await context.CommitPageAsync(next, processed, token).ConfigureAwait(false);
            _cursor = next;
            _processed = processed;
            _scanned += scanned;
            _written += writes.Count;
            if (journal)
            {
                await DeleteRedoPageAfterCommitAsync().ConfigureAwait(false);
            }

            Logger.PageCommitted(Collection, MigrationId, Step, scanned, writes.Count, _processed);
        }

        /// <summary>
        /// Drops the redo page of a committed page. A plain cancellation does not interrupt this cleanup (the page is
        /// written and committed; leaving its journal would only cost the next run a read). After the lock is lost it is
        /// skipped instead: the page id is per step, so a late delete could remove the journal of the run that took the
        /// lock over; that run recognises the leftover page as committed and discards it.
        /// </summary>
        private async Task DeleteRedoPageAfterCommitAsync()
        {
            if (context.Operation.LockLost.IsCancellationRequested)
            {
                return;
            }

            await History.DeleteRedoPageAsync(Collection, MigrationId, Step, CancellationToken.None).ConfigureAwait(false);
        }

        /// <summary>
        /// Writes a page with wait=true. Payloads: one OverwritePayload per point in a single UpdateBatch (applied in
        /// order, one round trip). Vectors: one UpdateVectors with every point (other vectors are kept).
        /// </summary>
        private async Task ApplyAsync(IReadOnlyList<PointStruct> points, bool overwritesPayload)
        {
            if (points.Count == 0)
            {
                return;
            }

            if (overwritesPayload)
            {
                var operations = new List<PointsUpdateOperation>(points.Count);
                foreach (var point in points)
                {
                    operations.Add(new PointsUpdateOperation
                    {
                        OverwritePayload = new PointsUpdateOperation.Types.OverwritePayload
                        {
                            Payload = { point.Payload },
                            PointsSelector = new PointsSelector { Points = new PointsIdsList { Ids = { point.Id } } },
                        },
                    });
                }

                var results = await Client.UpdateBatchAsync(Collection, operations, wait: true, cancellationToken: token).ConfigureAwait(false);
                foreach (var result in results)
                {
                    EnsureCompleted(result);
                }
            }
            else
            {
                var vectors = new List<PointVectors>(points.Count);
                foreach (var point in points)
                {
                    vectors.Add(new PointVectors { Id = point.Id, Vectors = point.Vectors });
                }

                var result = await Client.UpdateVectorsAsync(Collection, vectors, wait: true, cancellationToken: token).ConfigureAwait(false);
                EnsureCompleted(result);
            }
        }

        private void EnsureCompleted(UpdateResult result)
        {
            if (result.Status != UpdateStatus.Completed)
            {
                throw new QdrantSchemaException(
                    $"{Describe()}: Qdrant answered a write with status {result.Status} instead of Completed, so the page was not committed. "
                    + "Check the server's health, then run the migration again: it resumes from the last committed page.");
            }
        }

        private void ThrowIfStopping()
        {
            if (token.IsCancellationRequested)
            {
                throw Canceled(null);
            }
        }
    }
}
