using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG110 (warning): the partition key's type compares by reference identity.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class KeyWithoutValueEqualityAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.KeyWithoutValueEquality);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        if (ResolvedKeyType(method, attribute) is not { } keyType || HandlerRules.HasValueEquality(keyType))
            return;
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.KeyWithoutValueEquality,
            PartitionByLocation(attribute, method, context.CancellationToken),
            method.Name,
            Display(keyType)));
    }
}
