using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// In a build without analyzers (<c>RunAnalyzers=false</c>), a class the generator skips still gets the usage error
/// that says why, reported by the generator running the same analyzers; with analyzers on, the generator reports
/// nothing (the analyzers do), so no error is reported twice.
/// </summary>
public class SkipReasonTests
{
    private const string Source = """
        using ExecutorGen;

        namespace N;

        public class Sessions
        {
            [RequestHandler(PartitionBy = nameof(user))] private void Login(string user) { }
        }

        public class Orders
        {
            [RequestHandler(PartitionBy = nameof(id))] public void Place(int id) { }
        }
        """;

    [Fact]
    public void Without_analyzers_the_generator_reports_why_it_skipped_a_class()
    {
        var diagnostics = Run(analyzersOff: true);

        var error = Assert.Single(diagnostics);
        Assert.Equal("EXG104", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("'Login'", error.GetMessage());
        Assert.Equal(7, error.Location.GetLineSpan().StartLinePosition.Line + 1);
    }

    [Fact]
    public void With_analyzers_the_generator_leaves_the_error_to_them()
    {
        Assert.Empty(Run(analyzersOff: false));
    }

    [Fact]
    public void Without_analyzers_and_nothing_skipped_the_generator_reports_nothing()
    {
        Assert.Empty(Run(analyzersOff: true, source: Source.Replace("private void Login", "public void Login")));
    }

    /// <summary>
    /// The generator runs exactly the analyzers whose rules make it skip a class: every analyzer of the package that
    /// reports an error-severity usage rule (EXG1xx), and no other. A new skip rule must be added to the list.
    /// </summary>
    [Fact]
    public void The_generator_runs_the_analyzer_of_every_rule_that_skips_a_class()
    {
        var skipRules = typeof(ExecutorGen.Analyzers.HandlerAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Where(t => ((DiagnosticAnalyzer)System.Activator.CreateInstance(t)!).SupportedDiagnostics
                .Any(d => d.Id.StartsWith("EXG1", System.StringComparison.Ordinal) && d.DefaultSeverity == DiagnosticSeverity.Error))
            .Select(t => t.Name)
            .OrderBy(name => name, System.StringComparer.Ordinal);

        var run = ExecutorGenerator.SkipReasons.Analyzers.Select(a => a.GetType().Name).OrderBy(name => name, System.StringComparer.Ordinal);

        Assert.Equal(skipRules, run);
    }

    private static IReadOnlyList<Diagnostic> Run(bool analyzersOff, string source = Source)
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { source });
        var options = new Options(analyzersOff ? new Dictionary<string, string> { ["build_property.RunAnalyzers"] = "false" } : new());
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new ExecutorGenerator().AsSourceGenerator() },
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options,
            optionsProvider: new OptionsProvider(options));
        driver.RunGeneratorsAndUpdateCompilation(compilation, out _, out var diagnostics);
        return diagnostics;
    }

    private sealed class OptionsProvider(AnalyzerConfigOptions global) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions => global;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => global;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => global;
    }

    private sealed class Options(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, out string value) => values.TryGetValue(key, out value!);
    }
}
