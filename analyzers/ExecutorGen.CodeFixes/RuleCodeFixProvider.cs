using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ExecutorGen.CodeFixes;

/// <summary>
/// Base of the code-fix providers: each fixes one rule, offering for each of its diagnostics the code actions
/// <see cref="Fixes"/> lists. Their equivalence key is the rule's id (with the fix's variant, when it names one),
/// so Fix All applies the same fix to every diagnostic of the rule.
/// </summary>
public abstract class RuleCodeFixProvider : CodeFixProvider
{
    private readonly string _ruleId;

    private protected RuleCodeFixProvider(DiagnosticDescriptor rule, params DiagnosticDescriptor[] alsoFixes)
    {
        _ruleId = rule.Id; // a rule split in two (EXG001, EXG010) keeps one equivalence key: the fix is the same
        FixableDiagnosticIds = ImmutableArray.Create(rule.Id).AddRange(alsoFixes.Select(other => other.Id));
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        // Fetched for every provider though few use it: the compilation that reported the diagnostics is already built.
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return;
        foreach (var diagnostic in context.Diagnostics)
        {
            foreach (var fix in Fixes(context, root, model, diagnostic))
                context.RegisterCodeFix(fix, diagnostic);
        }
    }

    /// <summary>The fixes offered for one diagnostic of the rule, made with <c>Fix</c>; none when it has no mechanical fix.</summary>
    private protected abstract IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic);

    /// <summary>A fix that changes one document.</summary>
    private protected CodeAction Fix(string title, Func<CancellationToken, Task<Document>> change, string? variant = null) =>
        CodeAction.Create(title, change, equivalenceKey: EquivalenceKey(variant));

    /// <summary>A fix that may change another document than the diagnostic's.</summary>
    private protected CodeAction Fix(string title, Func<CancellationToken, Task<Solution>> change, string? variant = null) =>
        CodeAction.Create(title, change, equivalenceKey: EquivalenceKey(variant));

    private string EquivalenceKey(string? variant) => variant is null ? _ruleId : $"{_ruleId}:{variant}";

    /// <summary>The diagnostic's first additional location, with the document of the solution it lies in, when it lies in one.</summary>
    private protected static (Document Document, Location Location)? AdditionalLocation(Document document, Diagnostic diagnostic) =>
        diagnostic.AdditionalLocations.FirstOrDefault() is { IsInSource: true, SourceTree: { } tree } location
        && document.Project.Solution.GetDocument(tree) is { } target
            ? (target, location)
            : null;
}
