using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>Prints an <see cref="EvaluationResult"/> for a person, and writes its diagnostics as tab-separated values for sampling.</summary>
public static class Report
{
    /// <summary>How many compile errors are shown, besides their count.</summary>
    private const int ErrorsShown = 10;

    /// <summary>The diagnostic as one line: <c>EXGnnn&lt;TAB&gt;relative/path.cs:line:col&lt;TAB&gt;message</c>.</summary>
    public static string Line(Diagnostic diagnostic, string root) => $"{diagnostic.Id}\t{Where(diagnostic, root)}\t{diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>Prints the whole report: what was compiled, the errors, every diagnostic, counts per rule, and the cost.</summary>
    public static void Print(TextWriter output, EvaluationOptions options, CompilationSettings settings, SourceFiles files,
        string analyzerAssembly, ImmutableArray<DiagnosticAnalyzer> analyzers, EvaluationResult result)
    {
        output.WriteLine($"source root: {options.Root}");
        output.WriteLine($"files: {files.Included.Count} ({result.Lines:N0} lines); left out: {files.ExcludedCount}"
            + $" ({(options.DefaultExcludes ? "test/benchmark/sample/example folders" : "no default exclusions")}"
            + $"{string.Concat(options.Excludes.Select(e => ", *" + e + "*"))}), {files.NotInProject} not compiled by their project");
        foreach (var project in settings.Projects)
        {
            output.WriteLine($"project: {project.Path} ({project.Framework.ShortName}, LangVersion {project.LangVersion}, "
                + $"Nullable {(project.Nullable.Length == 0 ? "unset" : project.Nullable)}, {project.GlobalUsings.Count} global usings)");
        }
        output.WriteLine($"compilation: {settings.References.Length} references, C# {settings.ParseOptions.LanguageVersion.ToDisplayString()}, "
            + $"nullable {settings.CompilationOptions.NullableContextOptions}, defines {string.Join(";", settings.ParseOptions.PreprocessorSymbolNames)}");
        if (options.ShowReferences)
        {
            foreach (var reference in settings.References.Select(r => r.Display).Order(StringComparer.Ordinal))
                output.WriteLine($"reference: {reference}");
        }
        foreach (var problem in settings.Problems)
            output.WriteLine($"problem: {problem}");
        output.WriteLine($"source generators: {result.GeneratedFiles} files from {settings.Generators.Count} analyzer assemblies"
            + (settings.Generators.Count == 0 ? "" : $" ({string.Join(", ", settings.Generators.Select(Path.GetFileNameWithoutExtension))})"));
        foreach (var problem in result.GeneratorProblems)
            output.WriteLine($"problem: {problem}");
        output.WriteLine($"analyzers: {analyzers.Length} from {analyzerAssembly}");
        if (options.StandInHandlers)
            output.WriteLine($"stand-in handlers: {result.StandInHandlers} controller actions, hub methods, endpoints and message handlers marked [RequestHandler]");
        if (options.Enable is { Count: > 0 } enabled)
            output.WriteLine($"enabled (off by default): {string.Join(", ", enabled)}");

        output.WriteLine();
        output.WriteLine($"compile errors: {result.Errors.Length}");
        foreach (var group in result.Errors.GroupBy(e => e.Id).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(ErrorsShown))
            output.WriteLine($"  {group.Key} x{group.Count()}, e.g. {Where(group.First(), options.Root)}: {group.First().GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");

        output.WriteLine();
        output.WriteLine($"diagnostics: {result.Diagnostics.Length}");
        foreach (var diagnostic in result.Diagnostics)
            output.WriteLine(Line(diagnostic, options.Root));

        output.WriteLine();
        output.WriteLine("per rule:");
        var rules = analyzers.SelectMany(a => a.SupportedDiagnostics).Select(d => d.Id)
            .Where(id => options.Rules.Count == 0 || options.Rules.Contains(id)).Distinct().Order(StringComparer.Ordinal);
        foreach (var rule in rules)
            output.WriteLine($"  {rule}\t{result.Diagnostics.Count(d => d.Id == rule)}");

        output.WriteLine();
        if (result.AnalyzerExceptions.IsEmpty)
        {
            output.WriteLine("analyzer exceptions (AD0001): none");
        }
        else
        {
            output.WriteLine($"!!! ANALYZER EXCEPTIONS (AD0001): {result.AnalyzerExceptions.Length} !!!");
            foreach (var exception in result.AnalyzerExceptions)
            {
                output.WriteLine($"!!! {Where(exception, options.Root)}: {exception.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}");
                // The description carries the stack trace: its first frames say where the analyzer broke.
                foreach (var frame in exception.Descriptor.Description.ToString(System.Globalization.CultureInfo.InvariantCulture).Split('\n').Take(12))
                    output.WriteLine("!!!   " + frame.TrimEnd());
            }
        }

        output.WriteLine();
        double Median(Func<Round, double> value) => Measurement.Median(result.Rounds.Select(value));
        output.WriteLine($"cost, medians of {result.Rounds.Count} rounds after {options.Warmup} warm-up ({(options.Parallel ? "parallel" : "one thread")}):");
        output.WriteLine($"  bind+check {result.BindMs:F0} ms (CPU {Median(r => r.BindCpuMs):F0} ms); "
            + $"analyzers {result.AnalyzersMs:F0} ms = {result.SharePercent:F1} % of bind+check; "
            + $"analysis pass {Median(r => r.PassMs):F0} ms");
        // What the pass allocates beyond binding is the driver's and the analyzers' (the garbage collections it causes are
        // charged to whichever callback is running when they happen).
        output.WriteLine($"  allocated: bind+check {Median(r => r.BindAllocatedMB):F0} MB, analysis pass {Median(r => r.PassAllocatedMB):F0} MB");
        output.WriteLine($"  garbage collection in the analysis pass ({(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}): "
            + $"{Median(r => r.PassCollections.PausedMs):F0} ms paused; collections of generation 0, 1, 2: "
            + $"{Median(r => r.PassCollections.Gen0):F0}, {Median(r => r.PassCollections.Gen1):F0}, {Median(r => r.PassCollections.Gen2):F0}");
        foreach (var name in result.Rounds[0].AnalyzerMs.Keys.OrderByDescending(n => Median(r => r.AnalyzerMs[n])))
        {
            double ms = Median(r => r.AnalyzerMs[name]);
            output.WriteLine($"  {name}\t{ms:F0} ms\t{(result.BindMs > 0 ? 100 * ms / result.BindMs : 0):F1} %");
        }
    }

    /// <summary>Writes id, file, line, column, message and the flagged source line, one diagnostic a row, with a header row.</summary>
    public static void WriteTsv(string path, string root, IEnumerable<Diagnostic> diagnostics)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!); // a folder named for a new run, made here, not a crash after it
        using var writer = new StreamWriter(path);
        writer.WriteLine("id\tfile\tline\tcol\tmessage\tsource");
        foreach (var diagnostic in diagnostics)
        {
            var span = diagnostic.Location.GetLineSpan();
            string source = diagnostic.Location.SourceTree?.GetText().Lines[span.StartLinePosition.Line].ToString().Trim() ?? "";
            writer.WriteLine(string.Join('\t',
                diagnostic.Id,
                span.Path is { Length: > 0 } file ? SourceFiles.Relative(root, file) : "",
                span.StartLinePosition.Line + 1,
                span.StartLinePosition.Character + 1,
                Clean(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture)),
                Clean(source)));
        }
    }

    /// <summary><c>relative/path.cs:line:col</c>, or <c>(no location)</c>.</summary>
    private static string Where(Diagnostic diagnostic, string root)
    {
        var span = diagnostic.Location.GetLineSpan();
        return span.Path is { Length: > 0 } path
            ? $"{SourceFiles.Relative(root, path)}:{span.StartLinePosition.Line + 1}:{span.StartLinePosition.Character + 1}"
            : "(no location)";
    }

    private static string Clean(string text) => text.Replace('\t', ' ').Replace('\r', ' ').Replace('\n', ' ');
}
