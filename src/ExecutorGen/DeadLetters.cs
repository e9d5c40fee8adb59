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
    DeadLetterReason Reason);
