using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG102 on each keyed handler whose key type differs from the first keyed handler's of its class. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class KeyTypesDifferAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.KeyTypesDiffer);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        foreach (var (handler, first) in ClassWideConflicts(handlers, HandlerRules.KeyTypeConflicts))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.KeyTypesDiffer,
                PartitionByLocation(handler.Attribute, handler.Method, context.CancellationToken),
                handler.Method.Name,
                Display(ResolvedKeyType(handler.Method, handler.Attribute)!),
                first.Method.Name,
                type.Name,
                Display(ResolvedKeyType(first.Method, first.Attribute)!)));
        }
    }
}
