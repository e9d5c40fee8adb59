using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG107: <c>{Class}Executor</c> already names a type or member the generated executor cannot merge with. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class ExecutorNameCollisionAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.ExecutorNameCollision);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var violation = HandlerRules.CheckClass(type, context.CancellationToken);
        if (violation.Rule != HandlerRule.ExecutorNameCollision)
            return;
        var additional = violation.Offender is { } offender && NameLocation(offender) is { IsInSource: true } location
            ? new[] { location }
            : null;
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ExecutorNameCollision, NameLocation(type), additional, violation.Subject, violation.Reason));
    }
}
