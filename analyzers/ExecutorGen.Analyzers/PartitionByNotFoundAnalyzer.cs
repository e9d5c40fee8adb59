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
        // A request parameter of an unresolved type may well have the member; the compiler already
        // reports the type, so a second error here would only be noise.
        if (PartitionByResolver.GetPartitionBy(attribute) is not { } partitionBy || HasErrorParameter(method))
            return;

        var resolution = PartitionByResolver.Resolve(method, partitionBy);
        if (resolution.Kind != PartitionByResolutionKind.NotFound)
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
