using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    private readonly List<WorkerState> _workers = new();
    private readonly CancellationTokenSource _handlersCancelled = new();
    private long _workerRestarts;

    /// <summary>
    /// Test hook: called at named points of a worker's loop, to inject faults into the engine itself (only with
    /// <see cref="TestHooks.Enabled"/>).
    /// </summary>
    internal Action<string>? FaultInjector
    {
        get => _faultInjector;
        set
        {
            TestHooks.EnsureEnabled(nameof(FaultInjector));
            _faultInjector = value;
        }
    }

    private Action<string>? _faultInjector;

    private enum Outcome
    {
        Completed,
        DeadLettered,
        Cancelled,
    }

    /// <param name="isReplacement">Started in place of a stuck worker.</param>
    /// <param name="partition">Under PerPartition, the partition it serves (by default, its id's).</param>
    private void StartWorkerLocked(bool isReplacement, int partition = -1)
    {
        int id = FreeWorkerIdLocked();
        // Under PerPartition worker i serves scheduler i; under sharded PerKey shard i is worker i's home (a
        // replacement's is a shard whose worker may be the stuck one: any works, the shards take from each other).
        var worker = new WorkerState(id, partition >= 0 ? partition : _pinned || _sharded ? id % _schedulers.Length : 0, _dedicatedThreads, isReplacement);
        _workers.Add(worker);
        if (!_dedicatedThreads)
        {
            worker.Completion = Task.Run(() => RunWorkerLoopAsync(worker, blocking: false));
            return;
        }

        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Completion = done.Task;
        var thread = new Thread(() =>
        {
            try
            {
                RunWorkerLoopAsync(worker, blocking: true).GetAwaiter().GetResult();
            }
            finally
            {
                done.TrySetResult(true);
            }
        })
        {
            IsBackground = true,
            Name = $"{_name} worker {id}",
        };
        thread.Start();
    }

    /// <summary>
    /// How long an async worker runs requests back to back without awaiting before it yields its thread-pool
    /// thread. A worker whose handlers complete synchronously never awaits anything incomplete while it has work,
    /// so without a yield it would hold its thread for as long as the queue stays non-empty. On a small pool (two
    /// cores: two threads until the pool's starvation detection adds one, about twice a second) the workers then
    /// hold every thread, and what they queue for others never runs: above all a waiting producer they admitted
    /// (its continuation sits in the worker thread's own queue), so the queue drained to empty under a producer
    /// that could have kept it full, and the backpressure signal flapped on and off within one overload; also
    /// event handlers and the user's own tasks. A yield costs a few microseconds, one per slice. In Stopwatch
    /// ticks; tests set 0 to yield after every request, so that the schedule exploration covers that path too.
    /// </summary>
    internal long TimeSliceTicks { get; set; } = Stopwatch.Frequency / 1000; // 1 ms

    /// <summary>
    /// Runs a worker's loop, restarting it after a fault in the engine itself. A <paramref name="blocking"/>
    /// worker (a dedicated thread) never yields: it blocks while idle and while a handler is pending, so its
    /// whole loop, handlers included, stays on its own thread.
    /// </summary>
    private async Task RunWorkerLoopAsync(WorkerState worker, bool blocking)
    {
        var scope = new HandlerScope(this, worker);
        s_scope.Value = scope; // for the handlers this worker calls (ExecutorEngine.OwnHandlers)
        while (true)
        {
            QueuedRequest? current = null;
            Outcome? outcome = null;
            try
            {
                long sliceStart = Stopwatch.GetTimestamp();
                var step = NextStep(worker, sliceStart, out current);
                while (true)
                {
                    if (step == Step.Exit)
                        return;
                    if (step == Step.Wait)
                    {
                        if (blocking)
                            worker.Signal.Wait();
                        else
                            await worker.Signal.WaitAsync().ConfigureAwait(false);
                        sliceStart = Stopwatch.GetTimestamp();
                        step = NextStep(worker, sliceStart, out current);
                        continue;
                    }
                    if (TestHooks.Enabled)
                        _faultInjector?.Invoke("taken");
                    worker.QueueTime.Record(current!.StartedAt - current.EnqueuedAt);
                    for (var item = current.NextInBatch; item is not null; item = item.NextInBatch)
                        worker.QueueTime.Record(item.StartedAt - item.EnqueuedAt);
                    scope.Running = current;
                    var execution = ExecuteAsync(worker, current);
                    if (execution.IsCompleted)
                        outcome = execution.Result;
                    else if (blocking)
                        outcome = execution.AsTask().GetAwaiter().GetResult();
                    else
                    {
                        outcome = await execution.ConfigureAwait(false);
                        sliceStart = current!.FinishedAt; // it gave its thread back while the handler waited: a new slice
                    }
                    scope.Running = null;
                    if (TestHooks.Enabled)
                        _faultInjector?.Invoke("executed");
                    if (blocking || (current!.FinishedAt - sliceStart < TimeSliceTicks && !worker.AdmittedWaiters))
                    {
                        step = Finish(worker, current!, outcome.Value, takeNext: true, out var next);
                        current = next;
                        outcome = null;
                        continue;
                    }

                    // Its time slice is used up, or it has admitted a waiting submitter, whose code now waits in this
                    // thread's queue: the worker hands its thread back to the pool before it takes more.
                    worker.AdmittedWaiters = false;
                    Finish(worker, current, outcome.Value, takeNext: false, out _);
                    current = null;
                    outcome = null;
                    if (TestHooks.Enabled)
                        _faultInjector?.Invoke("yielding");
                    await Task.Yield();
                    sliceStart = Stopwatch.GetTimestamp();
                    step = NextStep(worker, sliceStart, out current);
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                scope.Running = null;
                RecoverFromFault(worker, current, outcome);
            }
        }
    }

    private enum Step
    {
        Run,
        Wait,
        Exit,
    }

    /// <summary>Takes the worker's next request (as of <paramref name="now"/>), or registers it as idle, or ends it.</summary>
    private Step NextStep(WorkerState worker, long now, out QueuedRequest? request)
    {
        if (_sharded)
            return NextStepSharded(worker, now, out request);
        var scheduler = _schedulers[worker.Scheduler];
        Step step;
        bool admitWaiters;
        lock (scheduler.Sync)
        {
            step = scheduler.NextStepLocked(worker, now, out request, out admitWaiters);
            scheduler.AssertInvariantsLocked();
        }
        if (admitWaiters)
            AdmitWaiters(worker);
        return step;
    }

    /// <summary>
    /// Books a finished request and, when <paramref name="takeNext"/>, takes the worker's next one under the same
    /// acquisition of the lock (the busy path's only one; the finish time doubles as the next start time). Under
    /// sharded PerKey a worker that helped another shard goes on there only while its own shard has nothing queued
    /// (a count read without that shard's lock, looked at again after every request), so no shard is left waiting
    /// while its worker helps others. Then tells an <c>InvokeAsync</c> caller of a dead letter: by the time the
    /// caller sees the handler's exception, the key has moved on or been paused, and the metrics show it.
    /// </summary>
    private Step Finish(WorkerState worker, QueuedRequest finished, Outcome outcome, bool takeNext, out QueuedRequest? next)
    {
        var completion = finished.Completion;
        var failure = finished.Failure;
        var batchCompletions = outcome == Outcome.DeadLettered ? OtherCompletions(finished) : null;
        var step = Step.Exit;
        bool admitWaiters = false, drained = false;
        List<Fence>? fences = null;
        worker.ProcessingTime.Record(finished.FinishedAt - finished.StartedAt); // the worker's own histogram: no lock
        next = null;
        var scheduler = _schedulers[worker.CurrentScheduler];
        bool takeHere = takeNext && (!_sharded || scheduler.Index == worker.Scheduler || _schedulers[worker.Scheduler].QueuedCount == 0);
        lock (scheduler.Sync)
        {
            scheduler.FinishLocked(worker, finished, outcome);
            if (worker.Fences is not null)
                fences = worker.TakeFences(); // this request's: a later one's are added under this lock after the take
            if (takeHere && !_sharded)
                step = scheduler.NextStepLocked(worker, finished.FinishedAt, out next, out admitWaiters);
            else if (takeHere && scheduler.TryStartLocked(worker, finished.FinishedAt, out next, out admitWaiters))
                step = Step.Run;
            else
                drained = _sharded && scheduler.IsDrainedLocked;
            scheduler.AssertInvariantsLocked();
        }
        if (admitWaiters)
            AdmitWaiters(worker);
        if (fences is not null)
            ReleaseFences(worker, fences, outcome); // a request whose key a re-partitioning moved has finished
        if (outcome == Outcome.DeadLettered)
        {
            completion?.TrySetException(failure!);
            if (batchCompletions is not null)
            {
                foreach (var other in batchCompletions)
                    other.TrySetException(failure!);
            }
        }
        if (drained)
            WakeAllIfAllShardsDrained();
        if (_sharded && takeNext && step != Step.Run)
            step = NextStepSharded(worker, finished.FinishedAt, out next);
        return step;
    }

    /// <summary>
    /// A fault in the engine's own code (never a handler's: those are caught per call) ended a worker's loop.
    /// The loop restarts; a request it had taken but not finished is put back at the head of its lane, so
    /// it runs again, in order, and is never lost. One that had finished is only released.
    /// </summary>
    private void RecoverFromFault(WorkerState worker, QueuedRequest? request, Outcome? outcome)
    {
        Interlocked.Increment(ref _workerRestarts);
        if (request is null)
            return;
        if (outcome is { } booked)
        {
            Finish(worker, request, booked, takeNext: false, out _);
            return;
        }
        if (worker.IsBusy)
            worker.Finished(Stopwatch.GetTimestamp());
        var scheduler = _schedulers[worker.CurrentScheduler];
        lock (scheduler.Sync)
        {
            scheduler.RequeueAfterFaultLocked(worker, request);
            scheduler.AssertInvariantsLocked();
        }
    }

    /// <summary>Finishes a shed request outside the lock: its caller learns why, the sink gets the letter.</summary>
    private void Deliver(in Shed shed)
    {
        if (!shed.Happened)
            return;
        Record(_telemetry.Dropped, shed.Handler);
        shed.Completion?.TrySetException(new RequestRejectedException(RejectionReason.Dropped));
        if (shed.Letter is not null)
        {
            var writing = WriteDeadLetterAsync(shed.Letter);
            if (!writing.IsCompleted)
                _ = writing.AsTask(); // it observes its own failure; the submitter does not wait for the sink
        }
    }
}
