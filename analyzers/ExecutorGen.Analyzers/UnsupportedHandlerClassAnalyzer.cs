using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG106: handlers declared in a generic class, a struct or an interface. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class UnsupportedHandlerClassAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnsupportedHandlerClass);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var violation = HandlerRules.CheckClass(type, context.CancellationToken);
        if (violation.Rule == HandlerRule.UnsupportedHandlerClass)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnsupportedHandlerClass, NameLocation(type), violation.Subject, violation.Reason));
    }
}
