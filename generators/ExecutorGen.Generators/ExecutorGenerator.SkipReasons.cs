using System.Collections.Immutable;
using ExecutorGen.Analyzers;
using ExecutorGen.Generators.Model;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Why a class got no executor. The usage rules whose errors make the generator skip a class (EXG100-EXG108, EXG112) are
    /// reported here, by the generator, for each class it skipped, and by no analyzer: the rules' code is in their
    /// <see cref="HandlerAnalyzer"/> classes, which the package does not export as analyzers. So the reason is shown
    /// wherever generators run, also where analyzers do not (<c>RunAnalyzers=false</c>, a language server with analyzers
    /// off), where the only message would otherwise be <c>CS0246</c> at the use of the missing executor; and it is shown
    /// once. Code fixes apply to generator diagnostics as to analyzer ones.
    /// </summary>
    internal static class SkipReasons
    {
        /// <summary>The rules that stop an executor from being generated (errors, EXG100-EXG108, EXG112).</summary>
        public static ImmutableArray<HandlerAnalyzer> Rules { get; } = ImmutableArray.Create<HandlerAnalyzer>(
            new PartitionByNotFoundAnalyzer(),
            new PartitionByAmbiguousAnalyzer(),
            new KeyTypesDifferAnalyzer(),
            new UnsupportedHandlerAnalyzer(),
            new InaccessibleHandlerAnalyzer(),
            new ContainingTypeNotPartialAnalyzer(),
            new UnsupportedHandlerClassAnalyzer(),
            new ExecutorNameCollisionAnalyzer(),
            new DuplicateHandlerMembersAnalyzer(),
            new InvalidBatchHandlerAnalyzer());

        /// <summary>Runs the rules over each class of <paramref name="skippedClasses"/> and reports what they find.</summary>
        public static void Report(SourceProductionContext context, Compilation compilation, EquatableArray<string> skippedClasses)
        {
            foreach (var metadataName in skippedClasses)
            {
                // Only the compilation's own declaration of the name: a referenced assembly may declare it too.
                if (compilation.Assembly.GetTypeByMetadataName(metadataName) is not { } type)
                    continue;
                foreach (var rule in Rules)
                    rule.AnalyzeClass(compilation, type, context.ReportDiagnostic, context.CancellationToken);
            }
        }
    }
}
