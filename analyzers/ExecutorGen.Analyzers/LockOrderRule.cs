using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG003 over the composed summaries. A lock is a field (static or not; all instances of a field count as one lock, as
/// lock-order checkers such as Linux's lockdep count lock classes) taken by <c>lock</c>, <c>Monitor.Enter</c>/<c>TryEnter</c>,
/// <c>Lock.Enter</c>/<c>TryEnter</c>/<c>EnterScope</c>, <c>SpinLock.Enter</c> or a write lock. The inner lock may be taken
/// by a method called while the outer one is held, up to <see cref="MaxCallDepth"/> calls deep, on any object, and through
/// interface and virtual calls (the implementations in the compilation that the object's static type allows:
/// <see cref="Composition.MayRunOn"/>). Taking again a lock the thread already holds
/// (reentrant) is no nesting: it cannot wait.
/// </summary>
internal static class LockOrderRule
{
    /// <summary>How many calls deep a lock taken by a callee is still seen as nested: deep enough for helpers, bounded for big call graphs.</summary>
    public const int MaxCallDepth = 4;

    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        if (!composition.Functions.Values.Any(f => f.Takes.Count > 0))
            return;
        var nestings = new List<Nesting>();
        foreach (var function in composition.Functions.Values)
        {
            string method = function.Member.Name;
            foreach (var take in function.Takes)
            {
                // Taking a lock this thread holds already (Monitor is reentrant) never waits: it orders nothing.
                if (take.Lock is not IFieldSymbol inner || take.HeldBefore is { } before && before.Contains(inner))
                    continue;
                for (var outer = take.HeldBefore; outer is not null; outer = outer.Next)
                {
                    if (outer.Excludes && outer.Lock is IFieldSymbol outerField && !SymbolEqualityComparer.Default.Equals(outerField, inner))
                        nestings.Add(new Nesting(outerField, inner, take.Syntax.GetLocation(), $"'{method}'", function));
                }
            }
            foreach (var call in function.Calls)
            {
                if (call.Held is null)
                    continue;
                List<(IFieldSymbol Lock, bool Own, string Path)>? reached = null;
                for (var outer = call.Held; outer is not null; outer = outer.Next)
                {
                    if (!outer.Excludes || outer.Lock is not IFieldSymbol outerField)
                        continue;
                    reached ??= Reach(composition, call.Callee, call.Receiver is Receiver.This or Receiver.Static, ThisBound(function, call, null));
                    foreach (var (inner, own, path) in reached)
                    {
                        // Called on another object of the same type, its instance locks are that object's: another lock
                        // than the caller's of the same name, which no single order of the type's own fields can cover.
                        if (!own && !inner.IsStatic && SymbolEqualityComparer.Default.Equals(inner.ContainingType, outerField.ContainingType))
                            continue;
                        if (!SymbolEqualityComparer.Default.Equals(inner, outerField) && !call.Held.Contains(inner))
                            nestings.Add(new Nesting(outerField, inner, call.Syntax.GetLocation(), $"'{method}' (through {path})", function));
                    }
                }
            }
        }
        // Each place of the order taken at fewer places is reported (of both orders when they are taken at as many), with
        // the first place of the opposite order: the order most of the code follows is the convention the others break.
        // One report per pair hid the place a fix changed behind an earlier place of the same order (Quartz.NET's scheduler
        // thread took the two locks in that order at five calls of one method, the job store in the other order at six:
        // defect 20 of docs/analyzers-on-real-code.md).
        var ordered = nestings.OrderBy(n => n.Location, SourceOrder.Comparer).ToList();
        var places = new Dictionary<(IFieldSymbol Outer, IFieldSymbol Inner), List<Nesting>>(LockPair.Comparer);
        foreach (var nesting in ordered)
        {
            if (!places.TryGetValue((nesting.Outer, nesting.Inner), out var list))
                places[(nesting.Outer, nesting.Inner)] = list = new List<Nesting>();
            if (!list.Exists(place => place.Location == nesting.Location))
                list.Add(nesting); // a place once, however many paths lead there
        }
        foreach (var nesting in ordered)
        {
            var mine = places[(nesting.Outer, nesting.Inner)];
            if (!mine.Contains(nesting) || !places.TryGetValue((nesting.Inner, nesting.Outer), out var opposite) || mine.Count > opposite.Count)
                continue;
            // Evidence that both orders can run at once: a handler (run on several workers) takes one of them; anywhere
            // else only where the project widens the rules to all code.
            if (!composition.AnalyzesAllCode(nesting.Location.SourceTree!) && !RunByHandler(composition, nesting)
                && !opposite.Exists(n => RunByHandler(composition, n)))
            {
                continue;
            }
            var (outer, inner) = Names(nesting.Outer, nesting.Inner);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LockOrderInversion,
                nesting.Location,
                new[] { opposite[0].Location },
                outer, inner, nesting.Place, opposite[0].Place));
        }
    }

    private static bool RunByHandler(Composition composition, Nesting nesting) =>
        composition.ReachedFrom(nesting.Function).Any(r => r.Entry.IsHandler);

    /// <summary>
    /// The locks <paramref name="callee"/> takes, itself or through the methods it calls (breadth first, each method once,
    /// at most <see cref="MaxCallDepth"/> calls deep), with the calls that lead there and whether every call on the way
    /// was on the caller's own object (<paramref name="own"/> for the first).
    /// </summary>
    private static List<(IFieldSymbol Lock, bool Own, string Path)> Reach(Composition composition, IMethodSymbol callee, bool own, INamedTypeSymbol? bound)
    {
        var found = new List<(IFieldSymbol, bool, string)>();
        var seenLocks = new HashSet<(IFieldSymbol, bool)>();
        var visited = new HashSet<(ISymbol, bool, INamedTypeSymbol?)>();
        var queue = new Queue<(ISymbol Method, bool Own, INamedTypeSymbol? Bound, string Path, int Depth)>();
        foreach (var target in composition.Targets(callee, delegates: true))
        {
            if (composition.MayRunOn(target, bound) && visited.Add((target, own, bound)))
                queue.Enqueue((target, own, bound, Describe(target), 1));
        }
        while (queue.Count > 0)
        {
            var (method, stillOwn, thisBound, path, depth) = queue.Dequeue();
            if (!composition.Functions.TryGetValue(method, out var function))
                continue;
            foreach (var take in function.Takes)
            {
                if (take.Lock is IFieldSymbol field && seenLocks.Add((field, stillOwn)))
                    found.Add((field, stillOwn, path));
            }
            if (depth >= MaxCallDepth)
                continue;
            foreach (var call in function.Calls)
            {
                if (call.Subscribed)
                    continue;
                bool nextOwn = stillOwn && call.Receiver is Receiver.This or Receiver.Static;
                var nextBound = ThisBound(function, call, thisBound);
                foreach (var next in composition.Targets(call.Callee, delegates: true))
                {
                    if (composition.MayRunOn(next, nextBound) && visited.Add((next, nextOwn, nextBound)))
                        queue.Enqueue((next, nextOwn, nextBound, $"{path}, {Describe(next)}", depth + 1));
                }
            }
        }
        return found;
    }

    /// <summary>
    /// What is known of the type of the object <paramref name="call"/> runs on: for a call on this, the type of the caller's
    /// own this (<paramref name="callersThis"/> when a class known from further up, else the caller's class, which is
    /// more than an interface says); for a call on another object, the static type of the expression; null for a static
    /// call or an unknown receiver.
    /// </summary>
    private static INamedTypeSymbol? ThisBound(FunctionSummary caller, CallSite call, INamedTypeSymbol? callersThis) => call.Receiver switch
    {
        Receiver.This => callersThis is { TypeKind: TypeKind.Class } ? callersThis : caller.Symbol.ContainingType?.OriginalDefinition,
        Receiver.Shared => call.ReceiverType,
        _ => null,
    };

    /// <summary>A method on the path, by name; a lambda (a LINQ operator's, run in place) has none.</summary>
    private static string Describe(ISymbol method) =>
        method is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } ? "a lambda" : $"'{method.Name}'";

    /// <summary>
    /// The two locks as the message names them: a static by its class too, and fields of one name by their classes
    /// (NATS's connection and subscription each lock their own <c>mu</c>).
    /// </summary>
    private static (string Outer, string Inner) Names(IFieldSymbol outer, IFieldSymbol inner) => outer.Name == inner.Name
        ? (Qualified(outer), Qualified(inner))
        : (Name(outer), Name(inner));

    private static string Name(IFieldSymbol field) => field.IsStatic ? Qualified(field) : field.Name;

    private static string Qualified(IFieldSymbol field) => $"{field.ContainingType.Name}.{field.Name}";

    /// <summary>An order of two locks (outer, inner), compared by the fields.</summary>
    private sealed class LockPair : IEqualityComparer<(IFieldSymbol Outer, IFieldSymbol Inner)>
    {
        public static readonly LockPair Comparer = new();

        public bool Equals((IFieldSymbol Outer, IFieldSymbol Inner) x, (IFieldSymbol Outer, IFieldSymbol Inner) y) =>
            SymbolEqualityComparer.Default.Equals(x.Outer, y.Outer) && SymbolEqualityComparer.Default.Equals(x.Inner, y.Inner);

        public int GetHashCode((IFieldSymbol Outer, IFieldSymbol Inner) pair) =>
            SymbolEqualityComparer.Default.GetHashCode(pair.Outer) * 31 + SymbolEqualityComparer.Default.GetHashCode(pair.Inner);
    }

    /// <summary>Two locks held one inside the other at <see cref="Location"/>, described as <see cref="Place"/> for the message.</summary>
    private sealed class Nesting
    {
        public Nesting(IFieldSymbol outer, IFieldSymbol inner, Location location, string place, FunctionSummary function) =>
            (Outer, Inner, Location, Place, Function) = (outer, inner, location, place, function);

        public IFieldSymbol Outer { get; }
        public IFieldSymbol Inner { get; }
        public Location Location { get; }
        public string Place { get; }

        /// <summary>The function that takes the inner lock under the outer one (itself or through a call).</summary>
        public FunctionSummary Function { get; }
    }
}
