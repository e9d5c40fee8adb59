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
/// Fixes EXG105 by adding <c>partial</c> to the containing type the diagnostic names (its additional
/// location), in whichever document declares it.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeContainingTypePartialCodeFixProvider)), Shared]
public sealed class MakeContainingTypePartialCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.ContainingTypeNotPartial)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (AdditionalLocation(context.Document, diagnostic) is var (document, location))
            yield return Fix("Make the containing type partial", ct => AddPartialAsync(document, location, ct));
    }

    private static async Task<Solution> AddPartialAsync(Document document, Location location, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(location.SourceSpan).FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration
            || declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            return document.Project.Solution;
        }

        // 'partial' goes last among the modifiers, just before the keyword ('public static partial class').
        TypeDeclarationSyntax updated;
        if (declaration.Modifiers.Count == 0)
        {
            var keyword = declaration.Keyword;
            updated = declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.Space))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxTriviaList.Empty)));
        }
        else
        {
            // The last modifier's trailing space separates it from 'partial'; 'partial' brings its own.
            updated = declaration.WithModifiers(declaration.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
        }
        return document.WithSyntaxRoot(root.ReplaceNode(declaration, updated)).Project.Solution;
    }
}
