using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ExecutorGen.Analyzers;

/// <summary>
/// A method of the compilation that keeps a delegate it is given for a worker to run later instead of running it: an
/// application's background work queue (<c>Task QueueTask(Action action)</c> that adds a wrapper calling
/// <c>action()</c> to a <c>BlockingCollection</c> a worker takes from, ASP.NET Core's documented
/// <c>QueueBackgroundWorkItemAsync(workItem) => _queue.Writer.WriteAsync(workItem)</c>). A lambda handed to one does not
/// run on the caller's path: a blocking wait in it blocks the queue's worker, not the request that queued it, which
/// awaits the task the queue hands back (smtp4dev's task queue, round 14 of docs/analyzers-on-real-code.md).
/// </summary>
/// <remarks>
/// Read from the method's source, as a reader would: every use of the parameter is the delegate handed to a method that
/// stores or schedules it (<c>Add</c>, <c>Enqueue</c>, <c>Push</c>, <c>Insert</c>, <c>Write</c>/<c>WriteAsync</c>/<c>TryWrite</c>,
/// <c>Post</c>, <c>SendAsync</c>; <c>Task.Run</c>, <c>Task.Factory.StartNew</c>, <c>ThreadPool.QueueUserWorkItem</c>), directly or inside an object made
/// for it (<c>_items.Add(new WorkItem(action, tcs))</c>), or a call of it inside a lambda or local function that is itself
/// so handed over (<c>Action wrapper = () => { action(); … }; _queue.Add(wrapper);</c>). Any other use (a call here, a
/// lambda run in place such as <c>items.ForEach(i => action())</c>, a field store whose reader is not known) keeps the
/// delegate on the caller's path, as before.
/// </remarks>
internal static class QueuedWork
{
    private static readonly HashSet<string> s_keepers = new(System.StringComparer.Ordinal)
    {
        "Add", "TryAdd", "Enqueue", "TryEnqueue", "Push", "TryPush", "Insert", "Write", "WriteAsync", "TryWrite", "Post",
        "SendAsync",
    };

    // Schedulers, known by the type named before the call: another class's Run may well run its delegate in place.
    private static readonly Dictionary<string, string> s_schedulers = new(System.StringComparer.Ordinal)
    {
        ["Run"] = "Task", ["StartNew"] = "Factory", ["QueueUserWorkItem"] = "ThreadPool", ["UnsafeQueueUserWorkItem"] = "ThreadPool",
    };

    /// <summary>Whether <paramref name="method"/> keeps its parameter of ordinal <paramref name="ordinal"/> for later (see the type).</summary>
    public static bool Keeps(IMethodSymbol method, int ordinal)
    {
        if (method.DeclaringSyntaxReferences is not { Length: 1 } references || ordinal < 0 || ordinal >= method.Parameters.Length)
            return false;
        var declaration = references[0].GetSyntax();
        return EveryUse(declaration, method.Parameters[ordinal].Name, use => KeptForLater(use, declaration));
    }

    private static bool KeptForLater(ExpressionSyntax use, SyntaxNode declaration)
    {
        var function = use.Ancestors().TakeWhile(node => node != declaration)
            .FirstOrDefault(node => node is AnonymousFunctionExpressionSyntax or LocalFunctionStatementSyntax);
        return function switch
        {
            null => HandedToKeeper(use),
            // The lambda around the use is what is kept: itself handed to a keeper, or a local holding it that only is.
            AnonymousFunctionExpressionSyntax lambda => HandedToKeeper(lambda)
                || lambda.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax { Identifier.ValueText: var local } }
                    && EveryUse(declaration, local, HandedToKeeper),
            LocalFunctionStatementSyntax local => EveryUse(declaration, local.Identifier.ValueText, HandedToKeeper),
            _ => false,
        };
    }

    /// <summary>Whether <paramref name="name"/> is used in <paramref name="declaration"/>, and every use passes <paramref name="test"/>.</summary>
    private static bool EveryUse(SyntaxNode declaration, string name, System.Func<ExpressionSyntax, bool> test)
    {
        bool used = false;
        foreach (var use in Uses(declaration, name))
        {
            if (!test(use))
                return false;
            used = true;
        }
        return used;
    }

    /// <summary>The expression is an argument of a keeping call, directly or through the objects made around it.</summary>
    private static bool HandedToKeeper(ExpressionSyntax expression)
    {
        for (SyntaxNode node = expression; node.Parent is ArgumentSyntax { Parent: ArgumentListSyntax { Parent: var call } };)
        {
            switch (call)
            {
                case InvocationExpressionSyntax invocation:
                    return Keeps(invocation.Expression);
                case BaseObjectCreationExpressionSyntax creation:
                    node = creation;
                    continue;
                default:
                    return false;
            }
        }
        return false;
    }

    private static bool Keeps(ExpressionSyntax called) => called switch
    {
        MemberAccessExpressionSyntax { Name.Identifier.ValueText: var name, Expression: var owner } =>
            s_schedulers.TryGetValue(name, out var scheduler) ? Named(owner) == scheduler : s_keepers.Contains(name),
        SimpleNameSyntax { Identifier.ValueText: var name } => s_keepers.Contains(name),
        _ => false,
    };

    private static string? Named(ExpressionSyntax expression) => expression switch
    {
        MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
        SimpleNameSyntax name => name.Identifier.ValueText,
        _ => null,
    };

    /// <summary>The uses of a parameter, local or local function named <paramref name="name"/> (not a member of that name of another object).</summary>
    private static IEnumerable<ExpressionSyntax> Uses(SyntaxNode declaration, string name) =>
        declaration.DescendantNodes().OfType<IdentifierNameSyntax>()
            .Where(identifier => identifier.Identifier.ValueText == name
                && !(identifier.Parent is MemberAccessExpressionSyntax member && member.Name == identifier)
                && identifier.Parent is not NameColonSyntax);
}
