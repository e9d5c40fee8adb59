using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using ExecutorGen.Shared;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Base of the EXG1xx rules: finds <c>[RequestHandler]</c> methods and the classes declaring them and hands
/// them to the rule. What the rules decide lives in the shared <see cref="HandlerRules"/> and
/// <see cref="PartitionByResolver"/>, which the generator uses to decide what it skips.
/// </summary>
/// <remarks>
/// The rules whose errors make the generator skip a class (EXG100-EXG108, EXG112) are not exported as analyzers (they have no
/// <see cref="DiagnosticAnalyzerAttribute"/>, so the compiler does not load them): the generator runs them, through
/// <see cref="AnalyzeClass"/>, over each class it skipped, so the reason is shown wherever generators run, also where
/// analyzers do not (<c>RunAnalyzers=false</c>, a language server with analyzers off), and only once. The warnings
/// (EXG109-EXG111) are ordinary analyzers.
/// </remarks>
public abstract class HandlerAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public sealed override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(PartitionByResolver.AttributeMetadataName);
            if (attributeType is null)
                return;
            start.RegisterSymbolAction(symbol =>
            {
                if (symbol.Symbol is IMethodSymbol method && HandlerAttribute(method, attributeType) is { } attribute)
                    AnalyzeHandler(new HandlerRuleContext(symbol.ReportDiagnostic, symbol.CancellationToken), method, attribute);
            }, SymbolKind.Method);
            start.RegisterSymbolAction(symbol =>
            {
                if (symbol.Symbol is not INamedTypeSymbol type)
                    return;
                var handlers = Handlers(type, attributeType);
                if (!handlers.IsEmpty)
                    AnalyzeHandlerClass(new HandlerRuleContext(symbol.ReportDiagnostic, symbol.CancellationToken), type, handlers);
            }, SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// Runs the rule over one class of <paramref name="compilation"/> and its handlers, outside the analyzer driver: what
    /// the driver would report for the class's symbols goes to <paramref name="report"/>. The generator calls this for
    /// each class it skipped.
    /// </summary>
    public void AnalyzeClass(Compilation compilation, INamedTypeSymbol type, Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        if (compilation.GetTypeByMetadataName(PartitionByResolver.AttributeMetadataName) is not { } attributeType)
            return;
        var context = new HandlerRuleContext(report, cancellationToken);
        var handlers = Handlers(type, attributeType);
        foreach (var (method, attribute) in handlers)
            AnalyzeHandler(context, method, attribute);
        if (!handlers.IsEmpty)
            AnalyzeHandlerClass(context, type, handlers);
    }

    /// <summary>Called for each <c>[RequestHandler]</c> method.</summary>
    private protected virtual void AnalyzeHandler(HandlerRuleContext context, IMethodSymbol method, AttributeData attribute)
    {
    }

    /// <summary>Called for each type declaring at least one <c>[RequestHandler]</c> method, with them in declaration order.</summary>
    private protected virtual void AnalyzeHandlerClass(HandlerRuleContext context, INamedTypeSymbol type, ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers)
    {
    }

    private static AttributeData? HandlerAttribute(IMethodSymbol method, INamedTypeSymbol attributeType) =>
        method.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, attributeType));

    private static ImmutableArray<(IMethodSymbol, AttributeData)> Handlers(INamedTypeSymbol type, INamedTypeSymbol attributeType)
    {
        var handlers = ImmutableArray.CreateBuilder<(IMethodSymbol, AttributeData)>();
        foreach (var member in type.GetMembers())
        {
            if (member is IMethodSymbol method && HandlerAttribute(method, attributeType) is { } attribute)
                handlers.Add((method, attribute));
        }
        return handlers.ToImmutable();
    }

    /// <summary>
    /// The handler's key type when its <c>PartitionBy</c> resolves, else <see langword="null"/>; also
    /// <see langword="null"/> when a request parameter's type is unresolved (the compiler already reports it).
    /// </summary>
    private protected static ITypeSymbol? ResolvedKeyType(IMethodSymbol method, AttributeData attribute) =>
        ResolvePartitionBy(method, attribute) is { Resolution: { Kind: PartitionByResolutionKind.Parameter or PartitionByResolutionKind.Member } resolution }
            ? resolution.KeyType
            : null;

    /// <summary>
    /// The handler's <c>PartitionBy</c> name and what it resolves to; <see langword="null"/> when it has none, or when a
    /// request parameter's type is unresolved: that type may well have the member, and the compiler already reports it.
    /// </summary>
    private protected static (string Name, PartitionByResolution Resolution)? ResolvePartitionBy(IMethodSymbol method, AttributeData attribute) =>
        PartitionByResolver.GetPartitionBy(attribute) is { } partitionBy && !HasErrorParameter(method)
            ? (partitionBy, PartitionByResolver.Resolve(method, attribute))
            : null;

    private protected static bool HasErrorParameter(IMethodSymbol method)
    {
        int count = PartitionByResolver.RequestParameterCount(method);
        for (int i = 0; i < count; i++)
        {
            if (method.Parameters[i].Type.TypeKind == TypeKind.Error)
                return true;
        }
        return false;
    }

    /// <summary>The <c>PartitionBy</c> argument's expression, else the attribute, else the method name.</summary>
    private protected static Location PartitionByLocation(AttributeData attribute, IMethodSymbol method, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax)
        {
            var argument = syntax.ArgumentList?.Arguments
                .FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == PartitionByResolver.PartitionByPropertyName);
            return argument?.Expression.GetLocation() ?? syntax.GetLocation();
        }
        return NameLocation(method);
    }

    /// <summary>Where a symbol's name is declared (the first declaration of a partial type), or nowhere.</summary>
    private protected static Location NameLocation(ISymbol symbol) =>
        symbol.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;

    /// <summary>
    /// The pairs a class-wide <paramref name="rule"/> of <see cref="HandlerRules"/> finds among the class's handlers: the
    /// handler to report and the one it conflicts with, each with its shape.
    /// </summary>
    private protected static IEnumerable<(ShapedHandler Handler, ShapedHandler Other)> ClassWideConflicts(
        ImmutableArray<(IMethodSymbol Method, AttributeData Attribute)> handlers,
        Func<IReadOnlyList<HandlerShape>, IEnumerable<(int, int)>> rule)
    {
        // Only the handlers an executor could be generated from count: each passes the per-method rules.
        var callable = handlers
            .Where(h => !HandlerRules.CheckMethod(h.Method).IsViolation && !HandlerRules.CheckBatch(h.Method, h.Attribute).IsViolation && !HasErrorParameter(h.Method))
            .Select(h => new ShapedHandler(h.Method, h.Attribute, HandlerRules.Shape(h.Method, h.Attribute, ResolvedKeyType(h.Method, h.Attribute))))
            .ToArray();
        foreach (var (handler, other) in rule(callable.Select(h => h.Shape).ToArray()))
            yield return (callable[handler], callable[other]);
    }

    /// <summary>The request types of a handler's executor members for a message (one item for a batch handler), comma-separated; empty when it has none.</summary>
    private protected static string RequestTypes(IMethodSymbol method, AttributeData attribute) =>
        string.Join(", ", PartitionByResolver.RequestParameters(method, attribute).Select(p => Display(p.Type)));

    /// <summary>A type for a message: short, with nullable annotations.</summary>
    private protected static string Display(ITypeSymbol type) =>
        type.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat.AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier));

    /// <summary>A handler that passes the per-method rules, with its shape for the class-wide ones.</summary>
    private protected readonly struct ShapedHandler(IMethodSymbol method, AttributeData attribute, HandlerShape shape)
    {
        public IMethodSymbol Method { get; } = method;

        public AttributeData Attribute { get; } = attribute;

        public HandlerShape Shape { get; } = shape;
    }

    /// <summary>What a rule is given to report with: the analyzer driver's symbol context, or the generator's callback.</summary>
    private protected readonly struct HandlerRuleContext(Action<Diagnostic> report, CancellationToken cancellationToken)
    {
        public CancellationToken CancellationToken { get; } = cancellationToken;

        public void ReportDiagnostic(Diagnostic diagnostic) => report(diagnostic);
    }
}
