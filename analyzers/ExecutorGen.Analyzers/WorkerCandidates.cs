using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A cheap test, before any operation is looked at, of whether a type without <c>[RequestHandler]</c> methods can start
/// worker code: in its source a name that can start a worker (<c>Thread</c>, <c>Timer</c>, <c>Run</c>, <c>StartNew</c>,
/// <c>QueueUserWorkItem</c>, <c>For</c>, <c>ForEach</c>, <c>Invoke</c>, ...), a target-typed <c>new(...)</c> (which names
/// no type), or a using alias declared anywhere in the compilation (which could rename one). Most types of a project have
/// none and are skipped.
/// </summary>
internal static class WorkerCandidates
{
    private static readonly HashSet<string> s_starterNames = new()
    {
        "Thread", "Timer", "ThreadPool", "QueueUserWorkItem", "UnsafeQueueUserWorkItem",
        "Run", "StartNew", "Parallel", "For", "ForEach", "ForEachAsync", "Invoke",
    };

    public static bool MayStartWorkers(INamedTypeSymbol type, ConcurrencySymbols symbols, CancellationToken cancellationToken)
    {
        var aliases = symbols.UsingAliases;
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            foreach (var token in reference.GetSyntax(cancellationToken).DescendantTokens())
            {
                if (token.IsKind(SyntaxKind.IdentifierToken) && (s_starterNames.Contains(token.ValueText) || aliases.Contains(token.ValueText)))
                    return true;
                if (token.IsKind(SyntaxKind.NewKeyword) && token.Parent is ImplicitObjectCreationExpressionSyntax)
                    return true;
            }
        }
        return false;
    }

    /// <summary>The names of every using alias of the compilation (file, namespace and global ones).</summary>
    public static HashSet<string> UsingAliases(Compilation compilation, CancellationToken cancellationToken)
    {
        var aliases = new HashSet<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var root = tree.GetRoot(cancellationToken);
            foreach (var node in root.DescendantNodes(n => n is CompilationUnitSyntax or BaseNamespaceDeclarationSyntax).OfType<UsingDirectiveSyntax>())
            {
                if (node.Alias is { } alias)
                    aliases.Add(alias.Name.Identifier.ValueText);
            }
        }
        return aliases;
    }
}
