using System;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// A class the generator skips gets the usage error that says why, from the generator, whether or not analyzers run;
/// and the package's analyzers do not report it again.
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
    public void The_generator_reports_why_it_skipped_a_class()
    {
        var (_, result, _) = GeneratorHarness.Run(Source);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal("EXG104", error.Id);
        Assert.Equal(DiagnosticSeverity.Error, error.Severity);
        Assert.Contains("'Login'", error.GetMessage());
        Assert.Equal(7, error.Location.GetLineSpan().StartLinePosition.Line + 1);
        Assert.Equal(new[] { "N.OrdersExecutor.g.cs" }, result.GeneratedSources.Select(s => s.HintName));
    }

    [Fact]
    public async Task With_the_package_analyzers_running_too_the_error_is_reported_once()
    {
        var (output, result, _) = GeneratorHarness.Run(Source);
        var (analyzerDiagnostics, exceptions) = await AnalyzerHarness.RunAsync(output);

        Assert.Empty(exceptions);
        var errors = result.Diagnostics.Concat(analyzerDiagnostics).Where(d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("EXG104", Assert.Single(errors).Id);
    }

    [Fact]
    public void A_class_nested_in_other_types_is_found_again_by_its_metadata_name()
    {
        var (_, result, _) = GeneratorHarness.Run("""
            using ExecutorGen;

            namespace N.M;

            public partial class Outer<T>
            {
                public partial class Middle
                {
                    public class Inner
                    {
                        [RequestHandler(PartitionBy = "missing")] public void Handle(int id) { }
                    }
                }
            }
            """);

        Assert.Equal(new[] { "EXG100" }, result.Diagnostics.Select(d => d.Id));
        Assert.Contains("\"missing\"", result.Diagnostics[0].GetMessage());
    }

    [Fact]
    public void Nothing_skipped_nothing_reported()
    {
        var (_, result, _) = GeneratorHarness.Run(Source.Replace("private void Login", "public void Login"));

        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedSources.Length);
    }

    [Fact]
    public void Fixing_the_handler_clears_the_error_in_the_next_run()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Source });
        var driver = GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions()).RunGenerators(compilation);
        Assert.Single(driver.GetRunResult().Diagnostics);

        var tree = compilation.SyntaxTrees.Single();
        var fixedCompilation = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(
            Microsoft.CodeAnalysis.Text.SourceText.From(Source.Replace("private void Login", "public void Login"))));
        var result = driver.RunGenerators(fixedCompilation).GetRunResult();

        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedTrees.Length);
    }

    /// <summary>
    /// The generator runs exactly the rules that make it skip a class, every error-severity usage rule (EXG1xx) of the
    /// analyzer assembly; the compiler loads exactly the others (those marked <see cref="DiagnosticAnalyzerAttribute"/>).
    /// A new skip rule must be added to the generator's list and left unexported, or it is reported twice or never.
    /// </summary>
    [Fact]
    public void The_generator_runs_every_rule_that_skips_a_class_and_the_compiler_loads_every_other_analyzer()
    {
        var analyzers = typeof(HandlerAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .ToList();
        static bool IsSkipRule(Type t) => ((DiagnosticAnalyzer)Activator.CreateInstance(t)!).SupportedDiagnostics
            .Any(d => d.Id.StartsWith("EXG1", StringComparison.Ordinal) && d.DefaultSeverity == DiagnosticSeverity.Error);
        static bool IsExported(Type t) => t.GetCustomAttribute<DiagnosticAnalyzerAttribute>() is not null;

        var skipRules = analyzers.Where(IsSkipRule).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        var run = ExecutorGenerator.SkipReasons.Rules.Select(a => a.GetType().Name).OrderBy(n => n, StringComparer.Ordinal);

        Assert.Equal(10, skipRules.Count);
        Assert.Equal(skipRules, run);
        Assert.All(analyzers, t => Assert.True(IsExported(t) != IsSkipRule(t), t.Name));
    }
}
