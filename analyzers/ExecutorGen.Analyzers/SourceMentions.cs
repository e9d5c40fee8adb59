using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Whether a compilation's source text contains a word, read file by file in small chunks (no copy of a whole file): a
/// scan of characters, much cheaper than the binding that any semantic question about the same code would cost.
/// </summary>
internal static class SourceMentions
{
    private const int ChunkLength = 4096;

    /// <summary>
    /// Which of <paramref name="words"/> (at most 31) <paramref name="trees"/> contain, as bits (word <c>i</c> found: bit
    /// <c>i</c> set), ordinal and anywhere (code, comment or string); the scan stops once every word is found.
    /// </summary>
    public static int Which(IEnumerable<SyntaxTree> trees, string[] words, CancellationToken cancellationToken)
    {
        int all = (1 << words.Length) - 1;
        int found = 0;
        int longest = 0;
        foreach (string word in words)
            longest = System.Math.Max(longest, word.Length);
        var buffer = new char[ChunkLength];
        foreach (var tree in trees)
        {
            var text = tree.GetText(cancellationToken);
            // Consecutive chunks overlap by one character less than the longest word, so a word cut by a chunk's end
            // is found whole in the next one.
            for (int start = 0; start < text.Length; start += ChunkLength - (longest - 1))
            {
                cancellationToken.ThrowIfCancellationRequested();
                int length = System.Math.Min(ChunkLength, text.Length - start);
                text.CopyTo(start, buffer, 0, length);
                for (int i = 0; i < words.Length; i++)
                {
                    if ((found & (1 << i)) == 0 && Contains(buffer, length, words[i]))
                        found |= 1 << i;
                }
                if (found == all)
                    return found;
                if (start + length == text.Length)
                    break;
            }
        }
        return found;
    }

    // MemoryExtensions.IndexOf, vectorized on .NET: a loop of our own was a third of the scan where a word is in no file.
    private static bool Contains(char[] buffer, int length, string word) =>
        System.MemoryExtensions.IndexOf(new System.ReadOnlySpan<char>(buffer, 0, length), System.MemoryExtensions.AsSpan(word), System.StringComparison.Ordinal) >= 0;
}
