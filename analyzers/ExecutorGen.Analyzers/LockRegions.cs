using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using Microsoft.CodeAnalysis.Text;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Records into a <see cref="LockGraph"/>, per method, lambda or local function, the locks it takes with the stretch of
/// code each is held over, and the methods of the compilation it calls.
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
    private readonly ConcurrencySymbols _symbols;
    private readonly LockGraph _graph;

    public LockRegions(ConcurrencySymbols symbols, LockGraph graph)
    {
        _symbols = symbols;
        _graph = graph;
    }

    public void AddLock(ILockOperation operation, ISymbol owner)
    {
        if (Locks.Field(operation.LockedValue) is { } field)
            Add(field, operation.LockedValue, operation.Body.Syntax.Span, owner);
    }

    public void AddInvocation(IInvocationOperation invocation, ISymbol owner)
    {
        if (Locks.Acquired(invocation, _symbols, withSemaphores: false) is { } lockedValue)
        {
            if (Locks.Field(lockedValue) is { } field && HeldSpan(invocation, field) is { } held)
                Add(field, lockedValue, held, owner);
            return;
        }
        var target = invocation.TargetMethod.OriginalDefinition;
        var callee = target.PartialImplementationPart ?? target;
        if (callee.DeclaringSyntaxReferences.IsEmpty)
            return; // not a method of this compilation
        bool own = invocation.Instance is null or IInstanceReferenceOperation;
        _graph.Functions.GetOrAdd(Function(invocation, owner), () => new FunctionLocks(owner.Name)).Calls.Add((callee, own, invocation.Syntax));
    }

    private void Add(IFieldSymbol field, IOperation lockedValue, TextSpan held, ISymbol owner)
    {
        var function = Function(lockedValue, owner);
        _graph.Functions.GetOrAdd(function, () => new FunctionLocks(owner.Name)).Takes.Add((field, held, lockedValue.Syntax));
        _graph.AnyLock = true;
    }

    /// <summary>The method, lambda or local function the operation runs in.</summary>
    private static ISymbol Function(IOperation operation, ISymbol owner)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation lambda)
                return lambda.Symbol;
            if (current is ILocalFunctionOperation local)
                return local.Symbol;
        }
        return owner;
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
