using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Source order (file path, then position), to choose among findings the analysis order would otherwise choose: the
/// driver analyzes members on several threads, in any order.
/// </summary>
internal static class SourceOrder
{
    public static int Compare(Location? x, Location? y)
    {
        int byPath = string.CompareOrdinal(x?.SourceTree?.FilePath, y?.SourceTree?.FilePath);
        return byPath != 0 ? byPath : (x?.SourceSpan.Start ?? -1).CompareTo(y?.SourceSpan.Start ?? -1);
    }

    public static IComparer<Location?> Comparer { get; } = Comparer<Location?>.Create(Compare);

    /// <summary>
    /// <paramref name="items"/> in source order of <paramref name="where"/>, as <see cref="Compare"/> orders them. For the
    /// whole compilation's functions: each file's path is compared once, to rank the files, and the items are then sorted
    /// by one number each (rank and position), not by a comparison of paths per pair.
    /// </summary>
    public static T[] Sorted<T>(ICollection<T> items, System.Func<T, Location?> where)
    {
        var array = new T[items.Count];
        items.CopyTo(array, 0);
        var locations = new Location?[array.Length];
        var rank = new Dictionary<string, long>(System.StringComparer.Ordinal);
        for (int i = 0; i < array.Length; i++)
        {
            locations[i] = where(array[i]);
            if (locations[i]?.SourceTree?.FilePath is { } path && !rank.ContainsKey(path))
                rank[path] = 0;
        }
        var paths = new string[rank.Count];
        rank.Keys.CopyTo(paths, 0);
        System.Array.Sort(paths, System.StringComparer.Ordinal);
        for (int i = 0; i < paths.Length; i++)
            rank[paths[i]] = i + 1; // 0: no file, first (a null path compares before every other)
        var keys = new long[array.Length];
        for (int i = 0; i < array.Length; i++)
        {
            var location = locations[i];
            long file = location?.SourceTree?.FilePath is { } path ? rank[path] : 0;
            keys[i] = (file << 32) + (location?.SourceSpan.Start ?? -1) + 1;
        }
        System.Array.Sort(keys, array);
        return array;
    }

    /// <summary>Where a symbol is declared first, for ordering symbols.</summary>
    public static Location? Of(ISymbol symbol) => symbol.Locations.IsEmpty ? null : symbol.Locations[0];
}
