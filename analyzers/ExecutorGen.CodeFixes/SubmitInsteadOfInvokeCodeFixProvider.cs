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

/// <summary>
/// Fixes EXG009 where the handler awaits the call only to wait (its result unused): <c>Invoke…Async</c> becomes the
/// matching <c>Submit…Async</c>, which returns once the request is queued.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SubmitInsteadOfInvokeCodeFixProvider)), Shared]
public sealed class SubmitInsteadOfInvokeCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.HandlerAwaitsOwnExecutor)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.ContainsKey(HandlerAwaitsOwnExecutorAnalyzer.SubmitFixableProperty)
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<InvocationExpressionSyntax>() is { } invocation
            && NameOf(invocation) is { } name
            && name.Identifier.ValueText.StartsWith("Invoke", System.StringComparison.Ordinal))
        {
            string submit = "Submit" + name.Identifier.ValueText.Substring("Invoke".Length);
            yield return Fix($"Submit without waiting ({submit})", ct => RenameAsync(context.Document, name, submit, ct));
        }
    }

    private static SimpleNameSyntax? NameOf(InvocationExpressionSyntax invocation) => invocation.Expression switch
    {
        MemberAccessExpressionSyntax access => access.Name,
        SimpleNameSyntax simple => simple,
        _ => null,
    };

    private static async Task<Document> RenameAsync(Document document, SimpleNameSyntax name, string submit, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var renamed = name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, submit, name.Identifier.TrailingTrivia));
        return document.WithSyntaxRoot(root!.ReplaceNode(name, renamed));
    }
}
