using System;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using ExecutorGen.Generators.Benchmarks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// Measures (prints, does not assert: timings on a shared machine are noise) the concurrency analyzers' time as a
/// share of compiling a synthetic project of 2,000 handler classes with worker code in them, in one round, and checks
/// that the correct code in it gets no concurrency diagnostic. The figure to quote comes from the median of several
/// rounds: <c>dotnet run -c Release --project tests/ExecutorGen.Generators.Benchmarks -- --analyzer-cost</c>.
/// </summary>
public class ConcurrencyAnalyzerCostTests
{
    private const int Classes = SyntheticHandlers.Classes;
    private readonly ITestOutputHelper _output;

    public ConcurrencyAnalyzerCostTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Analyzer_time_as_a_share_of_compile_time_over_2000_handler_classes()
    {
        var references = TestSetup.ReferencesWithExecutorGen;
        var options = new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable);
        var trees = Enumerable.Range(0, Classes).Select(i => CSharpSyntaxTree.ParseText(SyntheticHandlers.Source(i), path: $"Handler{i}.cs")).ToArray();

        var concurrency = typeof(WorkerCodeAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .Where(a => a.SupportedDiagnostics.All(d => d.Id.StartsWith("EXG0", StringComparison.Ordinal)))
            .ToImmutableArray();

        // Warm up the compiler and the analyzers (JIT) on a small project first: the share is about steady state.
        var warmUp = CSharpCompilation.Create("WarmUp", trees.Take(50), references, options);
        using (var stream = new MemoryStream())
            warmUp.Emit(stream);
        await warmUp.WithAnalyzers(concurrency).GetAnalyzerDiagnosticsAsync();

        var compile = Stopwatch.StartNew();
        var compilation = CSharpCompilation.Create("Bench", trees, references, options);
        using (var stream = new MemoryStream())
        {
            var result = compilation.Emit(stream);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics.Take(3)));
        }
        compile.Stop();
        var withAnalyzers = CSharpCompilation.Create("Bench", trees, references, options).WithAnalyzers(
            concurrency,
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
        var wall = Stopwatch.StartNew();
        var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        wall.Stop();

        var report = new StringBuilder();
        var total = TimeSpan.Zero;
        foreach (var analyzer in concurrency)
        {
            var telemetry = await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default);
            total += telemetry.ExecutionTime;
            report.AppendLine($"  {analyzer.GetType().Name}: {telemetry.ExecutionTime.TotalMilliseconds:F0} ms");
        }
        report.Insert(0, $"{Classes} handler classes: compile+emit {compile.ElapsedMilliseconds} ms; concurrency analyzers {total.TotalMilliseconds:F0} ms "
            + $"({100 * total.TotalMilliseconds / compile.ElapsedMilliseconds:F1} % of compile; wall time of the analyzer pass {wall.ElapsedMilliseconds} ms); "
            + $"{diagnostics.Length} diagnostics\n");
        _output.WriteLine(report.ToString());
        Console.WriteLine(report.ToString());
        Assert.Empty(diagnostics.Where(d => d.Id.StartsWith("EXG0", StringComparison.Ordinal)));
    }
}
