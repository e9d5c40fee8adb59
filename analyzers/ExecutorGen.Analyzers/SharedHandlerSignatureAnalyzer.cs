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

    private protected override void AnalyzeHandlerClass(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var callable = Callable(handlers);
        var shapes = Shapes(callable);
        foreach (var (index, other) in HandlerRules.SharedSignatures(shapes))
        {
            var method = callable[index].Method;
            // Same base name too: EXG108 already reports the pair as an error.
            if (shapes[index].BaseName == shapes[other].BaseName)
                continue;
            string types = DuplicateHandlerMembersAnalyzer.RequestTypes(method);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.SharedHandlerSignature,
                NameLocation(method),
                method.Name,
                callable[other].Method.Name,
                type.Name,
                types.Length == 0 ? "none" : types,
                shapes[index].BaseName));
        }
    }
}
