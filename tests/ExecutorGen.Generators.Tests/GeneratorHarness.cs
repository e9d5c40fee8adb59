using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using ExecutorGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>Compiles test sources against .NET reference assemblies and the ExecutorGen runtime, and runs the generator.</summary>
/// <remarks>Shared with the Hosting and Orleans test projects as a linked file (they pin other Roslyn versions).</remarks>
internal static class GeneratorHarness
{
    private static readonly ImmutableArray<MetadataReference> s_references = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location))
        .ToImmutableArray();

    public static CSharpParseOptions ParseOptions(LanguageVersion languageVersion = LanguageVersion.Latest) =>
        new(languageVersion, DocumentationMode.Diagnose);

    /// <summary>Compiles <paramref name="sources"/> against .NET, the ExecutorGen runtime and <paramref name="references"/>.</summary>
    public static CSharpCompilation CreateCompilation(
        string[] sources,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        NullableContextOptions nullable = NullableContextOptions.Enable,
        OutputKind outputKind = OutputKind.DynamicallyLinkedLibrary,
        IEnumerable<MetadataReference>? references = null)
    {
        var parseOptions = ParseOptions(languageVersion);
        return CSharpCompilation.Create(
            "TestAssembly",
            sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, parseOptions, path: $"Source{i}.cs")),
            references is null ? s_references : s_references.Concat(references),
            new CSharpCompilationOptions(outputKind, nullableContextOptions: nullable, warningLevel: 9999));
    }

    public static GeneratorDriver CreateDriver(CSharpParseOptions parseOptions) =>
        CSharpGeneratorDriver.Create(
            new[] { new ExecutorGenerator().AsSourceGenerator() },
            parseOptions: parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns the compilation with generated sources and the driver's diagnostics.</summary>
    public static (Compilation Output, GeneratorRunResult Result, ImmutableArray<Diagnostic> DriverDiagnostics) Run(CSharpCompilation compilation)
    {
        var driver = CreateDriver((CSharpParseOptions)compilation.SyntaxTrees.First().Options)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, driver.GetRunResult().Results.Single(), diagnostics);
    }

    public static (Compilation Output, GeneratorRunResult Result, ImmutableArray<Diagnostic> DriverDiagnostics) Run(
        string source,
        LanguageVersion languageVersion = LanguageVersion.Latest,
        NullableContextOptions nullable = NullableContextOptions.Enable) =>
        Run(CreateCompilation(new[] { source }, languageVersion, nullable));

    /// <summary>
    /// Every diagnostic of the compilation, except missing XML comments on the test's own (hand-written) public types.
    /// </summary>
    public static ImmutableArray<Diagnostic> CompilationDiagnostics(Compilation compilation) =>
        compilation.GetDiagnostics()
            .Where(d => !(d.Id == "CS1591" && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == false))
            .ToImmutableArray();

    /// <summary>Runs the generator over <paramref name="compilation"/>, then again with an unrelated file added; returns the second run.</summary>
    public static GeneratorRunResult RunAfterUnrelatedEdit(CSharpCompilation compilation)
    {
        var driver = CreateDriver(ParseOptions()).RunGenerators(compilation);
        var edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(
            "namespace Other { public class Unrelated { public int Value; } }", ParseOptions(), path: "Unrelated.cs"));
        return driver.RunGenerators(edited).GetRunResult().Results.Single();
    }

    /// <summary>Asserts that each of <paramref name="steps"/> ran in <paramref name="result"/> and every output of it was cached or unchanged.</summary>
    public static void AssertCached(GeneratorRunResult result, params string[] steps)
    {
        foreach (string step in steps)
        {
            Assert.True(result.TrackedSteps.TryGetValue(step, out var runs), $"Step {step} was not tracked.");
            var reasons = runs.SelectMany(r => r.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
    }

    public static string GeneratedSource(GeneratorRunResult result, string hintName) =>
        result.GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString();
}
