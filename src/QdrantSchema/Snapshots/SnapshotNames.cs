using QdrantSchema.Internal;

namespace QdrantSchema.Snapshots;

/// <summary>
/// Snapshot names, from the server or the user, must be plain file names, so that nothing can escape the download
/// directory (or address another file on the server): no path separators of any platform, no <c>.</c> or <c>..</c>,
/// no rooted or drive-qualified paths, no control characters. Qdrant's own names
/// (<c>{collection}-{peer_id}-{YYYY-MM-DD-HH-MM-SS}.snapshot</c>, QDRANT.md §8.2) always pass.
/// </summary>
internal static class SnapshotNames
{
    /// <summary>The longest file name common file systems accept (bytes or UTF-16 units; 255 either way).</summary>
    public const int MaxLength = 255;

    /// <summary>Why <paramref name="name"/> is not a plain file name, or null when it is.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the name is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"the name is {name.Length} characters long; at most {MaxLength} are allowed";
        }

        if (name.AsSpan().Trim().Trim('.').IsEmpty)
        {
            // ".", "..", and names Windows would trim to them ("... ", " ..").
            return "the name is a relative directory reference ('.' or '..')";
        }

        foreach (var c in name)
        {
            if (c is '/' or '\\')
            {
                return "the name contains a path separator";
            }

            if (char.IsControl(c))
            {
                return "the name contains a control character";
            }
        }

        if (name.Contains(':', StringComparison.Ordinal))
        {
            // A drive letter or an NTFS alternate data stream ("C:x", "a:stream").
            return "the name contains ':' (a drive or stream reference)";
        }

        // ".." inside a name ("a..b.snapshot") addresses nothing outside the directory once separators are refused, and
        // collection names may contain it, so only a name that IS a directory reference is refused (above).
        if (Path.IsPathRooted(name) || name.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            return "the name is not a plain file name";
        }

        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="name"/> is a plain file name.</summary>
    public static void Validate(string? name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (Problem(name) is { } problem)
        {
            throw new ArgumentException(
                $"The snapshot name '{Printable(name)}' is refused: {problem}. A snapshot name must be a plain file name " +
                "such as 'my-collection-1234-2024-07-22-08-31-55.snapshot', so it cannot address a file outside the snapshot directory.",
                paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="collection"/> is a valid Qdrant collection name.</summary>
    public static void ValidateCollection(string? collection, string paramName)
    {
        ArgumentNullException.ThrowIfNull(collection, paramName);
        if (QdrantNames.CollectionNameProblem(collection) is { } problem)
        {
            throw new ArgumentException($"The collection name '{Printable(collection)}' is not valid: {problem}.", paramName);
        }
    }

    /// <summary>The name with control characters shown as <c>\uXXXX</c>, so a message cannot be forged with them.</summary>
    public static string Printable(string name)
    {
        if (!name.Any(char.IsControl))
        {
            return name;
        }

        var text = new System.Text.StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            text.Append(char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString());
        }

        return text.ToString();
    }
}
