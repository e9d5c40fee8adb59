using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using ExecutorGen.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace ExecutorGen.Generators.Benchmarks;

/// <summary>
/// The generator over a project of 1,000 handler classes (one file each, three handlers per class):
/// a first run on a fresh compilation, and incremental runs after a handler-body edit (nothing to
/// regenerate) and after a signature edit (one executor regenerated).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class GeneratorBenchmarks
{
    private const int ClassCount = 1_000;

    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    private static readonly ImmutableArray<MetadataReference> s_references = Net100.References.All
        .Cast<MetadataReference>()
        .Append(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location))
        .ToImmutableArray();

    private SyntaxTree[] _trees = null!;
    private CSharpCompilation _fresh = null!;
    private CSharpCompilation[] _bodyEdits = null!;
    private CSharpCompilation[] _signatureEdits = null!;
    private GeneratorDriver _driver = null!;
    private int _turn;

    public static string HandlerClass(int i, string deposit = "public int Deposit(DepositRequest request) => request.Amount;") => $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Bench.N{{i % 50}};

        public sealed record DepositRequest{{i}}(string UserId, int Amount);

        public sealed class Handlers{{i}}
        {
            [RequestHandler(PartitionBy = nameof(userId))]
            public Task Login(string userId, CancellationToken cancellationToken) => Task.CompletedTask;

            [RequestHandler(PartitionBy = nameof(DepositRequest{{i}}.UserId))]
            {{deposit.Replace("DepositRequest", "DepositRequest" + i)}}

            [RequestHandler]
            public void Audit(string message, int level) { }
        }
        """;

    [GlobalSetup]
    public void Setup()
    {
        _trees = Enumerable.Range(0, ClassCount)
            .Select(i => CSharpSyntaxTree.ParseText(HandlerClass(i), s_parseOptions, path: $"Handlers{i}.cs"))
            .ToArray();
        var baseline = Create(_trees);

        // Two alternating edits of the same file, so every incremental run sees a real change.
        SyntaxTree Edit(string deposit) => _trees[500].WithChangedText(SourceText.From(HandlerClass(500, deposit)));
        _bodyEdits = new[]
        {
            baseline.ReplaceSyntaxTree(_trees[500], Edit("public int Deposit(DepositRequest request) => request.Amount + 1;")),
            baseline,
        };
        _signatureEdits = new[]
        {
            baseline.ReplaceSyntaxTree(_trees[500], Edit("public int Deposit(DepositRequest request, int extra) => request.Amount;")),
            baseline,
        };
    }

    [IterationSetup(Target = nameof(FirstRun))]
    public void FreshCompilation() => _fresh = Create(_trees);

    /// <summary>A cold generator on a compilation nothing has bound yet (what a command-line build pays).</summary>
    [Benchmark]
    public int FirstRun() => Driver().RunGenerators(_fresh).GetRunResult().GeneratedTrees.Length;

    [IterationSetup(Targets = new[] { nameof(IncrementalBodyEdit), nameof(IncrementalSignatureEdit) })]
    public void WarmDriver()
    {
        _driver = Driver().RunGenerators(_bodyEdits[1]);
        _turn = 0;
    }

    /// <summary>A keystroke inside a handler body: every step cached, no source regenerated.</summary>
    [Benchmark]
    public int IncrementalBodyEdit() => Step(_bodyEdits);

    /// <summary>A handler signature changed: one executor regenerated, 999 cached.</summary>
    [Benchmark]
    public int IncrementalSignatureEdit() => Step(_signatureEdits);

    private int Step(CSharpCompilation[] compilations)
    {
        _driver = _driver.RunGenerators(compilations[_turn++ % 2]);
        return _driver.GetRunResult().GeneratedTrees.Length;
    }

    private static CSharpCompilation Create(SyntaxTree[] trees) => CSharpCompilation.Create(
        "Bench", trees, s_references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    private static GeneratorDriver Driver() => CSharpGeneratorDriver.Create(
        new[] { new ExecutorGenerator().AsSourceGenerator() },
        parseOptions: s_parseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: false));
}
