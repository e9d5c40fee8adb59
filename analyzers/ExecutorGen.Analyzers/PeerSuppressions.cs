using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Where the code already answered the same question for another analyzer: a <c>#pragma warning disable VSTHRD002</c>
/// (or <c>CA1849</c>) around a blocking wait, or <c>[SuppressMessage("Usage", "VSTHRD002")]</c> on its method or type, is
/// a maintainer's statement that this wait is deliberate (vs-threading's, the .NET SDK's and Meziantou's sync-over-async
/// rules are EXG004's peers). Reporting it again would be noise.
/// </summary>
internal static class PeerSuppressions
{
    /// <summary>
    /// vs-threading's "avoid problematic synchronous waits" and "call async methods when in an async method", the SDK's
    /// CA1849 (the same), and Meziantou's "do not use blocking calls" in an async (MA0042) and a sync method (MA0045).
    /// </summary>
    public static readonly string[] BlockingWait = { "VSTHRD002", "VSTHRD103", "CA1849", "MA0042", "MA0045" };

    /// <summary>Whether one of <paramref name="ids"/> is suppressed at <paramref name="node"/> (in <paramref name="member"/>).</summary>
    public static bool At(SyntaxNode node, ISymbol member, string[] ids) => ByPragma(node, ids) || ByAttribute(member, ids);

    private static bool ByPragma(SyntaxNode node, string[] ids)
    {
        bool disabled = false;
        if (node.SyntaxTree.GetRoot() is not CSharpSyntaxNode root)
            return false;
        for (var directive = root.GetFirstDirective(IsPragma); directive is not null && directive.SpanStart < node.SpanStart; directive = directive.GetNextDirective(IsPragma))
        {
            var pragma = (PragmaWarningDirectiveTriviaSyntax)directive;
            // A pragma with no codes disables (or restores) every warning.
            if (pragma.ErrorCodes.Count == 0 || pragma.ErrorCodes.Any(code => ids.Contains(code.ToString().Trim())))
                disabled = pragma.DisableOrRestoreKeyword.IsKind(SyntaxKind.DisableKeyword);
        }
        return disabled;
    }

    private static bool IsPragma(DirectiveTriviaSyntax directive) => directive is PragmaWarningDirectiveTriviaSyntax;

    private static bool ByAttribute(ISymbol member, string[] ids)
    {
        for (var symbol = member; symbol is not null; symbol = symbol.ContainingType)
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "SuppressMessageAttribute" && attribute.ConstructorArguments.Length == 2
                    && attribute.ConstructorArguments[1].Value is string check && ids.Any(id => check.StartsWith(id, System.StringComparison.Ordinal)))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
