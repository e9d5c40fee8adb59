using System;
using System.Collections.Immutable;
using System.Linq;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Why a class got no executor, where analyzers do not run. The usage errors (EXG100-EXG108) that make the generator
    /// skip a class are reported by the analyzers; a build with analyzers switched off (<c>RunAnalyzers=false</c>, which
    /// the package makes visible to the generator) would leave the user with only <c>CS0246</c> where the executor is
    /// used. In such a build, when a class was skipped, the generator runs those same analyzers and reports their
    /// errors: the rules and their messages stay in one place, and nothing is reported twice, since the analyzers
    /// themselves do not run. (A language server with analyzers off but the build's settings unchanged is not seen.)
    /// </summary>
    internal static class SkipReasons
    {
        /// <summary>The MSBuild property, as the package's props make it visible to the generator.</summary>
        public const string RunAnalyzersProperty = "build_property.RunAnalyzers";

        /// <summary>The analyzers of the rules that stop an executor from being generated (errors, EXG100-EXG108).</summary>
        public static ImmutableArray<DiagnosticAnalyzer> Analyzers { get; } = ImmutableArray.Create<DiagnosticAnalyzer>(
            new PartitionByNotFoundAnalyzer(),
            new PartitionByAmbiguousAnalyzer(),
            new KeyTypesDifferAnalyzer(),
            new UnsupportedHandlerAnalyzer(),
            new InaccessibleHandlerAnalyzer(),
            new ContainingTypeNotPartialAnalyzer(),
            new UnsupportedHandlerClassAnalyzer(),
            new ExecutorNameCollisionAnalyzer(),
            new DuplicateHandlerMembersAnalyzer());

        public static bool AnalyzersSwitchedOff(AnalyzerConfigOptions globalOptions) =>
            globalOptions.TryGetValue(RunAnalyzersProperty, out string? value)
            && string.Equals(value.Trim(), "false", StringComparison.OrdinalIgnoreCase);

        /// <summary>Runs the usage analyzers over <paramref name="compilation"/> and reports their errors.</summary>
        public static void Report(SourceProductionContext context, Compilation compilation)
        {
            var diagnostics = compilation
                .WithAnalyzers(Analyzers, new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty))
                .GetAnalyzerDiagnosticsAsync(context.CancellationToken)
                .GetAwaiter().GetResult(); // the generator's callback is synchronous; this runs only in such builds
            foreach (var diagnostic in diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error))
                context.ReportDiagnostic(diagnostic);
        }
    }
}
