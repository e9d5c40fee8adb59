using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>The product <c>.cs</c> files of a source tree: what goes into the one compilation.</summary>
/// <param name="Included">Full paths of the files compiled, sorted.</param>
/// <param name="ExcludedCount">Files left out by the exclusion rules (bin and obj not counted).</param>
/// <param name="NotInProject">Files under a project's folder that the project does not compile (removed, or for another framework).</param>
public sealed record SourceFiles(IReadOnlyList<string> Included, int ExcludedCount, int NotInProject = 0)
{
    /// <summary>
    /// Words that mark a folder as not product code when one of them is a whole word of its name: words are split at
    /// <c>.</c>, <c>-</c>, <c>_</c>, spaces and camel-case humps, so <c>Lucene.Net.TestFramework</c>, <c>UnitTests</c>
    /// and <c>integration-testing</c> are left out and <c>Latest</c> or <c>Attestation</c> are not.
    /// </summary>
    public static readonly IReadOnlySet<string> NonProductWords = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "test", "tests", "testing", "testkit", "benchmark", "benchmarks", "sample", "samples", "example", "examples",
    };

    /// <summary>Build output, never source: skipped whatever the options say.</summary>
    private static readonly IReadOnlySet<string> s_buildOutput = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "bin", "obj", ".git", ".vs" };

    /// <summary>
    /// Collects the files under <see cref="EvaluationOptions.Root"/> that the options keep; of those under the folder of
    /// one of <paramref name="projects"/> (the innermost), only those it compiles.
    /// </summary>
    public static SourceFiles Collect(EvaluationOptions options, IReadOnlyList<MsBuildProject>? projects = null)
    {
        var owners = (projects ?? []).OrderByDescending(p => p.Directory.Length).ToList();
        var included = new List<string>();
        int excluded = 0, notInProject = 0;
        foreach (var file in Directory.EnumerateFiles(options.Root, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Relative(options.Root, file);
            string[] folders = relative.Split('/')[..^1];
            if (folders.Any(s_buildOutput.Contains))
                continue;
            var owner = owners.FirstOrDefault(p => file.StartsWith(p.Directory + Path.DirectorySeparatorChar, StringComparison.Ordinal));
            // A file a product project compiles is product code, whatever its folder is called (a client's
            // Transactions/Internal/Test hooks): the folder names decide only for files no project claims.
            bool compiledByOwner = owner is not null && owner.CompileFiles.Contains(file);
            bool keep = !(options.DefaultExcludes && !compiledByOwner && folders.Any(LooksNonProduct))
                && !options.Excludes.Any(e => relative.Contains(e.Replace('\\', '/'), StringComparison.OrdinalIgnoreCase));
            if (!keep)
                excluded++;
            else if (owner is not null && !compiledByOwner)
                notInProject++;
            else
                included.Add(file);
        }
        included.Sort(StringComparer.Ordinal);
        return new SourceFiles(included, excluded, notInProject);
    }

    /// <summary><paramref name="path"/> relative to <paramref name="root"/>, with <c>/</c> separators.</summary>
    public static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');

    /// <summary>Whether a folder name has one of the <see cref="NonProductWords"/> as a word.</summary>
    public static bool LooksNonProduct(string folder) =>
        s_wordBreak.Split(folder).Any(w => w.Length > 0 && NonProductWords.Contains(w));

    // A separator, or the empty place before an upper-case letter that follows a lower-case one (a camel-case hump).
    private static readonly Regex s_wordBreak = new(@"[.\-_ ]+|(?<=\p{Ll})(?=\p{Lu})", RegexOptions.CultureInvariant);
}
