namespace ExecutorGen;

/// <summary>What an executor does with a new request when <see cref="ExecutorOptions.Capacity"/> is reached.</summary>
public enum QueueFullMode
{
    /// <summary><c>SubmitAsync</c> waits for room; <c>TrySubmit</c> returns <see langword="false"/>.</summary>
    Wait,

    /// <summary>The request is refused: <c>SubmitAsync</c> throws <see cref="RequestRejectedException"/>; <c>TrySubmit</c> returns <see langword="false"/>.</summary>
    Reject,

    /// <summary>The oldest queued request is shed to make room. Not supported yet: the constructor throws.</summary>
    DropOldest,

    /// <summary>The incoming request is shed. Not supported yet: the constructor throws.</summary>
    DropNewest,
}
