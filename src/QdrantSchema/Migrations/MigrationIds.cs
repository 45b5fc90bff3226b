using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using QdrantSchema.Internal;

namespace QdrantSchema.Migrations;

/// <summary>Parsing and validation of migration ids (<c>yyyyMMddHHmmss_Name</c>) and family names.</summary>
internal static partial class MigrationIds
{
    [GeneratedRegex(@"^(?<stamp>[0-9]{14})_(?<name>[A-Za-z_][A-Za-z0-9_]*)$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>Validates the attribute of <paramref name="type"/> and returns (id, name part, family).</summary>
    public static (string Id, string Name, string Family) Read(Type type)
    {
        var attribute = (MigrationAttribute?)Attribute.GetCustomAttribute(type, typeof(MigrationAttribute), inherit: false);
        if (attribute is null)
        {
            throw new QdrantMigrationDefinitionException(
                $"Migration class '{type.FullName}' has no [Migration(\"yyyyMMddHHmmss_Name\")] attribute. " +
                "Add one with a unique id, for example [Migration(\"20261125120000_CreateMemories\")].",
                migrationId: null,
                operation: null);
        }

        var id = attribute.Id ?? string.Empty;
        var match = IdPattern().Match(id);
        if (!match.Success
            || !DateTime.TryParseExact(
                match.Groups["stamp"].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            throw new QdrantMigrationDefinitionException(
                $"Migration class '{type.FullName}' has the id '{id}', which is not of the form yyyyMMddHHmmss_Name " +
                "(a valid 14-digit UTC timestamp, an underscore and an identifier). " +
                "Use for example [Migration(\"20261125120000_CreateMemories\")].",
                id,
                operation: null);
        }

        var family = attribute.Family ?? string.Empty;
        var problem = QdrantNames.CollectionNameProblem(family);
        if (problem is not null)
        {
            throw new QdrantMigrationDefinitionException(
                $"Migration '{id}' (class '{type.FullName}') names the family '{family}', which is not valid: {problem}. " +
                "Use a name made of letters, digits, '_' and '-'.",
                id,
                operation: null);
        }

        return (id, match.Groups["name"].Value, family);
    }

    /// <summary>"CreateMemories" → "Create memories"; "AddHNSWConfig" → "Add HNSW config"; "add_indexes" → "Add indexes".</summary>
    public static string Describe(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (c == '_')
            {
                Flush();
                continue;
            }

            if (current.Length > 0 && BoundaryBefore(name, i))
            {
                Flush();
            }

            current.Append(c);
        }

        Flush();
        for (var i = 0; i < words.Count; i++)
        {
            var word = words[i];
            var acronym = word.Length > 1 && word.All(ch => !char.IsLetter(ch) || char.IsUpper(ch));
            if (acronym)
            {
                continue;
            }

            words[i] = i == 0
                ? char.ToUpperInvariant(word[0]) + word[1..]
                : word.ToLowerInvariant();
        }

        return string.Join(' ', words);

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }

    private static bool BoundaryBefore(string s, int i)
    {
        var c = s[i];
        var previous = s[i - 1];
        if (char.IsUpper(c))
        {
            // "aB" starts a word; in "HNSWConfig" the 'C' starts one because a lower-case letter follows it.
            return char.IsLower(previous) || char.IsDigit(previous)
                || (char.IsUpper(previous) && i + 1 < s.Length && char.IsLower(s[i + 1]));
        }

        return false;
    }
}
