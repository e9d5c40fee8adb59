using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG109 (info) on each handler that shares its request types with another handler of its class:
/// it gets only its named members, not the plain SubmitAsync/TrySubmit/InvokeAsync overloads.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedHandlerSignatureAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.SharedHandlerSignature);

    private protected override void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        foreach (var (handler, other) in ClassWideConflicts(handlers, HandlerRules.SharedSignatures))
        {
            // Same base name too: EXG108 already reports the pair as an error.
            if (handler.Shape.BaseName == other.Shape.BaseName)
                continue;
            string types = RequestTypes(handler.Method, handler.Attribute);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SharedHandlerSignature,
                NameLocation(handler.Method),
                handler.Method.Name,
                other.Method.Name,
                type.Name,
                types.Length == 0 ? "none" : types,
                handler.Shape.BaseName));
        }
    }
}
