using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG108 on a handler whose generated named members an earlier handler of its class already gets. Run by the generator (see <see cref="HandlerAnalyzer"/>).</summary>
public sealed class DuplicateHandlerMembersAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateHandlerMembers);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        foreach (var (handler, earlier) in ClassWideConflicts(handlers, HandlerRules.NamedMemberCollisions))
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateHandlerMembers,
                NameLocation(handler.Method),
                earlier.Method.Name,
                handler.Method.Name,
                type.Name,
                handler.Shape.BaseName,
                RequestTypes(handler.Method, handler.Attribute)));
        }
    }
}
