using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG104: a private or protected handler, or a file-local handler class, which the generated executor cannot reach. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class InaccessibleHandlerAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InaccessibleHandler);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        var violation = HandlerRules.CheckMethod(method);
        if (violation.Rule == HandlerRule.InaccessibleHandler)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InaccessibleHandler, NameLocation(method), violation.Subject, violation.Reason));
    }

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var violation = HandlerRules.CheckClass(type, context.CancellationToken);
        if (violation.Rule == HandlerRule.InaccessibleHandler)
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InaccessibleHandler, NameLocation(type), "class " + violation.Subject, violation.Reason));
    }
}
