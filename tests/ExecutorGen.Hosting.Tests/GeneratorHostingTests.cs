using System;
using System.Linq;
using ExecutorGen.Generators;
using ExecutorGen.Generators.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ExecutorGen.Hosting.Tests;

/// <summary>
/// The generator's hosting output: emitted only when ExecutorGen.Hosting is referenced, compared with readable
/// snapshots under <c>Expected/</c> (rewrite them with <c>EXECUTORGEN_UPDATE_SNAPSHOTS=1</c> and read the diff),
/// compiled warning-free at C# 10 and latest with nullable on and off, and cached on unrelated edits.
/// </summary>
public class GeneratorHostingTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Sample
        {
            public sealed record UpdateRequest(string UserId, string Change);

            public class SessionHandlers
            {
                [RequestHandler(PartitionBy = "userId")]
                public Task Login(string userId, CancellationToken ct) => Task.CompletedTask;

                [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
                public Task<int> Update(UpdateRequest request) => Task.FromResult(1);
            }

            internal static class Pairs
            {
                [RequestHandler]
                public static void Add(int a, int b) { }
            }

            public partial class Outer
            {
                public class Nested
                {
                    [RequestHandler]
                    public void Run(int x) { }
                }
            }
        }

        public class GlobalHandlers
        {
            [RequestHandler]
            public void Ping(string who) { }
        }
        """;

    private static readonly MetadataReference[] s_hosting =
    {
        MetadataReference.CreateFromFile(typeof(ExecutorHosting).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location),
    };

    private static CSharpCompilation Compile(bool hosting, LanguageVersion version = LanguageVersion.Latest, NullableContextOptions nullable = NullableContextOptions.Enable) =>
        GeneratorHarness.CreateCompilation(new[] { Source }, version, nullable, references: hosting ? s_hosting : null);

    private static GeneratorDriver Driver() => GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions());

    private static (Compilation Output, GeneratorRunResult Result) Run(CSharpCompilation compilation)
    {
        var (output, result, diagnostics) = GeneratorHarness.Run(compilation);
        Assert.Empty(diagnostics);
        return (output, result);
    }

    [Theory]
    [InlineData("Sample.SessionHandlersExecutor.Hosting.g.cs")]
    [InlineData("Sample.PairsExecutor.Hosting.g.cs")]
    [InlineData("GlobalHandlersExecutor.Hosting.g.cs")]
    [InlineData("Sample.Outer.NestedExecutor.Hosting.g.cs")]
    public void The_registration_matches_the_expected_source(string hintName)
    {
        var (_, result) = Run(Compile(hosting: true));
        Snapshots.AssertMatches(result, hintName);
    }

    [Fact]
    public void Without_ExecutorGen_Hosting_no_registration_is_emitted_and_the_executors_are_unchanged()
    {
        var (_, without) = Run(Compile(hosting: false));
        var (_, with) = Run(Compile(hosting: true));

        Assert.DoesNotContain(without.GeneratedSources, s => s.HintName.EndsWith(".Hosting.g.cs", StringComparison.Ordinal));
        var hostingFiles = with.GeneratedSources.Where(s => s.HintName.EndsWith(".Hosting.g.cs", StringComparison.Ordinal)).Select(s => s.HintName);
        Assert.Equal(new[] { "GlobalHandlersExecutor.Hosting.g.cs", "Sample.Outer.NestedExecutor.Hosting.g.cs", "Sample.PairsExecutor.Hosting.g.cs", "Sample.SessionHandlersExecutor.Hosting.g.cs" }, hostingFiles.OrderBy(n => n, StringComparer.Ordinal));
        foreach (var executor in without.GeneratedSources)
            Assert.Equal(executor.SourceText.ToString(), with.GeneratedSources.Single(s => s.HintName == executor.HintName).SourceText.ToString());
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.CSharp10, NullableContextOptions.Disable)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Disable)]
    public void The_registration_compiles_without_warnings(LanguageVersion version, NullableContextOptions nullable)
    {
        var (output, result) = Run(Compile(hosting: true, version, nullable));
        Assert.Contains(result.GeneratedSources, s => s.HintName.EndsWith(".Hosting.g.cs", StringComparison.Ordinal));
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Fact]
    public void The_generated_methods_register_the_executors()
    {
        var (output, _) = Run(Compile(hosting: true));
        var extensions = output.GetTypeByMetadataName("Sample.SessionHandlersExecutorServiceCollectionExtensions");
        Assert.NotNull(extensions);
        var method = Assert.Single(extensions!.GetMembers("AddSessionHandlersExecutor").OfType<IMethodSymbol>());
        Assert.True(method.IsExtensionMethod);
        Assert.Equal(Accessibility.Public, method.DeclaredAccessibility);
        Assert.Equal(Accessibility.Internal, output.GetTypeByMetadataName("Sample.PairsExecutorServiceCollectionExtensions")!.DeclaredAccessibility);
        var executor = output.GetTypeByMetadataName("Sample.SessionHandlersExecutor")!;
        Assert.Contains(executor.AllInterfaces, i => i.ToDisplayString() == "ExecutorGen.Hosting.IHostedExecutor");
        // A nested handler class's executor implements IHostedExecutor but gets no registration method (register it with ExecutorHosting.AddExecutor).
        var nested = output.GetTypeByMetadataName("Sample.Outer+NestedExecutor")!;
        Assert.Contains(nested.AllInterfaces, i => i.ToDisplayString() == "ExecutorGen.Hosting.IHostedExecutor");
        Assert.DoesNotContain(output.SyntaxTrees, t => t.ToString().Contains("AddNestedExecutor", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_hosting_steps_cached()
    {
        GeneratorHarness.AssertCached(GeneratorHarness.RunAfterUnrelatedEdit(Compile(hosting: true)), TrackingNames.HostingReferenced, TrackingNames.HostedExecutors);
    }

    [Fact]
    public void Adding_the_hosting_reference_emits_the_registrations()
    {
        var compilation = Compile(hosting: false);
        var driver = Driver().RunGenerators(compilation);

        var result = driver.RunGenerators(compilation.AddReferences(s_hosting)).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.HostingReferenced].SelectMany(r => r.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(4, result.GeneratedSources.Count(s => s.HintName.EndsWith(".Hosting.g.cs", StringComparison.Ordinal)));
    }

}
