using System.Globalization;
using System.Text;

namespace QdrantSchema.Testing.Emulator.Engine.Collections;

/// <summary>
/// Collects request-validation failures the way Qdrant's gRPC layer reports them: <c>validate(request)</c> in
/// <c>src/tonic/api/mod.rs</c> labels every failing field (<c>lib/collection/src/operations/validation.rs</c>
/// <c>label_errors</c>/<c>describe_error</c>) and answers InvalidArgument
/// <c>Validation error in body: [field: message; field: message]</c>.
/// </summary>
internal sealed class RequestValidation
{
    private readonly List<string> _errors = [];

    public bool HasErrors => _errors.Count > 0;

    /// <summary>Throws the collected errors, if any, as one InvalidArgument.</summary>
    public void ThrowIfAny()
    {
        if (_errors.Count > 0)
        {
            throw EmulatorErrors.Validation(string.Join("; ", _errors));
        }
    }

    public void Add(string field, string message) => _errors.Add(field + ": " + message);

    /// <summary>The collected errors as Qdrant lists them inside the brackets.</summary>
    public string Describe() => string.Join("; ", _errors);

    /// <summary>
    /// <c>length(min = 1, max = 255)</c> plus <c>validate_collection_name</c> (strict, for create) or
    /// <c>validate_collection_name_legacy</c> (every other request: only <c>/</c> and NUL are rejected).
    /// Source: <c>lib/api/build.rs</c>, <c>lib/common/common/src/validation.rs</c>.
    /// </summary>
    public void CollectionName(string field, string value, bool strict)
    {
        Length(field, value, 1, 255);
        var forbidden = strict ? CollectionNames.ForbiddenChars : CollectionNames.LegacyForbiddenChars;
        foreach (var c in forbidden)
        {
            if (value.Contains(c, StringComparison.Ordinal))
            {
                Add(field, $"collection name cannot contain \"{c}\" char");
                break;
            }
        }
    }

    /// <summary><c>length(min, max)</c>: the validator counts characters (Unicode scalar values).</summary>
    public void Length(string field, string value, int min, int? max)
    {
        var count = 0;
        foreach (var _ in value.EnumerateRunes())
        {
            count++;
        }

        if (count >= min && (max is null || count <= max))
        {
            return;
        }

        var message = max is null
            ? $"must be at least {min} characters"
            : $"must be from {min} to {max} characters";
        Add(field, $"value {JsonString(value)} invalid, {message}");
    }

    public void Min(string field, ulong? value, ulong min)
    {
        if (value is { } v && v < min)
        {
            Add(field, $"value {v.ToString(CultureInfo.InvariantCulture)} invalid, must be {min.ToString(CultureInfo.InvariantCulture)} or larger");
        }
    }

    public void Range(string field, ulong? value, ulong min, ulong max)
    {
        if (value is { } v && (v < min || v > max))
        {
            Add(field, $"value {v.ToString(CultureInfo.InvariantCulture)} invalid, must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public void Range(string field, double? value, double min, double max)
    {
        if (value is { } v && (v < min || v > max || double.IsNaN(v)))
        {
            Add(field, $"value {JsonNumber(v)} invalid, must be from {JsonNumber(min)} to {JsonNumber(max)}");
        }
    }

    /// <summary>A number as serde_json prints it (<c>1.0</c>, <c>0.25</c>).</summary>
    public static string JsonNumber(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return double.IsFinite(value) && !text.Contains('.', StringComparison.Ordinal) && !text.Contains('E', StringComparison.Ordinal)
            ? text + ".0"
            : text;
    }

    /// <summary>A string as serde_json prints it: quoted, with <c>"</c>, <c>\</c> and control characters escaped.</summary>
    public static string JsonString(string value)
    {
        var builder = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}

/// <summary>Name rules shared by collections and vectors (<c>lib/common/common/src/validation.rs</c>).</summary>
internal static class CollectionNames
{
    /// <summary><c>INVALID_NAME_CHARS</c>, checked in this order (the first one found is reported).</summary>
    public static readonly char[] ForbiddenChars = ['<', '>', ':', '"', '/', '\\', '|', '?', '*', '\0', '\u001F'];

    /// <summary><c>validate_collection_name_legacy</c>: only characters invalid on every filesystem.</summary>
    public static readonly char[] LegacyForbiddenChars = ['/', '\0'];

    /// <summary>
    /// <c>validate_vector_name</c>: at most 200 bytes (UTF-8), then the forbidden characters. Returns the validator's
    /// message, or null when the name is fine. The empty name is allowed (it is the unnamed vector).
    /// </summary>
    public static string? VectorNameError(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) > 200)
        {
            return "vector name must be at most 200 bytes long";
        }

        foreach (var c in ForbiddenChars)
        {
            if (name.Contains(c, StringComparison.Ordinal))
            {
                return $"vector name cannot contain \"{c}\" char";
            }
        }

        return null;
    }
}
