using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// The analyzers to run: every <see cref="DiagnosticAnalyzer"/> of an ExecutorGen.Analyzers build. Shared (linked) with
/// the analyzer cost measurement of tests/ExecutorGen.Generators.Benchmarks.
/// </summary>
public static class AnalyzerAssembly
{
    /// <summary>
    /// The analyzer assembly at <paramref name="path"/>, in a load context of its own so that another build of it (an
    /// older commit's, to compare) can run in this process beside the one this tool was built with; that one when
    /// <paramref name="path"/> is null. Roslyn itself comes from the default context, so both run on this compiler.
    /// </summary>
    public static Assembly Load(string? path) => path is null
        ? typeof(WorkerCodeAnalyzer).Assembly
        : new AssemblyLoadContext("measured-analyzers:" + path).LoadFromAssemblyPath(Path.GetFullPath(path));

    /// <summary>A new instance of every analyzer in <paramref name="assembly"/>.</summary>
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers(Assembly assembly) => assembly.GetTypes()
        .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null)
        .OrderBy(t => t.Name, StringComparer.Ordinal)
        .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
        .ToImmutableArray();

    /// <summary>Whether every rule of <paramref name="analyzer"/> is a concurrency rule (EXG0xx), not a usage rule (EXG1xx).</summary>
    public static bool IsConcurrency(DiagnosticAnalyzer analyzer) =>
        analyzer.SupportedDiagnostics.All(d => d.Id.StartsWith("EXG0", StringComparison.Ordinal));
}
