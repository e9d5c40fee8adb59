using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The names a member stores to other than by a declaration: assigned (<c>x = …</c>, <c>x += …</c>, <c>(x, y) = …</c>),
/// or passed as <c>out</c>, <c>ref</c> or <c>in</c>.
/// </summary>
/// <remarks>
/// Found from the member's text, not by visiting each of its nodes: every such store has an <c>=</c> of an assignment
/// operator or a ref-kind keyword, so only the tokens at those characters are looked up (<see cref="SyntaxNode.FindToken"/>)
/// and their parents read. Visiting every node of each member that asked was a sixth of the summary walk.
/// </remarks>
internal static class StoredNames
{
    [System.ThreadStatic]
    private static char[]? t_buffer;

    /// <summary>The names stored to in <paramref name="body"/> (ordinal; a name, not a symbol).</summary>
    public static HashSet<string> In(SyntaxNode body)
    {
        var names = new HashSet<string>(System.StringComparer.Ordinal);
        var span = body.Span;
        var buffer = t_buffer is { } reused && reused.Length >= span.Length ? reused : t_buffer = new char[System.Math.Max(span.Length, 4096)];
        body.SyntaxTree.GetText().CopyTo(span.Start, buffer, 0, span.Length);
        for (int i = 0; i < span.Length; i++)
        {
            char c = buffer[i];
            if (c == '=')
            {
                if (i + 1 < span.Length && buffer[i + 1] is '=' or '>')
                    i++; // == or =>: no store
                else
                    Assignment(body, body.FindToken(span.Start + i), span.Start + i, names);
            }
            else if (c is 'o' or 'r' or 'i' && (i == 0 || !IsIdentifierPart(buffer[i - 1])) && (Word(buffer, i, span.Length, "out") || Word(buffer, i, span.Length, "ref") || Word(buffer, i, span.Length, "in")))
            {
                if (body.FindToken(span.Start + i) is { RawKind: (int)SyntaxKind.OutKeyword or (int)SyntaxKind.RefKeyword or (int)SyntaxKind.InKeyword } keyword
                    && keyword.SpanStart == span.Start + i
                    && keyword.Parent is ArgumentSyntax { Expression: IdentifierNameSyntax passed } argument && argument.RefKindKeyword == keyword)
                {
                    names.Add(passed.Identifier.ValueText);
                }
            }
        }
        return names;
    }

    private static void Assignment(SyntaxNode body, SyntaxToken token, int position, HashSet<string> names)
    {
        if (!token.Span.Contains(position) || token.Parent is not AssignmentExpressionSyntax assignment || assignment == body || assignment.OperatorToken != token)
            return; // in a comment or a string, or another operator (!=, <=, >=)
        switch (assignment.Left)
        {
            case IdentifierNameSyntax name:
                names.Add(name.Identifier.ValueText);
                break;
            case TupleExpressionSyntax tuple:
                foreach (var element in tuple.Arguments)
                {
                    if (element.Expression is IdentifierNameSyntax target)
                        names.Add(target.Identifier.ValueText);
                }
                break;
        }
    }

    /// <summary>Whether <paramref name="word"/> stands whole at <paramref name="at"/> (the character before was checked by the caller).</summary>
    private static bool Word(char[] buffer, int at, int length, string word)
    {
        if (at + word.Length > length)
            return false;
        for (int i = 0; i < word.Length; i++)
        {
            if (buffer[at + i] != word[i])
                return false;
        }
        return at + word.Length == length || !IsIdentifierPart(buffer[at + word.Length]);
    }

    private static bool IsIdentifierPart(char c) => c == '_' || c == '@' || char.IsLetterOrDigit(c);
}
