using System.Collections.Generic;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.CodeFixes;

/// <summary>
/// Fixes EXG100 by replacing the <c>PartitionBy</c> value with one of the names the analyzer listed,
/// closest first: <c>nameof(parameter)</c> from C# 11 on, <c>nameof(RequestType.Member)</c> for a member,
/// otherwise a string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(PartitionByNotFoundCodeFixProvider)), Shared]
public sealed class PartitionByNotFoundCodeFixProvider() : RuleCodeFixProvider(DiagnosticDescriptors.PartitionByNotFound)
{
    private protected override IEnumerable<CodeAction> Fixes(CodeFixContext context, SyntaxNode root, SemanticModel model, Diagnostic diagnostic)
    {
        var argument = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>();
        var method = argument?.FirstAncestorOrSelf<MethodDeclarationSyntax>() is { } declaration
            ? model.GetDeclaredSymbol(declaration, context.CancellationToken)
            : null;
        if (argument is null || method is null
            || model.GetConstantValue(argument.Expression, context.CancellationToken).Value is not string written
            || !diagnostic.Properties.TryGetValue(DiagnosticDescriptors.CandidatesProperty, out var joined)
            || string.IsNullOrEmpty(joined))
        {
            yield break;
        }

        // One fix per candidate, each its own Fix All group.
        foreach (var name in CandidateRanking.Rank(written, joined!.Split(',')))
        {
            var replacement = Replacement(name, method, argument, model).WithTriviaFrom(argument.Expression);
            yield return Fix(
                $"Use '{name}'",
                _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(argument.Expression, replacement))),
                variant: name);
        }
    }

    /// <summary>The expression naming a candidate, in the most rename-safe form the code allows.</summary>
    private static ExpressionSyntax Replacement(string name, IMethodSymbol method, AttributeArgumentSyntax argument, SemanticModel model)
    {
        // A dotted path ("Customer.Id") has no nameof form: nameof(Order.Customer.Id) is just "Id".
        if (name.IndexOf('.') >= 0)
            return Literal(name);
        if (method.Parameters.Any(p => p.Name == name))
        {
            // The language lets nameof in a method's attribute see its parameters from C# 11 on. Compilers
            // since then accept it at any LangVersion, by design, but fixed code should not depend on that.
            return ((CSharpParseOptions)argument.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp11
                ? SyntaxFactory.ParseExpression($"nameof({Escape(name)})")
                : Literal(name);
        }

        // Otherwise the analyzer listed a member of the single request parameter, which comes first.
        var requestType = method.Parameters.FirstOrDefault()?.Type;
        if (requestType is null || !CanQualifyNameof(requestType))
            return Literal(name);
        var typeName = requestType
            .WithNullableAnnotation(NullableAnnotation.NotAnnotated)
            .ToMinimalDisplayString(model, argument.SpanStart);
        return SyntaxFactory.ParseExpression($"nameof({typeName}.{Escape(name)})");
    }

    /// <summary>Types whose name can stand before the dot inside <c>nameof</c>.</summary>
    private static bool CanQualifyNameof(ITypeSymbol type) =>
        type is INamedTypeSymbol { IsAnonymousType: false, IsTupleType: false } named
        && named.TypeKind != TypeKind.Error
        && named.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;

    private static ExpressionSyntax Literal(string name) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(name));

    private static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None ? name : "@" + name;
}
