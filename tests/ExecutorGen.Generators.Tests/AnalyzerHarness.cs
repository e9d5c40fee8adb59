using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// Runs the ExecutorGen analyzers the compiler loads (those marked <see cref="DiagnosticAnalyzerAttribute"/>; the
/// usage rules that make the generator skip a class are run by the generator instead) over a compilation, typically
/// the generator's output, collecting any exception they throw.
/// </summary>
internal static class AnalyzerHarness
{
    public static readonly ImmutableArray<DiagnosticAnalyzer> Analyzers = typeof(PartitionByNotFoundAnalyzer).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
        .Where(t => t.GetCustomAttributes(typeof(DiagnosticAnalyzerAttribute), inherit: false).Length > 0)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    public static async Task<(ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<Exception> Exceptions)> RunAsync(Compilation compilation)
    {
        var exceptions = new ConcurrentQueue<Exception>();
        var options = new CompilationWithAnalyzersOptions(
            global::ExecutorGen.Analyzers.RealCode.WidenedScope.On,
            onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
            concurrentAnalysis: false,
            logAnalyzerExecutionTime: false);
        var diagnostics = await compilation.WithAnalyzers(Analyzers, options).GetAnalyzerDiagnosticsAsync();
        return (diagnostics, exceptions.ToImmutableArray());
    }
}
