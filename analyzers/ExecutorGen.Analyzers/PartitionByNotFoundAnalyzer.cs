using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG100 when <c>[RequestHandler(PartitionBy = "...")]</c> names neither a request parameter of the
/// handler nor a readable member of its single request parameter. What a name means is decided by
/// <see cref="PartitionByResolver"/>, which the generator shares.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class PartitionByNotFoundAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.PartitionByNotFound);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(PartitionByResolver.AttributeMetadataName);
            if (attributeType is null)
                return;
            start.RegisterSymbolAction(symbol => AnalyzeMethod(symbol, attributeType), SymbolKind.Method);
        });
    }

    private static void AnalyzeMethod(SymbolAnalysisContext context, INamedTypeSymbol attributeType)
    {
        var method = (IMethodSymbol)context.Symbol;
        var attribute = method.GetAttributes()
            .FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));
        if (attribute is null)
            return;

        var partitionBy = PartitionByResolver.GetPartitionBy(attribute);
        if (partitionBy is null)
            return;

        // A request parameter of an unresolved type may well have the member; the compiler already
        // reports the type, so a second error here would only be noise.
        int requestParameterCount = PartitionByResolver.RequestParameterCount(method);
        for (int i = 0; i < requestParameterCount; i++)
        {
            if (method.Parameters[i].Type.TypeKind == TypeKind.Error)
                return;
        }

        var resolution = PartitionByResolver.Resolve(method, partitionBy);
        if (resolution.Kind != PartitionByResolutionKind.NotFound)
            return;

        var candidates = resolution.Candidates;
        var properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticDescriptors.CandidatesProperty, string.Join(",", candidates));

        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.PartitionByNotFound,
            GetLocation(attribute, method, context.CancellationToken),
            properties,
            partitionBy,
            method.Name,
            candidates.IsEmpty ? "(none)" : string.Join(", ", candidates)));
    }

    /// <summary>The <c>PartitionBy</c> argument's expression, else the attribute, else the method name.</summary>
    private static Location GetLocation(AttributeData attribute, IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
        {
            var argument = syntax.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == PartitionByResolver.PartitionByPropertyName);
            return argument?.Expression.GetLocation() ?? syntax.GetLocation();
        }
        return method.Locations.FirstOrDefault() ?? Location.None;
    }
}
