using System;

namespace ExecutorGen;

/// <summary>
/// Declares that every access to this field, outside constructors and initializers, holds the named lock:
/// a field or property of the same type, taken with <c>lock</c>, <c>Monitor</c>, <c>System.Threading.Lock</c>,
/// <c>SpinLock</c>, a <c>SemaphoreSlim</c> or a <c>ReaderWriterLockSlim</c>, here or by every caller of a private helper.
/// The ExecutorGen analyzers (EXG001) then report each read or write that does not, in any code, not only in worker
/// code: the declaration states the intent that inference cannot see.
/// </summary>
/// <example>
/// <code>
/// private readonly object _sync = new();
/// [GuardedBy(nameof(_sync))] private int _pending;
/// </code>
/// </example>
/// <remarks>The analyzers recognize any attribute named <c>GuardedByAttribute</c> with one string argument, so a
/// project can declare its own instead of referencing this one.</remarks>
[AttributeUsage(AttributeTargets.Field, AllowMultiple = false, Inherited = false)]
public sealed class GuardedByAttribute : Attribute
{
    /// <summary>Declares the field guarded by <paramref name="lockName"/>.</summary>
    /// <param name="lockName">The name of the lock field or property of the same type (use <c>nameof</c>).</param>
    public GuardedByAttribute(string lockName) => LockName = lockName;

    /// <summary>The name of the lock field or property of the same type.</summary>
    public string LockName { get; }
}
