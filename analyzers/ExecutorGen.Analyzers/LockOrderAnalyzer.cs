using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

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
            var regions = new LockRegions(symbols, graph);
            // Operation actions, not a per-block start action: the driver then walks each block once for every analyzer.
            start.RegisterOperationAction(c => regions.AddLock((ILockOperation)c.Operation, c.ContainingSymbol), OperationKind.Lock);
            start.RegisterOperationAction(c => regions.AddInvocation((IInvocationOperation)c.Operation, c.ContainingSymbol), OperationKind.Invocation);
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
/// For every method, lambda or local function of the compilation, the locks it takes and the methods it calls; at the
/// end, the nestings (directly, or through calls made while a lock is held) and the pairs taken in both orders.
/// </summary>
internal sealed class LockGraph
{
    /// <summary>How many calls deep a lock taken by a callee is still seen as nested: deep enough for helpers, bounded for big call graphs.</summary>
    public const int MaxCallDepth = 4;

    /// <summary>What each method, lambda or local function that takes a lock or calls a method of the compilation does.</summary>
    public RecordedMap<FunctionLocks> Functions { get; } = new();

    /// <summary>Whether any lock was seen: without one there is nothing to compare.</summary>
    public volatile bool AnyLock;

    public void Report(CompilationAnalysisContext context)
    {
        if (!AnyLock)
            return;
        var nestings = new List<Nesting>();
        foreach (var function in Functions)
        {
            var (takes, calls, method) = (function.Value.Takes, function.Value.Calls, function.Value.Method);
            foreach (var (outer, held, _) in takes)
            {
                foreach (var (inner, _, innerSyntax) in takes)
                {
                    if (held.Contains(innerSyntax.Span) && !SymbolEqualityComparer.Default.Equals(outer, inner))
                        nestings.Add(new Nesting(outer, inner, innerSyntax.GetLocation(), $"'{method}'"));
                }
                foreach (var (callee, own, callSyntax) in calls)
                {
                    if (!held.Contains(callSyntax.Span))
                        continue;
                    foreach (var (inner, path) in Reach(callee, own))
                    {
                        if (!SymbolEqualityComparer.Default.Equals(inner, outer))
                            nestings.Add(new Nesting(outer, inner, callSyntax.GetLocation(), $"'{method}' (through {path})"));
                    }
                }
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
            if (!Functions.TryGetValue(method, out var function))
                continue;
            foreach (var (field, _, _) in function.Takes)
            {
                if ((stillOwn || field.IsStatic) && seenLocks.Add(field))
                    found.Add((field, path));
            }
            if (depth >= MaxCallDepth)
                continue;
            foreach (var (next, nextOwn, _) in function.Calls)
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

/// <summary>The locks one method, lambda or local function takes (with the code each is held over) and the methods of the compilation it calls.</summary>
internal sealed class FunctionLocks
{
    public FunctionLocks(string method) => Method = method;

    /// <summary>The name of the method the code is in, for messages.</summary>
    public string Method { get; }

    public RecordedList<(IFieldSymbol Lock, TextSpan Held, SyntaxNode LockedValue)> Takes { get; } = new();

    public RecordedList<(IMethodSymbol Callee, bool Own, SyntaxNode Call)> Calls { get; } = new();
}
