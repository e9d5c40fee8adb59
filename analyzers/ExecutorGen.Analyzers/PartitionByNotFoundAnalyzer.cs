using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG100 when <c>[RequestHandler(PartitionBy = "...")]</c> names neither a request parameter of the
/// handler nor a readable member of its single request parameter. What a name means is decided by
/// <see cref="PartitionByResolver"/>, which the generator shares. Run by the generator (see <see cref="HandlerAnalyzer"/>).
/// </summary>
public sealed class PartitionByNotFoundAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PartitionByNotFound);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        if (ResolvePartitionBy(method, attribute) is not var (partitionBy, resolution) || resolution.Kind != PartitionByResolutionKind.NotFound)
            return;

        var candidates = resolution.Candidates;
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticDescriptors.CandidatesProperty, string.Join(",", candidates));
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PartitionByNotFound,
            PartitionByLocation(attribute, method, context.CancellationToken),
            properties,
            partitionBy,
            method.Name,
            candidates.IsEmpty ? "(none)" : string.Join(", ", candidates)));
    }
}
