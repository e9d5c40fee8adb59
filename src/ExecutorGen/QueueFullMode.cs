namespace ExecutorGen;

/// <summary>What an executor does with a new request when <see cref="ExecutorOptions.Capacity"/> is reached.</summary>
public enum QueueFullMode
{
    /// <summary>
    /// <c>SubmitAsync</c> waits for room; <c>TrySubmit</c> returns <see langword="false"/>. Code running inside one of the
    /// executor's own handlers never waits for room in it (the room may be waiting for the worker that code holds): it is
    /// refused as under <see cref="Reject"/>.
    /// </summary>
    Wait,

    /// <summary>The request is refused: <c>SubmitAsync</c> throws <see cref="RequestRejectedException"/>; <c>TrySubmit</c> returns <see langword="false"/>.</summary>
    Reject,

    /// <summary>
    /// The oldest queued request is shed to make room (at a <see cref="ExecutorOptions.MaxQueuedPerKey"/> limit: that
    /// key's oldest). With several workers the oldest is looked for where the newcomer is queued: under
    /// <see cref="Ordering.PerPartition"/> its worker's partition, under <see cref="Ordering.PerKey"/> its shard of the
    /// keys (one per worker); when that shard holds nothing queued while the others fill the capacity, the newcomer
    /// itself is shed, as under <see cref="DropNewest"/>. The shed request is counted as <see cref="ExecutorMetrics.Dropped"/>, sent to the dead-letter
    /// sink with <see cref="DeadLetterReason.Dropped"/>, and its <c>InvokeAsync</c> task faults with a
    /// <see cref="RequestRejectedException"/> whose reason is <see cref="RejectionReason.Dropped"/>.
    /// </summary>
    DropOldest,

    /// <summary>
    /// The incoming request is shed: <c>TrySubmit</c> returns <see langword="false"/>, <c>SubmitAsync</c> completes
    /// (the request is in the dead-letter sink, not lost), <c>InvokeAsync</c> faults as for <see cref="DropOldest"/>.
    /// Counted as <see cref="ExecutorMetrics.Dropped"/>, not as rejected.
    /// </summary>
    DropNewest,
}
