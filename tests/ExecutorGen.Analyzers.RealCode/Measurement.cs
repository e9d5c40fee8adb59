using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>One measured round: what binding cost, and what each analyzer took of the analysis pass after it.</summary>
/// <param name="BindMs">Wall time of a fresh compilation's <c>GetDiagnostics()</c>: declarations and every method body bound and checked.</param>
/// <param name="BindCpuMs">The process's CPU time over the same call.</param>
/// <param name="PassMs">Wall time of the analysis pass on another fresh compilation (it binds everything again, for the analyzers).</param>
/// <param name="AnalyzerMs">Each analyzer's execution time in that pass (Roslyn's analyzer telemetry, as <c>-reportanalyzer</c> shows it).</param>
/// <param name="BindAllocatedMB">Memory allocated (all threads) by the bind+check call.</param>
/// <param name="PassAllocatedMB">Memory allocated by the analysis pass: binding again, the driver and the analyzers.</param>
/// <param name="PassCollections">The garbage collections during the analysis pass: their pauses, and how many of each generation.</param>
public sealed record Round(
    double BindMs, double BindCpuMs, double PassMs, IReadOnlyDictionary<string, double> AnalyzerMs, double BindAllocatedMB, double PassAllocatedMB,
    Collections PassCollections)
{
    /// <summary>All analyzers' execution time in the pass.</summary>
    public double AnalyzersMs => AnalyzerMs.Values.Sum();
}

/// <summary>Garbage collections over a step: the time the process was paused for them, and their count by generation.</summary>
public sealed record Collections(double PausedMs, int Gen0, int Gen1, int Gen2)
{
    /// <summary>The collector's counters now, to subtract from later (<see cref="Since"/>).</summary>
    public static Collections Now() =>
        new(GC.GetTotalPauseDuration().TotalMilliseconds, GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));

    /// <summary>What happened between <paramref name="start"/> and now (a count includes the collections of the older generations).</summary>
    public static Collections Since(Collections start)
    {
        var now = Now();
        return new(now.PausedMs - start.PausedMs, now.Gen0 - start.Gen0, now.Gen1 - start.Gen1, now.Gen2 - start.Gen2);
    }
}

/// <summary>What an evaluation found and measured.</summary>
/// <param name="Lines">Lines of the source files (all lines: code, comments and blank).</param>
/// <param name="GeneratedFiles">Files the source generators added.</param>
/// <param name="GeneratorProblems">Generator assemblies that did not load, generators that failed.</param>
/// <param name="Errors">The compilation's errors (the source tree did not bind perfectly where there are any).</param>
/// <param name="Diagnostics">The analyzers' EXG diagnostics (of the rules asked for), by file and position.</param>
/// <param name="AnalyzerExceptions">Analyzer exceptions (AD0001): each one is a bug in an analyzer.</param>
/// <param name="Rounds">The measured rounds (warm-up rounds left out).</param>
public sealed record EvaluationResult(
    int Lines,
    int GeneratedFiles,
    IReadOnlyList<string> GeneratorProblems,
    ImmutableArray<Diagnostic> Errors,
    ImmutableArray<Diagnostic> Diagnostics,
    ImmutableArray<Diagnostic> AnalyzerExceptions,
    IReadOnlyList<Round> Rounds,
    int StandInHandlers = 0)
{
    /// <summary>Median bind+check wall time over the rounds.</summary>
    public double BindMs => Measurement.Median(Rounds.Select(r => r.BindMs));

    /// <summary>Median of all analyzers' execution time over the rounds.</summary>
    public double AnalyzersMs => Measurement.Median(Rounds.Select(r => r.AnalyzersMs));

    /// <summary>The analyzers' share of bind+check, in percent (medians).</summary>
    public double SharePercent => BindMs > 0 ? 100 * AnalyzersMs / BindMs : 0;
}

/// <summary>
/// Compiles the source tree and runs the analyzers on it, round after round: the diagnostics, and the analyzers'
/// execution time next to the time of binding and checking the same code.
/// </summary>
/// <remarks>
/// Each round binds a fresh compilation (<c>GetDiagnostics()</c>), then runs the analyzers on another fresh one with
/// execution-time logging; the medians over the rounds after the warm-up are the figures. By default both run on one
/// thread: the telemetry adds up the time of every analyzer callback, which compares with single-threaded binding; on a
/// shared machine, concurrent callbacks also wait for each other's cores and look dearer than they are. <c>--parallel</c>
/// runs both on every core as a build does (the share then overstates the analyzers' part of wall time).
/// </remarks>
public static class Measurement
{
    // The analyzers' options as a user's build gives them when nothing is configured (--shipped).
    private static readonly AnalyzerOptions s_shippedOptions = new(ImmutableArray<AdditionalText>.Empty);

    /// <summary>Parses <paramref name="files"/>, then runs <paramref name="analyzers"/> as <paramref name="options"/> say.</summary>
    public static async Task<EvaluationResult> RunAsync(
        EvaluationOptions options, CompilationSettings settings, SourceFiles files, ImmutableArray<DiagnosticAnalyzer> analyzers, Action<string>? progress = null)
    {
        var trees = files.Included
            .Select(path => CSharpSyntaxTree.ParseText(SourceText.From(File.ReadAllText(path)), settings.ParseOptions, path))
            .ToList();
        int lines = trees.Sum(t => t.GetText().Lines.Count);
        if (settings.GlobalUsings is { } usings)
            trees.Add(CSharpSyntaxTree.ParseText(usings, settings.ParseOptions, Path.Combine(options.Root, "obj", "GlobalUsings.g.cs")));
        int standIns = 0;
        var references = settings.References;
        if (options.StandInHandlers)
        {
            for (int i = 0; i < trees.Count; i++)
            {
                var (marked, count) = StandInHandlers.Mark(trees[i]);
                trees[i] = marked;
                standIns += count;
            }
            references = references.Add(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location));
        }
        var compilationOptions = settings.CompilationOptions.WithConcurrentBuild(options.Parallel);
        // A rule that is off by default reports only where the project gives it a severity, as `.editorconfig` would.
        foreach (string id in options.Enable ?? [])
            compilationOptions = compilationOptions.WithSpecificDiagnosticOptions(compilationOptions.SpecificDiagnosticOptions.SetItem(id, ReportDiagnostic.Info));
        if (options.StandInHandlers)
        {
            var (withEndpoints, endpoints) = StandInEndpoints.Mark(CSharpCompilation.Create("RealCode", trees, references, compilationOptions));
            trees = withEndpoints;
            standIns += endpoints;
        }
        CSharpCompilation Fresh() => CSharpCompilation.Create("RealCode", trees, references, compilationOptions);
        // Generated once, outside the timed rounds: their output is then bound and analyzed like the rest.
        var problems = new List<string>();
        var generated = SourceGenerators.Run(settings.Generators, Fresh(), problems);
        trees.AddRange(generated);

        var errors = ImmutableArray<Diagnostic>.Empty;
        var found = ImmutableArray<Diagnostic>.Empty;
        var exceptions = new ConcurrentQueue<Diagnostic>();
        var rounds = new List<Round>();
        for (int round = 1 - options.Warmup; round <= options.Runs; round++)
        {
            Settle();
            var cpu = Cpu();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var bind = Stopwatch.StartNew();
            var compileDiagnostics = Fresh().GetDiagnostics();
            bind.Stop();
            double bindAllocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
            double bindCpu = (Cpu() - cpu).TotalMilliseconds;
            if (round == 1 - options.Warmup)
                errors = compileDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray();

            Settle();
            exceptions.Clear();
            var withAnalyzers = Fresh().WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(
                options.Shipped ? s_shippedOptions : WidenedScope.On,
                onAnalyzerException: (_, _, diagnostic) => exceptions.Enqueue(diagnostic),
                concurrentAnalysis: options.Parallel,
                logAnalyzerExecutionTime: true));
            allocated = GC.GetTotalAllocatedBytes(precise: true);
            var collections = Collections.Now();
            var pass = Stopwatch.StartNew();
            found = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            pass.Stop();
            var passCollections = Collections.Since(collections);
            double passAllocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1e6;
            var times = new Dictionary<string, double>();
            foreach (var analyzer in analyzers)
                times[analyzer.GetType().Name] = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default)).ExecutionTime.TotalMilliseconds;
            var measured = new Round(bind.Elapsed.TotalMilliseconds, bindCpu, pass.Elapsed.TotalMilliseconds, times, bindAllocated, passAllocated, passCollections);
            progress?.Invoke($"{(round <= 0 ? "warm-up" : "round " + round)}: bind+check {measured.BindMs:F0} ms (CPU {bindCpu:F0} ms), "
                + $"analyzers {measured.AnalyzersMs:F0} ms ({100 * measured.AnalyzersMs / measured.BindMs:F1} %), analysis pass {measured.PassMs:F0} ms");
            if (round > 0)
                rounds.Add(measured);
        }

        var exceptionDiagnostics = exceptions.Concat(found.Where(d => d.Id == "AD0001"))
            .GroupBy(d => d.ToString()).Select(g => g.First()).ToImmutableArray();
        var diagnostics = found
            .Where(d => d.Id.StartsWith("EXG", StringComparison.Ordinal) && (options.Rules.Count == 0 || options.Rules.Contains(d.Id)))
            .OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal)
            .ThenBy(d => d.Location.SourceSpan.Start)
            .ThenBy(d => d.Id, StringComparer.Ordinal)
            .ToImmutableArray();
        return new EvaluationResult(lines, generated.Count, problems, errors, diagnostics, exceptionDiagnostics, rounds, standIns);
    }

    /// <summary>The median (the mean of the middle two of an even count); 0 for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>Collects the garbage of the step before, so that each timed step pays for its own.</summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
