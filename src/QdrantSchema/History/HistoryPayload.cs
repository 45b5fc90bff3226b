using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.History;

/// <summary>
/// The payload layout of history points (snake_case keys). A record: <c>kind</c> = "migration", <c>collection</c>,
/// <c>family</c>, <c>migration_id</c>, <c>description</c>, <c>checksum</c>, <c>status</c>
/// (running / succeeded / failed / rolled_back), <c>step</c>, <c>cursor</c> (integer or UUID string; absent when null),
/// <c>points_processed</c>, <c>baseline</c>, <c>started_at</c> / <c>finished_at</c> (RFC 3339 UTC), <c>duration_seconds</c>
/// (informational, when finished), <c>error</c>, <c>host</c>, <c>process_id</c>, <c>library_version</c>,
/// <c>fencing_token</c>, <c>direction</c> ("up" or "down"; absent means up) and <c>rollback_target</c> (a rollback's
/// target migration id; absent otherwise), and for the record a pre-run snapshot protects: <c>snapshot_name</c>,
/// <c>snapshot_checksum</c>, <c>snapshot_size</c> and <c>snapshot_aliases</c> (a list of alias names; absent when no
/// snapshot was taken); for a snapshot restore (FailurePolicy RestoreSnapshot): <c>restore_state</c> ("restoring",
/// "recovered" or "restored"), <c>restored_from_snapshot</c>, and while it runs <c>restore_checksum</c>,
/// <c>restore_aliases</c>, <c>restore_file</c>, <c>restore_version</c>, <c>restore_undo</c> (migration ids) and
/// <c>restore_prior</c> (a list of the reset records' pre-run payloads). A redo page: <c>kind</c> = "redo", <c>collection</c>, <c>migration_id</c>, <c>step</c>,
/// <c>overwrites_payload</c>, <c>next_cursor</c> and <c>points_processed</c> (absent when null) and <c>points</c>: a list of base64 strings, each the
/// protobuf bytes of one <see cref="PointStruct"/>.
/// </summary>
/// <remarks>Reading is defensive: a damaged point fails with a message naming the history collection, the point and the repair.</remarks>
internal static class HistoryPayload
{
    public const string Kind = "kind";
    public const string KindMigration = "migration";
    public const string KindRedo = "redo";
    public const string Collection = "collection";
    public const string Family = "family";
    public const string MigrationId = "migration_id";
    public const string Description = "description";
    public const string Checksum = "checksum";
    public const string Status = "status";
    public const string Step = "step";
    public const string Cursor = "cursor";
    public const string PointsProcessed = "points_processed";
    public const string Baseline = "baseline";
    public const string StartedAt = "started_at";
    public const string FinishedAt = "finished_at";
    public const string DurationSeconds = "duration_seconds";
    public const string Error = "error";
    public const string Host = "host";
    public const string ProcessId = "process_id";
    public const string LibraryVersion = "library_version";
    public const string FencingToken = "fencing_token";
    public const string OverwritesPayload = "overwrites_payload";
    public const string NextCursor = "next_cursor";
    public const string Points = "points";
    public const string Direction = "direction";
    public const string DirectionUp = "up";
    public const string DirectionDown = "down";
    public const string RollbackTarget = "rollback_target";
    public const string SnapshotName = "snapshot_name";
    public const string SnapshotChecksum = "snapshot_checksum";
    public const string SnapshotSize = "snapshot_size";
    public const string SnapshotAliases = "snapshot_aliases";
    public const string RestoreState = "restore_state";
    public const string RestoredFromSnapshot = "restored_from_snapshot";
    public const string RestoreChecksum = "restore_checksum";
    public const string RestoreAliases = "restore_aliases";
    public const string RestoreFile = "restore_file";
    public const string RestoreVersion = "restore_version";
    public const string RestoreUndo = "restore_undo";
    public const string RestorePrior = "restore_prior";

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'";

    public static string FormatStatus(MigrationStatus status) => status switch
    {
        MigrationStatus.Running => "running",
        MigrationStatus.Succeeded => "succeeded",
        MigrationStatus.Failed => "failed",
        MigrationStatus.RolledBack => "rolled_back",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown migration status."),
    };

    public static bool TryParseStatus(string text, out MigrationStatus status)
    {
        switch (text)
        {
            case "running":
                status = MigrationStatus.Running;
                return true;
            case "succeeded":
                status = MigrationStatus.Succeeded;
                return true;
            case "failed":
                status = MigrationStatus.Failed;
                return true;
            case "rolled_back":
                status = MigrationStatus.RolledBack;
                return true;
            default:
                status = default;
                return false;
        }
    }

    /// <summary>RFC 3339 in UTC with up to 7 fractional digits (round-trips a <see cref="DateTimeOffset"/> exactly).</summary>
    public static string FormatTimestamp(DateTimeOffset value)
        => value.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture);

    public static void WriteRecord(MigrationRecord record, MapField<string, Value> payload)
    {
        payload[Kind] = Text(KindMigration);
        payload[Collection] = Text(record.Collection);
        payload[Family] = Text(record.Family);
        payload[MigrationId] = Text(record.MigrationId);
        payload[Description] = Text(record.Description);
        payload[Checksum] = Text(record.Checksum);
        payload[Status] = Text(FormatStatus(record.Status));
        payload[Step] = Integer(record.Step);
        if (record.Cursor is { } cursor)
        {
            payload[Cursor] = FromPointId(cursor);
        }

        payload[PointsProcessed] = Integer(record.PointsProcessed);
        payload[Baseline] = new Value { BoolValue = record.Baseline };
        payload[StartedAt] = Text(FormatTimestamp(record.StartedAt));
        if (record.FinishedAt is { } finished)
        {
            payload[FinishedAt] = Text(FormatTimestamp(finished));
            payload[DurationSeconds] = new Value { DoubleValue = Math.Max(0, (finished - record.StartedAt).TotalSeconds) };
        }

        if (record.Error is { } error)
        {
            payload[Error] = Text(error);
        }

        payload[Host] = Text(record.Host);
        payload[ProcessId] = Integer(record.ProcessId);
        payload[LibraryVersion] = Text(record.LibraryVersion);
        if (record.FencingToken is { } token)
        {
            payload[FencingToken] = Integer(token);
        }

        // Absent means up, so records written before rollbacks existed read the same.
        if (record.Direction == MigrationDirection.Down)
        {
            payload[Direction] = Text(DirectionDown);
        }

        if (record.RollbackTarget is { } target)
        {
            payload[RollbackTarget] = Text(target);
        }

        if (record.SnapshotName is { } snapshot)
        {
            payload[SnapshotName] = Text(snapshot);
            if (record.SnapshotChecksum is { } snapshotChecksum)
            {
                payload[SnapshotChecksum] = Text(snapshotChecksum);
            }

            if (record.SnapshotSize is { } size)
            {
                payload[SnapshotSize] = Integer(size);
            }

            var aliases = new ListValue();
            foreach (var alias in record.SnapshotAliases ?? [])
            {
                aliases.Values.Add(Text(alias));
            }

            payload[SnapshotAliases] = new Value { ListValue = aliases };
        }

        if (record.Restore is { } restore)
        {
            WriteRestore(restore, payload);
        }
    }

    public static string FormatRestoreState(SnapshotRestoreState state) => state switch
    {
        SnapshotRestoreState.Restoring => "restoring",
        SnapshotRestoreState.Recovered => "recovered",
        SnapshotRestoreState.Restored => "restored",
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown restore state."),
    };

    private static void WriteRestore(SnapshotRestoreJournal restore, MapField<string, Value> payload)
    {
        payload[RestoreState] = Text(FormatRestoreState(restore.State));
        payload[RestoredFromSnapshot] = Text(restore.SnapshotName);
        if (restore.State == SnapshotRestoreState.Restored)
        {
            return;
        }

        if (restore.Checksum is { } checksum)
        {
            payload[RestoreChecksum] = Text(checksum);
        }

        payload[RestoreAliases] = TextList(restore.Aliases);
        if (restore.File is { } file)
        {
            payload[RestoreFile] = Text(file);
        }

        if (restore.Version is { } version)
        {
            payload[RestoreVersion] = Text(version);
        }

        payload[RestoreUndo] = TextList(restore.Undo);
        var prior = new ListValue();
        foreach (var record in restore.Prior)
        {
            var fields = new Struct();
            WriteRecord(record with { Restore = null }, fields.Fields);
            prior.Values.Add(new Value { StructValue = fields });
        }

        payload[RestorePrior] = new Value { ListValue = prior };
    }

    private static Value TextList(IEnumerable<string> values)
    {
        var list = new ListValue();
        foreach (var value in values)
        {
            list.Values.Add(Text(value));
        }

        return new Value { ListValue = list };
    }

    private static SnapshotRestoreJournal? ReadRestore(string historyCollection, MapField<string, Value> payload, Reader reader)
    {
        var stateText = reader.OptionalString(RestoreState);
        if (stateText is null)
        {
            return null;
        }

        var state = stateText switch
        {
            "restoring" => SnapshotRestoreState.Restoring,
            "recovered" => SnapshotRestoreState.Recovered,
            "restored" => SnapshotRestoreState.Restored,
            _ => throw reader.Damaged(
                $"field '{RestoreState}' is '{stateText}', which is not a known restore state (restoring, recovered, restored)",
                $"set '{RestoreState}' to 'restoring' to have the next migrate run finish the snapshot restore, or remove the restore_* fields"),
        };
        var prior = new List<MigrationRecord>();
        if (payload.TryGetValue(RestorePrior, out var priorValue) && priorValue.KindCase == Value.KindOneofCase.ListValue)
        {
            foreach (var item in priorValue.ListValue.Values)
            {
                if (item.KindCase != Value.KindOneofCase.StructValue)
                {
                    throw reader.Damaged($"field '{RestorePrior}' holds a value that is not a record", $"remove the field '{RestorePrior}'");
                }

                var fields = item.StructValue.Fields;
                var collection = fields.TryGetValue(Collection, out var c) ? c.StringValue : string.Empty;
                var migrationId = fields.TryGetValue(MigrationId, out var m) ? m.StringValue : string.Empty;
                prior.Add(ReadRecord(historyCollection, HistoryPointIds.Record(collection, migrationId), fields));
            }
        }

        return new SnapshotRestoreJournal
        {
            State = state,
            SnapshotName = reader.RequiredString(RestoredFromSnapshot),
            Checksum = reader.OptionalString(RestoreChecksum),
            Aliases = reader.OptionalStringList(RestoreAliases) ?? [],
            File = reader.OptionalString(RestoreFile),
            Version = reader.OptionalString(RestoreVersion),
            Undo = reader.OptionalStringList(RestoreUndo) ?? [],
            Prior = prior,
        };
    }

    public static MigrationRecord ReadRecord(string historyCollection, PointId id, MapField<string, Value> payload)
    {
        var reader = new Reader(historyCollection, id, payload, "history record");
        var collection = reader.RequiredString(Collection);
        var migrationId = reader.RequiredString(MigrationId);
        var statusText = reader.RequiredString(Status);
        if (!TryParseStatus(statusText, out var status))
        {
            throw reader.Damaged(
                $"field '{Status}' is '{statusText}', which is not a known status (running, succeeded, failed, rolled_back)",
                $"set '{Status}' to the migration's real state, or delete the point and baseline collection '{collection}' if migration '{migrationId}' was applied");
        }

        var expectedId = HistoryPointIds.Record(collection, migrationId);
        if (!expectedId.Equals(id))
        {
            throw reader.Damaged(
                $"it claims collection '{collection}' and migration '{migrationId}', whose record id is {Describe(expectedId)}",
                "delete the point (it was not written by QdrantSchema, or was copied), then run status again");
        }

        var step = reader.RequiredInteger(Step);
        if (step is < 0 or > int.MaxValue)
        {
            throw reader.Damaged($"field '{Step}' is {step}, which is not a step index", $"set '{Step}' to the index of the next operation to run");
        }

        var processId = reader.RequiredInteger(ProcessId);
        var directionText = reader.OptionalString(Direction);
        var direction = directionText switch
        {
            null or DirectionUp => MigrationDirection.Up,
            DirectionDown => MigrationDirection.Down,
            _ => throw reader.Damaged(
                $"field '{Direction}' is '{directionText}', which is not a known direction (up, down)",
                $"set '{Direction}' to 'down' if migration '{migrationId}' is being rolled back, else remove the field"),
        };
        return new MigrationRecord
        {
            Collection = collection,
            Family = reader.RequiredString(Family),
            MigrationId = migrationId,
            Description = reader.RequiredString(Description, allowEmpty: true),
            Checksum = reader.RequiredString(Checksum),
            Status = status,
            Step = (int)step,
            Cursor = reader.OptionalPointId(Cursor),
            PointsProcessed = reader.OptionalInteger(PointsProcessed) ?? 0,
            Baseline = reader.OptionalBool(Baseline) ?? false,
            StartedAt = reader.RequiredTimestamp(StartedAt),
            FinishedAt = reader.OptionalTimestamp(FinishedAt),
            Error = reader.OptionalString(Error),
            Host = reader.RequiredString(Host, allowEmpty: true),
            ProcessId = processId is < int.MinValue or > int.MaxValue ? 0 : (int)processId,
            LibraryVersion = reader.RequiredString(LibraryVersion, allowEmpty: true),
            FencingToken = reader.OptionalInteger(FencingToken),
            Direction = direction,
            RollbackTarget = reader.OptionalString(RollbackTarget),
            SnapshotName = reader.OptionalString(SnapshotName),
            SnapshotChecksum = reader.OptionalString(SnapshotChecksum),
            SnapshotSize = reader.OptionalInteger(SnapshotSize),
            SnapshotAliases = reader.OptionalStringList(SnapshotAliases),
            Restore = ReadRestore(historyCollection, payload, reader),
        };
    }

    public static void WriteRedoPage(RedoPage page, MapField<string, Value> payload)
    {
        payload[Kind] = Text(KindRedo);
        payload[Collection] = Text(page.Collection);
        payload[MigrationId] = Text(page.MigrationId);
        payload[Step] = Integer(page.Step);
        payload[OverwritesPayload] = new Value { BoolValue = page.OverwritesPayload };
        if (page.NextCursor is { } next)
        {
            payload[NextCursor] = FromPointId(next);
        }

        if (page.PointsProcessed is { } processed)
        {
            payload[PointsProcessed] = Integer(processed);
        }

        var list = new ListValue();
        foreach (var point in page.Points)
        {
            list.Values.Add(Text(Convert.ToBase64String(point.ToByteArray())));
        }

        payload[Points] = new Value { ListValue = list };
    }

    public static RedoPage ReadRedoPage(string historyCollection, PointId id, MapField<string, Value> payload)
    {
        var reader = new Reader(historyCollection, id, payload, "redo page");
        var kind = reader.RequiredString(Kind);
        if (kind != KindRedo)
        {
            throw reader.Damaged($"field '{Kind}' is '{kind}', expected '{KindRedo}'", "delete the point; the data step recomputes the page");
        }

        var step = reader.RequiredInteger(Step);
        if (!payload.TryGetValue(Points, out var list) || list.KindCase != Value.KindOneofCase.ListValue)
        {
            throw reader.Damaged($"field '{Points}' is missing or not a list", "delete the point; the data step recomputes the page");
        }

        var points = new List<PointStruct>(list.ListValue.Values.Count);
        foreach (var item in list.ListValue.Values)
        {
            try
            {
                points.Add(PointStruct.Parser.ParseFrom(Convert.FromBase64String(item.StringValue)));
            }
            catch (Exception e) when (e is FormatException or InvalidProtocolBufferException)
            {
                throw reader.Damaged(
                    $"an entry of '{Points}' is not a base64-encoded point ({e.Message})",
                    "delete the point; the data step recomputes the page",
                    e);
            }
        }

        return new RedoPage
        {
            Collection = reader.RequiredString(Collection),
            MigrationId = reader.RequiredString(MigrationId),
            Step = step is < 0 or > int.MaxValue ? throw reader.Damaged($"field '{Step}' is {step}", "delete the point") : (int)step,
            OverwritesPayload = reader.OptionalBool(OverwritesPayload) ?? false,
            NextCursor = reader.OptionalPointId(NextCursor),
            PointsProcessed = reader.OptionalInteger(PointsProcessed),
            Points = points,
        };
    }

    public static string Describe(PointId id) => id.PointIdOptionsCase switch
    {
        PointId.PointIdOptionsOneofCase.Num => id.Num.ToString(CultureInfo.InvariantCulture),
        PointId.PointIdOptionsOneofCase.Uuid => id.Uuid,
        _ => "(no id)",
    };

    private static Value Text(string value) => new() { StringValue = value };

    private static Value Integer(long value) => new() { IntegerValue = value };

    private static Value FromPointId(PointId id) => id.PointIdOptionsCase switch
    {
        // Payload integers are signed 64-bit; a larger id is kept as its decimal text.
        PointId.PointIdOptionsOneofCase.Num when id.Num <= long.MaxValue => new Value { IntegerValue = (long)id.Num },
        PointId.PointIdOptionsOneofCase.Num => Text(id.Num.ToString(CultureInfo.InvariantCulture)),
        PointId.PointIdOptionsOneofCase.Uuid => Text(id.Uuid),
        _ => throw new ArgumentException("The cursor point id has neither a number nor a UUID.", nameof(id)),
    };

    /// <summary>Reads typed fields, failing with a message that says which point is damaged and how to repair it.</summary>
    private sealed class Reader(string historyCollection, PointId id, MapField<string, Value> payload, string what)
    {
        public QdrantSchemaException Damaged(string problem, string repair, Exception? inner = null)
            => new(
                $"The {what} at point {Describe(id)} of the history collection '{historyCollection}' is damaged: {problem}. " +
                $"Repair it: {repair} (e.g. with Qdrant's set_payload or delete points API on '{historyCollection}'), then run again.",
                inner);

        private QdrantSchemaException Missing(string field, string expected)
            => Damaged(
                $"field '{field}' is missing or not {expected}",
                $"set '{field}' on the point, or delete the point and baseline the collection it describes");

        public string RequiredString(string field, bool allowEmpty = false)
        {
            if (payload.TryGetValue(field, out var value) && value.KindCase == Value.KindOneofCase.StringValue
                && (allowEmpty || value.StringValue.Length > 0))
            {
                return value.StringValue;
            }

            throw Missing(field, allowEmpty ? "a string" : "a non-empty string");
        }

        public string? OptionalString(string field)
        {
            if (!payload.TryGetValue(field, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
            {
                return null;
            }

            return value.KindCase == Value.KindOneofCase.StringValue ? value.StringValue : throw Missing(field, "a string");
        }

        public IReadOnlyList<string>? OptionalStringList(string field)
        {
            if (!payload.TryGetValue(field, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
            {
                return null;
            }

            if (value.KindCase != Value.KindOneofCase.ListValue
                || value.ListValue.Values.Any(v => v.KindCase != Value.KindOneofCase.StringValue))
            {
                throw Missing(field, "a list of strings");
            }

            return [.. value.ListValue.Values.Select(v => v.StringValue)];
        }

        public long RequiredInteger(string field)
            => OptionalInteger(field) ?? throw Missing(field, "an integer");

        public long? OptionalInteger(string field)
        {
            if (!payload.TryGetValue(field, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
            {
                return null;
            }

            return value.KindCase switch
            {
                Value.KindOneofCase.IntegerValue => value.IntegerValue,
                Value.KindOneofCase.DoubleValue when value.DoubleValue == Math.Floor(value.DoubleValue)
                                                     && Math.Abs(value.DoubleValue) < 9e15 => (long)value.DoubleValue,
                _ => throw Missing(field, "an integer"),
            };
        }

        public bool? OptionalBool(string field)
        {
            if (!payload.TryGetValue(field, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
            {
                return null;
            }

            return value.KindCase == Value.KindOneofCase.BoolValue ? value.BoolValue : throw Missing(field, "a boolean");
        }

        public DateTimeOffset RequiredTimestamp(string field)
            => OptionalTimestamp(field) ?? throw Missing(field, "an RFC 3339 timestamp");

        public DateTimeOffset? OptionalTimestamp(string field)
        {
            var text = OptionalString(field);
            if (text is null)
            {
                return null;
            }

            if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
            {
                return value;
            }

            throw Missing(field, "an RFC 3339 timestamp");
        }

        public PointId? OptionalPointId(string field)
        {
            if (!payload.TryGetValue(field, out var value) || value.KindCase is Value.KindOneofCase.NullValue or Value.KindOneofCase.None)
            {
                return null;
            }

            switch (value.KindCase)
            {
                case Value.KindOneofCase.IntegerValue when value.IntegerValue >= 0:
                    return new PointId { Num = (ulong)value.IntegerValue };
                case Value.KindOneofCase.StringValue when Guid.TryParse(value.StringValue, out var guid):
                    return new PointId { Uuid = HistoryPointIds.Format(guid) };
                case Value.KindOneofCase.StringValue when ulong.TryParse(value.StringValue, NumberStyles.None, CultureInfo.InvariantCulture, out var number):
                    return new PointId { Num = number };
                default:
                    throw Missing(field, "a point id (a non-negative integer or a UUID string)");
            }
        }
    }
}
