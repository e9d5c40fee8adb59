using System.Collections.Concurrent;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The locks one code block takes and the stretch of code each is held over, the calls it makes, and from those the
/// nestings and calls under a lock that EXG003 compares across the compilation.
/// </summary>
/// <remarks>
/// How long a lock is held: a <c>lock</c> statement's body; <c>using (x.EnterScope())</c>'s body;
/// <c>if (Monitor.TryEnter(x, ...))</c>'s true branch; otherwise (<c>Monitor.Enter(x)</c>, <c>TryEnter(x, ref taken)</c>,
/// <c>x.Enter()</c>, <c>using var s = x.EnterScope();</c>, <c>if (!Monitor.TryEnter(x)) return;</c>) the rest of the
/// enclosing block, up to the statement that releases it, or through a following <c>try</c> whose <c>finally</c> releases
/// it. Code in lambdas and local functions runs later, not while the lock is held.
/// </remarks>
internal sealed class LockRegions
{
    private readonly ISymbol _owner;
    private readonly ConcurrencySymbols _symbols;
    private readonly ConcurrentBag<(IFieldSymbol Lock, ISymbol Function, TextSpan Held, Location Location)> _takes = new();
    private readonly ConcurrentBag<(IMethodSymbol Callee, bool Own, ISymbol Function, TextSpan Span, Location Location)> _calls = new();

    public LockRegions(ISymbol owner, ConcurrencySymbols symbols)
    {
        _owner = owner;
        _symbols = symbols;
    }

    public void AddLock(ILockOperation operation)
    {
        if (Locks.Field(operation.LockedValue) is { } field)
            Add(field, operation.LockedValue, operation.Body.Syntax.Span);
    }

    public void AddInvocation(IInvocationOperation invocation)
    {
        if (Locks.Acquired(invocation, _symbols, withSemaphores: false) is { } lockedValue)
        {
            if (Locks.Field(lockedValue) is { } field && HeldSpan(invocation, field) is { } held)
                Add(field, lockedValue, held);
            return;
        }
        var callee = invocation.TargetMethod.PartialImplementationPart ?? invocation.TargetMethod.OriginalDefinition;
        if (callee.DeclaringSyntaxReferences.IsEmpty)
            return; // not a method of this compilation
        bool own = invocation.Instance is null or IInstanceReferenceOperation;
        _calls.Add((callee, own, Function(invocation), invocation.Syntax.Span, invocation.Syntax.GetLocation()));
    }

    private void Add(IFieldSymbol field, IOperation lockedValue, TextSpan held) =>
        _takes.Add((field, Function(lockedValue), held, lockedValue.Syntax.GetLocation()));

    /// <summary>Adds what this block holds to <paramref name="graph"/>: its nestings, its calls under a lock, and per function its locks and calls.</summary>
    public void Complete(LockGraph graph)
    {
        foreach (var inner in _takes)
        {
            graph.Takes.GetOrAdd(inner.Function, _ => new ConcurrentBag<IFieldSymbol>()).Add(inner.Lock);
            foreach (var outer in _takes)
            {
                if (Holds(outer, inner.Function, inner.Location.SourceSpan) && !SymbolEqualityComparer.Default.Equals(outer.Lock, inner.Lock))
                    graph.Nestings.Add(new Nesting(outer.Lock, inner.Lock, inner.Location, $"'{_owner.Name}'"));
            }
        }
        foreach (var call in _calls)
        {
            graph.Calls.GetOrAdd(call.Function, _ => new ConcurrentBag<(IMethodSymbol, bool)>()).Add((call.Callee, call.Own));
            foreach (var outer in _takes)
            {
                if (Holds(outer, call.Function, call.Span))
                    graph.CallsUnderLock.Add((outer.Lock, call.Callee, call.Own, call.Location, _owner.Name));
            }
        }
    }

    private static bool Holds((IFieldSymbol Lock, ISymbol Function, TextSpan Held, Location Location) outer, ISymbol function, TextSpan span) =>
        outer.Held.Contains(span) && SymbolEqualityComparer.Default.Equals(outer.Function, function);

    /// <summary>The method, lambda or local function the operation runs in.</summary>
    private ISymbol Function(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda)
                return lambda.Symbol;
            if (current is ILocalFunctionOperation local)
                return local.Symbol;
        }
        return _owner;
    }

    /// <summary>The code run while the lock an acquiring call takes is held (see the class remarks), or null.</summary>
    private TextSpan? HeldSpan(IOperation acquire, IFieldSymbol field)
    {
        bool negated = false;
        var child = acquire;
        for (var current = acquire.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IUnaryOperation { OperatorKind: UnaryOperatorKind.Not }:
                    negated = !negated;
                    break;
                case IConditionalOperation conditional when conditional.Condition == child && !negated:
                    return conditional.WhenTrue.Syntax.Span;
                case IUsingOperation @using when @using.Resources == child:
                    return @using.Body.Syntax.Span;
                case IBlockOperation block:
                    return RestOfBlock(block, child, field);
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return null;
            }
        }
        return null;
    }

    private TextSpan RestOfBlock(IBlockOperation block, IOperation statement, IFieldSymbol field)
    {
        int start = statement.Syntax.Span.End, end = block.Syntax.Span.End;
        bool after = false;
        foreach (var next in block.Operations)
        {
            if (!after)
            {
                after = next == statement;
                continue;
            }
            if (next is ITryOperation { Finally: { } @finally } && Releases(@finally, field))
                return TextSpan.FromBounds(start, next.Syntax.Span.End);
            if (Releases(next, field))
                return TextSpan.FromBounds(start, next.Syntax.SpanStart);
        }
        return TextSpan.FromBounds(start, end);
    }

    private bool Releases(IOperation operation, IFieldSymbol field) =>
        operation.DescendantsAndSelf().Any(o => Locks.Released(o, _symbols) is { } released && SymbolEqualityComparer.Default.Equals(Locks.Field(released), field));
}
