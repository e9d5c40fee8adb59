using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using ExecutorGen.Analyzers.RealCode;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Generators.Benchmarks;

/// <summary>
/// The concurrency analyzers' time as a share of compile time, over <see cref="SyntheticHandlers.Classes"/> handler
/// classes: <c>dotnet run -c Release --project tests/ExecutorGen.Generators.Benchmarks -- --analyzer-cost [--runs N]
/// [--analyzers path/to/ExecutorGen.Analyzers.dll] [--per-analyzer]</c>.
/// </summary>
/// <remarks>
/// Not a BenchmarkDotNet benchmark: the figure wanted is the analyzers' own execution time, as the compiler's
/// <c>-reportanalyzer</c> reports it (Roslyn's analyzer telemetry), next to the time of compiling and emitting the same
/// project; BenchmarkDotNet measures whole calls, and an analyzer pass also re-binds every method body for the
/// operation trees, which every operation analyzer of a build shares. Each round compiles a fresh compilation, then
/// runs the analyzers on another fresh one; after the warm-up rounds (three by default: the compiler and the analyzers
/// are still being tiered up by the JIT in the first rounds, as they are not in a warm compiler server), the medians over
/// the rounds are printed. The machine may be busy: compare medians, and old against new in the same session
/// (<c>--analyzers</c> loads another build). A second figure counts what the telemetry leaves out (the driver's own work
/// for the analyzers' actions, and the garbage they make): process CPU time of the analysis pass, less that of a pass
/// whose only analyzer makes the driver build the operation trees, as a share of the CPU time of compiling. Whole-process
/// CPU time of one pass scatters by hundreds of milliseconds, so that figure takes the best (least) time of each pass over
/// the rounds: other work only ever adds time. <c>--per-analyzer</c> then estimates it for each analyzer alone (a
/// profile: which rule costs what); a figure within the scatter reads as zero.
/// </remarks>
public static class AnalyzerCost
{
    public static async Task<int> RunAsync(string[] args)
    {
        int runs = Option(args, "--runs") is { } count ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 7;
        int warmup = Option(args, "--warmup") is { } warm ? int.Parse(warm, System.Globalization.CultureInfo.InvariantCulture) : 3;
        var assembly = AnalyzerAssembly.Load(Option(args, "--analyzers"));
        var analyzers = AnalyzerAssembly.Analyzers(assembly).Where(AnalyzerAssembly.IsConcurrency).ToImmutableArray();

        var references = Net100.References.All.Cast<MetadataReference>()
            .Append(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location)).ToImmutableArray();
        var trees = Enumerable.Range(0, SyntheticHandlers.Classes)
            .Select(i => CSharpSyntaxTree.ParseText(SyntheticHandlers.Source(i), path: $"Handler{i}.cs")).ToArray();
        CSharpCompilation Fresh() => CSharpCompilation.Create("Bench", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        Console.WriteLine($"{SyntheticHandlers.Classes} handler classes, {analyzers.Length} concurrency analyzers from {assembly.Location}; {warmup} warm-up rounds + {runs}");
        var compileTimes = new List<double>();
        var analyzerTimes = analyzers.ToDictionary(a => a.GetType().Name, _ => new List<double>());
        var totals = new List<double>();
        var compileCpus = new List<double>();
        var analysisCpus = new List<double>();
        var baselineCpus = new List<double>();
        var walkCpus = new List<double>();
        for (int round = 1 - warmup; round <= runs; round++)
        {
            Settle();
            var compileCpu = Cpu();
            var compile = Stopwatch.StartNew();
            using (var stream = new MemoryStream())
            {
                var result = Fresh().Emit(stream);
                if (!result.Success)
                    throw new InvalidOperationException(string.Join("\n", result.Diagnostics.Take(3)));
            }
            compile.Stop();
            double compileCpuMs = (Cpu() - compileCpu).TotalMilliseconds;

            Settle();
            var cpu = Cpu();
            var withAnalyzers = Fresh().WithAnalyzers(analyzers,
                new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: true));
            var diagnostics = await withAnalyzers.GetAnalyzerDiagnosticsAsync();
            double timedCpu = (Cpu() - cpu).TotalMilliseconds;
            // The CPU figures come from passes without the execution-time log, as a build runs unless asked for -reportanalyzer:
            // timing every callback adds to each pass in proportion to its number of callbacks.
            Settle();
            cpu = Cpu();
            await Fresh().WithAnalyzers(analyzers, Untimed).GetAnalyzerDiagnosticsAsync();
            double analyzerCpu = (Cpu() - cpu).TotalMilliseconds;
            Settle();
            cpu = Cpu();
            await Fresh().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new OperationTreesOnly()), Untimed).GetAnalyzerDiagnosticsAsync();
            double baselineCpu = (Cpu() - cpu).TotalMilliseconds;
            Settle();
            cpu = Cpu();
            await Fresh().WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new OperationTreesOnly(alsoWalkOperations: true)), Untimed).GetAnalyzerDiagnosticsAsync();
            double walkCpu = (Cpu() - cpu).TotalMilliseconds;
            double total = 0;
            var line = new List<string>();
            foreach (var analyzer in analyzers)
            {
                double ms = (await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzer, default)).ExecutionTime.TotalMilliseconds;
                total += ms;
                if (round > 0)
                    analyzerTimes[analyzer.GetType().Name].Add(ms);
                line.Add($"{analyzer.GetType().Name} {ms:F0}");
            }
            double cpuShare = 100 * (analyzerCpu - baselineCpu) / compileCpuMs;
            Console.WriteLine($"{(round <= 0 ? "warm-up" : "round " + round)}: compile+emit {compile.Elapsed.TotalMilliseconds:F0} ms, analyzers {total:F0} ms "
                + $"({100 * total / compile.Elapsed.TotalMilliseconds:F1} %); CPU: compile {compileCpuMs:F0} ms, analysis pass {analyzerCpu:F0} ms (timed: {timedCpu:F0} ms), "
                + $"binding-only pass {baselineCpu:F0} ms ({cpuShare:F1} %), with the driver's operation walk {walkCpu:F0} ms; {diagnostics.Length} diagnostics [{string.Join(", ", line)}]");
            if (round > 0)
            {
                compileTimes.Add(compile.Elapsed.TotalMilliseconds);
                totals.Add(total);
                compileCpus.Add(compileCpuMs);
                analysisCpus.Add(analyzerCpu);
                baselineCpus.Add(baselineCpu);
                walkCpus.Add(walkCpu);
            }
        }

        // Other work on the machine only ever adds time: the best round of each is the steadiest estimate of the cost itself.
        Console.WriteLine($"median compile+emit {Median(compileTimes):F0} ms; median concurrency analyzers {Median(totals):F0} ms = {100 * Median(totals) / Median(compileTimes):F1} % of compile; "
            + $"best of {runs}: {totals.Min():F0} ms / {compileTimes.Min():F0} ms = {100 * totals.Min() / compileTimes.Min():F1} %; "
            + $"CPU, best of each pass: analysis {analysisCpus.Min():F0} ms - binding only {baselineCpus.Min():F0} ms = "
            + $"{100 * (analysisCpus.Min() - baselineCpus.Min()) / compileCpus.Min():F1} % of compile {compileCpus.Min():F0} ms, of which the driver's walk over "
            + $"every operation (shared by every operation analyzer of a build) {walkCpus.Min() - baselineCpus.Min():F0} ms = "
            + $"{100 * (walkCpus.Min() - baselineCpus.Min()) / compileCpus.Min():F1} %");
        // The compiler runs under the server collector; this program, unless DOTNET_gcServer=1, under the workstation one,
        // whose more frequent pauses are charged to whichever analyzer callback runs (docs/analyzers-on-real-code.md, Cost).
        Console.WriteLine($"garbage collector: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}");
        foreach (var (name, times) in analyzerTimes.OrderByDescending(p => Median(p.Value)))
            Console.WriteLine($"  {name}: median {Median(times):F0} ms, best {times.Min():F0} ms");

        if (Array.IndexOf(args, "--per-analyzer") >= 0)
        {
            // Each analyzer alone, next to the binding-only one, against the binding-only one by itself: its own CPU cost,
            // driver overhead for its actions included (the operation walk too, when it registers operation actions).
            async Task<double> PassCpu(params DiagnosticAnalyzer[] set)
            {
                Settle();
                var start = Cpu();
                await Fresh().WithAnalyzers(set.Append(new OperationTreesOnly()).ToImmutableArray(), Untimed).GetAnalyzerDiagnosticsAsync();
                return (Cpu() - start).TotalMilliseconds;
            }
            double compileCpu = compileCpus.Min();
            foreach (var analyzer in analyzers)
            {
                var with = new List<double>();
                var without = new List<double>();
                for (int round = 0; round < Math.Max(3, runs / 2); round++)
                {
                    with.Add(await PassCpu(analyzer));
                    without.Add(await PassCpu());
                }
                double cost = with.Min() - without.Min();
                Console.WriteLine($"  {analyzer.GetType().Name} alone: CPU, best of each pass, {cost:F0} ms = {100 * cost / compileCpu:F1} % of compile CPU");
            }
        }
        return 0;
    }

    private static readonly CompilationWithAnalyzersOptions Untimed =
        new(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false);

    private static TimeSpan Cpu() => Process.GetCurrentProcess().TotalProcessorTime;

    /// <summary>
    /// Collects the garbage of the step before, so that each timed step pays for its own: without it, the pass after
    /// compile+emit paid for collecting the emit's garbage, and the analysis pass looked up to 20 points dearer.
    /// </summary>
    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// Makes the driver bind every operation block and do nothing else: the CPU time of a pass with it is what an analysis
    /// pass costs before any concurrency rule runs. With <c>alsoWalkOperations</c>, the driver also walks every operation
    /// of every block, as it does once per build for all the operation actions of all analyzers (ours, the SDK's
    /// code-analysis rules...): what that walk costs before any rule runs.
    /// </summary>
    // A measuring instrument run in this process, never loaded by a compiler: the rules for shipped analyzers
    // (netstandard2.0, extended analyzer rules, release tracking) do not apply.
#pragma warning disable RS1001, RS1036, RS1041, RS2008
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class OperationTreesOnly : DiagnosticAnalyzer
    {
        private static readonly DiagnosticDescriptor s_never = new("BENCH0001", "Never reported", "Never reported", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: true);
        private readonly bool _alsoWalkOperations;

        public OperationTreesOnly(bool alsoWalkOperations = false) => _alsoWalkOperations = alsoWalkOperations;

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(s_never);

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterOperationBlockAction(_ => { });
            if (_alsoWalkOperations)
                context.RegisterOperationAction(_ => { }, OperationKind.Throw);
        }
    }
#pragma warning restore RS1001, RS1036, RS1041, RS2008

    private static double Median(List<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count == 0 ? 0 : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string? Option(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
