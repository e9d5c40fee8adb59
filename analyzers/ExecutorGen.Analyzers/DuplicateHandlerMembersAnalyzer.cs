using System.Collections.Immutable;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>Reports EXG108 on a handler whose generated named members an earlier handler of its class already gets.</summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateHandlerMembersAnalyzer : HandlerAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.DuplicateHandlerMembers);

    private protected override void AnalyzeHandlerClass(SymbolAnalysisContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
        var callable = Callable(handlers);
        var shapes = Shapes(callable);
        foreach (var (index, earlier) in HandlerRules.NamedMemberCollisions(shapes))
        {
            var method = callable[index].Method;
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.DuplicateHandlerMembers,
                NameLocation(method),
                callable[earlier].Method.Name,
                method.Name,
                type.Name,
                shapes[index].BaseName,
                RequestTypes(method)));
        }
    }

    internal static string RequestTypes(IMethodSymbol method)
    {
        int count = PartitionByResolver.RequestParameterCount(method);
        var types = new string[count];
        for (int i = 0; i < count; i++)
            types[i] = Display(method.Parameters[i].Type);
        return string.Join(", ", types);
    }
}
