using System;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// The generated, typed half of an executor: what the hand-written engine needs to know about a
/// request envelope. Implemented by a generated struct, so calls are devirtualised and nothing boxes.
/// </summary>
/// <typeparam name="TKey">The partition key type shared by the handlers of one class.</typeparam>
/// <typeparam name="TEnvelope">The generated request envelope (a struct union of all handlers' arguments).</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRequestDispatcher<TKey, TEnvelope>
{
    /// <summary>Gets the request's partition key; <see langword="false"/> for a handler without <c>PartitionBy</c>.</summary>
    bool TryGetKey(in TEnvelope envelope, out TKey key);

    /// <summary>
    /// Runs the request's handler once. On success it sets the result of <paramref name="completion"/>
    /// (present for <c>InvokeAsync</c>); on failure it throws (synchronously or through the returned task).
    /// </summary>
    ValueTask DispatchAsync(in TEnvelope envelope, IRequestCompletion? completion, CancellationToken cancellationToken);

    // The batch members: a class without batch handlers (RequestHandlerAttribute.MaxBatchSize) implements none of them,
    // and the engine asks only HasBatchHandlers of it (once, when it is built).

    /// <summary>Whether any handler of the class is a batch handler (<see cref="RequestHandlerAttribute.MaxBatchSize"/>).</summary>
    bool HasBatchHandlers => false;

    /// <summary>The most requests the request's batch handler takes in one call; 0 for a handler of single requests.</summary>
    int GetMaxBatchSize(in TEnvelope envelope) => 0;

    /// <summary>Whether two requests are for the same handler (so one batch call may carry both).</summary>
    bool IsSameHandler(in TEnvelope first, in TEnvelope second) => false;

    /// <summary>
    /// Runs a batch handler once with the requests of <paramref name="batch"/> (all for that handler and one key, in
    /// submission order), read before the call returns. Completing the requests' callers is the engine's part.
    /// </summary>
    ValueTask DispatchBatchAsync(ReadOnlySpan<TEnvelope> batch, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The dispatcher has no batch handlers.");

    /// <summary>The handler method's name.</summary>
    string GetHandlerName(in TEnvelope envelope);

    /// <summary>The handler's arguments, in order, without the cancellation token (for reports and dead letters).</summary>
    object?[] GetArguments(in TEnvelope envelope);
}
