using System;
using System.Collections.Generic;
using System.Threading;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    // The worker whose code runs here: set once at the start of each worker's loop, it flows with the ExecutionContext
    // into the handlers that worker calls and their continuations. One per worker, so nothing is allocated per request.
    private static readonly AsyncLocal<HandlerScope?> s_scope = new();

    /// <summary>
    /// What a worker runs, as seen from the code it calls: the engine, and the request whose handler is running now
    /// (written by the worker only, around each execution).
    /// </summary>
    private sealed class HandlerScope(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, WorkerState worker)
    {
        public ExecutorEngine<TKey, TEnvelope, TDispatcher> Engine { get; } = engine;

        public WorkerState Worker { get; } = worker;

        public QueuedRequest? Running;
    }

    /// <summary>
    /// The running request of the worker whose handler is calling, when that handler is one of this engine's; else
    /// <see langword="null"/>. (Code that a handler started and left running, such as a <c>Task.Run</c> it did not
    /// await, carries the same context, and is taken for the handler.)
    /// </summary>
    private QueuedRequest? CallingHandlersRequest() =>
        s_scope.Value is { } scope && ReferenceEquals(scope.Engine, this) ? Volatile.Read(ref scope.Running) : null;

    /// <summary>The partition of the worker whose handler is calling, when that handler is one of this engine's; else -1.</summary>
    private int CallingHandlersPartition() =>
        s_scope.Value is { } scope && ReferenceEquals(scope.Engine, this) && Volatile.Read(ref scope.Running) is not null ? scope.Worker.Scheduler : -1;

    /// <summary>
    /// <c>InvokeAsync</c> from inside one of this executor's own handlers, for a request that could only start after that
    /// handler has finished, would never complete: its own key, under PerPartition any key of its worker's partition,
    /// and with a single worker any request. Refused at once instead. (A request without a key is routed away from the
    /// caller's partition instead: see SchedulerFor.)
    /// </summary>
    private void ThrowIfInvokedBehindCallingHandler(in TEnvelope envelope)
    {
        if (CallingHandlersRequest() is not { } running)
            return;
        bool hasKey = _dispatcher.TryGetKey(envelope, out var key);
        if (hasKey && _nullKeysUnordered && key is null)
            hasKey = false;
        bool behind = _workerCount == 1
            || (hasKey && running.HasKey && _ordering != Ordering.Unordered && EqualityComparer<TKey>.Default.Equals(key, running.Key))
            || (hasKey && _pinned && PartitionHash.Bucket(key, _schedulers.Length) == s_scope.Value!.Worker.Scheduler);
        if (!behind)
            return;
        string calling = _dispatcher.GetHandlerName(running.Envelope);
        string invoked = _dispatcher.GetHandlerName(envelope);
        throw new InvalidOperationException(
            $"Handler '{calling}' of {_name} called InvokeAsync for '{invoked}' (key '{(hasKey ? key : "none")}'), which cannot start " +
            $"before '{calling}' itself has finished ({Reason(hasKey && running.HasKey && EqualityComparer<TKey>.Default.Equals(key, running.Key))}): " +
            "waiting for it would never end. Submit it without waiting for its result (SubmitAsync), or call the handler method directly.");

        string Reason(bool sameKey) => sameKey ? "the same key"
            : _workerCount == 1 ? "the executor's only worker is running the caller"
            : "under Ordering.PerPartition the key belongs to the caller's worker";
    }
}
