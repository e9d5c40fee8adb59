using System;
using System.Collections.Generic;
using System.Linq;

namespace ExecutorGen.CodeFixes;

/// <summary>Orders replacement names by how close they are to the name that was written.</summary>
internal static class CandidateRanking
{
    /// <summary>
    /// By ascending case-insensitive edit distance, so case-insensitive matches (distance 0) come first;
    /// then by case-sensitive distance; ties keep the given order (parameters before members).
    /// </summary>
    public static IEnumerable<string> Rank(string written, IEnumerable<string> candidates)
    {
        string writtenUpper = written.ToUpperInvariant();
        return candidates
            .Select((name, index) => (name, index))
            .OrderBy(c => EditDistance(c.name.ToUpperInvariant(), writtenUpper))
            .ThenBy(c => EditDistance(c.name, written))
            .ThenBy(c => c.index)
            .Select(c => c.name);
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
