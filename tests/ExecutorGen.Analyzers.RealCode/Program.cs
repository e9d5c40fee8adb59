using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// The real-code evaluation (GitHub issue 14): runs the ExecutorGen analyzers over a source tree in one compilation,
/// prints every diagnostic and the analyzers' share of compile time. Usage: <see cref="EvaluationOptions.Usage"/>;
/// README.md beside this file explains it.
/// </summary>
public static class Program
{
    /// <summary>Exit codes: 0 done, 1 wrong command line, 2 the analyzers threw (AD0001).</summary>
    public static async Task<int> Main(string[] args)
    {
        EvaluationOptions options;
        try
        {
            options = EvaluationOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(EvaluationOptions.Usage);
            return 1;
        }

        var settings = CompilationSettings.Create(options);
        var files = SourceFiles.Collect(options, settings.Projects);
        var assembly = AnalyzerAssembly.Load(options.AnalyzersPath);
        var analyzers = AnalyzerAssembly.Analyzers(assembly)
            .Where(a => options.Rules.Count == 0 || a.SupportedDiagnostics.Any(d => options.Rules.Contains(d.Id)))
            .ToImmutableArray();
        Console.Error.WriteLine($"{files.Included.Count} files, {settings.References.Length} references, {analyzers.Length} analyzers; "
            + $"{options.Warmup} warm-up rounds + {options.Runs}");

        var result = await Measurement.RunAsync(options, settings, files, analyzers, Console.Error.WriteLine);
        Report.Print(Console.Out, options, settings, files, assembly.Location, analyzers, result);
        if (options.TsvPath is { } tsv)
            Report.WriteTsv(tsv, options.Root, result.Diagnostics);
        return result.AnalyzerExceptions.IsEmpty ? 0 : 2;
    }
}
