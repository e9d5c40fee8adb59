using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG003 when two locks (fields, static or not, named by their symbol) are taken nested in one order in
/// one place and in the opposite order in another, anywhere in the compilation. A lock is taken by <c>lock</c>
/// (on any object, <c>System.Threading.Lock</c> included), <c>Monitor.Enter</c>/<c>TryEnter</c> or
/// <c>Lock.Enter</c>/<c>TryEnter</c>/<c>EnterScope</c> (<see cref="LockRegions"/> works out how long it is held); the
/// inner lock may also be taken by a method of the compilation called while the outer one is held, up to
/// <see cref="LockGraph.MaxCallDepth"/> calls deep.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LockOrderInversion);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new ConcurrencySymbols(start.Compilation);
            var graph = new LockGraph();
            start.RegisterOperationBlockStartAction(blockStart =>
            {
                var block = new LockRegions(blockStart.OwningSymbol, symbols);
                blockStart.RegisterOperationAction(c => block.AddLock((ILockOperation)c.Operation), OperationKind.Lock);
                blockStart.RegisterOperationAction(c => block.AddInvocation((IInvocationOperation)c.Operation), OperationKind.Invocation);
                blockStart.RegisterOperationBlockEndAction(_ => block.Complete(graph));
            });
            start.RegisterCompilationEndAction(graph.Report);
        });
    }
}

/// <summary>Two locks held one inside the other at <see cref="Location"/>, described as <see cref="Place"/> for the message.</summary>
internal sealed class Nesting
{
    public Nesting(IFieldSymbol outer, IFieldSymbol inner, Location location, string place) =>
        (Outer, Inner, Location, Place) = (outer, inner, location, place);

    public IFieldSymbol Outer { get; }
    public IFieldSymbol Inner { get; }
    public Location Location { get; }
    public string Place { get; }

    public bool Is(IFieldSymbol outer, IFieldSymbol inner) =>
        SymbolEqualityComparer.Default.Equals(Outer, outer) && SymbolEqualityComparer.Default.Equals(Inner, inner);
}

/// <summary>
/// What the compilation's code blocks told about locks: nestings within a method, calls made while holding a lock,
/// and for every method (or local function) the locks it takes and the methods of the compilation it calls.
/// </summary>
internal sealed class LockGraph
{
    /// <summary>How many calls deep a lock taken by a callee is still seen as nested: deep enough for helpers, bounded for big call graphs.</summary>
    public const int MaxCallDepth = 4;

    public ConcurrentBag<Nesting> Nestings { get; } = new();

    public ConcurrentBag<(IFieldSymbol Outer, IMethodSymbol Callee, bool Own, Location Location, string Method)> CallsUnderLock { get; } = new();

    /// <summary>The locks each method or local function takes.</summary>
    public ConcurrentDictionary<ISymbol, ConcurrentBag<IFieldSymbol>> Takes { get; } = new(SymbolEqualityComparer.Default);

    /// <summary>The methods of the compilation each method or local function calls, and whether on <c>this</c> (or statically).</summary>
    public ConcurrentDictionary<ISymbol, ConcurrentBag<(IMethodSymbol Callee, bool Own)>> Calls { get; } = new(SymbolEqualityComparer.Default);

    public void Report(CompilationAnalysisContext context)
    {
        if (Takes.IsEmpty)
            return;
        var nestings = Nestings.ToList();
        foreach (var call in CallsUnderLock)
        {
            foreach (var (inner, path) in Reach(call.Callee, call.Own))
            {
                if (!SymbolEqualityComparer.Default.Equals(inner, call.Outer))
                    nestings.Add(new Nesting(call.Outer, inner, call.Location, $"'{call.Method}' (through {path})"));
            }
        }
        var ordered = nestings.OrderBy(n => n.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(n => n.Location.SourceSpan.Start).ToList();
        var reported = new List<Nesting>();
        foreach (var first in ordered)
        {
            if (reported.Any(r => r.Is(first.Outer, first.Inner) || r.Is(first.Inner, first.Outer)))
                continue;
            var opposite = ordered.FirstOrDefault(n => n.Is(first.Inner, first.Outer));
            if (opposite is null)
                continue;
            reported.Add(first);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LockOrderInversion,
                first.Location,
                new[] { opposite.Location },
                Name(first.Outer), Name(first.Inner), first.Place, opposite.Place));
        }
    }

    /// <summary>
    /// The locks <paramref name="callee"/> takes, itself or through the methods it calls (breadth first, each method once,
    /// at most <see cref="MaxCallDepth"/> calls deep), with the calls that lead there. Called on another object
    /// (<paramref name="own"/> false), its instance locks are that object's, not the caller's: only static ones count.
    /// </summary>
    private List<(IFieldSymbol Lock, string Path)> Reach(IMethodSymbol callee, bool own)
    {
        var found = new List<(IFieldSymbol, string)>();
        var seenLocks = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        var visited = new HashSet<(ISymbol, bool)>();
        var queue = new Queue<(ISymbol Method, bool Own, string Path, int Depth)>();
        queue.Enqueue((callee, own, $"'{callee.Name}'", 1));
        visited.Add((callee, own));
        while (queue.Count > 0)
        {
            var (method, stillOwn, path, depth) = queue.Dequeue();
            if (Takes.TryGetValue(method, out var takes))
            {
                foreach (var field in takes)
                {
                    if ((stillOwn || field.IsStatic) && seenLocks.Add(field))
                        found.Add((field, path));
                }
            }
            if (depth >= MaxCallDepth || !Calls.TryGetValue(method, out var calls))
                continue;
            foreach (var (next, nextOwn) in calls)
            {
                bool own2 = stillOwn && nextOwn;
                if (visited.Add((next, own2)))
                    queue.Enqueue((next, own2, $"{path}, '{next.Name}'", depth + 1));
            }
        }
        return found;
    }

    private static string Name(IFieldSymbol field) => field.IsStatic ? $"{field.ContainingType.Name}.{field.Name}" : field.Name;
}
