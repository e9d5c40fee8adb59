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
    /// The scope of the worker whose handler is calling, when that handler is one of this engine's and is running; else
    /// <see langword="null"/>. (Code that a handler started and left running, such as a <c>Task.Run</c> it did not await,
    /// carries the same context, and is taken for the handler.)
    /// </summary>
    private HandlerScope? CallingHandlerScope() =>
        s_scope.Value is { } scope && ReferenceEquals(scope.Engine, this) && Volatile.Read(ref scope.Running) is not null ? scope : null;

    /// <summary>
    /// <c>InvokeAsync</c> from inside one of this executor's own handlers, for a request that could only start after that
    /// handler has finished, would never complete: its own key, under PerPartition any key of its worker's partition,
    /// and with a single worker any request. Refused at once instead. (A request without a key is routed away from the
    /// caller's partition instead: see SchedulerFor.)
    /// </summary>
    private void ThrowIfInvokedBehindCallingHandler(in TEnvelope envelope)
    {
        if (CallingHandlerScope() is not { } scope || Volatile.Read(ref scope.Running) is not { } running)
            return;
        bool hasKey = TryGetScheduledKey(envelope, out var key);
        bool sameKey = hasKey && running.HasKey && _ordering != Ordering.Unordered && EqualityComparer<TKey>.Default.Equals(key, running.Key);
        bool samePartition = hasKey && _pinned && PartitionHash.Bucket(key, _activeSchedulers) == scope.Worker.Scheduler;
        if (!sameKey && !samePartition && _workerCount > 1)
            return;
        string calling = _dispatcher.GetHandlerName(running.Envelope);
        string reason = sameKey ? "the same key"
            : _workerCount == 1 ? "the executor's only worker is running the caller"
            : "under Ordering.PerPartition the key belongs to the caller's worker";
        throw new InvalidOperationException(
            $"Handler '{calling}' of {_name} called InvokeAsync for '{_dispatcher.GetHandlerName(envelope)}' (key '{(hasKey ? key : "none")}'), " +
            $"which cannot start before '{calling}' itself has finished ({reason}): waiting for it would never end. " +
            "Submit it without waiting for its result (SubmitAsync), or call the handler method directly.");
    }
}
