using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A method of the compilation that does its work synchronously and hands back a task already complete: every
/// <c>return</c> is <c>Task.CompletedTask</c>, <c>Task.FromResult(…)</c>, <c>Task.FromException(…)</c>,
/// <c>Task.FromCanceled(…)</c> (or <c>ValueTask</c>'s) or <c>default</c> (ShokoServer's queue
/// <c>Pause() { _pools.Pause(); return Task.CompletedTask; }</c>, smtp4dev's POP3 <c>StopAsync</c>). Waiting for what it
/// returns (<c>Pause().GetAwaiter().GetResult()</c>) blocks on nothing: EXG004 has nothing to report. Read from the
/// declaration, only where no override can return something else; asked only for the tasks code waits on.
/// </summary>
internal static class CompletedTasks
{
    public static bool ReturnsOnlyCompleted(IMethodSymbol method, ConcurrencySymbols symbols)
    {
        if (method.IsAsync || method.IsAbstract || method.IsExtern || method.MethodKind != MethodKind.Ordinary
            || method.IsVirtual || method.IsOverride && !method.IsSealed && !method.ContainingType.IsSealed || !symbols.IsOwn(method)
            || method.DeclaringSyntaxReferences is not { Length: 1 } references || references[0].GetSyntax() is not MethodDeclarationSyntax declaration)
        {
            return false;
        }
        if (declaration.ExpressionBody is { } arrow)
            return IsCompleted(arrow.Expression);
        if (declaration.Body is not { } body)
            return false;
        bool returns = false;
        foreach (var node in body.DescendantNodes(n => n is not (AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax)))
        {
            if (node is YieldStatementSyntax || node is ReturnStatementSyntax { Expression: var returned } && (returned is null || !IsCompleted(returned)))
                return false;
            returns |= node is ReturnStatementSyntax;
        }
        return returns;
    }

    private static bool IsCompleted(ExpressionSyntax expression) => expression switch
    {
        ParenthesizedExpressionSyntax parenthesized => IsCompleted(parenthesized.Expression),
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: "CompletedTask", Expression: var type } => IsTaskType(type),
        InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Name.Identifier.ValueText: "FromResult" or "FromException" or "FromCanceled", Expression: var type } } => IsTaskType(type),
        // default: a ValueTask's is complete; a Task's is null, which throws before anything is waited for.
        LiteralExpressionSyntax { RawKind: (int)SyntaxKind.DefaultLiteralExpression } or DefaultExpressionSyntax => true,
        _ => false,
    };

    private static bool IsTaskType(ExpressionSyntax type) => type switch
    {
        IdentifierNameSyntax { Identifier.ValueText: "Task" or "ValueTask" } => true,
        GenericNameSyntax { Identifier.ValueText: "Task" or "ValueTask" } => true,
        MemberAccessExpressionSyntax { Name: var name } => IsTaskType(name),
        QualifiedNameSyntax { Right: var right } => IsTaskType(right),
        _ => false,
    };
}
