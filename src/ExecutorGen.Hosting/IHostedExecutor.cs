using System;
using System.Threading.Tasks;

namespace ExecutorGen.Hosting;

/// <summary>
/// The members of a generated executor that hosting needs. The generator makes every executor implement it
/// when the project references ExecutorGen.Hosting (the members already exist on the executor).
/// </summary>
public interface IHostedExecutor : IAsyncDisposable
{
    /// <summary>Takes a snapshot of the executor's counters, queue, workers and latencies.</summary>
    ExecutorMetrics GetMetrics();

    /// <summary>Gets the current backpressure state.</summary>
    BackpressureState Backpressure { get; }

    /// <summary>Occurs when backpressure turns on or off.</summary>
    event EventHandler<BackpressureChangedEventArgs>? BackpressureChanged;

    /// <summary>Occurs when a handler has run longer than <see cref="ExecutorOptions.StuckAfter"/>.</summary>
    event EventHandler<WorkerStuckEventArgs>? WorkerStuck;

    /// <summary>Occurs for every failed attempt of a request.</summary>
    event EventHandler<AttemptFailedEventArgs>? AttemptFailed;

    /// <summary>Stops accepting requests and shuts the workers down; a second call returns the same report.</summary>
    /// <param name="mode">Drain runs every accepted request first; Cancel returns the queued ones unprocessed.</param>
    /// <param name="timeout">How long to wait for the workers; <see langword="null"/> waits as long as it takes.</param>
    Task<ShutdownReport> ShutdownAsync(ShutdownMode mode = ShutdownMode.Drain, TimeSpan? timeout = null);
}
