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
