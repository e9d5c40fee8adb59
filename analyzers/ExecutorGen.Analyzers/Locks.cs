using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What takes and releases a lock, for the locks <see cref="SummaryWalker"/> knows to be held: <c>lock</c> statements,
/// <c>Monitor.Enter</c>/<c>TryEnter</c>/<c>Exit</c>, <c>System.Threading.Lock</c>'s <c>Enter</c>/<c>TryEnter</c>/<c>EnterScope</c>/<c>Exit</c>, <c>SpinLock</c>,
/// <c>ReaderWriterLockSlim</c>'s read, upgradeable and write locks, and (guarding data, but
/// ordering nothing for EXG003) <c>SemaphoreSlim.Wait</c>/<c>Release</c>.
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
}
