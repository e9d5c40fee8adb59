using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What takes and releases a lock, shared by EXG001 (is this access guarded?) and EXG003 (which locks are held
/// here?): <c>lock</c> statements, <c>Monitor.Enter</c>/<c>TryEnter</c>/<c>Exit</c>,
/// <c>System.Threading.Lock</c>'s <c>Enter</c>/<c>TryEnter</c>/<c>EnterScope</c>/<c>Exit</c>, <c>SpinLock</c>,
/// <c>ReaderWriterLockSlim</c>'s read, upgradeable and write locks, and (for EXG001 only)
/// <c>SemaphoreSlim.Wait</c>/<c>Release</c>.
/// </summary>
internal static class Locks
{
    /// <summary>
    /// The object a call locks (<c>Monitor.Enter(x)</c> gives <c>x</c>, <c>x.EnterScope()</c> gives <c>x</c>), or null when
    /// the call takes no lock. A semaphore counts only when <paramref name="withSemaphores"/>: it guards data, but a
    /// semaphore of more than one slot orders nothing, so EXG003 leaves it out.
    /// </summary>
    public static IOperation? Acquired(IOperation operation, ConcurrencySymbols symbols, bool withSemaphores)
    {
        if (operation is not IInvocationOperation invocation)
            return null;
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "Enter" or "TryEnter" when ConcurrencySymbols.Is(method.ContainingType, symbols.Monitor):
                return invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
            case "Enter" or "TryEnter" or "EnterScope" when ConcurrencySymbols.Is(method.ContainingType, symbols.Lock):
            case "Enter" or "TryEnter" when ConcurrencySymbols.Is(method.ContainingType, symbols.SpinLock):
            case "EnterWriteLock" or "TryEnterWriteLock" or "EnterUpgradeableReadLock" or "TryEnterUpgradeableReadLock" or "EnterReadLock" or "TryEnterReadLock"
                when ConcurrencySymbols.Is(method.ContainingType, symbols.ReaderWriterLockSlim):
                return invocation.Instance;
            case "Wait" or "WaitAsync" when withSemaphores && ConcurrencySymbols.Is(method.ContainingType, symbols.SemaphoreSlim):
                return invocation.Instance;
            default:
                return null;
        }
    }

    /// <summary>The object a call unlocks (<c>Monitor.Exit(x)</c>, <c>x.Exit()</c>, <c>semaphore.Release()</c>), or null.</summary>
    public static IOperation? Released(IOperation operation, ConcurrencySymbols symbols)
    {
        if (operation is not IInvocationOperation invocation)
            return null;
        var method = invocation.TargetMethod;
        switch (method.Name)
        {
            case "Exit" when ConcurrencySymbols.Is(method.ContainingType, symbols.Monitor):
                return invocation.Arguments.Length > 0 ? invocation.Arguments[0].Value : null;
            case "Exit" when ConcurrencySymbols.Is(method.ContainingType, symbols.Lock) || ConcurrencySymbols.Is(method.ContainingType, symbols.SpinLock):
            case "ExitWriteLock" or "ExitUpgradeableReadLock" or "ExitReadLock" when ConcurrencySymbols.Is(method.ContainingType, symbols.ReaderWriterLockSlim):
            case "Release" when ConcurrencySymbols.Is(method.ContainingType, symbols.SemaphoreSlim):
                return invocation.Instance;
            default:
                return null;
        }
    }

    /// <summary>
    /// Inside a <c>lock</c>, a <c>using (x.EnterScope())</c>, after an acquiring call in an enclosing block, or in a
    /// <c>try</c> whose <c>finally</c> releases: any lock, Monitor, <c>Lock</c> or <c>SemaphoreSlim</c> region counts.
    /// </summary>
    public static bool Guarded(IOperation operation, ConcurrencySymbols symbols)
    {
        var child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case ILockOperation @lock when @lock.Body == child:
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case ITryOperation { Finally: { } @finally } when @finally.Descendants().Any(o => Released(o, symbols) is not null):
                    return true;
                case IUsingOperation @using when @using.Body == child && @using.Resources.DescendantsAndSelf().Any(o => Acquired(o, symbols, withSemaphores: true) is not null):
                    return true;
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                            break;
                        if (statement.DescendantsAndSelf().Any(o => Acquired(o, symbols, withSemaphores: true) is not null))
                            return true;
                    }
                    break;
            }
        }
        return false;
    }

    /// <summary>The field a lock operand names (<c>_sync</c>, <c>Log.Sync</c>, <c>other._sync</c>), or null for locals, <c>this</c>, <c>typeof</c>.</summary>
    public static IFieldSymbol? Field(IOperation? lockedValue) =>
        lockedValue is not null && Operations.WithoutConversions(lockedValue) is IFieldReferenceOperation reference ? reference.Field.OriginalDefinition : null;
}
