using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Basic.Reference.Assemblies;
using ExecutorGen.Generators;
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

    private static readonly MetadataReference[] s_core = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location))
        .ToArray();

    private static readonly MetadataReference[] s_hosting =
    {
        MetadataReference.CreateFromFile(typeof(ExecutorHosting).Assembly.Location),
        MetadataReference.CreateFromFile(typeof(IServiceCollection).Assembly.Location),
    };

    private static CSharpParseOptions Parse(LanguageVersion version = LanguageVersion.Latest) => new(version, DocumentationMode.Diagnose);

    private static CSharpCompilation Compile(bool hosting, LanguageVersion version = LanguageVersion.Latest, NullableContextOptions nullable = NullableContextOptions.Enable) =>
        CSharpCompilation.Create(
            "TestAssembly",
            new[] { CSharpSyntaxTree.ParseText(Source, Parse(version), path: "Source.cs") },
            hosting ? s_core.Concat(s_hosting) : s_core,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: nullable, warningLevel: 9999));

    private static GeneratorDriver Driver(LanguageVersion version = LanguageVersion.Latest) =>
        CSharpGeneratorDriver.Create(
            new[] { new ExecutorGenerator().AsSourceGenerator() },
            parseOptions: Parse(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    private static (Compilation Output, GeneratorRunResult Result) Run(CSharpCompilation compilation)
    {
        var driver = Driver(((CSharpParseOptions)compilation.SyntaxTrees.First().Options).LanguageVersion)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        return (output, driver.GetRunResult().Results.Single());
    }

    [Theory]
    [InlineData("Sample.SessionHandlersExecutor.Hosting.g.cs")]
    [InlineData("Sample.PairsExecutor.Hosting.g.cs")]
    [InlineData("GlobalHandlersExecutor.Hosting.g.cs")]
    [InlineData("Sample.Outer.NestedExecutor.Hosting.g.cs")]
    public void The_registration_matches_the_expected_source(string hintName)
    {
        var (_, result) = Run(Compile(hosting: true));
        string actual = result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString()
            .Replace(typeof(ExecutorGenerator).Assembly.GetName().Version!.ToString(), "{GeneratorVersion}");

        string path = Path.Combine(SnapshotDirectory(), hintName);
        if (Environment.GetEnvironmentVariable("EXECUTORGEN_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }
        Assert.True(File.Exists(path), $"Missing snapshot {path}; run with EXECUTORGEN_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
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
        var diagnostics = output.GetDiagnostics()
            .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == false))
            .ToList();
        Assert.Empty(diagnostics);
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
        var compilation = Compile(hosting: true);
        var driver = Driver().RunGenerators(compilation);

        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Other { public class Unrelated { } }", Parse(), path: "Unrelated.cs"));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        foreach (string step in new[] { TrackingNames.HostingReferenced, TrackingNames.HostedExecutors })
        {
            var reasons = result.TrackedSteps[step].SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
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

    private static string SnapshotDirectory() =>
        typeof(GeneratorHostingTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
}
