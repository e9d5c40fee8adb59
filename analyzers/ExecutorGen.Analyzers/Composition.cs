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

    /// <summary>A <c>[RequestHandler]</c> method, which the generated executor runs on its workers (not code that starts it itself).</summary>
    public bool IsHandler => Site is null;

    public StarterKind? Starter { get; }
    public StartSite? Site { get; }
    public FunctionSummary? StartedIn { get; }

    /// <summary>Whether the worker's <c>this</c> is an object other threads have (false for <c>new Worker().Run</c>).</summary>
    public bool ThisShared { get; }

    /// <summary>
    /// The parameters (bit by ordinal) that hold an object of the worker's own: a handler's, whose arguments are its
    /// request's (the executor hands each request to one handler call); none of a started delegate's.
    /// </summary>
    public ulong OwnedParameters => IsHandler ? ulong.MaxValue : 0;
}

/// <summary>A function reached from an entry point, and whether its <c>this</c> and its parameters are shared with other threads there.</summary>
internal readonly struct Reached
{
    public Reached(Entry entry, bool thisShared, bool thisMadeOnPath, ulong ownedParameters, HeldLocks? pathHeld, Evidence evidence)
    {
        Entry = entry;
        ThisShared = thisShared;
        ThisMadeOnPath = thisMadeOnPath;
        OwnedParameters = ownedParameters;
        PathHeld = pathHeld;
        Evidence = evidence;
    }

    public Entry Entry { get; }

    /// <summary>Whether the function's <c>this</c> may be an object other threads have along this path (not shown to be the caller's own).</summary>
    public bool ThisShared { get; }

    /// <summary>
    /// Whether the function's <c>this</c> is an object this path made (<c>var worker = new Worker(); _workers.Add(worker);
    /// _ = worker.RunAsync();</c>), shared since or not: two runs of the entry at once each make their own, so they never
    /// touch its fields together; only other code that reaches it (through where it was published) can.
    /// </summary>
    public bool ThisMadeOnPath { get; }

    /// <summary>What along this path shows the function's <c>this</c> and parameters to be objects other threads have.</summary>
    public Evidence Evidence { get; }

    /// <summary>The parameters (bit by ordinal, the first 64) that hold an object of the caller's own along this path.</summary>
    public ulong OwnedParameters { get; }

    /// <summary>Whether the parameter of ordinal <paramref name="ordinal"/> (-1: none) holds an object of the caller's own along this path.</summary>
    public bool Owns(int ordinal) => Owns(OwnedParameters, ordinal);

    /// <summary>Whether bit <paramref name="ordinal"/> (-1: none) of the parameter mask <paramref name="ownedParameters"/> is set.</summary>
    public static bool Owns(ulong ownedParameters, int ordinal) => ordinal is >= 0 and < 64 && (ownedParameters & (1UL << ordinal)) != 0;

    /// <summary>The locks held by the calls on the way from the entry (the first, shortest, path): a timer callback that takes the connector's lock, then calls into its buffers.</summary>
    public HeldLocks? PathHeld { get; }
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
    private readonly HashSet<INamedTypeSymbol> _concurrentTypes = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, ISymbol> _optionalLocks = new(SymbolEqualityComparer.Default); // each with its setting
    private readonly Dictionary<ISymbol, List<ISymbol>> _flows = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<ISymbol>> _overrides = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, List<ISymbol>> _delegateTargets = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<(ISymbol Member, ISymbol? Receiver), List<ISymbol>> _implementations = new(SymbolPairComparer.Instance);
    private Dictionary<ISymbol, List<INamedTypeSymbol>>? _implementers;
    private readonly Dictionary<ISymbol, bool> _perRequest = new(SymbolEqualityComparer.Default); // under the implementations' lock
    private readonly Dictionary<ISymbol, bool> _singleton = new(SymbolEqualityComparer.Default); // under the implementations' lock
    // Whether a method returns its caller's own, called on an object that is not [0] or is [1] the caller's own; the
    // method's overrides (an interface's implementations) included [0, 1], or that very method (base.M()) [2, 3]; and
    // the parameters (bits) whose objects it may return, own where each call gives them the caller's own.
    private readonly Dictionary<ISymbol, (bool Owned, ulong FromParameters)>[] _returnsOwned =
        { new(SymbolEqualityComparer.Default), new(SymbolEqualityComparer.Default), new(SymbolEqualityComparer.Default), new(SymbolEqualityComparer.Default) };

    /// <remarks>
    /// Made once (under the model's lazy lock) and then read by the end actions of three analyzers, which may run at
    /// once: everything built here is read-only afterwards; the memos filled later belong to one analyzer's rules each
    /// (caller locks and client code to EXG001/EXG006), except the implementations, which are locked.
    /// </remarks>
    /// <summary>
    /// Whether a rule reports, in <paramref name="tree"/>, what it infers about the worker code of <paramref name="entry"/>:
    /// always for a handler's, and for the threads, timers and pool items the code starts itself only where the project
    /// widens the rules to all code (<see cref="ApiLists.AnalyzesAllCode"/>).
    /// </summary>
    public bool InScope(SyntaxTree tree, Entry entry) => entry.IsHandler || _model.Lists.AnalyzesAllCode(tree);

    /// <summary>Whether the rules report in <paramref name="tree"/> about code that no handler reaches (<see cref="ApiLists.AnalyzesAllCode"/>).</summary>
    public bool AnalyzesAllCode(SyntaxTree tree) => _model.Lists.AnalyzesAllCode(tree);

    /// <summary>The entry points whose worker code includes <paramref name="function"/> that the rules report on in <paramref name="tree"/> (<see cref="InScope"/>).</summary>
    public List<Reached> ReachedInScope(FunctionSummary function, SyntaxTree tree) =>
        AnalyzesAllCode(tree) ? ReachedFrom(function) : ReachedFrom(function).Where(r => r.Entry.IsHandler).ToList();

    public Composition(ConcurrencyModel model)
    {
        _model = model;
        foreach (var function in model.AllFunctions())
            Functions[function.Symbol] = function;
        InSourceOrder = SourceOrder.Sorted(Functions.Values, f => SourceOrder.Of(f.Symbol));
        foreach (var function in InSourceOrder)
        {
            foreach (var call in function.Calls)
            {
                if (!_callers.TryGetValue(call.Callee, out var list))
                    _callers[call.Callee] = list = new List<(FunctionSummary, CallSite)>();
                list.Add((function, call));
                if (call.Escapes)
                {
                    _escaping.Add(call.Callee);
                    if (call.DelegateType is { } delegateType && delegateType.GetMembers("Invoke").FirstOrDefault() is { } invoke)
                        Add(_delegateTargets, invoke, call.Callee);
                }
            }
            foreach (var (holder, source) in function.Flows)
                Add(_flows, holder, source);
            if (function.Enclosing is null && function.Symbol is IMethodSymbol method)
            {
                for (var overridden = method.OverriddenMethod; overridden is not null; overridden = overridden.OverriddenMethod)
                    Add(_overrides, overridden.OriginalDefinition, method);
            }
            foreach (var access in function.Accesses)
            {
                if (!Accesses.TryGetValue(access.Target, out var list))
                    Accesses[access.Target] = list = new List<(FunctionSummary, Access)>();
                list.Add((function, access));
            }
        }
        FindOptionalLocks();
        foreach (var function in Functions.Values)
        {
            if (function.Member.ContainingType is { } owner && function.Takes.Any(t => !_optionalLocks.ContainsKey(t.Lock)))
                _concurrentTypes.Add(owner.OriginalDefinition);
        }
        FindEntries();
        _threadPooled = new ThreadPooledTypes(model.Symbols, () => Functions.Values.Select(f => f.Member.ContainingType?.OriginalDefinition)
            .OfType<INamedTypeSymbol>().Distinct<INamedTypeSymbol>(SymbolEqualityComparer.Default).ToList());
        foreach (var entry in Entries)
            Reach(entry);
    }

    private readonly ThreadPooledTypes _threadPooled;

    /// <summary>
    /// The locks taken only where a setting says so: every take of the lock is under a test of a bool field written only
    /// while its object is made (<c>if (_threadSafe) Monitor.Enter(_sync);</c>, directly or in a lock helper). The author
    /// made the object either locked or confined to one owner; such a lock guards what it holds, but it is no evidence
    /// that the object, or a field it holds, is shared.
    /// </summary>
    private void FindOptionalLocks()
    {
        var takes = new Dictionary<ISymbol, ISymbol?>(SymbolEqualityComparer.Default);
        foreach (var function in Functions.Values)
        {
            foreach (var take in function.Takes)
            {
                var flag = take.Flag is not null && IsSetting(take.Flag) ? take.Flag : null;
                takes[take.Lock] = takes.TryGetValue(take.Lock, out var before) && before is null ? null : flag;
            }
        }
        foreach (var pair in takes)
        {
            if (pair.Value is { } flag)
                _optionalLocks[pair.Key] = flag;
        }
    }

    /// <summary>A field written only while its object (or, static, its type) is made: a setting, not state.</summary>
    private bool IsSetting(ISymbol flag) =>
        flag is IFieldSymbol { IsReadOnly: true }
        || !Accesses.TryGetValue(flag, out var accesses) || accesses.All(a => !a.Access.IsWrite || a.Access.InitializesIn(a.Function));

    /// <summary>The setting (a bool field) under which alone <paramref name="lock"/> is taken, or null (<see cref="FindOptionalLocks"/>).</summary>
    public ISymbol? OptionalLockSetting(ISymbol @lock) => _optionalLocks.TryGetValue(@lock, out var flag) ? flag : null;

    /// <summary>The locks of <paramref name="held"/> that are evidence of sharing: all but the optional ones; null if none.</summary>
    public HeldLocks? Evidence(HeldLocks? held)
    {
        if (_optionalLocks.Count == 0)
            return held;
        var kept = new List<HeldLocks>();
        for (var current = held; current is not null; current = current.Next)
        {
            if (!_optionalLocks.ContainsKey(current.Lock))
                kept.Add(current);
        }
        HeldLocks? result = null;
        for (int i = kept.Count - 1; i >= 0; i--)
            result = new HeldLocks(kept[i].Lock, kept[i].Excludes, result);
        return result;
    }

    /// <summary>Every summarized function by its symbol.</summary>
    public Dictionary<ISymbol, FunctionSummary> Functions { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The functions in source order of their declarations: where several could decide, the first does.</summary>
    public FunctionSummary[] InSourceOrder { get; }

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

    /// <summary>
    /// Whether <paramref name="entry"/> can run the code of <paramref name="function"/> that <paramref name="guard"/> guards:
    /// false only when every call that the entry reaches and that can run the function (a call of it, or of a method it
    /// overrides) gives the parameter the other constant (<c>Dispose(false)</c> never runs <c>if (disposing) { … }</c>).
    /// </summary>
    public bool CanRun(FunctionSummary function, ParameterGuard guard, Entry entry)
    {
        if (SymbolEqualityComparer.Default.Equals(function.Symbol, entry.Target) || function.Symbol is not IMethodSymbol method)
            return true;
        bool called = false;
        for (var callee = method; callee is not null; callee = callee.OverriddenMethod?.OriginalDefinition)
        {
            foreach (var (caller, site) in CallersOf(callee))
            {
                if (site.Escapes || !SymbolEqualityComparer.Default.Equals(caller.Symbol, entry.Target) && !ReachedFrom(caller).Any(r => r.Entry == entry))
                    continue;
                if (guard.AllowedBy(site.ConstantTrue, site.ConstantFalse))
                    return true;
                called = true;
            }
        }
        return !called; // reached some other way (a delegate, an interface call): what it is given is not known
    }

    /// <summary>
    /// Whether some function of <paramref name="type"/> (or of a type nested in it) fails, cancels or hands out a task
    /// completion source (<see cref="ResultOnlySources"/>): waiting on the class's sources can then throw.
    /// </summary>
    public bool LetsCompletionSourcesFail(INamedTypeSymbol type) =>
        System.Threading.LazyInitializer.EnsureInitialized(ref _sourcesFailIn, () =>
        {
            var failing = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var function in Functions.Values)
            {
                if (!function.LetsCompletionSourcesFail)
                    continue;
                // The class, the classes around it (whose sources it can reach) and its base classes (whose protected ones).
                for (var owner = function.Member.ContainingType; owner is not null; owner = owner.ContainingType)
                {
                    for (var type = owner; type is not null; type = type.BaseType)
                        failing.Add(type.OriginalDefinition);
                }
            }
            return failing;
        })!.Contains(type.OriginalDefinition);

    private HashSet<INamedTypeSymbol>? _sourcesFailIn;

    /// <summary>
    /// Whether the compilation shows that objects which have <paramref name="variable"/> can be shared between requests:
    /// a static one always; an instance field where its class is <see cref="SharedTypes">held by something shared</see>
    /// (a static, a singleton, a handler object, or what those hold), or takes a lock itself (RacerD's evidence of intent).
    /// </summary>
    public bool SharedByEvidence(ISymbol variable) =>
        variable.IsStatic || variable.ContainingType is not { } type || ShowsConcurrencyIntent(type)
        || System.Threading.LazyInitializer.EnsureInitialized(ref _sharedTypes, () => new SharedTypes(Symbols, Intent,
            Symbols.Lifetimes.Singletons.Concat(Entries.Where(e => e.IsHandler).Select(e => e.Target.ContainingType).OfType<INamedTypeSymbol>())))!.Contains(type);

    private SharedTypes? _sharedTypes;

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
                bool concurrent = start.Starter == StarterKind.Parallel || start.InLoop;
                bool thisShared = start.Receiver is Receiver.This || start.Receiver is Receiver.Shared && !Owned(start.ReceiverFrom, thisOwned: false);
                foreach (var target in StartedBy(start))
                {
                    string description = target is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction }
                        ? $"the {Starters.Describe(start.Starter)} in '{function.Member.Name}'"
                        : $"'{target.Name}', run by the {Starters.Describe(start.Starter)} in '{function.Member.Name}'";
                    entries.Add((start.Syntax.GetLocation(), new Entry(target, description, concurrent, start.Starter, start, function, thisShared)));
                    _entryTargets.Add(target);
                }
            }
            if (function.Symbol is IMethodSymbol { MethodKind: MethodKind.Ordinary } method && function.Enclosing is null && Symbols.IsHandler(method))
            {
                entries.Add((SourceOrder.Of(method), new Entry(method, $"handler '{method.Name}'", concurrent: true, null, null, null, thisShared: true)));
                _entryTargets.Add(method);
            }
        }
        Entries.AddRange(entries.OrderBy(e => e.Where, SourceOrder.Comparer).Select(e => e.Entry));
    }

    /// <summary>
    /// What a start runs: its delegate; for a virtual method, its overrides too; for a delegate held in a field or a
    /// parameter, every lambda or method that flows there (<c>_work = Run</c>, <c>TimerFactory.Create(Tick)</c>), through
    /// a few holders.
    /// </summary>
    private IEnumerable<ISymbol> StartedBy(StartSite start)
    {
        if (!start.ThroughHolder)
            return start.Target is IMethodSymbol method ? Targets(method, delegates: false) : new[] { start.Target };
        return HeldDelegates(start.Target);
    }

    /// <summary>
    /// The lambdas and methods of the compilation that flow into <paramref name="holder"/> (a field, auto-property or
    /// parameter that holds a delegate), through a few holders: <c>_work = Run</c>, <c>TimerFactory.Create(_ => Tick())</c>. Empty when
    /// only code outside the compilation hands it one.
    /// </summary>
    public List<ISymbol> HeldDelegates(ISymbol holder)
    {
        var found = new List<ISymbol>();
        var seen = new HashSet<ISymbol>(SymbolEqualityComparer.Default) { holder };
        var holders = new Queue<(ISymbol Holder, int Depth)>();
        holders.Enqueue((holder, 0));
        while (holders.Count > 0)
        {
            var (current, depth) = holders.Dequeue();
            if (!_flows.TryGetValue(current, out var sources))
                continue;
            foreach (var source in sources)
            {
                if (!seen.Add(source))
                    continue;
                if (source is IFieldSymbol or IParameterSymbol or IPropertySymbol)
                {
                    if (depth < 4)
                        holders.Enqueue((source, depth + 1));
                }
                else if (source is IMethodSymbol method)
                {
                    found.AddRange(Targets(method, delegates: false));
                }
            }
        }
        return found;
    }

    /// <summary>
    /// What a call can run: the method itself when it has code; its overrides in the compilation when it is virtual;
    /// the implementations in the compilation of an interface member (with <paramref name="receiver"/>, the interface as
    /// the path's type arguments make it, only those for an interface that can be it: <see cref="TypeBinding"/>); and,
    /// with <paramref name="delegates"/>, for a delegate's invocation the methods of the compilation handed out as
    /// delegates of that type.
    /// </summary>
    /// <remarks>
    /// Asked for every call the reach follows: a list, made only where a call has more than one kind of target (most
    /// have one, the callee itself); an iterator here was two fifths of what the composition allocated.
    /// </remarks>
    public IReadOnlyList<ISymbol> Targets(IMethodSymbol callee, bool delegates, INamedTypeSymbol? receiver = null)
    {
        if (callee.MethodKind == MethodKind.DelegateInvoke)
            return delegates && _delegateTargets.TryGetValue(callee, out var handedOut) ? handedOut : s_noTargets;
        bool itself = !callee.IsAbstract && Functions.ContainsKey(callee);
        _overrides.TryGetValue(callee, out var overrides);
        var implementations = callee.ContainingType?.TypeKind == TypeKind.Interface ? Implementations(callee, receiver) : null;
        if (overrides is null && implementations is not { Count: > 0 })
            return itself ? new ISymbol[] { callee } : s_noTargets;
        if (!itself && implementations is not { Count: > 0 })
            return overrides!;
        if (!itself && overrides is null)
            return implementations!;
        var all = new List<ISymbol>();
        if (itself)
            all.Add(callee);
        if (overrides is not null)
            all.AddRange(overrides);
        if (implementations is not null)
            all.AddRange(implementations);
        return all;
    }

    private static readonly ISymbol[] s_noTargets = System.Array.Empty<ISymbol>();

    /// <summary>
    /// Whether a virtual or interface call's <paramref name="target"/> can run on an object whose static type is
    /// <paramref name="bound"/> (class hierarchy analysis on the receiver's type): for a class, an override in that class,
    /// in a class derived from it, or in one of its bases (which it inherits); for an interface, a method of a class that
    /// implements it, or that a class of the compilation implementing it inherits. A <c>Dispose(true)</c> on this in a
    /// sink's base class runs this sink's override, not every sink's; a <c>Dispose()</c> on an <c>IWebSocketConnection</c>
    /// runs a connection's, not every disposable's. As for <see cref="Targets"/>, a class is known by its code: one with
    /// none of its own that adds the interface to an inherited method is not seen.
    /// </summary>
    public bool MayRunOn(ISymbol target, INamedTypeSymbol? bound)
    {
        if (bound is null || target.IsStatic || target.ContainingType is not { TypeKind: TypeKind.Class } declaring)
            return true;
        if (bound.TypeKind == TypeKind.Class)
            return ConcurrencySymbols.IsOrDerives(declaring, bound) || ConcurrencySymbols.IsOrDerives(bound, declaring.OriginalDefinition);
        if (bound.TypeKind != TypeKind.Interface || ConcurrencySymbols.IsOrImplements(declaring, bound.OriginalDefinition))
            return true;
        lock (_implementations)
        {
            return Implementers().TryGetValue(bound.OriginalDefinition, out var implementers) && AnyDerives(implementers, declaring.OriginalDefinition);
        }

        // A loop, not List.Exists: a lambda capturing declaring was made at every call, asked for every call the reach follows.
        static bool AnyDerives(List<INamedTypeSymbol> types, INamedTypeSymbol from)
        {
            foreach (var type in types)
            {
                if (ConcurrencySymbols.IsOrDerives(type, from))
                    return true;
            }
            return false;
        }
    }

    private List<ISymbol> Implementations(IMethodSymbol member, INamedTypeSymbol? receiver)
    {
        // Asked from the end actions of more than one analyzer, which may run at once: the memo is locked.
        lock (_implementations)
            return ImplementationsLocked(member, receiver);
    }

    private List<ISymbol> ImplementationsLocked(IMethodSymbol member, INamedTypeSymbol? receiver)
    {
        var key = ((ISymbol)member, (ISymbol?)receiver);
        if (_implementations.TryGetValue(key, out var known))
            return known;
        var found = new List<ISymbol>();
        if (member.ContainingType is { } declaring && Implementers().TryGetValue(declaring.OriginalDefinition, out var implementers))
        {
            foreach (var type in implementers)
            {
                foreach (var @interface in type.AllInterfaces)
                {
                    if (!SymbolEqualityComparer.Default.Equals(@interface.OriginalDefinition, declaring.OriginalDefinition)
                        || receiver is not null && !TypeBinding.Matches(receiver, @interface))
                    {
                        continue;
                    }
                    foreach (var candidate in @interface.GetMembers(member.Name))
                    {
                        if (SymbolEqualityComparer.Default.Equals(candidate.OriginalDefinition, member.OriginalDefinition)
                            && type.FindImplementationForInterfaceMember(candidate) is IMethodSymbol implementation
                            && Functions.ContainsKey(implementation.OriginalDefinition))
                        {
                            found.Add(implementation.OriginalDefinition);
                        }
                    }
                }
            }
        }
        _implementations[key] = found;
        return found;
    }

    /// <summary>
    /// Per interface, the classes and structs of the compilation with code that implement it; per class, those of its own
    /// and derived classes with code. Made when first asked, under the memo's lock.
    /// </summary>
    private Dictionary<ISymbol, List<INamedTypeSymbol>> Implementers()
    {
        if (_implementers is null)
        {
            _implementers = new Dictionary<ISymbol, List<INamedTypeSymbol>>(SymbolEqualityComparer.Default);
            var types = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
            foreach (var function in Functions.Values)
            {
                if (function.Enclosing is null && function.Symbol.ContainingType is { TypeKind: not TypeKind.Interface } type && types.Add(type.OriginalDefinition))
                {
                    var definition = type.OriginalDefinition;
                    foreach (var @interface in definition.AllInterfaces)
                        AddImplementer(@interface, definition);
                    for (var @base = definition; @base is { SpecialType: not SpecialType.System_Object }; @base = @base.BaseType)
                        AddImplementer(@base, definition);
                }
            }
        }
        return _implementers;

        void AddImplementer(INamedTypeSymbol supertype, INamedTypeSymbol type)
        {
            if (!_implementers.TryGetValue(supertype.OriginalDefinition, out var list))
                _implementers[supertype.OriginalDefinition] = list = new List<INamedTypeSymbol>();
            list.Add(type);
        }
    }

    /// <summary>
    /// Whether each object that has <paramref name="variable"/> (a field, an auto-property) is one request's own: its
    /// class is <see cref="PerRequest(INamedTypeSymbol)"/>.
    /// </summary>
    public bool PerRequest(ISymbol variable) =>
        !variable.IsStatic && variable.ContainingType is { TypeKind: TypeKind.Class } declaring && PerRequest(declaring);

    /// <summary>
    /// Whether each object of static type <paramref name="type"/> (a class or an interface) is one request's own: every
    /// class of the compilation that is or derives from it (or implements it), registered or with code of its own, is
    /// registered in dependency injection only as scoped (<see cref="ServiceLifetimes"/>), not as a singleton or a transient
    /// the requests share; and one is registered.
    /// </summary>
    public bool PerRequest(INamedTypeSymbol type) => Lifetime(type, singleton: false);

    /// <summary>
    /// Whether every object of static type <paramref name="type"/> (a class or an interface) is a singleton of the
    /// container: every class of the compilation that is or derives from it (or implements it) is registered only as a
    /// singleton (<c>services.AddSingleton&lt;GraphicsEngineFonts&gt;()</c>), and one is. Such an object is shared by
    /// every request, whatever object it is reached through: a scoped service's field that holds one does not make it the
    /// request's (RacerD's owned prefix stops there).
    /// </summary>
    public bool Singleton(INamedTypeSymbol type) => Lifetime(type, singleton: true);

    private bool Lifetime(INamedTypeSymbol type, bool singleton)
    {
        // Asked for every call on a shared object the reach follows: without a registration, at no cost.
        var definition = type.OriginalDefinition;
        if (_model.Symbols.Lifetimes.IsEmpty || definition.TypeKind is not (TypeKind.Class or TypeKind.Interface))
            return false;
        lock (_implementations)
        {
            var memo = singleton ? _singleton : _perRequest;
            if (!memo.TryGetValue(definition, out bool known))
                memo[definition] = known = LifetimeLocked(definition, singleton);
            return known;
        }
    }

    private bool LifetimeLocked(INamedTypeSymbol supertype, bool singleton)
    {
        var registered = new HashSet<INamedTypeSymbol>(SymbolEqualityComparer.Default);
        foreach (var (type, perRequest, isSingleton) in _model.Symbols.Lifetimes.Registered)
        {
            if (ConcurrencySymbols.IsOrDerives(type, supertype) || ConcurrencySymbols.IsOrImplements(type, supertype))
            {
                if (singleton ? !isSingleton : !perRequest)
                    return false;
                registered.Add(type);
            }
        }
        return registered.Count > 0 && (!Implementers().TryGetValue(supertype, out var types) || types.TrueForAll(type => type.IsAbstract || registered.Contains(type.OriginalDefinition)));
    }

    /// <summary>
    /// Whether every method of the compilation a call given a lambda for <paramref name="parameter"/> can run (the method,
    /// or the implementations of an interface's) keeps the lambda for later instead of running it (<see cref="QueuedWork"/>):
    /// <c>_taskQueue.QueueTask(() => …)</c>, whose lambda a background worker runs while the request awaits it.
    /// </summary>
    private bool Queues(IParameterSymbol parameter)
    {
        if (parameter.ContainingSymbol is not IMethodSymbol method)
            return false;
        if (!_queues.TryGetValue(parameter, out bool queues))
        {
            var targets = Targets(method, delegates: false).OfType<IMethodSymbol>().ToList();
            _queues[parameter] = queues = targets.Count > 0 && targets.TrueForAll(target => QueuedWork.Keeps(target, parameter.Ordinal));
        }
        return queues;
    }

    private readonly Dictionary<ISymbol, bool> _queues = new(SymbolEqualityComparer.Default); // filled by the reach, in the constructor

    private static void Add(Dictionary<ISymbol, List<ISymbol>> map, ISymbol key, ISymbol value)
    {
        if (!map.TryGetValue(key, out var list))
            map[key] = list = new List<ISymbol>();
        list.Add(value);
    }

    // Reach's work lists, emptied for each entry: made once (Reach runs only while the composition
    // is made, one entry after another), not grown again for each of hundreds of entries.
    private readonly Dictionary<(ISymbol Function, string? Types), (bool ThisShared, ulong OwnedParameters, Evidence Evidence, INamedTypeSymbol? ThisType, bool ThisMade)> _seen =
        new(SymbolAndTypesComparer.Instance);
    private readonly Queue<(ISymbol Function, bool ThisShared, ulong OwnedParameters, HeldLocks? PathHeld, TypeBinding? Types, int Depth, Evidence Evidence, INamedTypeSymbol? ThisType, bool ThisMade)> _queue = new();

    /// <summary>
    /// Breadth first from the entry, callees in source order: what is reported does not depend on analysis order. A generic
    /// method is followed once per set of type arguments its callers give it (<see cref="TypeBinding"/>).
    /// </summary>
    private void Reach(Entry entry)
    {
        // Per function (and type arguments): whether its this is shared, and which of its parameters hold an object of the
        // caller's own (bit by ordinal), along the first path that reached it; a later path is followed again only if it
        // shares more.
        var seen = _seen;
        var queue = _queue;
        seen.Clear();
        queue.Clear();
        // The handler object the executor's workers share; a request of the handler's own. Only handlers' code asks for
        // evidence (SharedStateRule), so other entries' paths carry none.
        var start = new Evidence(entry.IsHandler && entry.ThisShared, sharedParameters: 0);
        queue.Enqueue((entry.Target, entry.ThisShared, entry.OwnedParameters, null, null, 0, start, null, false));
        seen[(entry.Target, null)] = (entry.ThisShared, entry.OwnedParameters, start, null, false);
        while (queue.Count > 0)
        {
            var (symbol, thisShared, ownedParameters, pathHeld, types, depth, evidence, thisType, thisMade) = queue.Dequeue();
            if (!_reach.TryGetValue(symbol, out var reached))
                _reach[symbol] = reached = new List<Reached>();
            reached.Add(new Reached(entry, thisShared, thisMade, ownedParameters, pathHeld, evidence));
            if (depth >= MaxDepth || !Functions.TryGetValue(symbol, out var function))
                continue;
            foreach (var call in function.Calls)
            {
                if (call.Subscribed || call.PassedTo is { } parameter && Queues(parameter))
                    continue; // run later by whoever raises the event, or by the queue's own worker: not on this path
                bool nextShared = call.Receiver switch
                {
                    Receiver.This => thisShared,
                    // A singleton of the container (_fonts.Load(…) in a scoped service that was handed one): every request's.
                    Receiver.Shared when call.ReceiverType is { } singletonType && Singleton(singletonType) => true,
                    // A parameter given an object of the caller's own on this path (Apply(update) => update.Set(…)): unshared.
                    Receiver.Shared when Reached.Owns(ownedParameters, call.ReceiverParameter) => false,
                    // The result of a method of the compilation that returns its caller's own ((await _orders.GetAsync(id)).Ship()).
                    Receiver.Shared when Owned(call.ReceiverFrom, thisOwned: !thisShared, ownedParameters) => false,
                    // A scoped service a handler calls (_currentContext.Organizations()): the request's own.
                    Receiver.Shared when entry.IsHandler && call.ReceiverType is { } receiverType && PerRequest(receiverType) => false,
                    Receiver.Shared => call.Callee.IsStatic || call.Callee.ContainingType is not { } type || !_threadPooled.Contains(type),
                    _ => false,
                };
                bool nextMade = call.Receiver switch
                {
                    Receiver.This => thisMade,
                    Receiver.Owned => true,
                    Receiver.Shared => MadeOnPath(call.ReceiverMade, thisOwned: !thisShared, ownedParameters),
                    _ => false,
                };
                var bound = call.Receiver == Receiver.This ? thisType ?? function.Symbol.ContainingType : call.ReceiverType;
                var targets = Targets(call.Callee, delegates: false, TypeBinding.Receiver(types, call.GenericReceiverType));
                for (int t = 0; t < targets.Count; t++) // by index: a foreach over the interface would make an enumerator
                {
                    var target = targets[t];
                    if (!MayRunOn(target, bound))
                        continue;
                    ulong nextOwned = OwnedAlong(call, thisOwned: !thisShared, ownedParameters);
                    Functions.TryGetValue(target, out var nested);
                    if (!call.Escapes && !call.HandedOut && nested?.Enclosing is not null)
                        nextOwned |= Captured(function, ownedParameters); // a lambda or local function run in place
                    var nextEvidence = entry.IsHandler ? EvidenceAlong(function, call, evidence, nextShared, nextOwned) : default;
                    // A lambda run in place sees what its member's path shows of what it captures; one handed out (stored,
                    // queued) publishes what it captures to whoever runs it later.
                    if (entry.IsHandler && !call.Escapes && nested?.Enclosing is not null)
                        nextEvidence = new Evidence(nextEvidence.ThisShared,
                            nextEvidence.SharedParameters | (Captured(function, call.HandedOut ? ulong.MaxValue : evidence.SharedParameters) & ~nextOwned));
                    var nextTypes = TypeBinding.Into(target, call, function, nested, types);
                    var nextThisType = ThisTypeAlong(bound, target);
                    var key = (target, nextTypes?.Key);
                    if (seen.TryGetValue(key, out var was))
                    {
                        // Seen already: again only if this path shares more (its this, or a parameter owned before), shows
                        // more shared, or knows less of what its this is.
                        bool sameThisType = SymbolEqualityComparer.Default.Equals(was.ThisType, nextThisType);
                        if ((was.ThisShared || !nextShared) && (was.OwnedParameters & ~nextOwned) == 0 && !nextEvidence.AddsTo(was.Evidence)
                            && (sameThisType || was.ThisType is null) && (!was.ThisMade || nextMade))
                        {
                            continue;
                        }
                        nextShared |= was.ThisShared;
                        nextMade &= was.ThisMade;
                        nextOwned &= was.OwnedParameters;
                        nextEvidence = nextEvidence.Union(was.Evidence);
                        if (!sameThisType)
                            nextThisType = null;
                    }
                    seen[key] = (nextShared, nextOwned, nextEvidence, nextThisType, nextMade);
                    // A lambda handed out (added to an event, stored) runs later, when whoever holds it calls it: by then this
                    // path has let go of its locks (process.Exited += … under the transcoding lock: not under that lock).
                    var nextHeld = call.HandedOut ? null : HeldLocks.Union(pathHeld, PassedOn(call, call.Held));
                    queue.Enqueue((target, nextShared, nextOwned, nextHeld, nextTypes, depth + 1, nextEvidence, nextThisType, nextMade));
                }
            }
        }
    }

    /// <summary>
    /// What the callee's <c>this</c> is known to be along a call: the class the path knows the object to be (the caller's
    /// <c>this</c> as the path knows it, or the static type of the object called on), where that is more than the callee's
    /// own class. <c>_theme.Dispose()</c> runs <c>Disposable.Dispose</c>, whose <c>OnDispose()</c> then runs the theme's
    /// override, not that of every class that derives from <c>Disposable</c>. Null where nothing more is known (the
    /// callee's own class bounds it).
    /// </summary>
    private static INamedTypeSymbol? ThisTypeAlong(INamedTypeSymbol? bound, ISymbol target) =>
        !target.IsStatic && bound is { TypeKind: TypeKind.Class } && target.ContainingType is { TypeKind: TypeKind.Class } declaring
        && !SymbolEqualityComparer.Default.Equals(bound.OriginalDefinition, declaring.OriginalDefinition) && ConcurrencySymbols.IsOrDerives(bound, declaring.OriginalDefinition)
            ? bound
            : null;

    /// <summary>
    /// What a call of <paramref name="function"/> shows to be shared in its callee (<see cref="Evidence"/>), from what the
    /// caller's path shows (<paramref name="caller"/>): its object where the callee's <c>this</c> may be shared at all
    /// (<paramref name="thisShared"/>), and its arguments that are not the caller's own (<paramref name="owned"/>). An
    /// object is shown shared when it is a singleton of the container, a static's, held by an object shown shared, or
    /// returned by a method that returns one (<see cref="Shows"/>).
    /// </summary>
    private Evidence EvidenceAlong(FunctionSummary function, CallSite call, Evidence caller, bool thisShared, ulong owned, int depth = 0)
    {
        bool shared = thisShared && call.Receiver switch
        {
            Receiver.This => caller.ThisShared,
            Receiver.Shared when call.ReceiverType is { } type && Singleton(type) => true,
            // A scoped service (only handlers' paths carry evidence): the request's own, and so is what it holds and hands
            // out of its own fields (Smartstore's checkout-state accessor); what it gets from a singleton shows through the
            // singleton's call.
            Receiver.Shared when call.ReceiverType is { } scoped && PerRequest(scoped) => false,
            Receiver.Shared when call.ReceiverParameter >= 0 => caller.Shares(call.ReceiverParameter),
            Receiver.Shared when call.ReceiverRoot is { } root => Shows(function, root, caller, depth),
            _ => false,
        };
        // A parameter passed on shares what the caller's path shows of it (ArgumentParameters: only one that may not be
        // the caller's own; one that may be is no evidence); the caller's this, where the path shows it shared.
        ulong parameters = caller.ThisShared ? call.ThisArguments : 0;
        if (call.ArgumentParameters is { } passed)
        {
            foreach (var (ordinal, callerParameter) in passed)
            {
                if (caller.Shares(callerParameter))
                    parameters |= 1UL << ordinal;
            }
        }
        if (call.SharedArguments is { } given)
        {
            foreach (var (ordinal, root) in given)
            {
                if ((parameters & (1UL << ordinal)) == 0 && Shows(function, root, caller, depth))
                    parameters |= 1UL << ordinal;
            }
        }
        return new Evidence(shared, parameters & ~owned);
    }

    /// <summary>
    /// Whether an object from <paramref name="root"/> in <paramref name="function"/> is shown shared, where the path to
    /// that function shows what <paramref name="caller"/> says.
    /// </summary>
    public bool Shows(FunctionSummary function, SharedRoot root, Evidence caller, int depth = 0) => root.Kind switch
    {
        SharedRootKind.Static or SharedRootKind.Published => true,
        SharedRootKind.This => caller.ThisShared,
        SharedRootKind.Parameter => caller.Shares(root.Ordinal),
        SharedRootKind.Kept => root.Call is { } call && KeptShown(function, call, root.Ordinal, caller, depth),
        _ => root.Call is { } call && ResultShown(function, call, root.Ordinal, caller, depth),
    };

    /// <summary>
    /// Whether the call of a method of the compilation at <paramref name="call"/> in <paramref name="function"/> keeps its
    /// parameter of ordinal <paramref name="ordinal"/> where others reach it (<see cref="FunctionSummary.KeptIn"/>): in a
    /// static or another object not its own, or in what its <c>this</c> holds where the call shows that object shared.
    /// </summary>
    private bool KeptShown(FunctionSummary function, SyntaxNode call, int ordinal, Evidence caller, int depth)
    {
        if (depth > MaxResultDepth || SiteOf(function, call) is not var (at, site))
            return false;
        var callee = EvidenceAlong(at, site, caller, thisShared: true, owned: 0, depth + 1);
        foreach (var target in Targets(site.Callee, delegates: false))
        {
            if (Functions.TryGetValue(target, out var keeping) && keeping.KeptIn is { } kept && kept.TryGetValue(ordinal, out var where)
                && (!where.MayBeOwn || where.NeedsThis && callee.ThisShared))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The call at <paramref name="call"/>: made by <paramref name="function"/>, or, for a local a lambda captures, by the
    /// code around it (taken with the lambda's evidence: its <c>this</c> is the same object).
    /// </summary>
    private static (FunctionSummary Function, CallSite Site)? SiteOf(FunctionSummary function, SyntaxNode call)
    {
        for (var current = function; current is not null; current = current.Enclosing)
        {
            foreach (var site in current.Calls)
            {
                if (site.Syntax == call)
                    return (current, site);
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the call of a method of the compilation at <paramref name="call"/> in <paramref name="function"/> may return
    /// (or hand out through its <c>out</c> parameter of ordinal <paramref name="output"/>) an object shown shared
    /// (<see cref="SharedRoot"/>), in any of the code it runs (its overrides, an interface's implementations): a static's,
    /// what the method's object holds where the call shows that object shared, a parameter given a shared object, or what
    /// another such call returns; up to <see cref="MaxResultDepth"/> calls deep.
    /// </summary>
    private bool ResultShown(FunctionSummary function, SyntaxNode call, int output, Evidence caller, int depth)
    {
        if (depth > MaxResultDepth)
            return false;
        var key = (call, output, caller.ThisShared, caller.SharedParameters, depth); // a cut-off result is not the whole one
        lock (_resultShown)
        {
            if (_resultShown.TryGetValue(key, out bool known))
                return known;
            _resultShown[key] = false; // while this is decided, a call back into it shows nothing
        }
        bool shown = false;
        if (SiteOf(function, call) is var (at, site))
        {
            var callee = EvidenceAlong(at, site, caller, thisShared: true, owned: 0, depth + 1);
            foreach (var target in Targets(site.Callee, delegates: false))
            {
                if (!Functions.TryGetValue(target, out var returning))
                    continue;
                var handed = output < 0 ? returning.ReturnedRoots : returning.OutRoots is { } outputs && outputs.TryGetValue(output, out var stored) ? stored : null;
                if (handed is null)
                    continue;
                shown = handed.Static || handed.FromThis && callee.ThisShared || (handed.Parameters & callee.SharedParameters) != 0;
                if (!shown && handed.Results is { } results)
                {
                    foreach (var inner in results)
                    {
                        if (shown = Shows(returning, inner, callee, depth + 1))
                            break;
                    }
                }
                if (shown)
                    break;
            }
        }
        lock (_resultShown)
            _resultShown[key] = shown;
        return shown;
    }

    private readonly Dictionary<(SyntaxNode Call, int Output, bool ThisShared, ulong SharedParameters, int Depth), bool> _resultShown = new();

    /// <summary>How many calls deep a result is followed to what it returns (<c>_manager.Find(name)</c> → <c>_store.Get(key)</c> → …).</summary>
    private const int MaxResultDepth = 4;

    /// <summary>Compares two symbols as symbols compare (the second may be null): the implementations memo's members with the receiver they are called on.</summary>
    private sealed class SymbolPairComparer : IEqualityComparer<(ISymbol First, ISymbol? Second)>
    {
        public static readonly SymbolPairComparer Instance = new();

        public bool Equals((ISymbol First, ISymbol? Second) x, (ISymbol First, ISymbol? Second) y) =>
            SymbolEqualityComparer.Default.Equals(x.First, y.First) && SymbolEqualityComparer.Default.Equals(x.Second, y.Second);

        public int GetHashCode((ISymbol First, ISymbol? Second) key) =>
            SymbolEqualityComparer.Default.GetHashCode(key.First) * 31 + (key.Second is null ? 0 : SymbolEqualityComparer.Default.GetHashCode(key.Second));
    }

    /// <summary>
    /// Compares a symbol (as symbols compare) with the text of the types it is taken with: the reach's functions with their
    /// type arguments.
    /// </summary>
    private sealed class SymbolAndTypesComparer : IEqualityComparer<(ISymbol Function, string? Types)>
    {
        public static readonly SymbolAndTypesComparer Instance = new();

        public bool Equals((ISymbol Function, string? Types) x, (ISymbol Function, string? Types) y) =>
            SymbolEqualityComparer.Default.Equals(x.Function, y.Function) && x.Types == y.Types;

        public int GetHashCode((ISymbol Function, string? Types) key) =>
            SymbolEqualityComparer.Default.GetHashCode(key.Function) * 31 + (key.Types?.GetHashCode() ?? 0);
    }

    /// <summary>
    /// What a lambda or local function called from <paramref name="caller"/> captures of its member's parameters that hold
    /// an object of the caller's own (<see cref="SummaryWalker.CapturedSlots"/>): the member's own parameters, or what
    /// the calling lambda captured itself.
    /// </summary>
    private static ulong Captured(FunctionSummary caller, ulong ownedParameters)
    {
        const int slots = SummaryWalker.CapturedSlots;
        return caller.Enclosing is null ? (ownedParameters & ((1UL << slots) - 1)) << slots : ownedParameters & ~((1UL << slots) - 1);
    }

    /// <summary>
    /// The callee's parameters (bit by ordinal) that hold an object of the caller's own along this call: given one here,
    /// the result of a method of the compilation that returns its caller's own, or a parameter of the caller's that holds
    /// one on this path (<paramref name="ownedParameters"/>; <paramref name="thisOwned"/> for the caller's <c>this</c>).
    /// </summary>
    private ulong OwnedAlong(CallSite call, bool thisOwned, ulong ownedParameters)
    {
        ulong owned = call.OwnedArguments | (thisOwned ? call.ThisArguments : 0);
        if (call.ArgumentsFrom is { } results)
        {
            foreach (var (ordinal, from) in results)
            {
                if (Owned(from, thisOwned, ownedParameters))
                    owned |= 1UL << ordinal;
            }
        }
        if (call.ArgumentParameters is { } passed)
        {
            foreach (var (ordinal, callerParameter) in passed)
            {
                if (Reached.Owns(ownedParameters, callerParameter))
                    owned |= 1UL << ordinal;
            }
        }
        return owned;
    }

    /// <summary>
    /// Whether a value is an object of its function's own (<see cref="Ownership"/>), where that function's <c>this</c>
    /// is its own or not and its parameters in <paramref name="ownedParameters"/> (bit by slot) hold objects of its
    /// caller's own: own for sure, or the result of a method of the compilation that returns its caller's own.
    /// </summary>
    public bool Owned(Ownership value, bool thisOwned, ulong ownedParameters = 0) => Owned(value, thisOwned, ownedParameters, evenIfKept: false);

    /// <summary>
    /// Whether <paramref name="made"/> (<see cref="CallSite.ReceiverMade"/>: what a local held before the function handed it
    /// on where others reach it) is an object the function made, or had made for it by a method that returns its caller's
    /// own: shared since, but one each run of the function makes anew.
    /// </summary>
    public bool MadeOnPath(Ownership made, bool thisOwned, ulong ownedParameters) => Owned(made, thisOwned, ownedParameters, evenIfKept: true);

    private bool Owned(Ownership value, bool thisOwned, ulong ownedParameters, bool evenIfKept)
    {
        if (value.IsOwn)
            return true;
        if (!value.MayBeOwn)
            return false;
        ulong needed = 0;
        lock (_returnsOwned)
            return Holds(value, thisOwned, 0, ref needed, evenIfKept) && (needed & ~ownedParameters) == 0;
    }

    /// <summary>
    /// Whether <paramref name="value"/> is own where the function's <c>this</c> is as <paramref name="thisOwned"/> says,
    /// adding to <paramref name="needed"/> the function's parameters that must hold its caller's own for it to be; with
    /// <paramref name="evenIfKept"/>, whatever the methods it was handed to do with it.
    /// </summary>
    private bool Holds(Ownership value, bool thisOwned, int depth, ref ulong needed, bool evenIfKept = false)
    {
        if (value.NeedsThis && !thisOwned)
            return false;
        needed |= value.Parameters;
        foreach (var parameter in value.OutConditions)
        {
            if (!OutOwned(parameter, depth))
                return false;
        }
        foreach (var (method, calledOn, arguments) in value.Conditions)
        {
            bool receiverOwned = calledOn == CalledOn.Own || calledOn is CalledOn.This or CalledOn.Base && thisOwned;
            var (returnsOwn, fromParameters) = ReturnsOwned(method, receiverOwned, exact: calledOn == CalledOn.Base, depth);
            if (!returnsOwn)
                return false;
            // What it returns of its parameters: own where the arguments given them here are, in this function's terms.
            for (int ordinal = 0; fromParameters >> ordinal != 0; ordinal++)
            {
                if ((fromParameters >> ordinal & 1) != 0
                    && (arguments.IsDefault || ordinal >= arguments.Length || !arguments[ordinal].MayBeOwn
                        || !arguments[ordinal].IsOwn && !Holds(arguments[ordinal], thisOwned, depth + 1, ref needed)))
                {
                    return false;
                }
            }
        }
        if (evenIfKept)
            return true;
        foreach (var (method, calledOn, ordinal) in value.HandedTo)
        {
            bool receiverOwned = calledOn == CalledOn.Own || calledOn is CalledOn.This or CalledOn.Base && thisOwned;
            if (!KeptOwned(method, ordinal, receiverOwned, exact: calledOn == CalledOn.Base, depth))
                return false;
        }
        return true;
    }

    /// <summary>Whether <paramref name="value"/> is own in a function whose parameters are not known to hold anything of its caller's.</summary>
    private bool HoldsWithoutParameters(Ownership value, bool thisOwned, int depth)
    {
        ulong needed = 0;
        return Holds(value, thisOwned, depth, ref needed) && needed == 0;
    }

    /// <summary>
    /// Whether every code a call of <paramref name="method"/> runs keeps what its parameter <paramref name="ordinal"/> is
    /// given nowhere but in objects of its caller's own (<see cref="FunctionSummary.KeptIn"/>), where the object it is
    /// called on is (<paramref name="receiverOwned"/>). Code not here keeps nothing (RacerD's optimism for unknown code). A
    /// recursion keeps nothing more than its other paths do: while one is decided, a call back into it is taken to keep nothing.
    /// </summary>
    private bool KeptOwned(IMethodSymbol method, int ordinal, bool receiverOwned, bool exact, int depth)
    {
        if (!_keptOwned.TryGetValue(method, out var memo))
            _keptOwned[method] = memo = new Dictionary<(int, bool, bool), bool>();
        var key = (ordinal, receiverOwned, exact);
        if (memo.TryGetValue(key, out bool known))
            return known;
        if (depth > MaxDepth)
            return false;
        memo[key] = true;
        bool owned = true;
        foreach (var target in exact ? new ISymbol[] { method } : Targets(method, delegates: false))
        {
            if (Functions.TryGetValue(target, out var function) && function.KeptIn is { } kept && kept.TryGetValue(ordinal, out var where)
                && !where.IsOwn && !(where.MayBeOwn && HoldsWithoutParameters(where, thisOwned: receiverOwned, depth + 1)))
            {
                owned = false;
                break;
            }
        }
        memo[key] = owned;
        return owned;
    }

    private readonly Dictionary<ISymbol, Dictionary<(int Ordinal, bool ReceiverOwned, bool Exact), bool>> _keptOwned = new(SymbolEqualityComparer.Default);

    /// <summary>
    /// Whether every value <paramref name="method"/> returns, in whatever of the compilation's code a call of it runs (its
    /// overrides, an interface's implementations), is an object of its caller's own: made there, returned by a library
    /// method or by another such method (<see cref="FunctionSummary.ReturnsOwnIf"/>), or its <c>this</c> when called on
    /// an object of the caller's own (<paramref name="receiverOwned"/>); with <paramref name="exact"/> (<c>base.M()</c>),
    /// that method's own code only. A method with no code here (an interface nobody here implements) is unknown code,
    /// taken to return its caller's own as RacerD does; a recursion is not known to. Asked while the composition is
    /// made; locked all the same, as the implementations are.
    /// </summary>
    private (bool Owned, ulong FromParameters) ReturnsOwned(IMethodSymbol method, bool receiverOwned, bool exact, int depth)
    {
        var memo = _returnsOwned[(exact ? 2 : 0) + (receiverOwned ? 1 : 0)];
        if (memo.TryGetValue(method, out var known))
            return known;
        if (depth > MaxDepth)
            return default;
        memo[method] = default; // while this is decided, a call back into it is not known to return its own
        bool owned = true;
        ulong fromParameters = 0; // the parameters whose objects (or what they reach) it may return: own where the caller's are
        foreach (var target in exact ? new ISymbol[] { method } : Targets(method, delegates: false))
        {
            if (!Functions.TryGetValue(target, out var function) || function.ReturnsShared || function.ReturnsThis && !receiverOwned)
            {
                owned = false;
                break;
            }
            if (function.ReturnsOwnIf is not { } dependencies)
                continue;
            foreach (var next in dependencies)
            {
                if (!Holds(next, thisOwned: receiverOwned, depth + 1, ref fromParameters))
                {
                    owned = false;
                    break;
                }
            }
            if (!owned)
                break;
        }
        // A lambda's slots past the first 32 are its member's parameters, which no caller of the lambda gives; what an
        // overridable method hands back of its parameters, an override outside the compilation may not (as for
        // ConcurrencySymbols.ReturnedParameter).
        bool overridable = !exact && (method.IsVirtual || method.IsAbstract || method.IsOverride);
        owned &= fromParameters == 0 || (fromParameters >> SummaryWalker.CapturedSlots) == 0 && !overridable;
        var decided = (owned, owned ? fromParameters : 0UL);
        memo[method] = decided;
        return decided;
    }

    /// <summary>
    /// Whether what a method hands out through its <c>out</c> parameter <paramref name="parameter"/>, in every override and
    /// implementation a call of it can run, is its caller's own: every store to the parameter is
    /// (<see cref="FunctionSummary.OutStores"/>), not counting what its own object holds (a method's <c>this</c> is not known
    /// to be its caller's own here). A method with no code here hands out what nobody knows; a recursion is not known to.
    /// </summary>
    private bool OutOwned(IParameterSymbol parameter, int depth)
    {
        if (_outOwned.TryGetValue(parameter, out bool known))
            return known;
        if (depth > MaxDepth || parameter.ContainingSymbol is not IMethodSymbol method)
            return false;
        _outOwned[parameter] = false; // while this is decided, a call back into it is not known to hand out its own
        bool owned = true;
        foreach (var target in Targets(method, delegates: false))
        {
            if (!Functions.TryGetValue(target, out var function) || function.OutStores is not { } stores
                || !stores.TryGetValue(parameter.Ordinal, out var stored) || !stored.IsOwn && !(stored.MayBeOwn && HoldsWithoutParameters(stored, thisOwned: false, depth + 1)))
            {
                owned = false;
                break;
            }
        }
        _outOwned[parameter] = owned;
        return owned;
    }

    private readonly Dictionary<IParameterSymbol, bool> _outOwned = new(SymbolEqualityComparer.Default);

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
                var held = PassedOn(site, HeldLocks.Union(site.Held, EntryLocks(caller)));
                if (site.Receiver is not (Receiver.This or Receiver.Static))
                    held = OnlyStatic(held);
                result = first ? held : HeldLocks.Intersect(result, held);
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
    public HeldLocks? Held(FunctionSummary function, HeldLocks? local) => HeldLocks.Union(local, EntryLocks(function));

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
            result = function.Symbol.Kind == SymbolKind.Method && function.Enclosing is null && IsVisibleOutside(function.Symbol) && !IsHandlerEntry(function.Symbol)
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

    /// <summary>
    /// Callable from outside the assembly: public or protected, in types that are. Every caller of an internal or private
    /// method is in the compilation, so whether it runs on a client's thread follows from its callers.
    /// </summary>
    private static bool IsVisibleOutside(ISymbol symbol)
    {
        if (symbol is IMethodSymbol { AssociatedSymbol: { } property })
            symbol = property;
        for (var current = symbol; current is not null and not INamespaceSymbol; current = current.ContainingSymbol)
        {
            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Protected or Accessibility.ProtectedOrInternal))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Types whose code shows that their author thought about threads: they take a lock. A field of such a type that a
    /// worker mutates while other code touches it is a race worth reporting; the same in a plain data structure, or in an
    /// event loop that keeps its state on its own thread, is by design the caller's business (Infer's RacerD draws the
    /// same line: it reports on classes that use locks or are declared thread-safe).
    /// </summary>
    public bool ShowsConcurrencyIntent(INamedTypeSymbol? type) => type is not null && _concurrentTypes.Contains(type.OriginalDefinition);

    /// <summary>
    /// Whether a field declared as a collection interface only ever holds a thread-safe collection
    /// (<c>private readonly IDictionary&lt;K, V&gt; _cache = new ConcurrentDictionary&lt;K, V&gt;();</c>, or a collection of the
    /// compilation that takes a lock, <see cref="ShowsConcurrencyIntent"/>): every store the code makes shows that type.
    /// Changing the collection through the field is then as safe as through the concrete type. A field others can store
    /// to (not private and not read-only) may hold anything.
    /// </summary>
    public bool HoldsThreadSafeCollection(IFieldSymbol field)
    {
        if (!field.IsReadOnly && field.DeclaredAccessibility != Accessibility.Private)
            return false;
        var safe = System.Threading.LazyInitializer.EnsureInitialized(ref _threadSafeCollections, () =>
        {
            var verdicts = new Dictionary<IFieldSymbol, bool>(SymbolEqualityComparer.Default);
            foreach (var function in InSourceOrder)
            {
                if (function.CollectionStores is not { } stores)
                    continue;
                foreach (var (stored, type) in stores)
                {
                    bool threadSafe = type is not null && (type.TypeKind != TypeKind.Interface && SummaryWalker.IsThreadSafe(type)
                        || type is INamedTypeSymbol named && ShowsConcurrencyIntent(named));
                    verdicts[stored] = threadSafe && (!verdicts.TryGetValue(stored, out bool before) || before);
                }
            }
            return verdicts;
        })!;
        return safe.TryGetValue(field.OriginalDefinition, out bool holds) && holds;
    }

    private Dictionary<IFieldSymbol, bool>? _threadSafeCollections;

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

    /// <summary>
    /// The locks a call passes on to its callee: all of them, except to an async method whose task is not awaited there
    /// (<c>lock (_sync) _opening = OpenAsync();</c>): past its first await it runs after the caller let go.
    /// </summary>
    private static HeldLocks? PassedOn(CallSite call, HeldLocks? held) => call.Callee.IsAsync && !call.Awaited ? null : held;

    /// <summary>
    /// The locks that stay the same lock when the call goes to another object: static fields and properties. (A type
    /// names both <c>lock (this)</c> and <c>lock (typeof(T))</c>, so it is left out: for another object it may be
    /// another lock.)
    /// </summary>
    private static HeldLocks? OnlyStatic(HeldLocks? held)
    {
        HeldLocks? result = null;
        for (var current = held; current is not null; current = current.Next)
        {
            if (current.Lock is IFieldSymbol { IsStatic: true } or IPropertySymbol { IsStatic: true })
                result = new HeldLocks(current.Lock, current.Excludes, result);
        }
        return result;
    }
}
