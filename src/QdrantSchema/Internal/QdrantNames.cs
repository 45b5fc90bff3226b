using System.Buffers;
using System.Text;

namespace QdrantSchema.Internal;

/// <summary>
/// Qdrant's name rules (QDRANT.md §3.1, from lib/common/common/src/validation.rs and lib/api/build.rs):
/// collection and alias names 1..255 characters, vector names at most 200 UTF-8 bytes, neither may contain
/// <c>&lt; &gt; : " / \ | ? * \0 \x1F</c>.
/// </summary>
internal static class QdrantNames
{
    public const int MaxCollectionNameLength = 255;
    public const int MaxVectorNameBytes = 200;
    public const ulong MaxVectorSize = 65536;

    private static readonly SearchValues<char> Forbidden = SearchValues.Create("<>:\"/\\|?*\0\u001f");

    /// <summary>The first forbidden character in <paramref name="name"/>, shown readably, or null.</summary>
    public static string? ForbiddenCharacter(string name)
    {
        var index = name.AsSpan().IndexOfAny(Forbidden);
        if (index < 0)
        {
            return null;
        }

        return name[index] switch
        {
            '\0' => "\\0",
            '\u001f' => "\\x1F",
            var c => c.ToString(),
        };
    }

    /// <summary>Why <paramref name="name"/> is not a valid collection or alias name, or null when it is.</summary>
    public static string? CollectionNameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "the name is empty";
        }

        if (name.Length > MaxCollectionNameLength)
        {
            return $"the name is {name.Length} characters long; Qdrant allows at most {MaxCollectionNameLength}";
        }

        var forbidden = ForbiddenCharacter(name);
        return forbidden is null ? null : $"the name contains the character \"{forbidden}\", which Qdrant forbids";
    }

    /// <summary>Why <paramref name="name"/> is not a valid vector name, or null when it is.</summary>
    public static string? VectorNameProblem(string name, bool sparse)
    {
        if (sparse && name.Length == 0)
        {
            return "a sparse vector name cannot be empty";
        }

        var bytes = Encoding.UTF8.GetByteCount(name);
        if (bytes > MaxVectorNameBytes)
        {
            return $"the name is {bytes} bytes long; Qdrant allows at most {MaxVectorNameBytes}";
        }

        var forbidden = ForbiddenCharacter(name);
        return forbidden is null ? null : $"the name contains the character \"{forbidden}\", which Qdrant forbids";
    }
}
