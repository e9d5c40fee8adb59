using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.CodeFixes;

/// <summary>
/// Fixes EXG104 by making the handler <c>internal</c>: a private or protected handler method's accessibility
/// modifiers, or a file-local class's <c>file</c> modifier, are replaced with <c>internal</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeHandlerAccessibleCodeFixProvider)), Shared]
public sealed class MakeHandlerAccessibleCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.InaccessibleHandler)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan);
        MemberDeclarationSyntax? declaration = (MemberDeclarationSyntax?)node.FirstAncestorOrSelf<MethodDeclarationSyntax>()
            ?? node.FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (declaration is not null && declaration.Modifiers.Any(IsReplaced))
            yield return Fix("Make it internal", ct => MakeInternalAsync(context.Document, declaration, ct));
    }

    private static bool IsReplaced(SyntaxToken modifier) =>
        modifier.Kind() is SyntaxKind.PrivateKeyword or SyntaxKind.ProtectedKeyword or SyntaxKind.FileKeyword;

    private static async Task<Document> MakeInternalAsync(Document document, MemberDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
            return document;

        // 'internal' takes the place (and trivia) of the first replaced modifier; the others go.
        var modifiers = declaration.Modifiers;
        int first = modifiers.IndexOf(modifiers.First(IsReplaced));
        var updated = SyntaxFactory.TokenList(modifiers
            .Select((modifier, index) => index == first
                ? SyntaxFactory.Token(modifier.LeadingTrivia, SyntaxKind.InternalKeyword, modifier.TrailingTrivia)
                : modifier)
            .Where((modifier, index) => index == first || !IsReplaced(modifier)));
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, declaration.WithModifiers(updated)));
    }
}
