using System.Collections.Immutable;
using System.Linq;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG103: a generic handler, or one with ref/out/in, pointer or ref struct parameters, or a by-ref or ref struct result. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class UnsupportedHandlerAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnsupportedHandler);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        var violation = HandlerRules.CheckMethod(method);
        if (violation.Rule != HandlerRule.UnsupportedHandler)
            return;
        var location = violation.Offender is { } offender ? NameLocation(offender) : NameLocation(method);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedHandler, location, violation.Subject, violation.Reason));
    }
}
