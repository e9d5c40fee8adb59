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

    /// <summary>Where a symbol is declared first, for ordering symbols.</summary>
    public static Location? Of(ISymbol symbol) => symbol.Locations.IsEmpty ? null : symbol.Locations[0];
}
