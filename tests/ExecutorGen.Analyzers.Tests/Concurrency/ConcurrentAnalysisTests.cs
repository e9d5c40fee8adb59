using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The driver analyzes the members of a type, and types, on several threads at once, in any order: the concurrency
/// rules record what they see from all of them and report at the end. Whatever the order, the diagnostics (where, what
/// message, which properties the code fixes read) must be those of a sequential analysis.
/// </summary>
public class ConcurrentAnalysisTests
{
    [Fact]
    public async Task Concurrent_analysis_reports_what_sequential_analysis_reports()
    {
        var analyzers = typeof(HashRoutingAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .Where(a => a.SupportedDiagnostics.All(d => d.Id.StartsWith("EXG0", StringComparison.Ordinal)))
            .ToImmutableArray();
        var references = TestSetup.ReferencesWithExecutorGen;
        // 60 copies of a type with every rule's mistakes in it, in one file each.
        var trees = Enumerable.Range(0, 60)
            .Select(i => CSharpSyntaxTree.ParseText(ConcurrencyRobustnessTests.Source.Replace("class Sessions", $"class Sessions{i}"), path: $"Sessions{i}.cs"))
            .ToArray();
        var compilation = CSharpCompilation.Create("Copies", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        async Task<string[]> Analyze(bool concurrent)
        {
            var options = new CompilationWithAnalyzersOptions(global::ExecutorGen.Analyzers.RealCode.WidenedScope.On, null, concurrent, logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            return diagnostics
                .Select(d => $"{d.Id}|{d.Location.GetLineSpan()}|{d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}|"
                    + string.Join(",", d.Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"))
                    + "|" + string.Join(",", d.AdditionalLocations.Select(l => l.GetLineSpan().ToString())))
                .OrderBy(s => s, StringComparer.Ordinal)
                .ToArray();
        }

        var sequential = await Analyze(concurrent: false);
        Assert.Equal(8, sequential.Select(d => d.Split('|')[0]).Distinct().Count()); // EXG001-EXG008, in every copy
        Assert.Equal(0, sequential.Length % 60);
        for (int run = 0; run < 5; run++)
        {
            var concurrent = await Analyze(concurrent: true);
            Assert.True(sequential.SequenceEqual(concurrent),
                "sequential only:\n" + string.Join("\n", sequential.Except(concurrent).Take(3)) + "\nconcurrent only:\n" + string.Join("\n", concurrent.Except(sequential).Take(3)));
        }
    }
}
