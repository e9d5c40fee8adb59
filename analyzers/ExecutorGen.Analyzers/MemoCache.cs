using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A racy memo cache: <c>if (_names.TryFind(type, out var name)) return name; name = Compute(type); _names = _names.AddOrUpdate(type, name);</c>.
/// The field holds an immutable collection replaced by a copy (copy-on-write), and the function returns the cached value
/// before it computes one. Two threads filling it at once lose one entry, which the next lookup computes again: the
/// race costs work, never a wrong value (the idiom of JasperFx's <c>ImHashMap</c> caches). A registry filled the same
/// way without the lookup first (<c>_handlers = _handlers.Add(h)</c>) loses a registration, and a field another write
/// changes under a lock is not a cache of that kind: both stay reported.
/// </summary>
internal static class MemoCache
{
    /// <summary>Whether <paramref name="write"/> (an assignment's syntax) fills a memo cache held in the field <paramref name="field"/>.</summary>
    public static bool IsFill(SyntaxNode write, ISymbol field)
    {
        if (write is not AssignmentExpressionSyntax { RawKind: (int)SyntaxKind.SimpleAssignmentExpression } assignment
            || !Names(assignment.Left, field.Name)
            || assignment.Right is not InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax { Expression: var receiver } }
            || !Names(receiver, field.Name)
            || assignment.Parent is not ExpressionStatementSyntax statement)
        {
            return false;
        }
        // A lookup of the same field that returns on a hit, earlier in the same block.
        if (statement.Parent is not BlockSyntax block)
            return false;
        foreach (var earlier in block.Statements)
        {
            if (earlier == statement)
                return false;
            if (earlier is IfStatementSyntax { Condition: InvocationExpressionSyntax { Expression: MemberAccessExpressionSyntax lookup } } hit
                && Names(lookup.Expression, field.Name) && lookup.Name.Identifier.ValueText.StartsWith("Try", System.StringComparison.Ordinal)
                && Returns(hit.Statement))
            {
                return true;
            }
        }
        return false;
    }

    private static bool Returns(StatementSyntax statement) => statement switch
    {
        ReturnStatementSyntax => true,
        BlockSyntax { Statements: { Count: > 0 } statements } => statements[statements.Count - 1] is ReturnStatementSyntax,
        _ => false,
    };

    /// <summary>
    /// Whether <paramref name="expression"/> names the field <paramref name="name"/>: <c>_x</c>, <c>this._x</c>, <c>other._x</c>,
    /// <c>(_x)</c>, or <c>field</c> in a property's accessor for its backing field (<see cref="IsBackingFieldKeyword"/>).
    /// </summary>
    internal static bool Names(ExpressionSyntax expression, string name) => expression switch
    {
        IdentifierNameSyntax identifier => identifier.Identifier.ValueText == name,
        _ when IsBackingFieldKeyword(expression) => IsBackingFieldName(name),
        MemberAccessExpressionSyntax { Expression: ThisExpressionSyntax or IdentifierNameSyntax, Name: var member } => member.Identifier.ValueText == name,
        ParenthesizedExpressionSyntax parenthesized => Names(parenthesized.Expression, name),
        _ => false,
    };

    /// <summary>
    /// C# 14's <c>field</c> keyword (<c>string Folder =&gt; field ??= Path.Combine(root, "posts");</c>): an expression of the
    /// one keyword token, which the analyzers' Roslyn (4.8) has no syntax type for; before C# 14 <c>field</c> is an
    /// identifier, which <see cref="Names"/> compares as any other.
    /// </summary>
    internal static bool IsBackingFieldKeyword(SyntaxNode node) =>
        node is ExpressionSyntax and not IdentifierNameSyntax && node.GetFirstToken() is { ValueText: "field" } token && token == node.GetLastToken();

    /// <summary>The compiler's name for a property's backing field: <c>&lt;Folder&gt;k__BackingField</c>.</summary>
    internal static bool IsBackingFieldName(string name) => name.Length > 0 && name[0] == '<' && name.EndsWith(">k__BackingField", System.StringComparison.Ordinal);
}
