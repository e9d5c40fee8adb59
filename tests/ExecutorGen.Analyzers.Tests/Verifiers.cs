using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace ExecutorGen.Analyzers.Tests;

/// <summary>Test setup shared by the analyzer and code-fix tests: offline references and a language version.</summary>
internal static class TestSetup
{
    /// <summary>
    /// The net8.0 reference assemblies from Basic.Reference.Assemblies plus ExecutorGen's; the testing
    /// library's own reference-assembly packages would be downloaded, which cannot happen here.
    /// </summary>
    public static void AddReferences(SolutionState state, bool withExecutorGen)
    {
        state.AdditionalReferences.AddRange(Net80.References.All);
        if (withExecutorGen)
            state.AdditionalReferences.Add(typeof(RequestHandlerAttribute).Assembly);
    }

    /// <summary>An empty set, so nothing is resolved from a package.</summary>
    public static ReferenceAssemblies NoReferenceAssemblies { get; } = new("net8.0");

    public static Solution WithLanguageVersion(Solution solution, ProjectId projectId, LanguageVersion version)
    {
        var options = (CSharpParseOptions)solution.GetProject(projectId)!.ParseOptions!;
        return solution.WithProjectParseOptions(projectId, options.WithLanguageVersion(version));
    }
}

/// <summary>Runs an analyzer over source with <c>{|EXG100:...|}</c> markup.</summary>
internal sealed class AnalyzerTest<TAnalyzer> : CSharpAnalyzerTest<TAnalyzer, DefaultVerifier>
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
internal sealed class CodeFixTest<TAnalyzer, TCodeFix> : CSharpCodeFixTest<TAnalyzer, TCodeFix, DefaultVerifier>
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
    }
}
