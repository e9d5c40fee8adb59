using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// The minimal-API half of <c>--stand-in-handlers</c>: the methods an application maps to routes
/// (<c>group.MapGet("/providers", GetProvidersAsync)</c>, <c>endpoints.MapGetAndPost("/api/zones", _api.ListZones)</c>,
/// <c>group.MapGet("/tasks", () =&gt; Execute(queue))</c>), which ASP.NET Core runs on the thread pool, many at once, as
/// it runs controller actions. Found by binding, not by name alone: an argument of a <c>Map…</c> call converted to
/// <c>Delegate</c> or <c>RequestDelegate</c>.
/// </summary>
/// <remarks>
/// A method group's method is marked; a lambda's, where its body is one call (<c>() =&gt; Execute(x)</c>,
/// <c>async c =&gt; await _api.List(c)</c>) of a method of the application on a static, this or a field, objects that
/// outlive the request. Not a call on a lambda parameter: the container hands those in per request or shared, which
/// the syntax does not say. A longer lambda is not marked: the analyzers take only methods as handlers. Unlike a
/// controller's, the marked method's class keeps its fields as they are: its object is not made per request.
/// </remarks>
public static class StandInEndpoints
{
    /// <summary>The trees of <paramref name="compilation"/> with its endpoint methods marked, and how many it marked.</summary>
    public static (List<SyntaxTree> Trees, int Marked) Mark(CSharpCompilation compilation)
    {
        var targets = new Dictionary<SyntaxTree, HashSet<MethodDeclarationSyntax>>();
        int marked = 0;
        foreach (var tree in compilation.SyntaxTrees)
        {
            var maps = tree.GetRoot().DescendantNodes().OfType<InvocationExpressionSyntax>().Where(IsMapCall).ToList();
            if (maps.Count == 0)
                continue;
            var model = compilation.GetSemanticModel(tree);
            foreach (var argument in maps.SelectMany(map => map.ArgumentList.Arguments))
            {
                if (!IsEndpointDelegate(model.GetTypeInfo(argument.Expression).ConvertedType)
                    || Target(model, argument.Expression) is not { } method || Declaration(method, compilation) is not { } declaration)
                {
                    continue;
                }
                if (!targets.TryGetValue(declaration.SyntaxTree, out var inTree))
                    targets[declaration.SyntaxTree] = inTree = new HashSet<MethodDeclarationSyntax>();
                if (inTree.Add(declaration))
                    marked++;
            }
        }
        var trees = compilation.SyntaxTrees.Select(tree => targets.TryGetValue(tree, out var methods)
            ? tree.WithRootAndOptions(tree.GetRoot().ReplaceNodes(methods, (_, rewritten) => StandInHandlers.Marked(rewritten, "RequestHandler")), tree.Options)
            : tree).ToList();
        return (trees, marked);
    }

    private static bool IsMapCall(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name } => name.StartsWith("Map", System.StringComparison.Ordinal),
        SimpleNameSyntax { Identifier.ValueText: var name } => name.StartsWith("Map", System.StringComparison.Ordinal),
        _ => false,
    };

    private static bool IsEndpointDelegate(ITypeSymbol? type) =>
        type is { Name: "Delegate", ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } }
        || type is { Name: "RequestDelegate", ContainingNamespace.Name: "Http" };

    /// <summary>The method an endpoint argument runs: a method group's, or a one-call lambda's callee on an object that outlives the request.</summary>
    private static IMethodSymbol? Target(SemanticModel model, ExpressionSyntax argument)
    {
        if (argument is not LambdaExpressionSyntax lambda)
            return Method(model.GetSymbolInfo(argument));
        var call = lambda.ExpressionBody ?? (lambda.Block?.Statements is { Count: 1 } statements ? statements[0] switch
        {
            ReturnStatementSyntax { Expression: var returned } => returned,
            ExpressionStatementSyntax { Expression: var expression } => expression,
            _ => null,
        } : null);
        if (call is AwaitExpressionSyntax awaited)
            call = awaited.Expression;
        if (call is not InvocationExpressionSyntax invocation || Method(model.GetSymbolInfo(invocation)) is not { } callee)
            return null;
        if (callee.IsStatic)
            return callee;
        // The receiver: this (implicit or written), or a field of it or a static; not a lambda parameter nor a local.
        var receiver = invocation.Expression is MemberAccessExpressionSyntax access ? model.GetSymbolInfo(access.Expression).Symbol : null;
        return invocation.Expression is SimpleNameSyntax || invocation.Expression is MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax }
            || receiver is IFieldSymbol or IPropertySymbol { IsStatic: true }
            ? callee
            : null;
    }

    private static IMethodSymbol? Method(SymbolInfo info) =>
        (info.Symbol ?? (info.CandidateSymbols.Length == 1 ? info.CandidateSymbols[0] : null)) as IMethodSymbol;

    /// <summary>The declaration with a body of a method of the compilation, not marked already.</summary>
    private static MethodDeclarationSyntax? Declaration(IMethodSymbol method, Compilation compilation)
    {
        if (method.MethodKind != MethodKind.Ordinary || method.IsAbstract
            || method.GetAttributes().Any(a => a.AttributeClass?.Name == "RequestHandlerAttribute"))
        {
            return null;
        }
        var references = method.OriginalDefinition.DeclaringSyntaxReferences;
        return references.Length == 1 && references[0].GetSyntax() is MethodDeclarationSyntax declaration
            && (declaration.Body is not null || declaration.ExpressionBody is not null) && compilation.ContainsSyntaxTree(declaration.SyntaxTree)
            ? declaration
            : null;
    }
}
