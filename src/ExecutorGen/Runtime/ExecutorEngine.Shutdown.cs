using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Channels;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private TaskCompletionSource<ShutdownReport>? _shutdown;
    private volatile bool _stopped;

    /// <summary>Whether every worker has ended (for tests of clean shutdown).</summary>
    internal bool WorkersStopped => Array.TrueForAll(_workerTasks, task => task.IsCompleted);

    /// <summary>
    /// Stops the executor. New requests are refused from the first call on. <see cref="ShutdownMode.Drain"/>
    /// runs every accepted request; <see cref="ShutdownMode.Cancel"/> cancels the token of running handlers
    /// and returns every accepted request that has not started. Idempotent: later calls return the first
    /// call's report, whatever their arguments.
    /// </summary>
    /// <param name="mode">Drain or Cancel.</param>
    /// <param name="timeout">
    /// How long to wait for the workers; <see langword="null"/> or <see cref="Timeout.InfiniteTimeSpan"/>
    /// waits as long as it takes. When it runs out, running handlers are cancelled, queued requests become
    /// unprocessed, and the report says <see cref="ShutdownReport.TimedOut"/>.
    /// </param>
    public Task<ShutdownReport> ShutdownAsync(ShutdownMode mode = ShutdownMode.Drain, TimeSpan? timeout = null)
    {
        if (mode is not (ShutdownMode.Drain or ShutdownMode.Cancel))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown ShutdownMode.");
        if (timeout is { } limit && limit < TimeSpan.Zero && limit != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be non-negative or infinite.");

        var mine = new TaskCompletionSource<ShutdownReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Interlocked.CompareExchange(ref _shutdown, mine, null);
        if (first is not null)
            return first.Task;
        _ = CompleteShutdownAsync(mine, mode, timeout);
        return mine.Task;
    }

    private async Task CompleteShutdownAsync(TaskCompletionSource<ShutdownReport> result, ShutdownMode mode, TimeSpan? timeout)
    {
        try
        {
            result.TrySetResult(await ShutdownCoreAsync(mode, timeout).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            result.TrySetException(exception);
        }
    }

    private async Task<ShutdownReport> ShutdownCoreAsync(ShutdownMode mode, TimeSpan? timeout)
    {
        _stopping = true;
        Cancel(_acceptingStopped);
        if (mode == ShutdownMode.Cancel)
            CancelQueued();

        // After this no write can succeed, so the set of accepted requests is final.
        foreach (var queue in DistinctQueues())
            queue.Writer.TryComplete();

        if (mode == ShutdownMode.Cancel)
            DrainQueues();

        bool timedOut = false;
        var workers = Task.WhenAll(_workerTasks);
        if (timeout is { } limit && limit != Timeout.InfiniteTimeSpan)
        {
            using var delayCancellation = new CancellationTokenSource();
            var first = await Task.WhenAny(workers, Task.Delay(limit, delayCancellation.Token)).ConfigureAwait(false);
            delayCancellation.Cancel();
            if (first != workers)
            {
                timedOut = true;
                CancelQueued();
                DrainQueues();
            }
        }
        else
        {
            await workers.ConfigureAwait(false);
        }

        // A worker that had just taken a request when queued requests were cancelled decides it (runs it or
        // reports it unprocessed) before it stops counting it as queued; wait for those few instructions so
        // the report below misses nothing. Only a timed-out shutdown can get here with workers still alive.
        var spinner = new SpinWait();
        while (Volatile.Read(ref _queued) != 0)
            spinner.SpinOnce();

        _stopped = true;
        ClearBackpressure();
        return new ShutdownReport(Volatile.Read(ref _completed), _unprocessed.ToArray(), timedOut);
    }

    /// <summary>From now on no queued request starts, and running handlers see their token cancelled.</summary>
    private void CancelQueued()
    {
        _cancelQueued = true;
        Cancel(_handlersCancelled);
    }

    private void DrainQueues()
    {
        foreach (var queue in DistinctQueues())
        {
            while (queue.Reader.TryRead(out var entry))
            {
                ReportUnprocessed(entry);
                OnDequeued();
            }
        }
    }

    private IEnumerable<Channel<Entry>> DistinctQueues() =>
        _ordering == Ordering.Unordered ? new[] { _queues[0] } : _queues;

    private static void Cancel(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (AggregateException)
        {
            // A callback a handler registered on its token threw; that must not stop the shutdown.
        }
    }
}
