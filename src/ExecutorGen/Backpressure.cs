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

    /// <summary>Queue-time p99 over its threshold (evaluated by a later version).</summary>
    Latency = 2,

    /// <summary>Busy workers over 90 % (evaluated by a later version).</summary>
    Saturation = 4,

    /// <summary>Arrival rate above completion rate over a window (evaluated by a later version).</summary>
    ArrivalRate = 8,
}

/// <summary>Whether an executor asks its producers to slow down, why, and the measured values.</summary>
/// <param name="Reasons">The reasons that hold; <see cref="BackpressureReason.None"/> when inactive.</param>
/// <param name="QueueFill">Queue depth / capacity when the state was evaluated.</param>
public sealed record BackpressureState(BackpressureReason Reasons, double QueueFill)
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
