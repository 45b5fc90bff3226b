using System.Text.Json;
using Google.Protobuf.Collections;
using Qdrant.Client.Grpc;

namespace QdrantSchema.Testing.Emulator.Rest;

/// <summary>
/// REST filters (<c>lib/segment/src/types.rs</c> <c>Filter</c>/<c>Condition</c> @ v1.19.0) to the proto
/// <see cref="Filter"/>. <c>Condition</c> is an untagged enum: a field condition (<c>key</c> plus one of
/// <c>match</c>/<c>range</c>/<c>geo_*</c>/<c>values_count</c>/<c>is_empty</c>/<c>is_null</c>), <c>is_empty</c>,
/// <c>is_null</c>, <c>has_id</c>, <c>has_vector</c>, <c>nested</c>, or a nested filter.
/// </summary>
internal static partial class RestJson
{
    public static Filter ReadFilter(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.InvalidType(element, "struct Filter");
        }

        var filter = new Filter();
        foreach (var property in element.EnumerateObject())
        {
            switch (property.Name)
            {
                case "must":
                    ReadConditions(property.Value, filter.Must);
                    break;
                case "should":
                    ReadConditions(property.Value, filter.Should);
                    break;
                case "must_not":
                    ReadConditions(property.Value, filter.MustNot);
                    break;
                case "min_should" when property.Value.ValueKind == JsonValueKind.Object:
                    var minShould = new MinShould();
                    if (property.Value.TryGetProperty("conditions", out var conditions))
                    {
                        ReadConditions(conditions, minShould.Conditions);
                    }

                    if (property.Value.TryGetProperty("min_count", out var minCount))
                    {
                        minShould.MinCount = minCount.GetUInt64();
                    }

                    filter.MinShould = minShould;
                    break;
                default:
                    break;
            }
        }

        return filter;
    }

    /// <summary><c>must</c>/<c>should</c>/<c>must_not</c> take a list of conditions or a single condition.</summary>
    private static void ReadConditions(JsonElement element, RepeatedField<Condition> target)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    target.Add(ReadCondition(item));
                }

                return;
            default:
                target.Add(ReadCondition(element));
                return;
        }
    }

    private static Condition ReadCondition(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum Condition");
        }

        if (element.TryGetProperty("key", out var key))
        {
            if (element.TryGetProperty("filter", out var nestedFilter) && !HasFieldConditionPart(element))
            {
                // {"key":..,"filter":..} is not a variant of its own; nested conditions are wrapped in "nested".
                return new Condition { Nested = new NestedCondition { Key = key.GetString() ?? string.Empty, Filter = ReadFilter(nestedFilter) } };
            }

            return new Condition { Field = ReadFieldCondition(element, key.GetString() ?? string.Empty) };
        }

        if (element.TryGetProperty("is_empty", out var isEmpty))
        {
            return new Condition { IsEmpty = new IsEmptyCondition { Key = RequiredKey(isEmpty) } };
        }

        if (element.TryGetProperty("is_null", out var isNull))
        {
            return new Condition { IsNull = new IsNullCondition { Key = RequiredKey(isNull) } };
        }

        if (element.TryGetProperty("has_id", out var hasId))
        {
            var condition = new HasIdCondition();
            if (hasId.ValueKind != JsonValueKind.Array)
            {
                throw RestRequestException.InvalidType(hasId, "a sequence");
            }

            foreach (var id in hasId.EnumerateArray())
            {
                condition.HasId.Add(ReadPointId(id));
            }

            return new Condition { HasId = condition };
        }

        if (element.TryGetProperty("has_vector", out var hasVector))
        {
            return new Condition { HasVector = new HasVectorCondition { HasVector = hasVector.GetString() ?? string.Empty } };
        }

        if (element.TryGetProperty("nested", out var nested))
        {
            return new Condition
            {
                Nested = new NestedCondition
                {
                    Key = RequiredKey(nested),
                    Filter = nested.TryGetProperty("filter", out var inner) ? ReadFilter(inner) : throw RestRequestException.MissingField("filter"),
                },
            };
        }

        if (element.TryGetProperty("must", out _) || element.TryGetProperty("should", out _) ||
            element.TryGetProperty("must_not", out _) || element.TryGetProperty("min_should", out _))
        {
            return new Condition { Filter = ReadFilter(element) };
        }

        // An empty object deserializes as an empty Filter in serde's untagged enum (all Filter fields are optional).
        return new Condition { Filter = ReadFilter(element) };
    }

    private static bool HasFieldConditionPart(JsonElement element) =>
        element.TryGetProperty("match", out _) || element.TryGetProperty("range", out _) ||
        element.TryGetProperty("geo_bounding_box", out _) || element.TryGetProperty("geo_radius", out _) ||
        element.TryGetProperty("geo_polygon", out _) || element.TryGetProperty("values_count", out _) ||
        element.TryGetProperty("is_empty", out _) || element.TryGetProperty("is_null", out _);

    private static string RequiredKey(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("key", out var key) && key.ValueKind == JsonValueKind.String
            ? key.GetString()!
            : throw RestRequestException.MissingField("key");

    private static FieldCondition ReadFieldCondition(JsonElement element, string key)
    {
        var condition = new FieldCondition { Key = key };
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            switch (property.Name)
            {
                case "match":
                    condition.Match = ReadMatch(value);
                    break;
                case "range":
                    ReadRange(value, condition);
                    break;
                case "values_count":
                    condition.ValuesCount = RestProtoJson.Read<ValuesCount>(value);
                    break;
                case "geo_bounding_box":
                    condition.GeoBoundingBox = RestProtoJson.Read<GeoBoundingBox>(value);
                    break;
                case "geo_radius":
                    condition.GeoRadius = RestProtoJson.Read<GeoRadius>(value);
                    break;
                case "geo_polygon":
                    condition.GeoPolygon = RestProtoJson.Read<GeoPolygon>(value);
                    break;
                case "is_empty":
                    condition.IsEmpty = value.GetBoolean();
                    break;
                case "is_null":
                    condition.IsNull = value.GetBoolean();
                    break;
                default:
                    break;
            }
        }

        return condition;
    }

    private static Match ReadMatch(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum Match");
        }

        if (element.TryGetProperty("value", out var value))
        {
            return value.ValueKind switch
            {
                JsonValueKind.String => new Match { Keyword = value.GetString()! },
                JsonValueKind.True => new Match { Boolean = true },
                JsonValueKind.False => new Match { Boolean = false },
                JsonValueKind.Number when value.TryGetInt64(out var integer) => new Match { Integer = integer },
                _ => throw RestRequestException.Format("data did not match any variant of untagged enum ValueVariants"),
            };
        }

        if (element.TryGetProperty("text", out var text))
        {
            return new Match { Text = text.GetString() ?? string.Empty };
        }

        if (element.TryGetProperty("text_any", out var textAny))
        {
            return new Match { TextAny = textAny.GetString() ?? string.Empty };
        }

        if (element.TryGetProperty("phrase", out var phrase))
        {
            return new Match { Phrase = phrase.GetString() ?? string.Empty };
        }

        if (element.TryGetProperty("prefix", out var prefix))
        {
            return new Match { Prefix = prefix.GetString() ?? string.Empty };
        }

        if (element.TryGetProperty("any", out var any))
        {
            return ReadAnyVariants(any, except: false);
        }

        if (element.TryGetProperty("except", out var except))
        {
            return ReadAnyVariants(except, except: true);
        }

        throw RestRequestException.Format("data did not match any variant of untagged enum Match");
    }

    /// <summary><c>any</c>/<c>except</c>: a list of strings or a list of integers (an empty list counts as strings).</summary>
    private static Match ReadAnyVariants(JsonElement list, bool except)
    {
        if (list.ValueKind != JsonValueKind.Array)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum AnyVariants");
        }

        var allIntegers = list.GetArrayLength() > 0;
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out _))
            {
                allIntegers = false;
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw RestRequestException.Format("data did not match any variant of untagged enum AnyVariants");
                }
            }
        }

        if (allIntegers)
        {
            var integers = new RepeatedIntegers();
            foreach (var item in list.EnumerateArray())
            {
                integers.Integers.Add(item.GetInt64());
            }

            return except ? new Match { ExceptIntegers = integers } : new Match { Integers = integers };
        }

        var strings = new RepeatedStrings();
        foreach (var item in list.EnumerateArray())
        {
            strings.Strings.Add(item.ValueKind == JsonValueKind.String
                ? item.GetString()!
                : throw RestRequestException.Format("data did not match any variant of untagged enum AnyVariants"));
        }

        return except ? new Match { ExceptKeywords = strings } : new Match { Keywords = strings };
    }

    /// <summary><c>range</c> is <c>RangeInterface</c>: numbers make a float range, strings a datetime range.</summary>
    private static void ReadRange(JsonElement element, FieldCondition condition)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw RestRequestException.Format("data did not match any variant of untagged enum RangeInterface");
        }

        var isDatetime = false;
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.String)
            {
                isDatetime = true;
            }
        }

        if (isDatetime)
        {
            var range = new DatetimeRange();
            foreach (var property in element.EnumerateObject())
            {
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                var timestamp = ReadDatetime(property.Value);
                switch (property.Name)
                {
                    case "lt": range.Lt = timestamp; break;
                    case "gt": range.Gt = timestamp; break;
                    case "lte": range.Lte = timestamp; break;
                    case "gte": range.Gte = timestamp; break;
                    default: break;
                }
            }

            condition.DatetimeRange = range;
            return;
        }

        condition.Range = RestProtoJson.Read<Qdrant.Client.Grpc.Range>(element);
    }
}
