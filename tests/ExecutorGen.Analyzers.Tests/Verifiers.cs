using System.Linq;
using System.Threading.Tasks;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>The analyzers as shipped: no configuration at all (the tests' own widen the concurrency rules to all code).</summary>
internal static class ShippedOptions
{
    public static TTest Of<TTest>(TTest test)
        where TTest : Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier>
    {
        test.TestState.AnalyzerConfigFiles.Clear();
        return test;
    }
}

/// <summary>Test setup shared by the analyzer and code-fix tests: offline references and a language version.</summary>
internal static class TestSetup
{
    /// <summary>
    /// The net8.0 reference assemblies from Basic.Reference.Assemblies plus ExecutorGen's; the testing
    /// library's own reference-assembly packages would be downloaded, which cannot happen here.
    /// </summary>
    public static void AddReferences(SolutionState state, bool withExecutorGen)
    {
        // By default the concurrency rules report on the code handlers reach only; their tests run widened to all code, as
        // a project that opts in (executorgen.concurrency_scope = all); IntentAndOptionsTests check the default.
        state.AnalyzerConfigFiles.Add(("/.globalconfig", global::ExecutorGen.Analyzers.RealCode.WidenedScope.GlobalConfig));
        state.AdditionalReferences.AddRange(Net80.References.All);
        if (withExecutorGen)
            state.AdditionalReferences.Add(typeof(RequestHandlerAttribute).Assembly);
    }

    /// <summary>The same references for a compilation a test makes itself, with ExecutorGen's runtime (for <c>[RequestHandler]</c>).</summary>
    public static System.Collections.Immutable.ImmutableArray<PortableExecutableReference> ReferencesWithExecutorGen { get; } =
        Net80.References.All.Add(MetadataReference.CreateFromFile(typeof(RequestHandlerAttribute).Assembly.Location));

    /// <summary>An empty set, so nothing is resolved from a package.</summary>
    public static ReferenceAssemblies NoReferenceAssemblies { get; } = new("net8.0");

    public static Solution WithLanguageVersion(Solution solution, ProjectId projectId, LanguageVersion version)
    {
        var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
        return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(version));
    }
}

/// <summary>Runs an analyzer over source with <c>{|EXG100:...|}</c> markup.</summary>
internal class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
{
    public AnalyzerTest(string source, LanguageVersion languageVersion = LanguageVersion.Latest, bool withExecutorGen = true)
    {
        TestCode = source;
        ReferenceAssemblies = TestSetup.NoReferenceAssemblies;
        TestSetup.AddReferences(TestState, withExecutorGen);
        SolutionTransforms.Add((solution, projectId) => TestSetup.WithLanguageVersion(solution, projectId, languageVersion));
    }
}

/// <summary>Applies one code fix, chosen by its index among the offered fixes, and compares the result.</summary>
internal class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
    where TAnalyzer : DiagnosticAnalyzer, new()
    where TCodeFix : CodeFixProvider, new()
{
    public CodeFixTest(string source, string fixedSource, int fixIndex = 0, LanguageVersion languageVersion = LanguageVersion.Latest)
    {
        TestCode = source;
        FixedCode = fixedSource;
        CodeActionIndex = fixIndex;
        ReferenceAssemblies = TestSetup.NoReferenceAssemblies;
        TestSetup.AddReferences(TestState, withExecutorGen: true);
        TestSetup.AddReferences(FixedState, withExecutorGen: true);
        SolutionTransforms.Add((solution, projectId) => TestSetup.WithLanguageVersion(solution, projectId, languageVersion));
        // The concurrency rules report at the end of the compilation (they compose the whole call graph), so their
        // diagnostics are "non-local"; their fixes still edit only the flagged code.
        CodeFixTestBehaviors |= CodeFixTestBehaviors.SkipLocalDiagnosticCheck;
    }
}

/// <summary>
/// <see cref="WorkerCodeAnalyzer"/> reports four rules; each rule's tests see only their own, as if it were an
/// analyzer of its own (EXG001 and EXG010, the two halves of one judgment of shared state, together). The testing
/// library reports EXG010 although it is off by default.
/// </summary>
internal static class WorkerRules
{
    private static readonly string[] s_ids = { "EXG001", "EXG004", "EXG006", "EXG010" };

    public static void Only(System.Collections.Generic.List<string> disabled, params string[] ids) => disabled.AddRange(s_ids.Where(other => !ids.Contains(other)));
}

/// <summary>EXG001 and EXG010 alone: what is judged of shared state.</summary>
internal sealed class SharedStateTest : AnalyzerTest<WorkerCodeAnalyzer>
{
    public SharedStateTest(string source, bool withExecutorGen = true) : base(source, withExecutorGen: withExecutorGen) => WorkerRules.Only(DisabledDiagnostics, "EXG001", "EXG010");
}

/// <summary>EXG001's and EXG010's results as the rules report them (suggestions), and a run of a test that expects them.</summary>
internal static class SharedStateResults
{
    public static DiagnosticResult Exg001(int line, int column, int endColumn, string kind, string field, string access, string handler, string note = "") =>
        Result("EXG001", line, column, endColumn, kind, field, access, handler, note);

    public static DiagnosticResult Exg010(int line, int column, int endColumn, string kind, string field, string access, string handler, string note = "") =>
        Result("EXG010", line, column, endColumn, kind, field, access, handler, note);

    private static DiagnosticResult Result(string id, int line, int column, int endColumn, string kind, string field, string access, string handler, string note) =>
        new DiagnosticResult(id, DiagnosticSeverity.Info).WithSpan(line, column, line, endColumn)
            .WithArguments(kind, field, access, $"handler '{handler}'", note);

    public static Task RunExpecting(this SharedStateTest test, params DiagnosticResult[] expected)
    {
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}

/// <summary>EXG004 alone.</summary>
internal sealed class BlockingWaitTest : AnalyzerTest<WorkerCodeAnalyzer>
{
    public BlockingWaitTest(string source) : base(source) => WorkerRules.Only(DisabledDiagnostics, "EXG004");
}

/// <summary>EXG006 alone.</summary>
internal sealed class StopFlagTest : AnalyzerTest<WorkerCodeAnalyzer>
{
    public StopFlagTest(string source) : base(source) => WorkerRules.Only(DisabledDiagnostics, "EXG006");
}

/// <summary>EXG001 and EXG010 alone, with their code fix.</summary>
internal sealed class SharedStateFixTest : CodeFixTest<WorkerCodeAnalyzer, ExecutorGen.CodeFixes.GuardSharedStateCodeFixProvider>
{
    public SharedStateFixTest(string source, string fixedSource) : base(source, fixedSource) => WorkerRules.Only(DisabledDiagnostics, "EXG001", "EXG010");
}

/// <summary>EXG006 alone, with its code fix.</summary>
internal sealed class StopFlagFixTest : CodeFixTest<WorkerCodeAnalyzer, ExecutorGen.CodeFixes.MakeStopFlagVolatileCodeFixProvider>
{
    public StopFlagFixTest(string source, string fixedSource) : base(source, fixedSource) => WorkerRules.Only(DisabledDiagnostics, "EXG006");
}
