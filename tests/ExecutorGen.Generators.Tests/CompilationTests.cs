using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class CompilationTests
{
    public static TheoryData<LanguageVersion, NullableContextOptions> Settings => new()
    {
        { LanguageVersion.CSharp10, NullableContextOptions.Enable },
        { LanguageVersion.CSharp10, NullableContextOptions.Disable },
        { LanguageVersion.Latest, NullableContextOptions.Enable },
        { LanguageVersion.Latest, NullableContextOptions.Disable },
    };

    [Theory]
    [MemberData(nameof(Settings))]
    public void SessionHandlers_executor_compiles_without_diagnostics(LanguageVersion languageVersion, NullableContextOptions nullable)
    {
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(Sources.SessionHandlers, languageVersion, nullable);

        Assert.Empty(driverDiagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Every_supported_shape_compiles_without_diagnostics(LanguageVersion languageVersion, NullableContextOptions nullable)
    {
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(Sources.Shapes, languageVersion, nullable);

        Assert.Empty(driverDiagnostics);
        Assert.Equal(
            new[]
            {
                "GlobalHandlersExecutor.g.cs",
                "Shapes.Generic_T_.InnerExecutor.g.cs",
                "Shapes.Outer.Middle.InnerExecutor.g.cs",
                "Shapes.PairsExecutor.g.cs",
                "Shapes.ReturnsExecutor.g.cs",
            },
            result.GeneratedSources.Select(s => s.HintName).OrderBy(n => n, System.StringComparer.Ordinal));
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void All_issue_4_shapes_compile_without_diagnostics(LanguageVersion languageVersion, NullableContextOptions nullable)
    {
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(Sources.AllShapes, languageVersion, nullable);

        Assert.Empty(driverDiagnostics);
        Assert.Equal(5, result.GeneratedSources.Length);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Fact]
    public void A_handler_class_partial_over_two_files_gets_one_executor_with_every_handler()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[]
        {
            "namespace N; public partial class Split { [ExecutorGen.RequestHandler(PartitionBy = \"id\")] public void A(int id) { } }",
            "namespace N { public partial class Split { [ExecutorGen.RequestHandler(PartitionBy = \"id\")] public int B(int id, string s) => id; } }",
        });
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(compilation);

        Assert.Empty(driverDiagnostics);
        string source = Assert.Single(result.GeneratedSources).SourceText.ToString();
        Assert.Contains("SubmitAAsync(int id", source);
        Assert.Contains("SubmitBAsync(int id, string s", source);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Fact]
    public void Several_handler_classes_in_one_project_get_one_executor_each()
    {
        var (output, result, _) = GeneratorHarness.Run(Sources.AllShapes + "\n" + """
            public sealed class More1 { [RequestHandler] public void A(int a) { } }
            public sealed class More2 { [RequestHandler] public void A(int a) { } }
            """);

        Assert.Equal(7, result.GeneratedSources.Length);
        Assert.Equal(7, result.GeneratedSources.Select(s => s.HintName).Distinct().Count());
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Fact]
    public void Nullable_annotations_on_parameters_keys_and_results_compile_without_warnings()
    {
        const string source = """
            #nullable enable
            using System.Threading.Tasks;
            using ExecutorGen;

            namespace N
            {
                public class Request { public string? UserId { get; set; } }

                public class Handlers
                {
                    [RequestHandler(PartitionBy = nameof(Request.UserId))]
                    public Task<string?> Get(Request? request) => Task.FromResult(request?.UserId);

                    [RequestHandler(PartitionBy = nameof(userId))]
                    public string? Find(string? userId, int? limit) => userId;
                }
            }
            """;
        var (output, result, driverDiagnostics) = GeneratorHarness.Run(source);

        Assert.Empty(driverDiagnostics);
        Assert.Single(result.GeneratedSources);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }
}
