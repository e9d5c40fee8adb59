using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG111 (warning): the partition key can be null; all null keys share one lane.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class NullableKeyAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.NullableKey);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        if (ResolvedKeyType(method, attribute) is not { } keyType || !HandlerRules.IsNullableKey(keyType))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.NullableKey,
            PartitionByLocation(attribute, method, context.CancellationToken),
            method.Name,
            Display(keyType)));
    }
}
