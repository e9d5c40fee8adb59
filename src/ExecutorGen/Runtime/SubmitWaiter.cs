using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace ExecutorGen.Runtime;

/// <summary>The engine's side of a <see cref="SubmitWaiter{TKey, TEnvelope}"/>.</summary>
internal interface ISubmitWaiterOwner<TKey, TEnvelope>
{
    /// <summary>The caller's token was cancelled: if the waiter still waits, take it out and fail it.</summary>
    void CancelWaiter(SubmitWaiter<TKey, TEnvelope> waiter, CancellationToken cancellationToken);

    /// <summary>The caller has observed the wait's outcome: count an admission, and take the waiter back.</summary>
    void OnWaitObserved(SubmitWaiter<TKey, TEnvelope> waiter, bool admitted);
}

/// <summary>
/// A <c>SubmitAsync</c> caller waiting for room under <see cref="QueueFullMode.Wait"/>. Waiters are admitted
/// in arrival order (a later waiter of the same key can never pass an earlier one), by the worker that
/// frees the room, under the engine's lock. The caller awaits the waiter itself (a reusable value-task
/// source), and once it has observed the outcome the engine re-uses the waiter, so a producer that keeps
/// the queue full allocates nothing per wait. Completed exactly once per use: whoever takes it out of
/// the engine's waiter list under the lock (admission, cancellation or shutdown) completes it.
/// </summary>
internal sealed class SubmitWaiter<TKey, TEnvelope> : IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _core;

    public SubmitWaiter(ISubmitWaiterOwner<TKey, TEnvelope> owner)
    {
        Owner = owner;
        _core.RunContinuationsAsynchronously = true; // a worker admitting it never runs the caller's code
        Node = new LinkedListNode<SubmitWaiter<TKey, TEnvelope>>(this);
    }

    public TEnvelope Envelope = default!;
    public bool HasKey;
    public TKey Key = default!;
    public IRequestCompletion? Completion;
    public ActivityContext Parent;

    /// <summary>The engine's scheduler whose room it waits for (the index in the engine's schedulers).</summary>
    public int Scheduler;

    /// <summary>The cancellation callback of the current use.</summary>
    public CancellationTokenRegistration Registration;

    public ISubmitWaiterOwner<TKey, TEnvelope> Owner { get; }

    /// <summary>Its node in the engine's waiter list: in the list exactly while it waits.</summary>
    public LinkedListNode<SubmitWaiter<TKey, TEnvelope>> Node { get; }

    public void Prepare(in TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent, int scheduler)
    {
        Scheduler = scheduler;
        Envelope = envelope;
        HasKey = hasKey;
        Key = key;
        Completion = completion;
        Parent = parent;
    }

    /// <summary>The caller's view of this use of the waiter.</summary>
    public ValueTask Wait => new(this, _core.Version);

    public void Admit() => _core.SetResult(true);

    public void Fail(Exception exception) => _core.SetException(exception);

    /// <summary>Ready for the next use. Only once the caller has observed this one (see <see cref="ISubmitWaiterOwner{TKey, TEnvelope}"/>).</summary>
    public void Reset()
    {
        Envelope = default!;
        Key = default!;
        Completion = null;
        Parent = default;
        Registration = default;
        _core.Reset();
    }

    void IValueTaskSource.GetResult(short token)
    {
        if (token != _core.Version)
        {
            _core.GetResult(token); // throws: a ValueTask is observed once; a second look must not re-pool the waiter
            return;
        }
        bool admitted = false;
        try
        {
            _core.GetResult(token);
            admitted = true;
        }
        finally
        {
            Owner.OnWaitObserved(this, admitted);
        }
    }

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
