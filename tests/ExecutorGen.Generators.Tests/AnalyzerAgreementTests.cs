using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// A class without an executor has exactly one EXG1xx error explaining why (from the generator, which runs the skip
/// rules; none from the analyzers), and a class with one has none (the generated executor itself never trips a rule).
/// </summary>
public class AnalyzerAgreementTests
{
    private const string Usings = "using System.Threading; using System.Threading.Tasks; using ExecutorGen;\n";

    [Theory]
    [InlineData("public class H { [RequestHandler] public void Get<T>(T value) { } }", "EXG103")]
    [InlineData("public class H { [RequestHandler] public void Get(ref int value) { } }", "EXG103")]
    [InlineData("public class H { [RequestHandler] public void Get(in int value) { } }", "EXG103")]
    [InlineData("public class H { [RequestHandler] public void Get(out int value) { value = 0; } }", "EXG103")]
    [InlineData("public class H { [RequestHandler] public void Get(System.Span<int> value) { } }", "EXG103")]
    [InlineData("public class H { int _x; [RequestHandler] public ref int Get() => ref _x; }", "EXG103")]
    [InlineData("public class H { [RequestHandler] private void Get(int value) { } }", "EXG104")]
    [InlineData("file class H { [RequestHandler] public void Get(int value) { } }", "EXG104")]
    [InlineData("public class Outer { public class H { [RequestHandler] public void Get(int value) { } } }", "EXG105")]
    [InlineData("public class H<T> { [RequestHandler] public void Get(int value) { } }", "EXG106")]
    [InlineData("public struct H { [RequestHandler] public void Get(int value) { } }", "EXG106")]
    [InlineData("public class H { [RequestHandler] public void Get(int value) { } } public class HExecutor { }", "EXG107")]
    [InlineData("public class H { [RequestHandler(PartitionBy = \"a\")] public void A(string a) { } [RequestHandler(PartitionBy = \"b\")] public void B(int b) { } }", "EXG102")]
    [InlineData("public class R { private protected string Id = \"\"; } public class H { [RequestHandler(PartitionBy = \"Id\")] public void Get(R r) { } }", "EXG100")]
    [InlineData("public class R { public int Id; } public class H { [RequestHandler(PartitionBy = \"Id\")] public void Get(R Id) { } }", "EXG101")]
    [InlineData("public class H { [RequestHandler] public void Get(int value) { } [RequestHandler] public void GetAsync(int other) { } }", "EXG108")]
    [InlineData("public class H { [RequestHandler] public void Get(int value) { } [RequestHandler] public void Get(int value, CancellationToken token) { } }", "EXG108")]
    public async Task A_skipped_class_gets_the_error_that_says_why(string code, string expectedId)
    {
        var (output, result, _) = GeneratorHarness.Run(Usings + code);
        var (diagnostics, exceptions) = await AnalyzerHarness.RunAsync(output);

        Assert.Empty(result.GeneratedSources);
        Assert.Empty(exceptions);
        var errors = result.Diagnostics.Concat(diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToList();
        Assert.Equal(new[] { expectedId }, errors);
    }

    [Theory]
    [InlineData(nameof(Sources.SessionHandlers))]
    [InlineData(nameof(Sources.Shapes))]
    [InlineData(nameof(Sources.AllShapes))]
    public async Task A_generated_executor_comes_with_no_usage_error(string sourceName)
    {
        string source = (string)typeof(Sources).GetField(sourceName)!.GetValue(null)!;
        var (output, result, _) = GeneratorHarness.Run(source);
        var (diagnostics, exceptions) = await AnalyzerHarness.RunAsync(output);

        Assert.NotEmpty(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(exceptions);
        Assert.DoesNotContain(diagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }

    [Theory]
    [InlineData("public class K { } public class H { [RequestHandler(PartitionBy = \"k\")] public void Get(K k) { } }", "EXG110")]
    [InlineData("#nullable enable\npublic class H { [RequestHandler(PartitionBy = \"k\")] public void Get(string? k) { } }", "EXG111")]
    [InlineData("public class H { [RequestHandler] public void A(int a) { } [RequestHandler] public void B(int b) { } }", "EXG109")]
    public async Task Warnings_and_infos_do_not_stop_the_executor(string code, string expectedId)
    {
        var (output, result, _) = GeneratorHarness.Run(Usings + code);
        var (diagnostics, exceptions) = await AnalyzerHarness.RunAsync(output);

        Assert.Single(result.GeneratedSources);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(exceptions);
        Assert.All(diagnostics, d => Assert.Equal(expectedId, d.Id));
        Assert.NotEmpty(diagnostics);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output).Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task A_user_partial_executor_merges_with_the_generated_one()
    {
        const string code = Usings + """
            namespace N
            {
                public class H { [RequestHandler] public void Get(int value) { } }
                public sealed partial class HExecutor { public int Extra => 1; }
            }
            """;
        var (output, result, _) = GeneratorHarness.Run(code);
        var (diagnostics, exceptions) = await AnalyzerHarness.RunAsync(output);

        Assert.Single(result.GeneratedSources);
        Assert.Empty(exceptions);
        Assert.Empty(diagnostics);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output).Where(d => d.Severity != DiagnosticSeverity.Hidden));
    }
}
