namespace QdrantSchema.Families;

/// <summary>
/// A name pattern: <c>*</c> matches any run of characters (also none), <c>?</c> exactly one; everything else matches
/// itself, case-sensitively (Qdrant names are case-sensitive).
/// </summary>
internal static class GlobPattern
{
    public static bool IsMatch(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);

        // Greedy matching with backtracking to the last '*': linear in practice, no regex (names may contain any character).
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] != '*' && pattern[p] == name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
