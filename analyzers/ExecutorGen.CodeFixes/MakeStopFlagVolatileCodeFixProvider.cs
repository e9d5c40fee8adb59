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

/// <summary>Fixes EXG006 by making the flag field (the diagnostic's additional location) <c>volatile</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeStopFlagVolatileCodeFixProvider)), Shared]
public sealed class MakeStopFlagVolatileCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.UnsynchronizedStopFlag)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(DiagnosticDescriptors.VolatileFixableProperty)
            && AdditionalLocation(context.Document, diagnostic) is var (document, location))
        {
            yield return Fix("Make the field volatile", ct => FixAsync(document, location, ct));
        }
    }

    private static async Task<Solution> FixAsync(Document document, Location location, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root?.FindNode(location.SourceSpan).FirstAncestorOrSelf<FieldDeclarationSyntax>() is not { } field
            || field.Modifiers.Any(SyntaxKind.VolatileKeyword))
        {
            return document.Project.Solution;
        }
        FieldDeclarationSyntax updated;
        if (field.Modifiers.Count == 0)
        {
            var type = field.Declaration.Type;
            updated = field
                .WithDeclaration(field.Declaration.WithType(type.WithLeadingTrivia(SyntaxFactory.Space)))
                .WithModifiers(SyntaxFactory.TokenList(SyntaxFactory.Token(type.GetLeadingTrivia(), SyntaxKind.VolatileKeyword, SyntaxTriviaList.Empty)));
        }
        else
        {
            updated = field.WithModifiers(field.Modifiers.Add(SyntaxFactory.Token(SyntaxKind.VolatileKeyword).WithTrailingTrivia(SyntaxFactory.Space)));
        }
        return document.WithSyntaxRoot(root.ReplaceNode(field, updated)).Project.Solution;
    }
}
