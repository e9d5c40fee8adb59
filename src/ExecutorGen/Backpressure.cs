using System;

namespace ExecutorGen;

/// <summary>Why backpressure is active. Flags: several may hold at once.</summary>
[Flags]
public enum BackpressureReason
{
    /// <summary>No reason: inactive.</summary>
    None = 0,

    /// <summary>Queue fill reached <see cref="ExecutorOptions.HighWatermark"/> and has not yet fallen under <see cref="ExecutorOptions.LowWatermark"/>.</summary>
    QueueFill = 1,

    /// <summary>Queue-time p99 over the last <see cref="ExecutorOptions.BackpressureWindow"/> above <see cref="ExecutorOptions.LatencyThreshold"/>.</summary>
    Latency = 2,

    /// <summary>Average share of busy workers over the window at or above <see cref="ExecutorOptions.SaturationThreshold"/>.</summary>
    Saturation = 4,

    /// <summary>Arrivals outpaced completions over the window, in at least 80 % of its samples (a trend, not a burst).</summary>
    ArrivalRate = 8,
}

/// <summary>Whether an executor asks its producers to slow down, why, and the measured values.</summary>
/// <param name="Reasons">The reasons that hold; <see cref="BackpressureReason.None"/> when inactive.</param>
/// <param name="QueueFill">Queue depth / capacity when the state was evaluated.</param>
/// <param name="QueueTimeP99">Queue-time p99 over the last full window.</param>
/// <param name="Saturation">Average share of busy workers over the last window.</param>
/// <param name="ArrivalRate">Accepted requests per second over the last window.</param>
/// <param name="CompletionRate">Finished requests per second over the last window.</param>
public sealed record BackpressureState(
    BackpressureReason Reasons,
    double QueueFill,
    TimeSpan QueueTimeP99 = default,
    double Saturation = 0,
    double ArrivalRate = 0,
    double CompletionRate = 0)
{
    /// <summary>No backpressure.</summary>
    public static BackpressureState Inactive { get; } = new(BackpressureReason.None, 0);

    /// <summary>Whether any reason holds.</summary>
    public bool IsActive => Reasons != BackpressureReason.None;
}

/// <summary>Data of the <c>BackpressureChanged</c> event.</summary>
public sealed class BackpressureChangedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public BackpressureChangedEventArgs(BackpressureState previous, BackpressureState current)
    {
        Previous = previous ?? throw new ArgumentNullException(nameof(previous));
        Current = current ?? throw new ArgumentNullException(nameof(current));
    }

    /// <summary>The state before the change.</summary>
    public BackpressureState Previous { get; }

    /// <summary>The state after the change.</summary>
    public BackpressureState Current { get; }
}

/// <summary>Data of the <c>WorkerStuck</c> event: a handler has run longer than <see cref="ExecutorOptions.StuckAfter"/>.</summary>
public sealed class WorkerStuckEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public WorkerStuckEventArgs(int workerId, TimeSpan runningFor, bool replacementStarted)
    {
        WorkerId = workerId;
        RunningFor = runningFor;
        ReplacementStarted = replacementStarted;
    }

    /// <summary>The stuck worker.</summary>
    public int WorkerId { get; }

    /// <summary>How long its handler had been running when it was reported.</summary>
    public TimeSpan RunningFor { get; }

    /// <summary>Whether a replacement worker was started to keep serving the other keys.</summary>
    public bool ReplacementStarted { get; }
}

/// <summary>Data of the <c>AttemptFailed</c> event: one attempt of a request threw.</summary>
public sealed class AttemptFailedEventArgs : EventArgs
{
    /// <summary>Creates the event data.</summary>
    public AttemptFailedEventArgs(string handler, object? key, int attempt, bool willRetry, Exception exception)
    {
        Handler = handler ?? throw new ArgumentNullException(nameof(handler));
        Key = key;
        Attempt = attempt;
        WillRetry = willRetry;
        Exception = exception ?? throw new ArgumentNullException(nameof(exception));
    }

    /// <summary>The handler method's name.</summary>
    public string Handler { get; }

    /// <summary>The partition key, or <see langword="null"/> for an unordered handler.</summary>
    public object? Key { get; }

    /// <summary>Which attempt failed, from 1.</summary>
    public int Attempt { get; }

    /// <summary>Whether another attempt follows; when false the request is dead-lettered.</summary>
    public bool WillRetry { get; }

    /// <summary>What the handler threw.</summary>
    public Exception Exception { get; }
}
