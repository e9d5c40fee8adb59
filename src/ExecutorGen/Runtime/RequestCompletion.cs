using System;
using System.ComponentModel;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>The engine's view of an <c>InvokeAsync</c> caller's pending result.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRequestCompletion
{
    /// <summary>Faults the caller's task with the handler's own exception.</summary>
    bool TrySetException(Exception exception);

    /// <summary>Cancels the caller's task (the request never ran, or a Cancel shutdown stopped it).</summary>
    bool TrySetCanceled();
}

/// <summary>
/// The pending result of one <c>InvokeAsync</c> call. One allocation per call: it is the task source.
/// Continuations always run asynchronously, so a caller's code never runs on a worker.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class RequestCompletion<TResult> : TaskCompletionSource<TResult>, IRequestCompletion, IGatedCompletion
{
    /// <summary>Creates a completion whose continuations run asynchronously.</summary>
    public RequestCompletion() : base(TaskCreationOptions.RunContinuationsAsynchronously) { }

    /// <inheritdoc />
    IAttemptGate? IGatedCompletion.Gate { get; set; }

    /// <summary>
    /// Hands the caller what the handler returned, unless the attempt it came from had already timed out (its result
    /// is then discarded: the attempt failed).
    /// </summary>
    internal bool TrySetHandlerResult(TResult result) =>
        ((IGatedCompletion)this).Gate?.TryEnd() != false && TrySetResult(result);
}

/// <summary>A completion whose handler results pass the current attempt's gate (see <see cref="IAttemptGate"/>).</summary>
internal interface IGatedCompletion
{
    /// <summary>The gate of the attempt running now, or <see langword="null"/> when attempts have no deadline.</summary>
    IAttemptGate? Gate { get; set; }
}

/// <summary>Decides, once, whether an attempt ended in time (see <c>ExecutorOptions.HandlerTimeout</c>).</summary>
internal interface IAttemptGate
{
    /// <summary>The attempt has ended: <see langword="true"/> when in time, <see langword="false"/> when it had timed out.</summary>
    bool TryEnd();
}

/// <summary>The result type of void-like handlers (void, <see cref="Task"/>, <see cref="ValueTask"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct VoidResult
{
}
