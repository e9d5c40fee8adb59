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
public sealed class RequestCompletion<TResult> : TaskCompletionSource<TResult>, IRequestCompletion
{
    /// <summary>Creates a completion whose continuations run asynchronously.</summary>
    public RequestCompletion() : base(TaskCreationOptions.RunContinuationsAsynchronously) { }
}

/// <summary>The result type of void-like handlers (void, <see cref="Task"/>, <see cref="ValueTask"/>).</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct VoidResult
{
}
