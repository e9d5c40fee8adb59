using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// A few hundred mutated and half-typed versions of valid handler code: the generator never fails (no
/// CS8784/CS8785, no exception), generated code adds no errors of its own, and no analyzer throws (AD0001).
/// </summary>
public class MutationCorpusTests
{
    private static readonly string[] s_partitionByValues =
    {
        "null", "42", "\"\"", "\" \"", "\"Customer.Id\"", "\"a.b.c\"", "typeof(int)", "nameof(Missing)", "new[] { \"a\" }",
        "\"userId\" + 1", "default", "UserId", "\"UserId\"", "(string)null", "\"\\0\"", "1.5", "true",
    };

    private static readonly (string From, string To)[] s_typeSwaps =
    {
        ("string ", "Strng "), ("Task", "Tsk"), ("int ", "nit "), ("CancellationToken", "CancelationToken"), ("ValueTask<", "ValueTask<,"),
        ("RequestHandler]", "RequestHandler(]"), ("RequestHandler", "RequestHandlerAttribute"), ("RequestHandler", "Obsolete"),
        ("public ", "private "), ("public ", "file "), ("class ", "struct "), ("class ", "interface "), ("partial ", ""), ("static ", ""),
        ("record ", "class "), ("(", "<T>("), ("namespace ", "namespace global::"), ("using ExecutorGen;", ""),
    };

    /// <summary>Every mutation of the corpus, each a complete compilation unit (broken or not).</summary>
    public static IEnumerable<string> Corpus()
    {
        foreach (string source in new[] { Sources.SessionHandlers, Sources.Shapes, Sources.AllShapes })
        {
            // Half-typed: the file cut off at 40 places.
            for (int i = 1; i <= 40; i++)
                yield return source.Substring(0, source.Length * i / 41);

            // One brace, parenthesis, semicolon or comma missing.
            foreach (char c in "{});(,=\"")
            {
                var positions = Enumerable.Range(0, source.Length).Where(i => source[i] == c).ToList();
                foreach (int position in positions.Where((_, n) => n % Math.Max(1, positions.Count / 6) == 0).Take(6))
                    yield return source.Remove(position, 1);
            }

            // PartitionBy set to something else: null, a number, an empty string, a path, an expression...
            var arguments = Regex.Matches(source, "PartitionBy = ([^)]*)\\)").Cast<Match>().Take(3).ToList();
            foreach (var argument in arguments)
            {
                foreach (string value in s_partitionByValues)
                {
                    var group = argument.Groups[1];
                    yield return source.Substring(0, group.Index) + value + source.Substring(group.Index + group.Length);
                }
            }

            // Unknown types, wrong modifiers, wrong attribute: the first and the last occurrence of each.
            foreach (var (from, to) in s_typeSwaps)
            {
                int first = source.IndexOf(from, StringComparison.Ordinal);
                int last = source.LastIndexOf(from, StringComparison.Ordinal);
                if (first >= 0)
                    yield return source.Substring(0, first) + to + source.Substring(first + from.Length);
                if (last > first)
                    yield return source.Substring(0, last) + to + source.Substring(last + from.Length);
            }
        }
    }

    [Fact]
    public void The_corpus_has_a_few_hundred_mutations() => Assert.InRange(Corpus().Count(), 300, 1000);

    [Fact]
    public void Neither_the_generator_nor_the_analyzers_ever_fail()
    {
        var failures = new ConcurrentQueue<string>();
        Parallel.ForEach(Corpus().Select((source, index) => (source, index)), new ParallelOptions { MaxDegreeOfParallelism = 4 }, item =>
        {
            try
            {
                Check(item.source);
            }
            catch (Exception exception)
            {
                failures.Enqueue($"#{item.index}: {exception.Message}\n---\n{item.source}\n---");
            }
        });
        Assert.True(failures.IsEmpty, $"{failures.Count} mutation(s) failed:\n" + string.Join("\n", failures.Select(f => f.Split('\n')[0])) + "\n" + string.Join("\n", failures.Take(2)));
    }

    private static void Check(string source)
    {
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(source);
        if (result.Exception is { } exception)
            throw new InvalidOperationException("generator threw: " + exception);
        if (driverDiagnostics.FirstOrDefault(d => d.Id is "CS8784" or "CS8785") is { } failure)
            throw new InvalidOperationException("generator failed: " + failure);

        var generated = output.SyntaxTrees.Where(t => t.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)).ToHashSet();
        var ownError = output.GetDiagnostics().FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceTree is { } tree && generated.Contains(tree));
        if (ownError is not null)
            throw new InvalidOperationException("generated code has an error: " + ownError);

        var (diagnostics, exceptions) = AnalyzerHarness.RunAsync(output).GetAwaiter().GetResult();
        if (!exceptions.IsEmpty)
            throw new InvalidOperationException("analyzer threw: " + exceptions[0]);
        if (diagnostics.FirstOrDefault(d => d.Id == "AD0001") is { } ad0001)
            throw new InvalidOperationException("AD0001: " + ad0001);
    }
}
