using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG102 on each keyed handler whose key type differs from the first keyed handler's of its class.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class KeyTypesDifferAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.KeyTypesDiffer);

    private protected override void AnalyzeHandlerClass(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var callable = Callable(handlers);
        foreach (var (index, first) in HandlerRules.KeyTypeConflicts(Shapes(callable)))
        {
            var (method, attribute) = callable[index];
            var (firstMethod, firstAttribute) = callable[first];
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.KeyTypesDiffer,
                PartitionByLocation(attribute, method, context.CancellationToken),
                method.Name,
                Display(ResolvedKeyType(method, attribute)!),
                firstMethod.Name,
                type.Name,
                Display(ResolvedKeyType(firstMethod, firstAttribute)!)));
        }
    }
}
