using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Whether any code decides on a field's value: tests it (<c>if (_device != null)</c>, <c>while (!_stopped)</c>,
/// <c>_timer?.Dispose()</c>, <c>_token ?? Login()</c>, <c>_state is State.Open</c>, a comparison, a <c>switch</c>), also
/// through what it holds (<c>if (_key.ExpiresAt &gt; now)</c>), through a call it is passed to
/// (<c>string.IsNullOrEmpty(_name)</c>), or through the getter or method that returns it, where a caller tests that
/// (<c>public bool IsLocked =&gt; _locked;</c>, <c>if (locker.IsLocked)</c>). A store that races another store or a read of
/// a field nothing decides on loses nothing a lock would keep: readers show, pass on or use the older or the newer
/// value, whole, and what the code does next never depends on which. The check-then-act races (two threads both pass a
/// test, one nulls what the other just tested) all need a decision; a lost update needs an update from the field's own
/// value (<c>_pending += n</c>, <c>_items.Add(x)</c>), which counts as one.
/// </summary>
internal static class FieldDecisions
{
    /// <summary>Whether a read among <paramref name="accesses"/> (every access of the field in the compilation) decides on its value.</summary>
    public static bool AnyDecides(Composition composition, List<(FunctionSummary Function, Access Access)> accesses)
    {
        foreach (var (function, access) in accesses)
        {
            // An update from its own value (_pending += n, _items.Add(x)) is undone by a racing store (_pending = 0): a lost update.
            if (access.Kind is AccessKind.ReadModifyWrite or AccessKind.Mutate && !access.InitializesIn(function))
                return true;
            if (access.Kind is AccessKind.Read or AccessKind.ReadCollection
                && (access.InCondition || Decides(access.Syntax, out bool returned) || returned && CallersDecide(composition, function)))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether the value read at <paramref name="read"/> (or what it holds, or a call's result it is passed to) is tested;
    /// <paramref name="returned"/>: it is what the function returns instead (a getter, an expression-bodied method).
    /// </summary>
    private static bool Decides(SyntaxNode read, out bool returned)
    {
        returned = false;
        var node = read;
        while (node.Parent is { } parent)
        {
            switch (parent)
            {
                case ParenthesizedExpressionSyntax or CastExpressionSyntax or AwaitExpressionSyntax:
                case PostfixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.SuppressNullableWarningExpression }:
                case MemberAccessExpressionSyntax access when access.Expression == node:
                case ElementAccessExpressionSyntax element when element.Expression == node:
                case InvocationExpressionSyntax invocation when invocation.Expression == node:
                    node = parent;
                    continue;
                case ArgumentSyntax { Parent: ArgumentListSyntax { Parent: InvocationExpressionSyntax call } }:
                    node = call; // string.IsNullOrEmpty(_name), Equals(_a, b): the call's result may be what is tested
                    continue;
                case ConditionalAccessExpressionSyntax conditional:
                    return conditional.Expression == node;
                case BinaryExpressionSyntax binary:
                    if (binary.Kind() is SyntaxKind.AddExpression or SyntaxKind.SubtractExpression or SyntaxKind.MultiplyExpression
                        or SyntaxKind.DivideExpression or SyntaxKind.ModuloExpression)
                    {
                        node = parent; // DateTime.Now - _lastRefresh > interval
                        continue;
                    }
                    return binary.Kind() != SyntaxKind.CoalesceExpression || binary.Left == node;
                case PrefixUnaryExpressionSyntax unary:
                    if (unary.Kind() == SyntaxKind.LogicalNotExpression)
                        return true;
                    node = parent;
                    continue;
                case IsPatternExpressionSyntax or SwitchStatementSyntax or SwitchExpressionSyntax:
                    return true;
                case IfStatementSyntax or WhileStatementSyntax or DoStatementSyntax or ForStatementSyntax:
                    return true; // its condition: a field read in a body statement stops at that statement first
                case ConditionalExpressionSyntax conditional:
                    return conditional.Condition == node;
                case ReturnStatementSyntax or ArrowExpressionClauseSyntax:
                    returned = true;
                    return false;
                default:
                    return false;
            }
        }
        return false;
    }

    /// <summary>Whether a caller tests what <paramref name="function"/> returns (one call level; through the interface or base member it implements too).</summary>
    private static bool CallersDecide(Composition composition, FunctionSummary function)
    {
        if (function.Enclosing is not null || function.Symbol is not IMethodSymbol method)
            return false;
        foreach (var member in Members(method))
        {
            foreach (var (_, site) in composition.CallersOf(member))
            {
                if (Decides(site.Syntax, out _))
                    return true;
            }
        }
        return false;
    }

    /// <summary>The method itself, what it overrides, and the interface members it implements.</summary>
    private static IEnumerable<IMethodSymbol> Members(IMethodSymbol method)
    {
        yield return method.OriginalDefinition;
        for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
            yield return overridden.OriginalDefinition;
        if (method.ContainingType is not { } type)
            yield break;
        foreach (var @interface in type.AllInterfaces)
        {
            foreach (var candidate in @interface.GetMembers())
            {
                if (candidate is IMethodSymbol interfaceMethod && SymbolEqualityComparer.Default.Equals(type.FindImplementationForInterfaceMember(interfaceMethod), method))
                    yield return interfaceMethod.OriginalDefinition;
            }
        }
    }
}
