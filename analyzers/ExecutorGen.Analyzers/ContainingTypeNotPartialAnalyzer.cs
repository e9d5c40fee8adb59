using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG105 on a handler class nested in a type that is not <c>partial</c>. The containing type's
/// declaration is the diagnostic's additional location, for the code fix that adds <c>partial</c>.
/// Run by the generator (see <see cref="HandlerAnalyzer"/>).
/// </summary>
public sealed class ContainingTypeNotPartialAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ContainingTypeNotPartial);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var violation = HandlerRules.CheckClass(type, context.CancellationToken);
        if (violation.Rule != HandlerRule.ContainingTypeNotPartial || violation.Offender is not { } outer)
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.ContainingTypeNotPartial,
            NameLocation(type),
            additionalLocations: new[] { NameLocation(outer) },
            violation.Subject,
            violation.Reason));
    }
}
