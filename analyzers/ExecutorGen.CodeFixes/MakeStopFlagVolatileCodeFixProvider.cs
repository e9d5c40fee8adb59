using System.Collections.Immutable;
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
public sealed class MakeStopFlagVolatileCodeFixProvider : CodeFixProvider
{
    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnsynchronizedStopFlag.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.ContainsKey(DiagnosticDescriptors.VolatileFixableProperty)
                || diagnostic.AdditionalLocations.FirstOrDefault() is not { IsInSource: true, SourceTree: { } tree } location
                || context.Document.Project.Solution.GetDocument(tree) is not { } document)
            {
                continue;
            }
            context.RegisterCodeFix(
                CodeAction.Create("Make the field volatile", ct => FixAsync(document, location, ct), equivalenceKey: DiagnosticDescriptors.UnsynchronizedStopFlag.Id),
                diagnostic);
        }
        return Task.CompletedTask;
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
