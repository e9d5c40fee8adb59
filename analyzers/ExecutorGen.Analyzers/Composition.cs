using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>A place worker code starts: a delegate handed to a starter, or a <c>[RequestHandler]</c> method.</summary>
internal sealed class Entry
{
    public Entry(ISymbol target, string description, bool concurrent, StarterKind? starter, StartSite? site, FunctionSummary? startedIn, bool thisShared)
    {
        Target = target;
        Description = description;
        Concurrent = concurrent;
        Starter = starter;
        Site = site;
        StartedIn = startedIn;
        ThisShared = thisShared;
    }

    /// <summary>The lambda, local function or method that runs on the worker.</summary>
    public ISymbol Target { get; }

    /// <summary>How messages name it: <c>handler 'Login'</c>, <c>the thread started in 'Start'</c>.</summary>
    public string Description { get; }

    /// <summary>Runs on several threads at once: handlers, parallel loop bodies, bodies started in a loop.</summary>
    public bool Concurrent { get; }

    public StarterKind? Starter { get; }
    public StartSite? Site { get; }
    public FunctionSummary? StartedIn { get; }

    /// <summary>Whether the worker's <c>this</c> is an object other threads have (false for <c>new Worker().Run</c>).</summary>
    public bool ThisShared { get; }
}

/// <summary>A function reached from an entry point, and whether its <c>this</c> is shared with other threads there.</summary>
internal readonly struct Reached
{
    public Reached(Entry entry, bool thisShared)
    {
        Entry = entry;
        ThisShared = thisShared;
    }

    public Entry Entry { get; }
    public bool ThisShared { get; }
}

/// <summary>
/// The summaries of a compilation composed (once, at its end): every entry point of worker code, the functions each
/// reaches through calls (into any type of the compilation, up to <see cref="MaxDepth"/> calls deep), the locks every
/// caller of a private helper holds, and who else touches each field.
/// </summary>
internal sealed class Composition
{
    /// <summary>How many calls deep worker code is followed from its entry point: deep enough for helpers and the layers of a library, bounded for cost.</summary>
    public const int MaxDepth = 6;

    private readonly ConcurrencyModel _model;
    private readonly Dictionary<ISymbol, List<(FunctionSummary Caller, CallSite Site)>> _callers = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _escaping = new(SymbolEqualityComparer.Default);
    private readonly HashSet<ISymbol> _entryTargets = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<Reached>> _reach = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, HeldLocks?> _entryLocks = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, bool> _client = new(SymbolEqualityComparer.Default);

    public Composition(ConcurrencyModel model)
    {
        _model = model;
        foreach (var function in model.AllFunctions())
            Functions[function.Symbol] = function;
        foreach (var function in Functions.Values.OrderBy(f => SourceOrder.Of(f.Symbol), SourceOrder.Comparer))
        {
            foreach (var call in function.Calls)
            {
                if (!_callers.TryGetValue(call.Callee, out var list))
                    _callers[call.Callee] = list = new List<(FunctionSummary, CallSite)>();
                list.Add((function, call));
                if (call.Escapes)
                    _escaping.Add(call.Callee);
            }
            foreach (var access in function.Accesses)
            {
                if (!Accesses.TryGetValue(access.Target, out var list))
                    Accesses[access.Target] = list = new List<(FunctionSummary, Access)>();
                list.Add((function, access));
            }
        }
        FindEntries();
        foreach (var entry in Entries)
            Reach(entry);
    }

    /// <summary>Every summarized function by its symbol.</summary>
    public Dictionary<ISymbol, FunctionSummary> Functions { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>Every entry point, in source order.</summary>
    public List<Entry> Entries { get; } = new();

    /// <summary>Every recorded access, by the variable accessed, in source order of the accessing functions.</summary>
    public Dictionary<ISymbol, List<(FunctionSummary Function, Access Access)>> Accesses { get; } = new(SymbolEqualityComparer.Default);

    public ConcurrencySymbols Symbols => _model.Symbols;

    /// <summary>The <c>[GuardedBy]</c> and <c>[ThreadConfined]</c> declarations.</summary>
    public Intent Intent { get; } = new();

    /// <summary>The entry points whose worker code includes <paramref name="function"/> (empty when none does), first in source order first.</summary>
    public List<Reached> ReachedFrom(FunctionSummary function) =>
        _reach.TryGetValue(function.Symbol, out var reached) ? reached : s_none;

    private static readonly List<Reached> s_none = new();

    /// <summary>The callers of a method, with their call sites.</summary>
    public List<(FunctionSummary Caller, CallSite Site)> CallersOf(ISymbol callee) =>
        _callers.TryGetValue(callee, out var callers) ? callers : s_noCallers;

    private static readonly List<(FunctionSummary, CallSite)> s_noCallers = new();

    private void FindEntries()
    {
        var entries = new List<(Location? Where, Entry Entry)>();
        foreach (var function in Functions.Values)
        {
            foreach (var start in function.Starts)
            {
                string description = start.Target is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
                    ? $"the {Starters.Describe(start.Starter)} in '{function.Member.Name}'"
                    : $"'{start.Target.Name}', run by the {Starters.Describe(start.Starter)} in '{function.Member.Name}'";
                bool concurrent = start.Starter == StarterKind.Parallel || start.InLoop;
                bool thisShared = start.Receiver is Receiver.This or Receiver.Shared;
                entries.Add((start.Syntax.GetLocation(), new Entry(start.Target, description, concurrent, start.Starter, start, function, thisShared)));
                _entryTargets.Add(start.Target);
            }
            if (function.Symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && function.Enclosing is null && Symbols.IsHandler(method))
            {
                entries.Add((SourceOrder.Of(method), new Entry(method, $"handler '{method.Name}'", concurrent: true, null, null, null, thisShared: true)));
                _entryTargets.Add(method);
            }
        }
        Entries.AddRange(entries.OrderBy(e => e.Where, SourceOrder.Comparer).Select(e => e.Entry));
    }

    /// <summary>Breadth first from the entry, callees in source order: what is reported does not depend on analysis order.</summary>
    private void Reach(Entry entry)
    {
        var seen = new Dictionary<ISymbol, bool>(SymbolEqualityComparer.Default);
        var queue = new Queue<(ISymbol Function, bool ThisShared, int Depth)>();
        queue.Enqueue((entry.Target, entry.ThisShared, 0));
        seen[entry.Target] = entry.ThisShared;
        while (queue.Count > 0)
        {
            var (symbol, thisShared, depth) = queue.Dequeue();
            if (!_reach.TryGetValue(symbol, out var reached))
                _reach[symbol] = reached = new List<Reached>();
            reached.Add(new Reached(entry, thisShared));
            if (depth >= MaxDepth || !Functions.TryGetValue(symbol, out var function))
                continue;
            foreach (var call in function.Calls)
            {
                bool nextShared = call.Receiver switch
                {
                    Receiver.This => thisShared,
                    Receiver.Shared => true,
                    _ => false,
                };
                // Seen already: again only if its this is now shared where it was not.
                if (seen.TryGetValue(call.Callee, out bool wasShared) && (wasShared || !nextShared))
                    continue;
                if (!Functions.ContainsKey(call.Callee))
                    continue;
                seen[call.Callee] = nextShared;
                queue.Enqueue((call.Callee, nextShared, depth + 1));
            }
        }
    }

    /// <summary>
    /// The locks every caller holds when it calls <paramref name="function"/> (itself, or its own callers): known only for
    /// private methods and local functions that are called directly (not handed out as delegates, not entry points). A
    /// caller calling on another object passes on only its static and type locks.
    /// </summary>
    public HeldLocks? EntryLocks(FunctionSummary function)
    {
        if (_entryLocks.TryGetValue(function.Symbol, out var known))
            return known;
        _entryLocks[function.Symbol] = null; // a cycle assumes no lock: the answer can only shrink
        HeldLocks? result = null;
        if (KnownCallers(function) is { } callers)
        {
            bool first = true;
            foreach (var (caller, site) in callers)
            {
                var held = Union(site.Held, EntryLocks(caller));
                if (site.Receiver is not (Receiver.This or Receiver.Static))
                    held = OnlyStatic(held);
                result = first ? held : Intersect(result, held);
                first = false;
                if (result is null)
                    break;
            }
        }
        _entryLocks[function.Symbol] = result;
        return result;
    }

    /// <summary>
    /// Every caller of <paramref name="function"/>, when they are all known: a private method or local function that is
    /// called directly (not handed out as a delegate, not an entry point) and called at all; otherwise null.
    /// </summary>
    public List<(FunctionSummary Caller, CallSite Site)>? KnownCallers(FunctionSummary function) =>
        function.Symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary or MethodKind.LocalFunction } method
        && (method.MethodKind == MethodKind.LocalFunction || method.DeclaredAccessibility == Accessibility.Private)
        && !_escaping.Contains(method) && !_entryTargets.Contains(method) && _callers.TryGetValue(method, out var callers) && callers.Count > 0
            ? callers
            : null;

    /// <summary>The locks held at an access or call: the function's own, and those every caller holds.</summary>
    public HeldLocks? Held(FunctionSummary function, HeldLocks? local) => Union(local, EntryLocks(function));

    /// <summary>
    /// Whether <paramref name="function"/> can run on a thread that is not one of the workers: code callable from outside
    /// (not private), handed out as a delegate to something other than a starter (an event, a callback), or called by such
    /// code. A lambda that is not started runs as part of the code around it.
    /// </summary>
    public bool IsClient(FunctionSummary function)
    {
        if (_client.TryGetValue(function.Symbol, out bool known))
            return known;
        _client[function.Symbol] = false;
        bool result;
        if (_entryTargets.Contains(function.Symbol) && function.Symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
        {
            result = false;
        }
        else if (function.Enclosing is not null && function.Symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction })
        {
            result = IsClient(function.Enclosing);
        }
        else
        {
            var accessibility = function.Symbol is IMethodSymbol { AssociatedSymbol: { } property } ? property.DeclaredAccessibility : function.Symbol.DeclaredAccessibility;
            result = function.Symbol.Kind == SymbolKind.Method && function.Enclosing is null && accessibility != Accessibility.Private && !IsHandlerEntry(function.Symbol)
                || _escaping.Contains(function.Symbol);
            if (!result)
            {
                foreach (var (caller, _) in CallersOf(function.Symbol))
                {
                    if (IsClient(caller))
                    {
                        result = true;
                        break;
                    }
                }
            }
        }
        _client[function.Symbol] = result;
        return result;
    }

    /// <summary>Whether <paramref name="function"/> is handed to a starter somewhere (or is a handler).</summary>
    public bool IsStarted(ISymbol function) => _entryTargets.Contains(function);

    private bool IsHandlerEntry(ISymbol symbol) => _entryTargets.Contains(symbol) && symbol is IMethodSymbol method && Symbols.IsHandler(method);

    /// <summary>
    /// Whether <paramref name="access"/> (in <paramref name="function"/>) happens before <paramref name="entry"/> starts:
    /// in the function that starts it, earlier in the source. The start publishes it to the worker.
    /// </summary>
    public static bool BeforeStart(FunctionSummary function, Access access, Entry entry) =>
        entry.StartedIn is { } starter && entry.Site is { } site
        && SymbolEqualityComparer.Default.Equals(starter.Symbol, function.Symbol) && access.Syntax.SpanStart < site.Syntax.SpanStart;

    private static HeldLocks? Union(HeldLocks? first, HeldLocks? second)
    {
        if (second is null)
            return first;
        var result = first;
        for (var current = second; current is not null; current = current.Next)
        {
            if (result is null || !result.Contains(current.Lock))
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }

    private static HeldLocks? Intersect(HeldLocks? first, HeldLocks? second)
    {
        HeldLocks? result = null;
        for (var current = first; current is not null; current = current.Next)
        {
            if (second is not null && second.Contains(current.Lock))
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }

    private static HeldLocks? OnlyStatic(HeldLocks? held)
    {
        HeldLocks? result = null;
        for (var current = held; current is not null; current = current.Next)
        {
            if (current.Lock is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true } or ITypeSymbol)
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }
}
