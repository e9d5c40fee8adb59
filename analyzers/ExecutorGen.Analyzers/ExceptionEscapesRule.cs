using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG002 over the composed summaries: the first place an exception can leave a thread body, thread-pool item, timer
/// callback, fire-and-forget task, or <c>async void</c> method, lambda or local function, outside a <c>try</c> that
/// catches every exception. A call to a method of the compilation counts only if an exception can leave that method
/// (followed to any depth, in any type): a worker that calls a method which catches everything
/// is safe, and so is a lambda that only forwards to one (<c>_ => Reload()</c>, <c>s => ((Worker)s).Loop()</c>). Property
/// reads, casts, array indexing and arithmetic, atomic operations, thread-safe collections and the other APIs of
/// <see cref="ApiLists"/> do not count: what no maintainer wraps in a try.
/// </summary>
internal static class ExceptionEscapesRule
{
    /// <summary>How many forwarding lambdas and methods a report is moved through, to the place that lets the exception out.</summary>
    public const int MaxDepth = 4;

    /// <summary>A bound on the recursion of <see cref="CanThrow"/> that only a pathological call chain reaches (it guards the stack).</summary>
    private const int StackGuard = 256;

    private const string Crashes = "it terminates the process";
    private const string Lost = "the discarded task loses it silently";

    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        // Its roots are the threads, timers, pool items and tasks the code starts itself, never a handler (whose
        // exceptions the executor catches): it reports only in files where the project widens the rules to all code.
        if (!context.Compilation.SyntaxTrees.Any(composition.AnalyzesAllCode))
            return;
        var canThrow = new Dictionary<ISymbol, Thrown>(SymbolEqualityComparer.Default);
        var reported = new HashSet<Location>();
        foreach (var (root, what, consequence, owner) in Roots(composition))
        {
            // A call into the compilation counts only if the callee lets an exception out: a forwarding lambda
            // (_ => Reload()) to a method that catches everything is safe. One to a method that does not is reported where
            // that method calls what fails (the place to catch it), unless the method throws on purpose (a guard clause):
            // then the lambda's call is the place.
            // A discarded task that ends by its cancellation loses nothing: an OperationCanceledException is how it stops.
            var counted = consequence == Lost ? Thrown.Disposed | Thrown.Other : Thrown.Cancelled | Thrown.Disposed | Thrown.Other;
            var function = root;
            var escape = FirstEscape(composition, function, canThrow, counted);
            for (int hops = 0; escape?.Callee is { } callee && hops < MaxDepth && IsForwarder(function, escape)
                && composition.Functions.TryGetValue(callee, out var forwardedTo)
                && FirstEscape(composition, forwardedTo, canThrow, counted) is { Callee: null } inner && !IsThrow(inner.Syntax); hops++)
            {
                function = forwardedTo;
                escape = inner;
            }
            if (escape is null)
                continue;
            var location = escape.Syntax.GetLocation();
            if (!composition.AnalyzesAllCode(escape.Syntax.SyntaxTree) || !reported.Add(location))
                continue;
            var origin = Origin(composition, function, escape, canThrow, counted);
            var additional = origin is null ? new[] { owner } : new[] { owner, origin.Value.Point.Syntax.GetLocation() };
            string from = origin is { } found ? $" (it can come from '{Shortened(found.Point.Syntax)}' in {Describe(found.Function)})" : "";
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ExceptionEscapesWorker, location, additional, what, consequence, from));
        }
    }

    /// <summary>
    /// Where in the callees of a reported call the exception comes from: the escape of the callee, of its callee, and so
    /// on, down to a sure throw point (a <c>throw</c>, a library call that fails by contract, code handed in). Null when
    /// the reported place is that point itself. The message names it, so that the report says what to look at. Each step
    /// looks only for what still gets out where the step before was: an <c>ObjectDisposedException</c> that a
    /// <c>catch (ObjectDisposedException)</c> around the reported call stops is no example of what escapes it (RabbitMQ's
    /// heartbeat callback, defect 04 of docs/analyzers-on-real-code.md).
    /// </summary>
    private static (ThrowPoint Point, FunctionSummary Function)? Origin(Composition composition, FunctionSummary reported, ThrowPoint escape,
        Dictionary<ISymbol, Thrown> canThrow, Thrown counted)
    {
        (ThrowPoint Point, FunctionSummary Function)? origin = null;
        var (point, function) = (escape, reported);
        var escaping = EscapeAt(composition, escape, canThrow, 0) & counted;
        for (int hops = 0; hops < StackGuard; hops++)
        {
            FunctionSummary? next;
            ThrowPoint? nextPoint;
            if (point.Rethrown is { } body)
            {
                // A rethrow: the first throw point of the try's body that lets something out, in the same function.
                next = function;
                nextPoint = body.FirstOrDefault(p => (EscapeAt(composition, p, canThrow, 0) & escaping) != Thrown.None);
            }
            else if (point.Callee is { } callee)
            {
                next = point.Dispatched ? ThrowingTarget(composition, callee, canThrow, escaping) : composition.Functions.TryGetValue(callee, out var called) ? called : null;
                nextPoint = next is null ? null : FirstEscape(composition, next, canThrow, escaping);
            }
            else
            {
                break;
            }
            if (next is null || nextPoint is null)
                break;
            origin = (nextPoint, next);
            (point, function) = (nextPoint, next);
            escaping &= EscapeAt(composition, point, canThrow, 0);
        }
        return origin;
    }

    /// <summary>The first implementation or override of <paramref name="member"/> that can let an exception out.</summary>
    private static FunctionSummary? ThrowingTarget(Composition composition, IMethodSymbol member, Dictionary<ISymbol, Thrown> canThrow, Thrown counted)
    {
        foreach (var target in composition.Targets(member, delegates: false))
        {
            if (target is IMethodSymbol method && (CanThrow(composition, method, canThrow, 0) & counted) != Thrown.None && composition.Functions.TryGetValue(method, out var function))
                return function;
        }
        return null;
    }

    private static string Describe(FunctionSummary function) => function.Symbol switch
    {
        IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } => $"a lambda in '{function.Member.Name}'",
        IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor, ContainingType.Name: var type } => $"the constructor of '{type}'",
        var symbol => $"'{symbol.ContainingType?.Name}.{symbol.Name}'",
    };

    /// <summary>
    /// The code of a throw point as a message can carry it: <c>throw new IOException(...)</c>, <c>_stream.Write(...)</c>,
    /// anything else on one line, cut.
    /// </summary>
    private static string Shortened(SyntaxNode syntax)
    {
        const int Max = 60;
        var text = syntax switch
        {
            ThrowStatementSyntax { Expression: BaseObjectCreationExpressionSyntax created } => $"throw {Head(created)}",
            ThrowExpressionSyntax { Expression: BaseObjectCreationExpressionSyntax created } => $"throw {Head(created)}",
            InvocationExpressionSyntax { Expression: MemberBindingExpressionSyntax binding, Parent: ConditionalAccessExpressionSyntax access } =>
                OneLine(access.Expression.ToString()) + "?" + binding + "(...)",
            InvocationExpressionSyntax invocation => OneLine(invocation.Expression.ToString()) + "(...)",
            _ => OneLine(syntax.ToString()),
        };
        return text.Length <= Max ? text : text.Substring(0, Max - 3) + "...";

        static string Head(BaseObjectCreationExpressionSyntax created) => created is ObjectCreationExpressionSyntax { Type: var type } ? $"new {type}(...)" : "new(...)";

        static string OneLine(string code) => string.Join(" ", code.Split(new[] { ' ', '\t', '\r', '\n' }, System.StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>The bodies an escaping exception crashes the process from, or is lost from; with how messages name them.</summary>
    private static IEnumerable<(FunctionSummary Root, string What, string Consequence, Location Owner)> Roots(Composition composition)
    {
        foreach (var entry in composition.Entries)
        {
            if (entry.Site is not { } start || entry.StartedIn is not { } startedIn)
                continue; // a handler: the executor catches what it throws
            string consequence;
            switch (start.Starter)
            {
                case StarterKind.Thread or StarterKind.ThreadPool or StarterKind.Timer:
                    consequence = Crashes;
                    break;
                case StarterKind.Task when start.Discarded:
                    consequence = Lost;
                    break;
                default:
                    continue;
            }
            if (!composition.Functions.TryGetValue(entry.Target, out var target))
                continue;
            if (entry.Target is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
            {
                yield return (target, $"the {Starters.DescribeBody(start.Starter)} in '{startedIn.Member.Name}'", consequence, start.Syntax.GetLocation());
            }
            else
            {
                var owner = entry.Target.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation() ?? start.Syntax.GetLocation();
                yield return (target, $"'{entry.Target.Name}', the {Starters.DescribeBody(start.Starter)} in '{startedIn.Member.Name}'", consequence, owner);
            }
        }
        foreach (var function in composition.InSourceOrder)
        {
            // Not in a SynchronizationContext of the compilation's own (an async pump): an async void method's exception
            // is posted to the context current when it started, and there the pump is that context, which handles it.
            if (function.Symbol is IMethodSymbol { IsAsync: true, ReturnsVoid: true } method && !InsideASynchronizationContext(method))
            {
                var owner = method.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax().GetLocation();
                if (owner is null)
                    continue;
                switch (method.MethodKind)
                {
                    case MethodKind.Ordinary or MethodKind.ExplicitInterfaceImplementation:
                        yield return (function, $"async void method '{method.Name}'", Crashes, owner);
                        break;
                    case MethodKind.LocalFunction:
                        yield return (function, $"async void local function '{method.Name}'", Crashes, owner);
                        break;
                    case MethodKind.AnonymousFunction when !composition.IsStarted(method):
                        yield return (function, $"an async void lambda in '{function.Member.Name}'", Crashes, owner);
                        break;
                }
            }
        }
    }

    private static bool InsideASynchronizationContext(IMethodSymbol method)
    {
        for (var type = method.ContainingType?.BaseType; type is not null; type = type.BaseType)
        {
            if (type.Name == "SynchronizationContext" && type.ContainingNamespace?.ToDisplayString() == "System.Threading")
                return true;
        }
        return false;
    }

    /// <summary>The first place an exception leaves <paramref name="function"/>: a sure throw, or a call to a method that can throw.</summary>
    private static ThrowPoint? FirstEscape(Composition composition, FunctionSummary function, Dictionary<ISymbol, Thrown> canThrow, Thrown counted)
    {
        foreach (var point in function.Throws)
        {
            if ((EscapeAt(composition, point, canThrow, 0) & counted) != Thrown.None)
                return point;
        }
        return null;
    }

    /// <summary>What leaves the function at <paramref name="point"/>: less what the catches by type around it stop there.</summary>
    private static Thrown EscapeAt(Composition composition, ThrowPoint point, Dictionary<ISymbol, Thrown> canThrow, int depth)
    {
        Thrown escape;
        if (point.Rethrown is { } body)
            escape = body.Aggregate(Thrown.None, (all, inner) => all | EscapeAt(composition, inner, canThrow, depth)); // what the try's body lets out
        else if (point.HandedIn is { } holder)
            escape = CanAnyThrow(composition, composition.HeldDelegates(holder), canThrow, depth); // the compilation's own delegates there; the users' are theirs
        else if (point.Dispatched && point.Callee is { } dispatched)
            escape = CanAnyThrow(composition, composition.Targets(dispatched, delegates: false), canThrow, depth); // the implementations here
        else if (point.SourceOwner is { } owner)
            escape = composition.LetsCompletionSourcesFail(owner) ? point.Kinds : Thrown.None; // a source only ever given a result
        else
            escape = point.Callee is null ? point.Kinds : CanThrow(composition, point.Callee, canThrow, depth);
        return escape & ~point.Caught;
    }

    /// <summary>What can leave any of <paramref name="targets"/> (the methods a call may run).</summary>
    private static Thrown CanAnyThrow(Composition composition, IEnumerable<ISymbol> targets, Dictionary<ISymbol, Thrown> canThrow, int depth)
    {
        var escape = Thrown.None;
        foreach (var target in targets)
        {
            if (target is IMethodSymbol method)
                escape |= CanThrow(composition, method, canThrow, depth);
        }
        return escape;
    }

    /// <summary>
    /// Whether an exception can leave <paramref name="method"/>: one of its throw points throws for sure, or calls a method
    /// that can throw, followed to any depth (each method is decided once per compilation). A method without a summary
    /// (an implicit constructor, generated code, which is not analyzed) is not shown to throw, so it does not count.
    /// </summary>
    private static Thrown CanThrow(Composition composition, IMethodSymbol method, Dictionary<ISymbol, Thrown> canThrow, int depth)
    {
        if (canThrow.TryGetValue(method, out var known))
            return known;
        if (depth > StackGuard || !composition.Functions.TryGetValue(method, out var function))
            return Thrown.None;
        canThrow[method] = Thrown.None; // recursion: an exception must come from somewhere else in the cycle
        var result = Thrown.None;
        foreach (var point in function.Throws)
        {
            result |= EscapeAt(composition, point, canThrow, depth + 1);
            if ((result & Thrown.Other) != 0)
                break;
        }
        canThrow[method] = result;
        return result;
    }

    /// <summary>A lambda whose whole body is the call that lets the exception out (<c>_ => Reload()</c>): it only passes the work on.</summary>
    private static bool IsForwarder(FunctionSummary function, ThrowPoint escape)
    {
        if (function.Symbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
            || lambda.DeclaringSyntaxReferences.FirstOrDefault()?.GetSyntax() is not AnonymousFunctionExpressionSyntax syntax)
        {
            return false;
        }
        var body = syntax.ExpressionBody ?? (syntax.Block is { Statements.Count: 1 } block && block.Statements[0] is ExpressionStatementSyntax statement ? statement.Expression : null);
        while (body is AwaitExpressionSyntax or CastExpressionSyntax or ParenthesizedExpressionSyntax && body != escape.Syntax)
        {
            body = body switch
            {
                AwaitExpressionSyntax awaited => awaited.Expression,
                CastExpressionSyntax cast => cast.Expression,
                ParenthesizedExpressionSyntax parenthesized => parenthesized.Expression,
                _ => body,
            };
        }
        return body == escape.Syntax;
    }

    private static bool IsThrow(SyntaxNode syntax) => syntax is ThrowStatementSyntax or ThrowExpressionSyntax;
}
