using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen;

/// <summary>Receives the requests an executor could not complete.</summary>
/// <remarks>
/// Called on a worker, after the request's last attempt and before the key's next request starts, so
/// keep it short. An exception thrown by the sink is caught and counted in
/// <see cref="ExecutorMetrics.DeadLetterSinkFailures"/>; it never stops the worker.
/// </remarks>
public interface IDeadLetterSink
{
    /// <summary>Takes one dead letter.</summary>
    ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken);
}

/// <summary>Why a request became a dead letter.</summary>
public enum DeadLetterReason
{
    /// <summary>Every attempt failed.</summary>
    Failed,

    /// <summary>Shed by <see cref="QueueFullMode.DropOldest"/> or <see cref="QueueFullMode.DropNewest"/> before it ran.</summary>
    Dropped,
}

/// <summary>What happens to a key's later requests after one of its requests is dead-lettered.</summary>
public enum DeadLetterPolicy
{
    /// <summary>The key's next request runs as usual.</summary>
    ContinueKey,

    /// <summary>
    /// The key is paused: its queued and later requests wait (holding capacity) until <c>ResumeKey</c> is
    /// called, so that, say, a <c>logout</c> never runs after its <c>login</c> failed. A drain leaves paused
    /// requests unprocessed (they are in the shutdown report).
    /// </summary>
    PauseKey,
}

/// <summary>A request the executor could not complete.</summary>
/// <param name="Handler">The handler method's name.</param>
/// <param name="Key">The partition key, or <see langword="null"/> for an unordered handler.</param>
/// <param name="Arguments">The handler's arguments, in order, without the cancellation token.</param>
/// <param name="Exception">The exception of the last attempt.</param>
/// <param name="Attempts">How many attempts ran.</param>
/// <param name="Reason">Why the request was given up.</param>
public sealed record DeadLetter(
    string Handler,
    object? Key,
    IReadOnlyList<object?> Arguments,
    Exception? Exception,
    int Attempts,
    DeadLetterReason Reason)
{
    internal IDeadLetterReplay? Replay { get; init; }

    /// <summary>Whether <see cref="ReplayAsync"/> can submit the request again (letters made by an executor can).</summary>
    public bool CanReplay => Replay is not null;

    /// <summary>
    /// Submits the request again, as a new request, into the executor that gave up on it (with
    /// <c>SubmitAsync</c> semantics: waits for room under <see cref="QueueFullMode.Wait"/>). While its key is paused
    /// (<see cref="DeadLetterPolicy.PauseKey"/>) it goes to the head of the key's queue, before the requests held
    /// meanwhile, so resuming the key runs them all in their first order (when the executor has room for it; else it
    /// queues at the end, like any request).
    /// </summary>
    /// <exception cref="InvalidOperationException">The letter was not made by an executor.</exception>
    /// <exception cref="RequestRejectedException">The executor refused it (full or shutting down).</exception>
    public ValueTask ReplayAsync(CancellationToken cancellationToken = default) =>
        (Replay ?? throw new InvalidOperationException("This dead letter was not made by an executor and cannot be replayed."))
            .SubmitAsync(cancellationToken);
}

/// <summary>How a dead letter re-submits its request (implemented by the engine).</summary>
internal interface IDeadLetterReplay
{
    ValueTask SubmitAsync(CancellationToken cancellationToken);
}
