using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>The types the concurrency rules recognize, resolved once per compilation; any may be missing.</summary>
internal sealed class ConcurrencySymbols
{
    public ConcurrencySymbols(Compilation compilation)
    {
        _usingAliases = new Lazy<HashSet<string>>(() => WorkerCandidates.UsingAliases(compilation, default));
        RequestHandlerAttribute = compilation.GetTypeByMetadataName("ExecutorGen.RequestHandlerAttribute");
        Thread = compilation.GetTypeByMetadataName("System.Threading.Thread");
        ThreadPool = compilation.GetTypeByMetadataName("System.Threading.ThreadPool");
        Task = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task");
        TaskOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.Task`1");
        TaskFactory = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory");
        TaskFactoryOfT = compilation.GetTypeByMetadataName("System.Threading.Tasks.TaskFactory`1");
        Parallel = compilation.GetTypeByMetadataName("System.Threading.Tasks.Parallel");
        Timer = compilation.GetTypeByMetadataName("System.Threading.Timer");
        Monitor = compilation.GetTypeByMetadataName("System.Threading.Monitor");
        Volatile = compilation.GetTypeByMetadataName("System.Threading.Volatile");
        Interlocked = compilation.GetTypeByMetadataName("System.Threading.Interlocked");
        SemaphoreSlim = compilation.GetTypeByMetadataName("System.Threading.SemaphoreSlim");
        Lock = compilation.GetTypeByMetadataName("System.Threading.Lock");
        WaitHandle = compilation.GetTypeByMetadataName("System.Threading.WaitHandle");
        BlockingCollection = compilation.GetTypeByMetadataName("System.Collections.Concurrent.BlockingCollection`1");
        Math = compilation.GetTypeByMetadataName("System.Math");
        Exception = compilation.GetTypeByMetadataName("System.Exception");
        CancellationToken = compilation.GetTypeByMetadataName("System.Threading.CancellationToken");
        TimeSpan = compilation.GetTypeByMetadataName("System.TimeSpan");
    }

    private readonly Lazy<HashSet<string>> _usingAliases;

    /// <summary>The names of the compilation's using aliases, collected on first use.</summary>
    public HashSet<string> UsingAliases => _usingAliases.Value;

    public INamedTypeSymbol? RequestHandlerAttribute { get; }
    public INamedTypeSymbol? Thread { get; }
    public INamedTypeSymbol? ThreadPool { get; }
    public INamedTypeSymbol? Task { get; }
    public INamedTypeSymbol? TaskOfT { get; }
    public INamedTypeSymbol? TaskFactory { get; }
    public INamedTypeSymbol? TaskFactoryOfT { get; }
    public INamedTypeSymbol? Parallel { get; }
    public INamedTypeSymbol? Timer { get; }
    public INamedTypeSymbol? Monitor { get; }
    public INamedTypeSymbol? Volatile { get; }
    public INamedTypeSymbol? Interlocked { get; }
    public INamedTypeSymbol? SemaphoreSlim { get; }

    /// <summary><c>System.Threading.Lock</c> (.NET 9 and later).</summary>
    public INamedTypeSymbol? Lock { get; }
    public INamedTypeSymbol? WaitHandle { get; }
    public INamedTypeSymbol? BlockingCollection { get; }
    public INamedTypeSymbol? Math { get; }
    public INamedTypeSymbol? Exception { get; }
    public INamedTypeSymbol? CancellationToken { get; }
    public INamedTypeSymbol? TimeSpan { get; }

    public static bool Is(ITypeSymbol? type, INamedTypeSymbol? expected) =>
        type is not null && expected is not null && SymbolEqualityComparer.Default.Equals(type.OriginalDefinition, expected);

    public static bool IsOrDerives(ITypeSymbol? type, INamedTypeSymbol? expected)
    {
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (Is(current, expected))
                return true;
        }
        return false;
    }

    public bool IsHandler(IMethodSymbol method)
    {
        if (RequestHandlerAttribute is null)
            return false;
        foreach (var attribute in method.GetAttributes())
        {
            if (Is(attribute.AttributeClass, RequestHandlerAttribute))
                return true;
        }
        return false;
    }

    /// <summary>
    /// What kind of worker a delegate passed to <paramref name="target"/> becomes, or <see langword="null"/> when
    /// <paramref name="target"/> does not run delegates on other threads.
    /// </summary>
    public StarterKind? Starter(IMethodSymbol target)
    {
        var type = target.ContainingType;
        if (target.MethodKind == MethodKind.Constructor)
        {
            if (Is(type, Thread))
                return StarterKind.Thread;
            if (Is(type, Timer))
                return StarterKind.Timer;
            return null;
        }
        switch (target.Name)
        {
            case "QueueUserWorkItem" or "UnsafeQueueUserWorkItem" when Is(type, ThreadPool):
                return StarterKind.ThreadPool;
            case "Run" when Is(type, Task):
            case "StartNew" when Is(type, TaskFactory) || Is(type, TaskFactoryOfT):
                return StarterKind.Task;
            case "For" or "ForEach" or "ForEachAsync" or "Invoke" when Is(type, Parallel):
                return StarterKind.Parallel;
            default:
                return null;
        }
    }

    /// <summary>The starter a delegate is handed to, if it is an argument of one.</summary>
    public StarterKind? StarterOf(IOperation function)
    {
        var parent = function.Parent;
        if (parent is IDelegateCreationOperation)
            parent = parent.Parent;
        while (parent is IConversionOperation)
            parent = parent.Parent;
        if (parent is not IArgumentOperation argument)
            return null;
        return argument.Parent switch
        {
            IInvocationOperation invocation => Starter(invocation.TargetMethod),
            IObjectCreationOperation { Constructor: { } constructor } => Starter(constructor),
            _ => null,
        };
    }
}

/// <summary>How a worker body is started.</summary>
internal enum StarterKind
{
    Thread,
    ThreadPool,
    Task,
    Parallel,
    Timer,
}

/// <summary>
/// Which code of a type is worker code: its <c>[RequestHandler]</c> methods, the delegates it passes to
/// <c>new Thread</c>, the thread pool, <c>Task.Run</c>, <c>StartNew</c>, <c>Parallel</c> or a <c>Timer</c>,
/// and the methods of the same type those call. Rules record findings per region (a method, or a lambda
/// handed to a starter); at the end of the type only the findings in worker regions are reported.
/// </summary>
internal sealed class WorkerRegions
{
    private readonly INamedTypeSymbol _type;
    private readonly ConcurrencySymbols _symbols;
    private readonly RecordedMap<string> _entries = new();
    private readonly RecordedMap<bool> _concurrentEntries = new();
    private readonly RecordedList<(ISymbol Caller, ISymbol Callee)> _calls = new();
    private Dictionary<ISymbol, List<ISymbol>>? _callees;
    private Dictionary<ISymbol, string>? _workerEntries;
    private HashSet<ISymbol>? _concurrentRegions;

    public WorkerRegions(INamedTypeSymbol type, ConcurrencySymbols symbols)
    {
        _type = type;
        _symbols = symbols;
    }

    /// <summary>Records the type's <c>[RequestHandler]</c> methods as entry points; called once, when the type starts.</summary>
    public void AddHandlers()
    {
        foreach (var member in _type.GetMembers())
        {
            if (member is IMethodSymbol method && _symbols.IsHandler(method))
            {
                _entries.TryAdd(method, $"handler '{method.Name}'");
                _concurrentEntries.TryAdd(method, true);
            }
        }
    }

    /// <summary>
    /// Records what <paramref name="operation"/> (in <paramref name="region"/> of <paramref name="member"/>) tells about
    /// worker code: a delegate handed to a starter is an entry point, a call to a method of the type extends the caller's
    /// region to it. Every operation of the type's members is offered once, in any order, by the driver's one walk over
    /// each body.
    /// </summary>
    public void Record(IOperation operation, ISymbol region, ISymbol member)
    {
        switch (operation.Kind)
        {
            case OperationKind.AnonymousFunction when _symbols.StarterOf(operation) is { } starter:
                var lambda = ((IAnonymousFunctionOperation)operation).Symbol;
                _entries.TryAdd(lambda, $"the {Describe(starter)} in '{member.Name}'");
                if (starter == StarterKind.Parallel || InsideLoop(operation))
                    _concurrentEntries.TryAdd(lambda, true);
                break;
            case OperationKind.MethodReference when _symbols.StarterOf(operation) is { } starter
                && ((IMethodReferenceOperation)operation).Method is var referenced
                && SymbolEqualityComparer.Default.Equals(referenced.ContainingType?.OriginalDefinition, _type):
                _entries.TryAdd(referenced.OriginalDefinition, $"'{referenced.Name}', run by the {Describe(starter)} in '{member.Name}'", operation.Syntax.GetLocation());
                if (starter == StarterKind.Parallel || InsideLoop(operation))
                    _concurrentEntries.TryAdd(referenced.OriginalDefinition, true);
                break;
            case OperationKind.Invocation when ((IInvocationOperation)operation).TargetMethod is var target
                && SymbolEqualityComparer.Default.Equals(target.ContainingType?.OriginalDefinition, _type):
                _calls.Add((region, target.OriginalDefinition));
                break;
        }
    }

    /// <summary>
    /// The region an operation of <paramref name="member"/> belongs to: the innermost enclosing delegate handed to a starter,
    /// else the member (other lambdas and local functions run as part of the code around them).
    /// </summary>
    public ISymbol RegionOf(IOperation operation, ISymbol member)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current.Kind == OperationKind.AnonymousFunction && _symbols.StarterOf(current) is not null)
                return ((IAnonymousFunctionOperation)current).Symbol;
        }
        return member;
    }

    /// <summary>
    /// Whether <paramref name="member"/>'s own code runs before the object (or, for static members, the type) is shared:
    /// a constructor, or the initializer of a field, property or field-like event.
    /// </summary>
    public static bool IsInitialization(ISymbol member) =>
        member is IMethodSymbol { MethodKind: MethodKind.Constructor or MethodKind.StaticConstructor } or IFieldSymbol or IPropertySymbol or IEventSymbol;

    /// <summary>
    /// The regions that run on several threads at once: handlers, parallel loop bodies, bodies started in a loop,
    /// and the methods they call.
    /// </summary>
    /// <remarks>Computed once, at the end of the type (after every block was walked), and shared by the rules.</remarks>
    public HashSet<ISymbol> ConcurrentRegions()
    {
        if (_concurrentRegions is null)
        {
            var entries = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
            foreach (var entry in _concurrentEntries)
                entries[entry.Key] = "";
            _concurrentRegions = new HashSet<ISymbol>(Reach(entries).Keys, SymbolEqualityComparer.Default);
        }
        return _concurrentRegions;
    }

    /// <summary>Whether any worker entry point was found in the type: without one no rule reports anything.</summary>
    public bool HasEntries => !_entries.IsEmpty;

    private static bool InsideLoop(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILoopOperation)
                return true;
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return false;
        }
        return false;
    }

    /// <summary>Each worker region with a description of the entry point it is reached from (computed once, at the end of the type).</summary>
    public Dictionary<ISymbol, string> WorkerEntries()
    {
        if (_workerEntries is null)
        {
            var entries = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
            foreach (var entry in _entries)
                entries[entry.Key] = entry.Value;
            _workerEntries = Reach(entries);
        }
        return _workerEntries;
    }

    private Dictionary<ISymbol, string> Reach(Dictionary<ISymbol, string> entries)
    {
        var reached = new Dictionary<ISymbol, string>(SymbolEqualityComparer.Default);
        var queue = new Queue<ISymbol>();
        // Breadth first from the entries in source order, callees too: a method reached from two entry points is
        // described by the same one whatever order the members were analyzed in.
        foreach (var entry in entries.OrderBy(e => SourceOrder.Of(e.Key), SourceOrder.Comparer))
        {
            reached[entry.Key] = entry.Value;
            queue.Enqueue(entry.Key);
        }
        if (_callees is null)
        {
            _callees = new Dictionary<ISymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
            foreach (var (caller, callee) in _calls)
            {
                if (!_callees.TryGetValue(caller, out var list))
                    _callees[caller] = list = new List<ISymbol>();
                list.Add(callee);
            }
            foreach (var list in _callees.Values)
                list.Sort((x, y) => SourceOrder.Compare(SourceOrder.Of(x), SourceOrder.Of(y)));
        }
        while (queue.Count > 0)
        {
            var region = queue.Dequeue();
            if (!_callees.TryGetValue(region, out var callees))
                continue;
            foreach (var callee in callees)
            {
                if (!reached.ContainsKey(callee))
                {
                    reached[callee] = reached[region];
                    queue.Enqueue(callee);
                }
            }
        }
        return reached;
    }

    private static string Describe(StarterKind starter) => starter switch
    {
        StarterKind.Thread => "thread started",
        StarterKind.ThreadPool => "thread-pool item queued",
        StarterKind.Task => "task started",
        StarterKind.Parallel => "parallel loop body",
        _ => "timer callback",
    };

    public ConcurrencySymbols Symbols => _symbols;
}

/// <summary>Small operation helpers shared by the concurrency rules.</summary>
internal static class Operations
{
    public static IOperation WithoutConversions(IOperation operation)
    {
        while (operation is IConversionOperation conversion)
            operation = conversion.Operand;
        return operation;
    }

    public static IOperation? ParentWithoutConversions(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation or IParenthesizedOperation)
            parent = parent.Parent;
        return parent;
    }

    public static bool HasArgumentOfType(IInvocationOperation invocation, params INamedTypeSymbol?[] types) =>
        invocation.Arguments.Any(a => a.ArgumentKind != ArgumentKind.DefaultValue && types.Any(t => ConcurrencySymbols.Is(a.Value.Type, t)));

    public static ImmutableArray<IArgumentOperation> ExplicitArguments(IInvocationOperation invocation) =>
        invocation.Arguments.Where(a => a.ArgumentKind != ArgumentKind.DefaultValue).ToImmutableArray();
}
