using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG112: a batch handler (<c>MaxBatchSize</c>) whose <c>MaxBatchSize</c> is below 1, whose request parameter is
/// not one <c>IReadOnlyList&lt;T&gt;</c>, or which returns a result. Run by the generator (see <see cref="HandlerAnalyzer"/>).
/// </summary>
public sealed class InvalidBatchHandlerAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.InvalidBatchHandler);

    private protected override void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
        // A method the per-method rules reject (EXG103, EXG104) is reported by them.
        if (HandlerRules.CheckMethod(method).IsViolation || HandlerRules.CheckBatch(method, attribute) is not { IsViolation: true } violation)
            return;
        var location = violation.Offender is { } offender ? NameLocation(offender) : NameLocation(method);
        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InvalidBatchHandler, location, violation.Subject, violation.Reason));
    }
}
