using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Qdrant.Client;
using Qdrant.Client.Grpc;
using QdrantSchema.Diagnostics;
using QdrantSchema.Execution;
using QdrantSchema.History;
using QdrantSchema.Locking;
using QdrantSchema.Migrations;
using QdrantSchema.Migrations.Operations;
using QdrantSchema.Migrator;
using QdrantSchema.Planning;
using QdrantSchema.Schema;

namespace QdrantSchema;

/// <summary>
/// The migration engine over one Qdrant client. Migrations declare their family; each family says which physical
/// collections it has. A target version is a migration id: it applies to that migration's family only, and the other
/// families are left alone. Definition errors (bad or duplicate ids, invalid operations, a family without migrations
/// or migrations without a family) are raised before the server is contacted.
/// </summary>
/// <remarks>
/// History lives in the history collection (<see cref="QdrantMigratorOptions.HistoryCollection"/>), one record per
/// physical collection and migration; the version is also written to each collection's metadata under the key
/// <c>qdrant_schema</c> on Qdrant 1.16 and later. Logs go to the category <c>QdrantSchema.Migrations</c>.
/// </remarks>
public sealed class QdrantMigrator : IQdrantMigrator
{
    private readonly QdrantClient _client;
    private readonly IReadOnlyList<QdrantMigration> _migrations;
    private readonly IReadOnlyList<CollectionFamily> _families;
    private readonly QdrantMigratorOptions _options;
    private readonly ILogger _logger;
    private readonly ILoggerFactory? _loggerFactory;
    private readonly TimeProvider _time;
    private readonly MigratorServices _services;
    private readonly Lock _catalogLock = new();
    private MigrationCatalog? _catalog;

    /// <summary>Initializes a new instance of the <see cref="QdrantMigrator"/> class.</summary>
    /// <param name="client">The Qdrant client (not disposed by the migrator).</param>
    /// <param name="migrations">Every migration of every family.</param>
    /// <param name="families">The collection families; each needs at least one migration, and each migration's family must be here.</param>
    /// <param name="options">The options (copied; later changes have no effect), or <see langword="null"/> for the defaults.</param>
    /// <param name="loggerFactory">Creates the <c>QdrantSchema.Migrations</c> logger, or <see langword="null"/> for none.</param>
    /// <param name="timeProvider">The clock for history times and durations, or <see langword="null"/> for the system clock.</param>
    /// <exception cref="ArgumentNullException">A required argument or an element is null.</exception>
    /// <exception cref="ArgumentException">Two families share a name, or an option is invalid.</exception>
    public QdrantMigrator(
        QdrantClient client,
        IEnumerable<QdrantMigration> migrations,
        IEnumerable<CollectionFamily> families,
        QdrantMigratorOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
        : this(client, migrations, families, options, loggerFactory, timeProvider, services: null)
    {
    }

    internal QdrantMigrator(
        QdrantClient client,
        IEnumerable<QdrantMigration> migrations,
        IEnumerable<CollectionFamily> families,
        QdrantMigratorOptions? options,
        ILoggerFactory? loggerFactory,
        TimeProvider? timeProvider,
        MigratorServices? services)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(migrations);
        ArgumentNullException.ThrowIfNull(families);
        _client = client;
        _migrations = [.. migrations];
        foreach (var migration in _migrations)
        {
            ArgumentNullException.ThrowIfNull(migration, nameof(migrations));
        }

        _families = [.. families];
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var family in _families)
        {
            ArgumentNullException.ThrowIfNull(family, nameof(families));
            if (!names.Add(family.Name))
            {
                throw new ArgumentException($"The family '{family.Name}' is given twice. Give each family a unique name.", nameof(families));
            }
        }

        _options = (options ?? new QdrantMigratorOptions()).Clone();
        _options.Validate();
        _logger = loggerFactory?.CreateLogger(Log.MigrationsCategory) ?? NullLogger.Instance;
        _loggerFactory = loggerFactory;
        _time = timeProvider ?? TimeProvider.System;
        _services = services ?? MigratorServices.CreateDefault(client, _options);
    }

    /// <inheritdoc />
    public async Task<SchemaStatus> GetStatusAsync(CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var analyses = await AnalyzeAsync(catalog, familyScope: null, cancellationToken).ConfigureAwait(false);
        var reports = new List<CollectionStatusReport>(analyses.Count);
        foreach (var analysis in analyses)
        {
            var member = analysis.Member;
            SchemaComparison? drift = null;
            if (member.Exists && analysis.CurrentVersion is { } current)
            {
                var info = await _client.GetCollectionInfoAsync(member.PhysicalName, cancellationToken).ConfigureAwait(false);
                drift = CollectionSchema.Compare(analysis.Family.SchemaAfter(current)!, info);
            }

            reports.Add(new CollectionStatusReport(
                member.Family,
                member.PhysicalName,
                member.AliasName,
                member.Exists,
                analysis.CurrentVersion,
                analysis.Family.Migrations[^1].Id,
                [.. analysis.Pending.Select(m => m.Id)],
                Interrupted(analysis, analysis.Failed),
                Interrupted(analysis, analysis.Running),
                [.. analysis.ChecksumMismatches.Select(c => c.Migration.Id)],
                [.. analysis.UnknownApplied.Select(r => r.MigrationId)],
                [.. analysis.OutOfOrder.Select(m => m.Id)],
                drift,
                NextAction(analysis)));
        }

        return new SchemaStatus(server.Version.ToString(), _options.HistoryCollection, _time.GetUtcNow(), reports);
    }

    /// <inheritdoc />
    public async Task<MigrationPlan> PlanAsync(string? targetVersion = null, CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        var targetFamily = TargetFamily(catalog, targetVersion, nameof(targetVersion));
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var analyses = await AnalyzeAsync(catalog, targetFamily, cancellationToken).ConfigureAwait(false);
        var runner = new CollectionMigrator(RunContext(_services, server, handle: null));
        var plans = new List<CollectionPlan>(analyses.Count);
        foreach (var analysis in analyses)
        {
            var member = analysis.Member;
            var toApply = analysis.PendingUpTo(targetVersion);
            var blockers = MigrationChecks.Drifts(analysis, toApply, _options).Select(d => d.Detail).ToList();
            if (RollingBack(analysis) is { } rolling)
            {
                blockers.Add(
                    $"Collection '{member.DisplayName}' is half-way through rolling back '{rolling.MigrationId}' (Down step {rolling.Step}): " +
                    FinishRollback(analysis, rolling) + " before migrating.");
            }

            if (targetVersion is not null && PastTarget(analysis, targetVersion) is { } past)
            {
                blockers.Add(past);
            }

            var exists = member.Exists;
            var migrations = new List<PlannedMigration>(toApply.Count);
            foreach (var migration in toApply)
            {
                var resumeAt = analysis.Interrupted(migration)?.Step;
                var operations = new List<PlannedOperation>(migration.Operations.Count);
                for (var step = 0; step < migration.Operations.Count; step++)
                {
                    var operation = migration.Operations[step];
                    long? points = null;
                    if (operation is DataOperation data)
                    {
                        // A collection this plan creates has no points yet.
                        points = exists && member.Exists
                            ? await _services.DataSteps.CountAffectedAsync(
                                data, runner.OperationContext(member with { Exists = exists }, migration, step, analysis.FamilyMemberCount), cancellationToken).ConfigureAwait(false)
                            : 0;
                    }

                    operations.Add(new PlannedOperation(
                        step,
                        operation.DisplayName,
                        operation.Kind,
                        operation.IsDestructive,
                        points,
                        MigrationChecks.Refusal(_services.Executor, operation, server)));
                    exists = operation switch
                    {
                        CreateCollectionOperation => true,
                        DeleteCollectionOperation => false,
                        _ => exists,
                    };
                }

                migrations.Add(new PlannedMigration(migration.Id, migration.Description, migration.Kind, resumeAt, operations));
            }

            var target = toApply.Count > 0 && (analysis.CurrentVersion is null || string.CompareOrdinal(toApply[^1].Id, analysis.CurrentVersion) > 0)
                ? toApply[^1].Id
                : analysis.CurrentVersion;
            plans.Add(new CollectionPlan(
                member.Family, member.PhysicalName, member.AliasName, analysis.CurrentVersion, target, !member.Exists, migrations, blockers)
            {
                SnapshotBefore = CollectionMigrator.SnapshotTarget(member, toApply, _options)?.Id,
            });
        }

        return new MigrationPlan(server.Version.ToString(), targetVersion, plans);
    }

    /// <inheritdoc />
    public async Task<MigrationRunResult> MigrateAsync(string? targetVersion = null, CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        var targetFamily = TargetFamily(catalog, targetVersion, nameof(targetVersion));
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var handle = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        await using (handle.ConfigureAwait(false))
        {
            using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handle.HandleLostToken);
            var token = runCancellation.Token;
            try
            {
                // The history is read only now, with the lock held.
                var analyses = await AnalyzeAsync(catalog, targetFamily, token).ConfigureAwait(false);
                var fenced = _services.FencedBy(handle);

                // A snapshot restore a crash interrupted is finished before anything else; a collection whose restore
                // still cannot finish is reported failed and left alone.
                var unfinished = new List<CollectionRunResult>();
                if (analyses.Any(a => SnapshotRestorer.Pending(a) is not null))
                {
                    unfinished = await FinishRestoresAsync(analyses, fenced, server, handle, token).ConfigureAwait(false);
                    var left = unfinished.Select(u => u.Collection).ToHashSet(StringComparer.Ordinal);
                    analyses = [.. (await AnalyzeAsync(catalog, targetFamily, token).ConfigureAwait(false)).Where(a => !left.Contains(a.Member.PhysicalName))];
                }

                var work = analyses.Select(a => (Analysis: a, ToApply: a.PendingUpTo(targetVersion))).ToList();
                RefuseDuringRollback(analyses, "Migrate");
                Refuse(work, targetVersion, server);

                foreach (var (analysis, _) in work)
                {
                    foreach (var record in analysis.UnknownApplied)
                    {
                        _logger.UnknownAppliedMigration(analysis.Member.PhysicalName, record.MigrationId);
                    }
                }

                if (work.Any(w => w.ToApply.Count > 0 || AcceptedChanges(w.Analysis).Any()))
                {
                    await _services.History.EnsureCreatedAsync(token).ConfigureAwait(false);
                }

                await RecordAcceptedChecksumsAsync(fenced.History, work.Select(w => w.Analysis), token).ConfigureAwait(false);

                using var snapshots = _options.Snapshots.Enabled ? CreateSnapshotManager() : null;
                var runner = new CollectionMigrator(RunContext(fenced, server, handle, snapshots));
                var results = new CollectionRunResult[work.Count];
                var stop = new StopSignal();
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, work.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelCollections, CancellationToken = token },
                    async (index, itemToken) =>
                    {
                        var (analysis, toApply) = work[index];
                        var result = await runner.RunAsync(analysis, toApply, stop, itemToken).ConfigureAwait(false);
                        results[index] = result;
                        if (result.Outcome == CollectionRunOutcome.Failed && !_options.ContinueOnCollectionFailure)
                        {
                            stop.Request(
                                $"collection '{result.DisplayName}' failed and ContinueOnCollectionFailure is off; run migrate again after fixing it");
                        }
                    }).ConfigureAwait(false);

                var run = new MigrationRunResult(targetVersion, startedAt, _time.GetUtcNow(), [.. unfinished, .. results]);
                _logger.RunFinished(
                    results.Count(r => r.Outcome == CollectionRunOutcome.Succeeded),
                    results.Count(r => r.Outcome == CollectionRunOutcome.NothingToDo),
                    results.Count(r => r.Outcome == CollectionRunOutcome.Failed) + unfinished.Count,
                    results.Count(r => r.Outcome == CollectionRunOutcome.Skipped),
                    _time.GetElapsedTime(started).TotalSeconds);
                return run;
            }
            catch (OperationCanceledException e) when (handle.HandleLostToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new QdrantSchemaLockLostException(
                    $"The schema lock ({_options.Lock.GetType().Name}) was lost during the migration run, so it stopped at the next step boundary " +
                    "to avoid running alongside another process. Interrupted migrations stay recorded as running; run migrate again to resume them.",
                    _options.Lock.GetType().Name,
                    handle.FencingToken,
                    e);
            }
        }
    }

    /// <inheritdoc />
    public async Task<RollbackResult> RollbackAsync(string targetVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targetVersion);
        var catalog = Catalog();
        var targetFamily = TargetFamily(catalog, targetVersion, nameof(targetVersion))!;
        var startedAt = _time.GetUtcNow();
        var started = _time.GetTimestamp();
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var handle = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        await using (handle.ConfigureAwait(false))
        {
            using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handle.HandleLostToken);
            var token = runCancellation.Token;
            try
            {
                // The history is read only now, with the lock held.
                var analyses = await AnalyzeAsync(catalog, targetFamily, token).ConfigureAwait(false);
                var scopes = analyses.Select(a => RollbackScope.Create(a, targetVersion, server, _services.Executor, _options)).ToList();
                var refusals = analyses
                    .Select(SnapshotRestorer.Pending)
                    .OfType<MigrationRecord>()
                    .Select(r => $"Collection '{r.Collection}' is half-way through a snapshot restore: {SnapshotRestorer.FinishAction(r)}, then roll back.")
                    .Concat(scopes.SelectMany(s => s.Refusals))
                    .Distinct(StringComparer.Ordinal)
                    .ToList();
                if (refusals.Count > 0)
                {
                    var message = $"Rollback to '{targetVersion}' refused; nothing was changed. " + string.Join(" ", refusals);
                    RollbackLog.RollbackRefused(_logger, message);
                    throw new QdrantSchemaException(message);
                }

                var fenced = _services.FencedBy(handle);
                var context = RunContext(fenced, server, handle);
                var rollback = new CollectionRollback(context, new CollectionMigrator(context));
                var results = new CollectionRollbackResult[scopes.Count];
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, scopes.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = _options.MaxParallelCollections, CancellationToken = token },
                    async (index, itemToken) => results[index] = await rollback.RunAsync(scopes[index], itemToken).ConfigureAwait(false)).ConfigureAwait(false);

                var result = new RollbackResult(targetVersion, startedAt, _time.GetUtcNow(), results);
                RollbackLog.RollbackRunFinished(
                    _logger, targetVersion, result.RolledBackCount, results.Count(r => r.Outcome == CollectionRunOutcome.Failed), _time.GetElapsedTime(started).TotalSeconds);
                return result;
            }
            catch (OperationCanceledException e) when (handle.HandleLostToken.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new QdrantSchemaLockLostException(
                    $"The schema lock ({_options.Lock.GetType().Name}) was lost during the rollback, so it stopped at the next step boundary " +
                    $"to avoid running alongside another process. Run RollbackAsync(\"{targetVersion}\") again to resume it.",
                    _options.Lock.GetType().Name,
                    handle.FencingToken,
                    e);
            }
        }
    }

    /// <inheritdoc />
    public async Task<RollbackPlan> PlanRollbackAsync(string targetVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(targetVersion);
        var catalog = Catalog();
        var targetFamily = TargetFamily(catalog, targetVersion, nameof(targetVersion))!;
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var analyses = await AnalyzeAsync(catalog, targetFamily, cancellationToken).ConfigureAwait(false);
        var runner = new CollectionMigrator(RunContext(_services, server, handle: null));
        var plans = new List<CollectionRollbackPlan>(analyses.Count);
        foreach (var analysis in analyses)
        {
            var scope = RollbackScope.Create(analysis, targetVersion, server, _services.Executor, _options);
            var member = analysis.Member;
            var migrations = new List<PlannedRollback>(scope.ToUndo.Count);
            foreach (var (migration, record) in scope.ToUndo)
            {
                var operations = new List<PlannedOperation>();
                var down = migration.DownOperations ?? [];
                for (var step = 0; step < down.Count; step++)
                {
                    var operation = down[step];
                    long? points = null;
                    if (operation is DataOperation data && member.Exists)
                    {
                        points = await _services.DataSteps.CountAffectedAsync(
                            data, runner.OperationContext(member, migration, step, analysis.FamilyMemberCount), cancellationToken).ConfigureAwait(false);
                    }

                    operations.Add(new PlannedOperation(
                        step, operation.DisplayName, operation.Kind, operation.IsDestructive, points, MigrationChecks.Refusal(_services.Executor, operation, server)));
                }

                migrations.Add(new PlannedRollback(
                    migration.Id,
                    migration.Description,
                    migration.IsReversible,
                    migration.IrreversibleReasons,
                    migration.DownWarnings,
                    RollbackScope.IsRollingBack(record) ? record.Step : null,
                    operations));
            }

            var remaining = scope.ToUndo.Count == 0
                ? analysis.CurrentVersion
                : RollbackScope.Previous(analysis, scope.ToUndo[^1].Migration);
            plans.Add(new CollectionRollbackPlan(
                member.Family, member.PhysicalName, member.AliasName, analysis.CurrentVersion, remaining, migrations, scope.Refusals));
        }

        return new RollbackPlan(server.Version.ToString(), targetVersion, plans);
    }

    /// <inheritdoc />
    public async Task<ValidationReport> ValidateAsync(CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        var families = catalog.Families.Values
            .Select(f => new FamilyValidation(
                f.Family,
                f.Migrations[^1].Id,
                _families.First(d => d.Name == f.Family).DeclaredSchema is { } declared ? CollectionSchema.Diff(declared, f.Latest) : null))
            .ToList();
        var analyses = await AnalyzeAsync(catalog, familyScope: null, cancellationToken).ConfigureAwait(false);
        var collections = new List<CollectionValidation>(analyses.Count);
        foreach (var analysis in analyses)
        {
            var member = analysis.Member;
            var current = analysis.CurrentVersion;
            SchemaComparison? comparison = null;
            string? problem = null;
            if (member.Exists && current is not null)
            {
                var info = await _client.GetCollectionInfoAsync(member.PhysicalName, cancellationToken).ConfigureAwait(false);
                comparison = CollectionSchema.Compare(analysis.Family.SchemaAfter(current)!, info);
            }
            else if (member.Exists && !analysis.HasHistory)
            {
                problem = "The collection exists but has no migration history. Run BaselineAsync to record the version it matches, then migrate.";
            }
            else if (member.Exists)
            {
                var interrupted = analysis.Failed ?? analysis.Running;
                problem = interrupted is { Direction: MigrationDirection.Down }
                    ? $"The collection is half-way through rolling back '{interrupted.MigrationId}': {FinishRollback(analysis, interrupted)}."
                    : interrupted is null
                    ? "No migration has completed on the collection. Run migrate."
                    : $"No migration has completed on the collection: '{interrupted.MigrationId}' is {interrupted.Status.ToString().ToLowerInvariant()} at step {interrupted.Step}. Run migrate to finish it.";
            }
            else if (current is not null)
            {
                problem = $"The history records the collection at '{current}', but it does not exist. Restore it from a snapshot, or delete its history records and run migrate to create it again.";
            }

            collections.Add(new CollectionValidation(member.Family, member.PhysicalName, member.AliasName, member.Exists, current, comparison, problem));
        }

        return new ValidationReport(collections, families);
    }

    /// <inheritdoc />
    public async Task<BaselineResult> BaselineAsync(string? version = null, CancellationToken cancellationToken = default)
    {
        var catalog = Catalog();
        var targetFamily = TargetFamily(catalog, version, nameof(version));
        var server = await _services.ProbeServerAsync(cancellationToken).ConfigureAwait(false);
        var handle = await AcquireLockAsync(cancellationToken).ConfigureAwait(false);
        await using (handle.ConfigureAwait(false))
        {
            using var runCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, handle.HandleLostToken);
            var token = runCancellation.Token;
            var analyses = await AnalyzeAsync(catalog, targetFamily, token).ConfigureAwait(false);
            var fenced = _services.FencedBy(handle);
            var runner = new CollectionMigrator(RunContext(fenced, server, handle));
            var results = new List<CollectionBaseline>(analyses.Count);
            var ensured = false;
            foreach (var analysis in analyses)
            {
                var member = analysis.Member;
                if (!member.Exists)
                {
                    results.Add(new CollectionBaseline(member.Family, member.PhysicalName, member.AliasName, BaselineOutcome.Missing, null, null));
                    continue;
                }

                if (analysis.HasHistory)
                {
                    results.Add(new CollectionBaseline(
                        member.Family, member.PhysicalName, member.AliasName, BaselineOutcome.AlreadyVersioned, analysis.CurrentVersion, null));
                    continue;
                }

                var info = await _client.GetCollectionInfoAsync(member.PhysicalName, token).ConfigureAwait(false);
                MigrationDescriptor? match = null;
                SchemaComparison? comparison = null;
                if (version is not null)
                {
                    match = analysis.Family.Find(version)!;
                    comparison = CollectionSchema.Compare(match.SchemaAfter, info);
                }
                else
                {
                    foreach (var candidate in analysis.Family.Migrations.Reverse())
                    {
                        if (!candidate.SchemaAfter.Exists)
                        {
                            continue;
                        }

                        var candidateComparison = CollectionSchema.Compare(candidate.SchemaAfter, info);
                        if (!candidateComparison.HasErrors)
                        {
                            match = candidate;
                            comparison = candidateComparison;
                            break;
                        }
                    }
                }

                if (match is null)
                {
                    _logger.BaselineNoMatch(member.DisplayName, member.Family);
                    results.Add(new CollectionBaseline(
                        member.Family, member.PhysicalName, member.AliasName, BaselineOutcome.NoMatch, null,
                        CollectionSchema.Compare(analysis.Family.Latest, info)));
                    continue;
                }

                if (!ensured)
                {
                    await _services.History.EnsureCreatedAsync(token).ConfigureAwait(false);
                    ensured = true;
                }

                var now = _time.GetUtcNow();
                foreach (var migration in analysis.Family.Migrations.Where(m => string.CompareOrdinal(m.Id, match.Id) <= 0))
                {
                    var record = runner.NewRecord(member, migration, MigrationStatus.Succeeded, now) with
                    {
                        Step = migration.Operations.Count,
                        Baseline = true,
                        FinishedAt = now,
                    };
                    await fenced.History.WriteAsync(record, token).ConfigureAwait(false);
                }

                if (server.SupportsCollectionMetadata)
                {
                    await runner.SetVersionMarkerAsync(member, match, token).ConfigureAwait(false);
                }

                _logger.BaselineRecorded(member.DisplayName, match.Id);
                results.Add(new CollectionBaseline(member.Family, member.PhysicalName, member.AliasName, BaselineOutcome.Recorded, match.Id, comparison));
            }

            return new BaselineResult(results);
        }
    }

    private static InterruptedMigration? Interrupted(CollectionAnalysis analysis, MigrationRecord? record)
        => record is null
            ? null
            : new InterruptedMigration(
                record.MigrationId,
                record.Status,
                record.Step,
                record.Direction == MigrationDirection.Down
                    ? analysis.Family.Find(record.MigrationId)?.DownOperations?.Count ?? 0
                    : analysis.Family.Find(record.MigrationId)?.Operations.Count ?? 0,
                record.PointsProcessed,
                record.StartedAt,
                record.Error,
                record.Direction == MigrationDirection.Down);

    /// <summary>A rollback that started on the collection and did not finish, or null.</summary>
    private static MigrationRecord? RollingBack(CollectionAnalysis analysis)
        => analysis.Records.Where(RollbackScope.IsRollingBack).OrderByDescending(r => r.MigrationId, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>The text that tells the user to finish a half-done rollback.</summary>
    private static string FinishRollback(CollectionAnalysis analysis, MigrationRecord record)
    {
        var target = record.RollbackTarget
            ?? RollbackScope.Previous(analysis, analysis.Family.Find(record.MigrationId) ?? analysis.Family.Migrations[0])
            ?? analysis.Family.Migrations[0].Id;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"run RollbackAsync(\"{target}\") to finish the rollback of {record.MigrationId} from Down step {record.Step}");
    }

    /// <summary>The exact next action for a collection, or null when it is up to date.</summary>
    private string? NextAction(CollectionAnalysis analysis)
    {
        if (SnapshotRestorer.Pending(analysis) is { } restoring)
        {
            return SnapshotRestorer.FinishAction(restoring);
        }

        if (RollingBack(analysis) is { } rolling)
        {
            return FinishRollback(analysis, rolling);
        }

        var mismatches = analysis.ChecksumMismatches.Where(c => !_options.AcceptedChecksumChanges.Contains(c.Migration.Id)).ToList();
        if (mismatches.Count > 0)
        {
            var ids = string.Join(", ", mismatches.Select(c => c.Migration.Id));
            return $"revert the edit of {ids} (its checksum changed after it ran), or review it and add it to QdrantMigratorOptions.AcceptedChecksumChanges, then run MigrateAsync";
        }

        if ((analysis.Failed ?? analysis.Running) is { } interrupted)
        {
            var text = string.Create(CultureInfo.InvariantCulture, $"run MigrateAsync to resume {interrupted.MigrationId} from step {interrupted.Step}");
            return interrupted.Status == MigrationStatus.Failed
                ? "fix the cause of the failure, then " + text
                : text + " (unless another process is running it now)";
        }

        if (analysis.Member.Exists && !analysis.HasHistory)
        {
            return "run BaselineAsync to record the version the existing collection matches, then run MigrateAsync";
        }

        if (analysis.Pending.Count > 0)
        {
            var apply = string.Create(
                CultureInfo.InvariantCulture,
                $"run MigrateAsync to apply {analysis.Pending.Count} pending migration(s) up to {analysis.Pending[^1].Id}");
            var restored = analysis.Pending
                .Select(m => analysis.ById.GetValueOrDefault(m.Id))
                .LastOrDefault(r => r is { Status: MigrationStatus.RolledBack, Restore.State: SnapshotRestoreState.Restored });
            return restored is null
                ? apply
                : $"fix the cause of the failure of {restored.MigrationId} (the collection was restored from snapshot '{restored.Restore!.SnapshotName}' " +
                  $"to version {analysis.CurrentVersion ?? "(none)"}), then " + apply;
        }

        return null;
    }

    /// <summary>Finishes the journaled snapshot restores; returns a failed result for each collection whose restore still cannot finish.</summary>
    private async Task<List<CollectionRunResult>> FinishRestoresAsync(
        IReadOnlyList<CollectionAnalysis> analyses, MigratorServices fenced, ServerInfo server, IQdrantSchemaLockHandle handle, CancellationToken cancellationToken)
    {
        var failures = new List<CollectionRunResult>();
        using var snapshots = CreateSnapshotManager();
        var context = RunContext(fenced, server, handle, snapshots);
        var restorer = new SnapshotRestorer(context, new CollectionMigrator(context));
        foreach (var analysis in analyses)
        {
            if (SnapshotRestorer.Pending(analysis) is not { } journal)
            {
                continue;
            }

            var started = _time.GetTimestamp();
            var member = analysis.Member;
            string? error = null;
            Exception? cause = null;
            if (SnapshotRestorer.Unavailable(snapshots) is { } unavailable)
            {
                error = $"Collection '{member.DisplayName}' is half-way through a snapshot restore, which needs Qdrant's REST API, but {unavailable}. " +
                        $"Set it, then {SnapshotRestorer.FinishAction(journal)}.";
                cause = new QdrantSchemaException(error);
            }
            else
            {
                try
                {
                    await restorer.FinishAsync(analysis, journal, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!SnapshotRestorer.IsCancellation(e, cancellationToken))
                {
                    cause = e;
                    error = $"Finishing the snapshot restore of collection '{member.DisplayName}' from '{journal.Restore!.SnapshotName}' failed: " +
                            $"{CollectionMigrator.Describe(e)}. The restore stays journaled; fix the cause, then {SnapshotRestorer.FinishAction(journal)}.";
                }
            }

            if (error is not null)
            {
                _logger.SnapshotRestoreFailed(member.DisplayName, journal.Restore!.SnapshotName, "the restore stays journaled for the next run", cause!);
                failures.Add(new CollectionRunResult(
                    member.Family, member.PhysicalName, member.AliasName, CollectionRunOutcome.Failed, [], analysis.CurrentVersion, journal.MigrationId, journal.Step,
                    error, _time.GetElapsedTime(started), cause));
            }
        }

        return failures;
    }

    private static string? TargetFamily(MigrationCatalog catalog, string? target, string parameterName)
    {
        if (target is null)
        {
            return null;
        }

        foreach (var family in catalog.Families.Values)
        {
            if (family.Find(target) is not null)
            {
                return family.Family;
            }
        }

        var known = string.Join(", ", catalog.Families.Values.Select(f => $"'{f.Migrations[^1].Id}' (latest of family '{f.Family}')"));
        throw new ArgumentException(
            $"'{target}' is not the id of any migration. Give the full id of a migration (yyyyMMddHHmmss_Name), for example {known}.",
            parameterName);
    }

    private static string? PastTarget(CollectionAnalysis analysis, string target)
    {
        var after = analysis.AppliedAfter(target);
        return after.Count == 0
            ? null
            : $"Collection '{analysis.Member.DisplayName}' is at '{analysis.CurrentVersion}', past the target '{target}' " +
              $"({string.Join(", ", after.Select(m => m.Id))} applied). Migrate only moves forward; choose a later target.";
    }

    private IEnumerable<(MigrationDescriptor Migration, MigrationRecord Record)> AcceptedChanges(CollectionAnalysis analysis)
        => analysis.ChecksumMismatches.Where(c => c.Record.Status == MigrationStatus.Succeeded && _options.AcceptedChecksumChanges.Contains(c.Migration.Id));

    /// <summary>Refuses, before anything changes, while a rollback on a collection is half done.</summary>
    private void RefuseDuringRollback(IEnumerable<CollectionAnalysis> analyses, string what)
    {
        var rolling = analyses.Select(a => (Analysis: a, Record: RollingBack(a))).Where(x => x.Record is not null).ToList();
        if (rolling.Count == 0)
        {
            return;
        }

        var message = $"{what} refused; nothing was changed. " + string.Join(
            " ",
            rolling.Select(x =>
                $"Collection '{x.Analysis.Member.DisplayName}' is half-way through rolling back '{x.Record!.MigrationId}' " +
                $"({x.Record.Status.ToString().ToLowerInvariant()} at Down step {x.Record.Step}). Finish the rollback first: " +
                FinishRollback(x.Analysis, x.Record) + "."));
        _logger.MigrationRefused(message);
        throw new QdrantSchemaException(message);
    }

    /// <summary>Refuses the whole run, before anything changes, when the history or the server makes it unsafe.</summary>
    private void Refuse(IReadOnlyList<(CollectionAnalysis Analysis, IReadOnlyList<MigrationDescriptor> ToApply)> work, string? targetVersion, ServerInfo server)
    {
        var drifts = work.SelectMany(w => MigrationChecks.Drifts(w.Analysis, w.ToApply, _options)).ToList();
        if (drifts.Count > 0)
        {
            var exception = MigrationChecks.DriftException(drifts);
            _logger.MigrationRefused(exception.Message);
            throw exception;
        }

        if (targetVersion is not null)
        {
            var past = work.Select(w => PastTarget(w.Analysis, targetVersion)).OfType<string>().ToList();
            if (past.Count > 0)
            {
                var message = "Migrate refused; nothing was changed. " + string.Join(" ", past);
                _logger.MigrationRefused(message);
                throw new QdrantSchemaException(message);
            }
        }

        foreach (var (analysis, toApply) in work)
        {
            foreach (var migration in toApply)
            {
                var from = analysis.Interrupted(migration)?.Step ?? 0;
                for (var step = from; step < migration.Operations.Count; step++)
                {
                    var operation = migration.Operations[step];
                    if (MigrationChecks.Refusal(_services.Executor, operation, server) is not { } refusal)
                    {
                        continue;
                    }

                    var collection = analysis.Member.DisplayName;
                    var message =
                        $"Migrate refused; nothing was changed. Migration '{migration.Id}' on collection '{collection}', step {step} " +
                        $"({operation.DisplayName}): {refusal}";
                    _logger.MigrationRefused(message);
                    if (MigrationChecks.IsVersionRefusal(_services.Executor, operation, server))
                    {
                        throw new QdrantSchemaServerVersionException(
                            message + $" The server reports version {server.Version}; upgrade Qdrant, or remove the operation from the pending migration.",
                            server.Version.ToString(),
                            migration.Id,
                            analysis.Member.PhysicalName,
                            operation.DisplayName);
                    }

                    throw new QdrantSchemaException(message);
                }
            }
        }
    }

    private async Task RecordAcceptedChecksumsAsync(IHistoryStore history, IEnumerable<CollectionAnalysis> analyses, CancellationToken cancellationToken)
    {
        foreach (var analysis in analyses)
        {
            foreach (var (migration, record) in AcceptedChanges(analysis))
            {
                await history.WriteAsync(record with { Checksum = migration.Checksum }, cancellationToken).ConfigureAwait(false);
                _logger.ChecksumChangeAccepted(migration.Id, analysis.Member.PhysicalName, record.Checksum, migration.Checksum);
            }
        }
    }

    /// <summary>
    /// Takes the schema lock through the lock's own <see cref="IQdrantSchemaLock.AcquireAsync"/>, whose timeout exception
    /// names the current holder and how to release it; nothing has been read or changed when it throws.
    /// </summary>
    private async Task<IQdrantSchemaLockHandle> AcquireLockAsync(CancellationToken cancellationToken) =>
        await _options.Lock.AcquireAsync(_options.LockTimeout, cancellationToken).ConfigureAwait(false);

    /// <summary>Resolves members, reads the history and analyses every member (of <paramref name="familyScope"/> when given).</summary>
    private async Task<IReadOnlyList<CollectionAnalysis>> AnalyzeAsync(MigrationCatalog catalog, string? familyScope, CancellationToken cancellationToken)
    {
        var members = await _services.Resolver.ResolveAsync(_families, cancellationToken).ConfigureAwait(false);
        // A missing history collection reads as empty (QdrantHistoryStore treats NotFound on the first page so): no
        // separate exists round trip.
        var history = await _services.History.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        var counts = members.GroupBy(m => m.Family, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return [.. members
            .Where(m => familyScope is null || string.Equals(m.Family, familyScope, StringComparison.Ordinal))
            .OrderBy(m => m.Family, StringComparer.Ordinal)
            .ThenBy(m => m.PhysicalName, StringComparer.Ordinal)
            .Select(m => CollectionAnalysis.Create(m, catalog.Families[m.Family], history.GetValueOrDefault(m.PhysicalName) ?? [], counts[m.Family]))];
    }

    private RunContext RunContext(
        MigratorServices services, ServerInfo server, IQdrantSchemaLockHandle? handle, Snapshots.QdrantSnapshotManager? snapshots = null) => new()
    {
        Snapshots = snapshots,
        Client = _client,
        Services = services,
        Options = _options,
        Logger = _logger,
        Time = _time,
        Server = server,
        FencingToken = handle?.FencingToken,
        LockLost = handle?.HandleLostToken ?? CancellationToken.None,
        EnsureLockHeldAsync = handle is null ? null : handle.EnsureHeldAsync,
        Embedder = _options.ResolveEmbedder(),
    };

    /// <summary>
    /// The manager for pre-run snapshots: creation, listing and deletion are gRPC, so no REST address is required; the
    /// history collection is the migrator's, so the manager refuses to capture or restore it.
    /// </summary>
    private Snapshots.QdrantSnapshotManager CreateSnapshotManager()
    {
        var options = _options.Snapshots.Rest.Clone();
        options.HistoryCollection = _options.HistoryCollection;
        return new Snapshots.QdrantSnapshotManager(_client, options, _loggerFactory, _time, requireRestAddress: false);
    }

    /// <summary>Builds (once) and checks the migrations and families: every error here is raised before the server is contacted.</summary>
    private MigrationCatalog Catalog()
    {
        MigrationCatalog catalog;
        lock (_catalogLock)
        {
            catalog = _catalog ??= MigrationCatalog.Create(_migrations);
        }

        foreach (var (name, family) in catalog.Families)
        {
            if (!_families.Any(f => string.Equals(f.Name, name, StringComparison.Ordinal)))
            {
                var first = family.Migrations[0].Id;
                throw new QdrantMigrationDefinitionException(
                    $"Migration '{first}' targets family '{name}', but no CollectionFamily named '{name}' was given to the migrator. " +
                    $"Add new CollectionFamily(\"{name}\") with its collections, pattern or resolver, or fix the migration's Family.",
                    first,
                    operation: null);
            }
        }

        foreach (var family in _families)
        {
            if (!catalog.Families.ContainsKey(family.Name))
            {
                throw new QdrantMigrationDefinitionException(
                    $"Family '{family.Name}' has no migrations. Add a migration marked [Migration(\"yyyyMMddHHmmss_Name\", Family = \"{family.Name}\")] " +
                    "whose Up creates the collection, or remove the family.",
                    migrationId: null,
                    operation: null);
            }
        }

        return catalog;
    }
}
