using System.Collections.Generic;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.CodeFixes;

/// <summary>Fixes EXG005 by rewriting <c>hash % n</c> and <c>Math.Abs(hash) % n</c> as <c>(int)((uint)hash % (uint)n)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(HashRoutingCodeFixProvider)), Shared]
public sealed class HashRoutingCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.NegativeHashRouting)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(HashRoutingAnalyzer.FixableProperty))
            yield return Fix("Use (int)((uint)hash % (uint)n)", ct => FixAsync(context.Document, diagnostic, ct));
    }

    private static async Task<Document> FixAsync(Document document, Diagnostic diagnostic, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var node = root?.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        BinaryExpressionSyntax? remainder;
        ExpressionSyntax hash;
        switch (node)
        {
            case BinaryExpressionSyntax binary when binary.IsKind(SyntaxKind.ModuloExpression):
                (remainder, hash) = (binary, binary.Left);
                break;
            case InvocationExpressionSyntax { ArgumentList.Arguments.Count: 1 } abs:
                var outer = abs.Parent;
                var left = (ExpressionSyntax)abs;
                while (outer is ParenthesizedExpressionSyntax parenthesized)
                    (left, outer) = (parenthesized, parenthesized.Parent);
                remainder = outer as BinaryExpressionSyntax;
                if (remainder is null || !remainder.IsKind(SyntaxKind.ModuloExpression) || remainder.Left != left)
                    return document;
                hash = abs.ArgumentList.Arguments[0].Expression;
                break;
            default:
                return document;
        }
        var replacement = SyntaxFactory.ParseExpression($"(int)((uint){Operand(hash)} % (uint){Operand(remainder.Right)})")
            .WithTriviaFrom(remainder);
        // A cast binds looser than member access and indexing only.
        ExpressionSyntax result = remainder.Parent is MemberAccessExpressionSyntax or ElementAccessExpressionSyntax or ConditionalAccessExpressionSyntax or PostfixUnaryExpressionSyntax
            ? SyntaxFactory.ParenthesizedExpression(replacement)
            : replacement;
        return document.WithSyntaxRoot(root!.ReplaceNode(remainder, result));
    }

    /// <summary>An operand as it can follow a cast: names, member accesses, calls and literals as they are; anything else parenthesized.</summary>
    private static string Operand(ExpressionSyntax expression)
    {
        var trimmed = expression.WithoutTrivia();
        return trimmed is IdentifierNameSyntax or MemberAccessExpressionSyntax or InvocationExpressionSyntax or LiteralExpressionSyntax
            or ElementAccessExpressionSyntax or ParenthesizedExpressionSyntax or ThisExpressionSyntax
            ? trimmed.ToString()
            : "(" + trimmed + ")";
    }
}
