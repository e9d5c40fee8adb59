using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics.Telemetry;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// As shipped, the model-based rules (EXG001-EXG004, EXG006) report only on code handlers reach and on [GuardedBy] fields,
/// so in a compilation whose source names neither, with no file widened to all code, they cannot report anything: they
/// must not summarize it either (no per-member action, no end action). Counted with the driver's own telemetry.
/// </summary>
public class ConcurrencyScopeGateTests
{
    // Worker code every rule would report on if the scope were widened: a started thread, an unguarded counter, a wait.
    private const string Workers = """
        using System;
        using System.Threading;

        public sealed class Pump
        {
            private int _count;

            public void Start() => new Thread(Run).Start();

            private void Run()
            {
                _count++;
                throw new InvalidOperationException("stop");
            }
        }
        """;

    private const string Handlers = """
        using ExecutorGen;

        public sealed class Sessions
        {
            private int _logins;

            [RequestHandler(PartitionBy = nameof(userId))]
            public void Login(string userId) => _logins++;
        }
        """;

    private static readonly Type[] s_modelAnalyzers = { typeof(WorkerCodeAnalyzer), typeof(LockOrderAnalyzer), typeof(ExceptionEscapesWorkerAnalyzer) };

    [Fact]
    public async Task Without_handlers_GuardedBy_or_a_widened_file_the_rules_register_no_action()
    {
        foreach (var (analyzer, telemetry) in await Telemetry(AnalyzerOptionsNone, Workers))
        {
            Assert.True(telemetry.OperationBlockActionsCount == 0, $"{analyzer}: {telemetry.OperationBlockActionsCount} block actions");
            Assert.True(telemetry.CompilationEndActionsCount == 0, $"{analyzer}: {telemetry.CompilationEndActionsCount} end actions");
        }
    }

    [Fact]
    public async Task The_word_in_a_comment_opens_the_gate_only_where_the_runtime_defines_the_attribute()
    {
        // The scan reads text, so a comment naming the attribute opens it (harmless: the rules then find no handler); without
        // the ExecutorGen reference no handler can exist, and only [GuardedBy] is looked for.
        var opened = await Telemetry(AnalyzerOptionsNone, Workers, "// a RequestHandler would go here");
        Assert.All(opened, t => Assert.Equal(1, t.Telemetry.CompilationEndActionsCount));
        var closed = await Telemetry(AnalyzerOptionsNone, withExecutorGen: false, Workers, "// a RequestHandler would go here");
        Assert.All(closed, t => Assert.Equal(0, t.Telemetry.CompilationEndActionsCount));
    }

    [Fact]
    public async Task A_handler_GuardedBy_or_a_widened_file_opens_the_gate()
    {
        const string guarded = """
            using ExecutorGen;

            public sealed class Pending
            {
                private readonly object _sync = new();
                [GuardedBy(nameof(_sync))] private int _count;
            }
            """;
        foreach (var (options, sources) in new[]
        {
            (AnalyzerOptionsNone, new[] { Workers, Handlers }),
            (AnalyzerOptionsNone, new[] { Workers, guarded }),
            (global::ExecutorGen.Analyzers.RealCode.WidenedScope.On, new[] { Workers }),
        })
        {
            foreach (var (analyzer, telemetry) in await Telemetry(options, sources))
            {
                Assert.True(telemetry.OperationBlockActionsCount >= 1, $"{analyzer}: {telemetry.OperationBlockActionsCount} block actions");
                Assert.True(telemetry.CompilationEndActionsCount == 1, $"{analyzer}: {telemetry.CompilationEndActionsCount} end actions");
            }
        }
    }

    [Fact]
    public async Task The_handler_rule_EXG008_registers_nothing_where_no_source_names_a_handler()
    {
        var without = await Telemetry(global::ExecutorGen.Analyzers.RealCode.WidenedScope.On, Workers);
        var with = await Telemetry(global::ExecutorGen.Analyzers.RealCode.WidenedScope.On, Workers, Handlers);
        int Blocks((string Analyzer, AnalyzerTelemetryInfo Telemetry)[] all) =>
            all.Single(a => a.Analyzer == nameof(ExceptionEscapesWorkerAnalyzer)).Telemetry.OperationBlockActionsCount;
        Assert.Equal(1, Blocks(without)); // the model's summaries only
        Assert.Equal(2, Blocks(with)); // and EXG008's look at each handler
    }

    [Fact]
    public Task A_handler_attribute_applied_through_an_alias_declared_in_another_file_is_still_analyzed()
    {
        var test = new Test("""
            public sealed class Sessions
            {
                private static int s_logins;

                [Handler(PartitionBy = nameof(userId))]
                public void Login(string userId) => {|EXG001:s_logins++|};
            }
            """);
        test.TestState.Sources.Add(("Aliases.cs", "global using Handler = ExecutorGen.RequestHandlerAttribute;\n"));
        return ShippedOptions.Of(test).RunAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4090)] // cut by the first chunk's end (chunks are 4,096 characters)
    [InlineData(4096)]
    [InlineData(9000)]
    public void The_source_scan_finds_a_word_wherever_it_is_and_says_which(int position)
    {
        string text = new string(' ', position) + "[GuardedBy(\"_sync\")]" + new string(' ', 100);
        var trees = new[] { CSharpSyntaxTree.ParseText("class A { }"), CSharpSyntaxTree.ParseText(text) };
        Assert.Equal(0b10, SourceMentions.Which(trees, new[] { "RequestHandler", "GuardedBy" }, CancellationToken.None));
        Assert.Equal(0b01, SourceMentions.Which(trees, new[] { "GuardedBy", "Missing" }, CancellationToken.None));
        Assert.Equal(0, SourceMentions.Which(trees, new[] { "GuardedByX" }, CancellationToken.None));
    }

    private static readonly AnalyzerOptions AnalyzerOptionsNone = new(ImmutableArray<AdditionalText>.Empty);

    private static Task<(string Analyzer, AnalyzerTelemetryInfo Telemetry)[]> Telemetry(AnalyzerOptions options, params string[] sources) =>
        Telemetry(options, withExecutorGen: true, sources);

    private static async Task<(string Analyzer, AnalyzerTelemetryInfo Telemetry)[]> Telemetry(AnalyzerOptions options, bool withExecutorGen, params string[] sources)
    {
        var references = withExecutorGen
            ? TestSetup.ReferencesWithExecutorGen
            : Net80.References.All;
        var trees = sources.Select((source, i) => CSharpSyntaxTree.ParseText(source, path: $"File{i}.cs")).ToArray();
        var compilation = CSharpCompilation.Create("Gate", trees, references, new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var analyzers = s_modelAnalyzers.Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!).ToImmutableArray();
        var withAnalyzers = compilation.WithAnalyzers(analyzers, new CompilationWithAnalyzersOptions(options, null, concurrentAnalysis: false, logAnalyzerExecutionTime: false));
        await withAnalyzers.GetAnalyzerDiagnosticsAsync();
        var results = new (string, AnalyzerTelemetryInfo)[analyzers.Length];
        for (int i = 0; i < analyzers.Length; i++)
            results[i] = (analyzers[i].GetType().Name, await withAnalyzers.GetAnalyzerTelemetryInfoAsync(analyzers[i], CancellationToken.None));
        return results;
    }
}
