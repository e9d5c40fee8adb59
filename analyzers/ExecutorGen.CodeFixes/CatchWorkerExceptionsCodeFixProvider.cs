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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ExecutorGen.CodeFixes;

/// <summary>
/// Fixes EXG002 by wrapping the worker body (the diagnostic's additional location) in
/// <c>try { ... } catch (Exception ex) { Trace.TraceError(...); }</c>. An expression body becomes a block when the
/// body's value is not needed (void, or an async Task).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(CatchWorkerExceptionsCodeFixProvider)), Shared]
public sealed class CatchWorkerExceptionsCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.ExceptionEscapesWorker)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (AdditionalLocation(context.Document, diagnostic) is var (document, location))
            yield return Fix("Catch and report every exception", ct => FixAsync(document, location, ct));
    }

    private static async Task<Solution> FixAsync(Document document, Location location, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var node = root?.FindNode(location.SourceSpan, getInnermostNodeForTie: true);
        if (root is null || model is null || node is null)
            return document.Project.Solution;

        (BlockSyntax? Block, ExpressionSyntax? Expression) body = node switch
        {
            AnonymousFunctionExpressionSyntax lambda => (lambda.Block, lambda.ExpressionBody),
            BaseMethodDeclarationSyntax method => (method.Body, method.ExpressionBody?.Expression),
            LocalFunctionStatementSyntax local => (local.Body, local.ExpressionBody?.Expression),
            _ => (null, null),
        };
        BlockSyntax? wrapped = null;
        if (body.Block is { } block)
        {
            var @try = Wrap(block.Statements).Statements[0];
            wrapped = block.WithStatements(SyntaxFactory.SingletonList(@try.WithAdditionalAnnotations(Formatter.Annotation)));
        }
        else if (body.Expression is { } expression && ValueNotNeeded(node, model, cancellationToken))
        {
            wrapped = Wrap(SyntaxFactory.SingletonList<StatementSyntax>(SyntaxFactory.ExpressionStatement(expression.WithoutTrivia()).WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)));
        }
        if (wrapped is null)
            return document.Project.Solution;

        SyntaxNode updated = node switch
        {
            AnonymousFunctionExpressionSyntax lambda when body.Block is not null => lambda.WithBlock(wrapped),
            ParenthesizedLambdaExpressionSyntax lambda => lambda.WithExpressionBody(null).WithBlock(wrapped)
                .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.ElasticSpace)),
            SimpleLambdaExpressionSyntax lambda => lambda.WithExpressionBody(null).WithBlock(wrapped)
                .WithArrowToken(lambda.ArrowToken.WithTrailingTrivia(SyntaxFactory.ElasticSpace)),
            MethodDeclarationSyntax method => method.WithExpressionBody(null).WithSemicolonToken(default).WithBody(wrapped),
            LocalFunctionStatementSyntax local => local.WithExpressionBody(null).WithSemicolonToken(default).WithBody(wrapped),
            BaseMethodDeclarationSyntax method => method.WithBody(wrapped),
            _ => node,
        };
        return document.WithSyntaxRoot(root.ReplaceNode(node, updated.WithAdditionalAnnotations(Formatter.Annotation))).Project.Solution;
    }

    private static bool ValueNotNeeded(SyntaxNode node, SemanticModel model, CancellationToken cancellationToken)
    {
        var symbol = node is AnonymousFunctionExpressionSyntax
            ? model.GetSymbolInfo(node, cancellationToken).Symbol as IMethodSymbol
            : model.GetDeclaredSymbol(node, cancellationToken) as IMethodSymbol;
        return symbol is not null && (symbol.ReturnsVoid || symbol.IsAsync && symbol.ReturnType is INamedTypeSymbol { IsGenericType: false });
    }

    private static BlockSyntax Wrap(SyntaxList<StatementSyntax> statements)
    {
        // Parsed from text so the new lines survive formatting, which then only fixes the indentation.
        var template = (BlockSyntax)SyntaxFactory.ParseStatement(
            "{\ntry\n{\n}\ncatch (System.Exception ex)\n{\nSystem.Diagnostics.Trace.TraceError(ex.ToString());\n}\n}\n");
        var @try = (TryStatementSyntax)template.Statements[0];
        var exception = @try.Catches[0].Declaration!.Type;
        @try = @try.ReplaceNode(exception, exception.WithAdditionalAnnotations(Simplifier.Annotation));
        template = template.WithStatements(SyntaxFactory.SingletonList<StatementSyntax>(@try));
        @try = (TryStatementSyntax)template.Statements[0];
        var filled = @try.WithBlock(@try.Block.WithStatements(SyntaxFactory.List(statements.Select(s => s.WithTrailingTrivia(SyntaxFactory.ElasticCarriageReturnLineFeed)))));
        return template.ReplaceNode(@try, filled)
            .WithoutTrailingTrivia()
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
