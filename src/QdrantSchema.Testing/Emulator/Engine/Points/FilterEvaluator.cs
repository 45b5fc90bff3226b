using System.Globalization;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;
using QdrantSchema.Testing.Emulator.Storage;

namespace QdrantSchema.Testing.Emulator.Engine.Points;

/// <summary>
/// Evaluates a <see cref="Filter"/> against stored points the way Qdrant checks a payload without indexes
/// (<c>lib/segment/src/payload_storage/query_checker.rs</c> and <c>condition_checker.rs</c> @ v1.19.0):
/// <list type="bullet">
/// <item><c>should</c> (any, when non-empty), <c>min_should</c> (at least <c>min_count</c>), <c>must</c> (all),
/// <c>must_not</c> (none) must all hold.</item>
/// <item>A field condition takes every value at the key path (arrays at the end stay one value); no value at all gives
/// the condition's "empty" answer (<c>FieldCondition::check_empty</c>), otherwise the condition holds when any value
/// passes, and an array value passes when any element matches.</item>
/// <item>Conditions on fields without an index are allowed (no strict mode).</item>
/// </list>
/// Payloads are decoded at most once per point.
/// </summary>
internal sealed class FilterEvaluator
{
    private readonly Filter? _filter;
    private readonly PointStore _points;
    private readonly Dictionary<string, PayloadPath> _paths = new(StringComparer.Ordinal);
    private readonly Dictionary<HasIdCondition, HashSet<PointKey>> _idSets = new(ReferenceEqualityComparer.Instance);
    private int _slot;
    private MapField<string, Value>? _payload;

    public FilterEvaluator(Filter? filter, PointStore points)
    {
        _filter = IsEmpty(filter) ? null : filter;
        _points = points;
    }

    /// <summary>True when there is nothing to check (every point matches).</summary>
    public bool MatchesAll => _filter is null;

    public bool Matches(int slot)
    {
        if (_filter is null)
        {
            return true;
        }

        _slot = slot;
        _payload = null;
        return Check(_filter, null);
    }

    /// <summary>Checks the filter against a point whose payload the caller already decoded.</summary>
    public bool Matches(int slot, MapField<string, Value> payload)
    {
        if (_filter is null)
        {
            return true;
        }

        _slot = slot;
        _payload = payload;
        return Check(_filter, null);
    }

    private static bool IsEmpty(Filter? filter) =>
        filter is null || (filter.Must.Count == 0 && filter.Should.Count == 0 && filter.MustNot.Count == 0 && filter.MinShould is null);

    private MapField<string, Value> Payload => _payload ??= _points.GetPayload(_slot);

    /// <param name="filter">The filter.</param>
    /// <param name="nested">The object a nested condition runs on; null at the top level.</param>
    private bool Check(Filter filter, MapField<string, Value>? nested)
    {
        if (filter.Should.Count > 0)
        {
            var any = false;
            foreach (var condition in filter.Should)
            {
                if (CheckCondition(condition, nested))
                {
                    any = true;
                    break;
                }
            }

            if (!any)
            {
                return false;
            }
        }

        if (filter.MinShould is { } minShould)
        {
            ulong matched = 0;
            foreach (var condition in minShould.Conditions)
            {
                if (matched >= minShould.MinCount)
                {
                    break;
                }

                if (CheckCondition(condition, nested))
                {
                    matched++;
                }
            }

            if (matched < minShould.MinCount)
            {
                return false;
            }
        }

        foreach (var condition in filter.Must)
        {
            if (!CheckCondition(condition, nested))
            {
                return false;
            }
        }

        foreach (var condition in filter.MustNot)
        {
            if (CheckCondition(condition, nested))
            {
                return false;
            }
        }

        return true;
    }

    private bool CheckCondition(Condition condition, MapField<string, Value>? nested)
    {
        switch (condition.ConditionOneOfCase)
        {
            case Condition.ConditionOneOfOneofCase.Field:
                return CheckField(condition.Field, nested ?? Payload);
            case Condition.ConditionOneOfOneofCase.IsEmpty:
                // utils.rs::check_is_empty: every value is null or [] (true when there is no value).
                foreach (var value in Path(condition.IsEmpty.Key).Select(nested ?? Payload))
                {
                    if (!(value.KindCase == Value.KindOneofCase.NullValue
                        || (value.KindCase == Value.KindOneofCase.ListValue && value.ListValue.Values.Count == 0)))
                    {
                        return false;
                    }
                }

                return true;
            case Condition.ConditionOneOfOneofCase.IsNull:
                // utils.rs::check_is_null: any value is null.
                foreach (var value in Path(condition.IsNull.Key).Select(nested ?? Payload))
                {
                    if (value.KindCase == Value.KindOneofCase.NullValue)
                    {
                        return true;
                    }
                }

                return false;
            case Condition.ConditionOneOfOneofCase.HasId:
                // Nested conditions do not support has_id (query_checker.rs passes no id tracker).
                return nested is null && IdSet(condition.HasId).Contains(_points.GetId(_slot));
            case Condition.ConditionOneOfOneofCase.HasVector:
                return nested is null
                    && _points.Vectors.TryGetValue(condition.HasVector.HasVector, out var column)
                    && column.Has(_slot);
            case Condition.ConditionOneOfOneofCase.Filter:
                return Check(condition.Filter, nested);
            case Condition.ConditionOneOfOneofCase.Nested:
                return CheckNested(condition.Nested, nested ?? Payload);
            case Condition.ConditionOneOfOneofCase.Slice:
                throw EmulatorErrors.Unimplemented("The slice filter condition");
            default:
                return false;
        }
    }

    private bool CheckNested(NestedCondition condition, MapField<string, Value> payload)
    {
        // The nested key is read as `key[]`: each object element is checked as a whole (query_checker.rs).
        var path = Path(condition.Key + "[]");
        foreach (var value in path.Select(payload))
        {
            if (value.KindCase == Value.KindOneofCase.StructValue
                && Check(condition.Filter ?? new Filter(), value.StructValue.Fields))
            {
                return true;
            }
        }

        return false;
    }

    private bool CheckField(FieldCondition condition, MapField<string, Value> payload)
    {
        var values = Path(condition.Key).Select(payload);
        if (values.Count == 0)
        {
            // FieldCondition::check_empty
            if (condition.ValuesCount is { } count)
            {
                return CheckCount(count, 0);
            }

            if (condition.HasIsEmpty)
            {
                return condition.IsEmpty;
            }

            if (condition.HasIsNull)
            {
                return !condition.IsNull;
            }

            return false;
        }

        foreach (var value in values)
        {
            if (CheckFieldValue(condition, value))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary><c>impl ValueChecker for FieldCondition::check</c>.</summary>
    private static bool CheckFieldValue(FieldCondition condition, Value value)
    {
        if (condition.ValuesCount is { } count)
        {
            var n = value.KindCase switch
            {
                Value.KindOneofCase.NullValue => 0,
                Value.KindOneofCase.ListValue => value.ListValue.Values.Count,
                _ => 1,
            };
            return CheckCount(count, (ulong)n);
        }

        if (condition.HasIsEmpty)
        {
            return value.KindCase switch
            {
                Value.KindOneofCase.NullValue => condition.IsEmpty,
                Value.KindOneofCase.ListValue => (value.ListValue.Values.Count == 0) == condition.IsEmpty,
                _ => !condition.IsEmpty,
            };
        }

        if (condition.HasIsNull)
        {
            if (value.KindCase == Value.KindOneofCase.NullValue)
            {
                return condition.IsNull;
            }

            if (value.KindCase == Value.KindOneofCase.ListValue)
            {
                var anyNull = false;
                foreach (var element in value.ListValue.Values)
                {
                    anyNull |= element.KindCase == Value.KindOneofCase.NullValue;
                }

                return anyNull == condition.IsNull;
            }

            return !condition.IsNull;
        }

        if (value.KindCase == Value.KindOneofCase.ListValue)
        {
            foreach (var element in value.ListValue.Values)
            {
                if (CheckMatch(condition, element))
                {
                    return true;
                }
            }

            return false;
        }

        return CheckMatch(condition, value);
    }

    /// <summary><c>impl ValueChecker for FieldCondition::check_match</c>: the given parts are OR-ed.</summary>
    private static bool CheckMatch(FieldCondition condition, Value value) =>
        (condition.Match is { } match && MatchValue(match, value))
        || (condition.Range is { } range && RangeValue(range, value))
        || (condition.DatetimeRange is { } datetimeRange && DatetimeValue(datetimeRange, value))
        || (condition.GeoBoundingBox is { } box && GeoCheck.InBox(box, value))
        || (condition.GeoRadius is { } radius && GeoCheck.InRadius(radius, value))
        || (condition.GeoPolygon is { } polygon && GeoCheck.InPolygon(polygon, value));

    /// <summary><c>impl ValueChecker for Match</c> (condition_checker.rs). Text matches are substring checks without a full-text index.</summary>
    private static bool MatchValue(Match match, Value value)
    {
        var kind = value.KindCase;
        switch (match.MatchValueCase)
        {
            case Match.MatchValueOneofCase.Keyword:
                return kind == Value.KindOneofCase.StringValue && value.StringValue == match.Keyword;
            case Match.MatchValueOneofCase.Integer:
                // serde_json's as_i64 is None for numbers stored as floats, so only integer values match.
                return kind == Value.KindOneofCase.IntegerValue && value.IntegerValue == match.Integer;
            case Match.MatchValueOneofCase.Boolean:
                return kind == Value.KindOneofCase.BoolValue && value.BoolValue == match.Boolean;
            case Match.MatchValueOneofCase.Text:
                return kind == Value.KindOneofCase.StringValue && value.StringValue.Contains(match.Text, StringComparison.Ordinal);
            case Match.MatchValueOneofCase.Phrase:
                return kind == Value.KindOneofCase.StringValue && value.StringValue.Contains(match.Phrase, StringComparison.Ordinal);
            case Match.MatchValueOneofCase.Substring:
                return kind == Value.KindOneofCase.StringValue && value.StringValue.Contains(match.Substring, StringComparison.Ordinal);
            case Match.MatchValueOneofCase.TextAny:
                if (kind != Value.KindOneofCase.StringValue)
                {
                    return false;
                }

                foreach (var token in match.TextAny.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                {
                    if (value.StringValue.Contains(token, StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            case Match.MatchValueOneofCase.Prefix:
                return kind == Value.KindOneofCase.StringValue && value.StringValue.StartsWith(match.Prefix, StringComparison.Ordinal);
            case Match.MatchValueOneofCase.Keywords:
                return kind == Value.KindOneofCase.StringValue && match.Keywords.Strings.Contains(value.StringValue);
            case Match.MatchValueOneofCase.Integers:
                return kind == Value.KindOneofCase.IntegerValue && match.Integers.Integers.Contains(value.IntegerValue);
            case Match.MatchValueOneofCase.ExceptKeywords:
                return kind switch
                {
                    Value.KindOneofCase.StringValue => !match.ExceptKeywords.Strings.Contains(value.StringValue),
                    Value.KindOneofCase.NullValue => false,
                    _ => true,
                };
            case Match.MatchValueOneofCase.ExceptIntegers:
                return kind switch
                {
                    Value.KindOneofCase.IntegerValue => !match.ExceptIntegers.Integers.Contains(value.IntegerValue),
                    Value.KindOneofCase.NullValue => false,
                    _ => true,
                };
            default:
                return false;
        }
    }

    private static bool RangeValue(Qdrant.Client.Grpc.Range range, Value value)
    {
        double number;
        if (value.KindCase == Value.KindOneofCase.IntegerValue)
        {
            number = value.IntegerValue;
        }
        else if (value.KindCase == Value.KindOneofCase.DoubleValue)
        {
            number = value.DoubleValue;
        }
        else
        {
            return false;
        }

        return (!range.HasLt || number < range.Lt)
            && (!range.HasGt || number > range.Gt)
            && (!range.HasGte || number >= range.Gte)
            && (!range.HasLte || number <= range.Lte);
    }

    private static bool DatetimeValue(DatetimeRange range, Value value)
    {
        if (value.KindCase != Value.KindOneofCase.StringValue || !TryParseDatetime(value.StringValue, out var instant))
        {
            return false;
        }

        return (range.Lt is null || instant < range.Lt.ToDateTimeOffset())
            && (range.Gt is null || instant > range.Gt.ToDateTimeOffset())
            && (range.Gte is null || instant >= range.Gte.ToDateTimeOffset())
            && (range.Lte is null || instant <= range.Lte.ToDateTimeOffset());
    }

    /// <summary>
    /// Parses a payload datetime as Qdrant's <c>DateTimePayloadType::from_str</c> accepts it: RFC 3339 with or without an
    /// offset (no offset means UTC), a space instead of <c>T</c>, or a bare date.
    /// </summary>
    public static bool TryParseDatetime(string text, out DateTimeOffset instant) =>
        DateTimeOffset.TryParse(
            text,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
            out instant);

    private static bool CheckCount(ValuesCount count, ulong n) =>
        (!count.HasLt || n < count.Lt)
        && (!count.HasGt || n > count.Gt)
        && (!count.HasGte || n >= count.Gte)
        && (!count.HasLte || n <= count.Lte);

    private PayloadPath Path(string key)
    {
        if (!_paths.TryGetValue(key, out var path))
        {
            path = PayloadPath.Parse(key);
            _paths[key] = path;
        }

        return path;
    }

    private HashSet<PointKey> IdSet(HasIdCondition condition)
    {
        if (!_idSets.TryGetValue(condition, out var set))
        {
            set = [];
            foreach (var id in condition.HasId)
            {
                set.Add(PointKey.FromProto(id));
            }

            _idSets[condition] = set;
        }

        return set;
    }
}

/// <summary>Geo conditions on payload objects <c>{"lon":..,"lat":..}</c> (condition_checker.rs, <c>lib/segment/src/types.rs</c>).</summary>
internal static class GeoCheck
{
    private const double EarthRadiusMeters = 6_371_008.8;

    public static bool InBox(GeoBoundingBox box, Value value)
    {
        if (!TryPoint(value, out var lon, out var lat))
        {
            return false;
        }

        var left = box.TopLeft.Lon;
        var right = box.BottomRight.Lon;
        var lonOk = left <= right ? lon >= left && lon <= right : lon >= left || lon <= right; // crossing the antimeridian
        return lonOk && lat <= box.TopLeft.Lat && lat >= box.BottomRight.Lat;
    }

    public static bool InRadius(GeoRadius radius, Value value) =>
        TryPoint(value, out var lon, out var lat) && Haversine(radius.Center.Lon, radius.Center.Lat, lon, lat) < radius.Radius;

    public static bool InPolygon(GeoPolygon polygon, Value value)
    {
        if (!TryPoint(value, out var lon, out var lat) || polygon.Exterior is null || !InRing(polygon.Exterior, lon, lat))
        {
            return false;
        }

        foreach (var interior in polygon.Interiors)
        {
            if (InRing(interior, lon, lat))
            {
                return false;
            }
        }

        return true;
    }

    private static bool InRing(GeoLineString ring, double lon, double lat)
    {
        var inside = false;
        var points = ring.Points;
        for (int i = 0, j = points.Count - 1; i < points.Count; j = i++)
        {
            var (xi, yi, xj, yj) = (points[i].Lon, points[i].Lat, points[j].Lon, points[j].Lat);
            if ((yi > lat) != (yj > lat) && lon < ((xj - xi) * (lat - yi) / (yj - yi)) + xi)
            {
                inside = !inside;
            }
        }

        return inside;
    }

    private static double Haversine(double lon1, double lat1, double lon2, double lat2)
    {
        static double Rad(double d) => d * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }

    private static bool TryPoint(Value value, out double lon, out double lat)
    {
        lon = lat = 0;
        return value.KindCase == Value.KindOneofCase.StructValue
            && TryNumber(value.StructValue.Fields, "lon", out lon)
            && TryNumber(value.StructValue.Fields, "lat", out lat);
    }

    private static bool TryNumber(MapField<string, Value> fields, string key, out double number)
    {
        number = 0;
        if (!fields.TryGetValue(key, out var v))
        {
            return false;
        }

        number = v.KindCase switch
        {
            Value.KindOneofCase.DoubleValue => v.DoubleValue,
            Value.KindOneofCase.IntegerValue => v.IntegerValue,
            _ => double.NaN,
        };
        return !double.IsNaN(number);
    }
}
