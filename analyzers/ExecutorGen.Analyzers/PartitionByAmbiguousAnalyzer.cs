using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG101: <c>PartitionBy</c> matches a parameter and a member, or members of two unrelated interfaces. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class PartitionByAmbiguousAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PartitionByAmbiguous);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        if (ResolvePartitionBy(method, attribute) is not var (partitionBy, resolution) || resolution.Kind != PartitionByResolutionKind.Ambiguous)
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PartitionByAmbiguous,
            PartitionByLocation(attribute, method, context.CancellationToken),
            partitionBy,
            method.Name,
            string.Join(" and ", resolution.Candidates)));
    }
}
