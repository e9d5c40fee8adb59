using System;

namespace ExecutorGen;

/// <summary>
/// Thrown by <c>SubmitAsync</c> and <c>InvokeAsync</c> when a request is not accepted: the executor is
/// full under <see cref="QueueFullMode.Reject"/>, or shutdown has begun.
/// </summary>
public sealed class RequestRejectedException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public RequestRejectedException() : this("The request was not accepted.") { }

    /// <summary>Creates the exception with a message.</summary>
    public RequestRejectedException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and an inner exception.</summary>
    public RequestRejectedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a reason.</summary>
    public RequestRejectedException(RejectionReason reason)
        : base(reason switch
        {
            RejectionReason.ShuttingDown => "The request was not accepted: the executor is shutting down.",
            RejectionReason.Dropped => "The request was shed by the executor's full mode before it ran; it went to the dead-letter sink.",
            _ => "The request was not accepted: the executor is at capacity.",
        })
    {
        Reason = reason;
    }

    /// <summary>Why the request was refused.</summary>
    public RejectionReason Reason { get; }
}

/// <summary>Why a request was refused.</summary>
public enum RejectionReason
{
    /// <summary>The executor was at capacity under <see cref="QueueFullMode.Reject"/>.</summary>
    Full,

    /// <summary>Shutdown had begun.</summary>
    ShuttingDown,

    /// <summary>Accepted, then shed by <see cref="QueueFullMode.DropOldest"/> or <see cref="QueueFullMode.DropNewest"/> (seen by <c>InvokeAsync</c> callers).</summary>
    Dropped,
}
