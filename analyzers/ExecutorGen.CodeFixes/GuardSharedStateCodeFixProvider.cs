using System.Collections.Generic;
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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace ExecutorGen.CodeFixes;

/// <summary>
/// Fixes EXG001 and EXG010: <c>x++</c>, <c>x--</c>, <c>x += n</c>, <c>x -= n</c> on an int or long field become
/// <c>Interlocked</c> calls; any other statement is wrapped in <c>lock</c> on a private readonly lock object of
/// the type, added once (static when the method is static). Fix All adds one lock object per type. When the same
/// state is guarded by a lock field of the type elsewhere (inconsistent locking), the statement takes that lock instead.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(GuardSharedStateCodeFixProvider)), Shared]
public sealed class GuardSharedStateCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.UnguardedSharedState, DiagnosticDescriptors.UnsynchronizedSharedValue)
{
    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() =>
        FixAllProvider.Create(async (context, document, diagnostics) => await FixAsync(document, diagnostics, context.CancellationToken).ConfigureAwait(false));

    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax or SwitchSectionSyntax } statement
            || !CanWrap(statement))
        {
            yield break;
        }
        string title = diagnostic.Properties.TryGetValue(DiagnosticDescriptors.InterlockedProperty, out string? kind) && kind is not null
            ? $"Use Interlocked.{(kind == "Subtract" ? "Add" : kind)}"
            : "Wrap in lock";
        yield return Fix(title, ct => FixAsync(context.Document, ImmutableArray.Create(diagnostic), ct));
    }

    private static async Task<Document> FixAsync(Document document, ImmutableArray<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
            return document;

        var interlocked = new Dictionary<SyntaxNode, StatementSyntax>();
        var locked = new Dictionary<SyntaxNode, (TypeDeclarationSyntax Type, bool Static)>();
        var existing = new Dictionary<SyntaxNode, string>();
        foreach (var diagnostic in diagnostics)
        {
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } type)
                continue;
            var expression = node.FirstAncestorOrSelf<ExpressionSyntax>(e => e.Parent is ExpressionStatementSyntax);
            if (diagnostic.Properties.TryGetValue(DiagnosticDescriptors.InterlockedProperty, out string? kind) && kind is not null
                && expression?.Parent is ExpressionStatementSyntax expressionStatement && Interlocked(expression, kind) is { } call)
            {
                interlocked[expressionStatement] = expressionStatement.WithExpression(call);
                continue;
            }
            if (node.FirstAncestorOrSelf<StatementSyntax>() is not { Parent: BlockSyntax or SwitchSectionSyntax } target || !CanWrap(target)
                || locked.ContainsKey(target) || existing.ContainsKey(target))
            {
                continue;
            }
            if (diagnostic.Properties.TryGetValue(DiagnosticDescriptors.LockProperty, out string? lockField) && lockField is not null)
            {
                existing[target] = lockField;
                continue;
            }
            bool isStatic = model.GetEnclosingSymbol(node.SpanStart, cancellationToken) is { } enclosing && IsStaticContext(enclosing);
            locked[target] = (type, isStatic);
        }

        // Statements nested in one another (a reported statement inside a reported loop) are wrapped once, outermost.
        foreach (var inner in locked.Keys.Where(k => k.Ancestors().Any(a => locked.ContainsKey(a) || existing.ContainsKey(a))).ToList())
            locked.Remove(inner);
        foreach (var inner in existing.Keys.Where(k => k.Ancestors().Any(a => locked.ContainsKey(a) || existing.ContainsKey(a))).ToList())
            existing.Remove(inner);

        var types = locked.Values.Select(v => v.Type).Concat(interlocked.Keys.Select(k => k.FirstAncestorOrSelf<TypeDeclarationSyntax>()!)).Distinct().ToList();
        var lockNames = new Dictionary<(TypeDeclarationSyntax, bool), string>();
        foreach (var (type, isStatic) in locked.Values.Distinct())
            lockNames[(type, isStatic)] = LockName(type, isStatic);

        var updated = root.ReplaceNodes(
            interlocked.Keys.Concat(locked.Keys).Concat(existing.Keys).Concat(types),
            (original, rewritten) =>
            {
                if (interlocked.TryGetValue(original, out var replacement))
                    return replacement.WithTriviaFrom(original);
                if (locked.TryGetValue(original, out var info))
                    return Lock(rewritten, lockNames[(info.Type, info.Static)]);
                if (existing.TryGetValue(original, out string? lockName))
                    return Lock(rewritten, lockName);
                if (original is TypeDeclarationSyntax type && rewritten is TypeDeclarationSyntax rewrittenType)
                {
                    var fields = lockNames.Where(p => p.Key.Item1 == type && !HasField(type, p.Value)).Select(p => LockField(p.Value, p.Key.Item2)).ToList();
                    return fields.Count == 0 ? rewrittenType : rewrittenType.WithMembers(rewrittenType.Members.InsertRange(0, fields));
                }
                return rewritten;
            });
        return document.WithSyntaxRoot(updated);
    }

    /// <summary>A local declaration moved into a lock block would take its variable out of scope for the statements after it.</summary>
    private static bool CanWrap(StatementSyntax statement) => statement is not LocalDeclarationStatementSyntax;

    private static bool IsStaticContext(ISymbol symbol)
    {
        for (var current = symbol; current is not null; current = current.ContainingSymbol)
        {
            if (current is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction and not MethodKind.LocalFunction } method)
                return method.IsStatic;
            if (current is IMethodSymbol { IsStatic: true, MethodKind: MethodKind.AnonymousFunction or MethodKind.LocalFunction })
                return true;
        }
        return false;
    }

    private static ExpressionSyntax? Interlocked(ExpressionSyntax expression, string kind)
    {
        (ExpressionSyntax? target, ExpressionSyntax? value) = expression switch
        {
            PostfixUnaryExpressionSyntax postfix => (postfix.Operand, null),
            PrefixUnaryExpressionSyntax prefix => (prefix.Operand, null),
            AssignmentExpressionSyntax assignment => (assignment.Left, assignment.Right),
            _ => ((ExpressionSyntax?)null, (ExpressionSyntax?)null),
        };
        if (target is null)
            return null;
        string method = kind == "Subtract" ? "Add" : kind;
        var arguments = new List<ArgumentSyntax> { SyntaxFactory.Argument(null, SyntaxFactory.Token(SyntaxKind.RefKeyword), target.WithoutTrivia()) };
        if (value is not null)
        {
            var amount = value.WithoutTrivia();
            if (kind == "Subtract")
                amount = SyntaxFactory.PrefixUnaryExpression(SyntaxKind.UnaryMinusExpression, amount is IdentifierNameSyntax or LiteralExpressionSyntax or MemberAccessExpressionSyntax ? amount : SyntaxFactory.ParenthesizedExpression(amount));
            arguments.Add(SyntaxFactory.Argument(amount));
        }
        return SyntaxFactory.InvocationExpression(
                SyntaxFactory.ParseExpression("System.Threading.Interlocked." + method).WithAdditionalAnnotations(Simplifier.Annotation),
                SyntaxFactory.ArgumentList(SyntaxFactory.SeparatedList(arguments)))
            .WithTriviaFrom(expression);
    }

    private static SyntaxNode Lock(SyntaxNode node, string lockName)
    {
        var statement = (StatementSyntax)node;
        return SyntaxFactory.LockStatement(SyntaxFactory.IdentifierName(lockName), SyntaxFactory.Block(statement.WithoutLeadingTrivia()))
            .WithLeadingTrivia(statement.GetLeadingTrivia())
            .WithAdditionalAnnotations(Formatter.Annotation);
    }

    private static string LockName(TypeDeclarationSyntax type, bool isStatic)
    {
        string baseName = isStatic ? "s_lock" : "_lock";
        string name = baseName;
        for (int i = 2; type.Members.OfType<FieldDeclarationSyntax>().Any(f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == name) && !IsLockField(f, isStatic)); i++)
            name = baseName + i;
        return name;
    }

    private static bool IsLockField(FieldDeclarationSyntax field, bool isStatic) =>
        field.Modifiers.Any(SyntaxKind.ReadOnlyKeyword) && field.Modifiers.Any(SyntaxKind.StaticKeyword) == isStatic
        && field.Declaration.Type is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.ObjectKeyword };

    private static bool HasField(TypeDeclarationSyntax type, string name) =>
        type.Members.OfType<FieldDeclarationSyntax>().Any(f => f.Declaration.Variables.Any(v => v.Identifier.ValueText == name));

    private static MemberDeclarationSyntax LockField(string name, bool isStatic) =>
        SyntaxFactory.ParseMemberDeclaration($"private {(isStatic ? "static " : "")}readonly object {name} = new object();\n")!
            .WithAdditionalAnnotations(Formatter.Annotation);
}
