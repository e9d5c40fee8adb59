using System;
using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators;
using ExecutorGen.Generators.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// The generator's Orleans output: emitted only when ExecutorGen.Orleans is referenced, compared with a readable snapshot
/// under <c>Expected/</c> (rewrite with <c>EXECUTORGEN_UPDATE_SNAPSHOTS=1</c> and read the diff), compiled warning-free at
/// C# 10 and latest with nullable on and off, with the in-process executor's members, cached on unrelated edits, and
/// never throwing on broken code.
/// </summary>
public sealed class GeneratorOrleansTests
{
    private const string Source = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Sample
        {
            public sealed record Customer(string Id);
            public sealed record UpdateRequest(string UserId, string Change);
            public sealed record OrderRequest(Customer Customer, int Amount);

            public class SessionHandlers
            {
                [RequestHandler(PartitionBy = "userId")]
                public Task Login(string userId, CancellationToken ct) => Task.CompletedTask;

                [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
                public Task<int> Update(UpdateRequest request) => Task.FromResult(1);

                [RequestHandler(PartitionBy = "userId")]
                public void Logout(string userId) { }

                [RequestHandler(PartitionBy = "Customer.Id")]
                public ValueTask<string> Order(OrderRequest order) => new ValueTask<string>("ok");

                [RequestHandler(PartitionBy = "userId")]
                public ValueTask Touch(string userId, int count) => default;

                [RequestHandler(PartitionBy = "userId")]
                public static int Count(string userId, long since) => 0;
            }

            public sealed record Entry(string Account, int Amount);

            // Batch handlers: the grain hands consecutive requests of one call to them together.
            public class Ledger
            {
                [RequestHandler(PartitionBy = nameof(Entry.Account), MaxBatchSize = 16)]
                public void Post(System.Collections.Generic.IReadOnlyList<Entry> entries) { }

                [RequestHandler(PartitionBy = nameof(Entry.Account), MaxBatchSize = 4)]
                public Task Audit(System.Collections.Generic.IReadOnlyList<Entry> entries, CancellationToken ct) => Task.CompletedTask;

                [RequestHandler(PartitionBy = nameof(Entry.Account), MaxBatchSize = 2)]
                public ValueTask Archive(System.Collections.Generic.IReadOnlyList<Entry> entries) => default;

                [RequestHandler(PartitionBy = nameof(Entry.Account))]
                public int Balance(Entry entry) => entry.Amount;
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
        """;

    // ExecutorGen.Orleans and what its public surface names: Orleans' abstractions and DI.
    private static readonly MetadataReference[] s_orleans = new[]
        {
            typeof(ClusterExecutorEngine).Assembly,
            typeof(global::Orleans.IGrainFactory).Assembly,
            typeof(global::Orleans.IGrainWithStringKey).Assembly,
            typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly,
        }
        .Distinct()
        .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location))
        .ToArray();

    private static CSharpCompilation Compile(bool orleans, string source = Source, LanguageVersion version = LanguageVersion.Latest, NullableContextOptions nullable = NullableContextOptions.Enable) =>
        GeneratorHarness.CreateCompilation(new[] { source }, version, nullable, references: orleans ? s_orleans : null);

    private static GeneratorDriver Driver() => GeneratorHarness.CreateDriver(GeneratorHarness.ParseOptions());

    private static (Compilation Output, GeneratorRunResult Result) Run(CSharpCompilation compilation)
    {
        var (output, result, diagnostics) = GeneratorHarness.Run(compilation);
        Assert.Empty(diagnostics);
        return (output, result);
    }

    private static bool IsOrleansOutput(GeneratedSourceResult source) => source.HintName.EndsWith(".Orleans.g.cs", StringComparison.Ordinal);

    [Fact]
    public void The_cluster_executor_matches_the_expected_source()
    {
        const string hintName = "Sample.SessionHandlersExecutor.Orleans.g.cs";
        var (_, result) = Run(Compile(orleans: true));
        Snapshots.AssertMatches(result, hintName);
    }

    [Fact]
    public void The_cluster_dispatcher_of_a_class_with_batch_handlers_matches_the_expected_source()
    {
        const string hintName = "Sample.LedgerExecutor.Orleans.g.cs";
        var (_, result) = Run(Compile(orleans: true));
        Snapshots.AssertMatches(result, hintName);
    }

    [Fact]
    public void Without_ExecutorGen_Orleans_nothing_is_emitted_for_it_and_the_executors_are_unchanged()
    {
        var (_, without) = Run(Compile(orleans: false));
        var (_, with) = Run(Compile(orleans: true));

        Assert.DoesNotContain(without.GeneratedSources, IsOrleansOutput);
        Assert.DoesNotContain(without.GeneratedSources, s => s.SourceText.ToString().Contains("ClusterExecutor", StringComparison.Ordinal));
        Assert.Equal(
            new[] { "Sample.LedgerExecutor.Orleans.g.cs", "Sample.Outer.NestedExecutor.Orleans.g.cs", "Sample.PairsExecutor.Orleans.g.cs", "Sample.SessionHandlersExecutor.Orleans.g.cs" },
            with.GeneratedSources.Where(IsOrleansOutput).Select(s => s.HintName).OrderBy(n => n, StringComparer.Ordinal));
        foreach (var executor in without.GeneratedSources)
            Assert.Equal(executor.SourceText.ToString(), with.GeneratedSources.Single(s => s.HintName == executor.HintName).SourceText.ToString());
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp10, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.CSharp10, NullableContextOptions.Disable)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Enable)]
    [InlineData(LanguageVersion.Latest, NullableContextOptions.Disable)]
    public void The_cluster_executors_compile_without_warnings(LanguageVersion version, NullableContextOptions nullable)
    {
        var (output, result) = Run(Compile(orleans: true, version: version, nullable: nullable));
        Assert.Contains(result.GeneratedSources, IsOrleansOutput);
        Assert.Empty(GeneratorHarness.CompilationDiagnostics(output));
    }

    [Fact]
    public void Switching_is_one_line_the_cluster_executor_has_every_member_of_the_in_process_one()
    {
        var (output, _) = Run(Compile(orleans: true));
        var inProcess = output.GetTypeByMetadataName("Sample.SessionHandlersExecutor")!;
        var cluster = output.GetTypeByMetadataName("Sample.SessionHandlersClusterExecutor")!;

        // Supervision of local workers has no cluster counterpart (Orleans places and restarts activations), nor has the
        // size of the local pool (SetWorkerCount; see docs/orleans.md).
        var localOnly = new HashSet<string> { "WorkerStuck", "ResumeKey", "AttemptFailed", "SetWorkerCount" };
        var missing = PublicSignatures(inProcess).Where(s => !localOnly.Contains(s.Split('(')[0].Split(' ').Last()))
            .Except(PublicSignatures(cluster))
            .ToList();
        Assert.True(missing.Count == 0, "missing on the cluster executor: " + string.Join("; ", missing));
        Assert.Contains(PublicSignatures(inProcess), s => s == "void SetWorkerCount(int)");
        Assert.DoesNotContain(PublicSignatures(cluster), s => s.Contains("SetWorkerCount", StringComparison.Ordinal));
        Assert.Contains(PublicSignatures(cluster), s => s.Contains("SubmitLoginAsync(string, System.Threading.CancellationToken)", StringComparison.Ordinal));
        Assert.Contains(PublicSignatures(cluster), s => s.Contains("InvokeAsync(Sample.UpdateRequest, System.Threading.CancellationToken)", StringComparison.Ordinal));
        // Login and Logout share a signature: only their named members exist, as in-process.
        Assert.DoesNotContain(PublicSignatures(cluster), s => s.Contains("SubmitAsync(string, System.Threading.CancellationToken)", StringComparison.Ordinal));
    }

    private static IEnumerable<string> PublicSignatures(INamedTypeSymbol type) =>
        type.GetMembers()
            .Where(m => m.DeclaredAccessibility == Accessibility.Public && !m.IsImplicitlyDeclared && m is not IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.EventAdd or MethodKind.EventRemove or MethodKind.PropertyGet })
            .Select(m => m switch
            {
                IMethodSymbol method => $"{method.ReturnType.ToDisplayString()} {method.Name}({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString()))})",
                IPropertySymbol property => $"{property.Type.ToDisplayString()} {property.Name}",
                IEventSymbol @event => $"event {@event.Type.ToDisplayString()} {@event.Name}",
                _ => m.Name,
            });

    [Fact]
    public void Top_level_classes_get_a_registration_method_and_nested_ones_do_not()
    {
        var (output, _) = Run(Compile(orleans: true));
        var extensions = output.GetTypeByMetadataName("Sample.SessionHandlersClusterExecutorServiceCollectionExtensions")!;
        var method = Assert.Single(extensions.GetMembers("AddSessionHandlersClusterHandlers").OfType<IMethodSymbol>());
        Assert.True(method.IsExtensionMethod);
        Assert.Equal(Accessibility.Internal, output.GetTypeByMetadataName("Sample.PairsClusterExecutorServiceCollectionExtensions")!.DeclaredAccessibility);
        Assert.NotNull(output.GetTypeByMetadataName("Sample.Outer+NestedClusterExecutor"));
        Assert.DoesNotContain(output.SyntaxTrees, t => t.ToString().Contains("AddNestedClusterHandlers", StringComparison.Ordinal));
        var executorName = (IFieldSymbol)output.GetTypeByMetadataName("Sample.SessionHandlersClusterExecutor")!.GetMembers("ExecutorName").Single();
        Assert.Equal("Sample.SessionHandlers", executorName.ConstantValue);
    }

    [Fact]
    public void An_unrelated_edit_leaves_the_orleans_steps_cached()
    {
        GeneratorHarness.AssertCached(GeneratorHarness.RunAfterUnrelatedEdit(Compile(orleans: true)), TrackingNames.OrleansReferenced, TrackingNames.ClusterExecutors);
    }

    [Fact]
    public void Adding_the_orleans_reference_emits_the_cluster_executors()
    {
        var compilation = Compile(orleans: false);
        var driver = Driver().RunGenerators(compilation);

        var result = driver.RunGenerators(compilation.AddReferences(s_orleans)).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedSteps[TrackingNames.OrleansReferenced].SelectMany(r => r.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Equal(4, result.GeneratedSources.Count(IsOrleansOutput));
    }

    [Fact]
    public void Broken_code_never_makes_the_generator_throw()
    {
        // Every prefix of the source at a token boundary (unbalanced braces, half-written attributes, missing types),
        // plus a few hand-picked breakages.
        var tokens = CSharpSyntaxTree.ParseText(Source).GetRoot().DescendantTokens().ToList();
        var broken = tokens.Where((_, i) => i % 3 == 0).Select(t => Source.Substring(0, t.Span.End)).ToList();
        broken.Add(Source.Replace("public sealed record Customer(string Id);", ""));
        broken.Add(Source.Replace("PartitionBy = \"userId\"", "PartitionBy = \"nope\""));
        broken.Add(Source.Replace("Task<int> Update", "Task<Missing> Update"));
        broken.Add(Source.Replace("class SessionHandlers", "class SessionHandlers<T>"));

        foreach (var source in broken)
        {
            var driver = Driver().RunGeneratorsAndUpdateCompilation(Compile(orleans: true, source), out _, out var diagnostics);
            var result = driver.GetRunResult().Results.Single();
            Assert.True(result.Exception is null, $"generator threw on:\n{source}\n{result.Exception}");
            Assert.DoesNotContain(diagnostics, d => d.Id is "CS8784" or "CS8785");
        }
    }

}
