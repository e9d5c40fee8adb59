using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary>
/// A worker that admits a waiting submitter hands its thread back after its current request: the submitter's code
/// was queued to that thread, and on a small thread pool it would otherwise wait for the worker's whole time slice,
/// while the queue it is about to refill drains.
/// </summary>
public class YieldAfterAdmissionTests
{
    [Fact]
    public async Task A_worker_that_admitted_a_waiting_submitter_yields_its_thread_once_and_then_runs_on()
    {
        var gates = new Gates(1);
        var points = new ConcurrentQueue<string>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, Capacity = 2, FullMode = QueueFullMode.Wait });
        engine.TimeSliceTicks = long.MaxValue; // a time slice never runs out: only an admission makes it yield
        engine.FaultInjector = point =>
        {
            if (point == "yielding")
                points.Enqueue(point);
        };

        await engine.SubmitAsync(gates.Work("a", 0), default);
        await Eventually.Until(() => engine.GetMetrics().BusyWorkers == 1, TimeSpan.FromSeconds(10));
        await engine.SubmitAsync(Engines.Work("b", 1, () => { }), default);
        await engine.SubmitAsync(Engines.Work("c", 2, () => { }), default);
        var waiting = engine.SubmitAsync(Engines.Work("d", 3, () => { }), default).AsTask(); // full: waits for room
        Assert.False(waiting.IsCompleted);
        Assert.Empty(points);

        gates.Open(0); // the worker takes "b", which admits "d"
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.Until(() => engine.GetMetrics().Completed == 4, TimeSpan.FromSeconds(10));
        for (int i = 4; i < 50; i++)
            await engine.InvokeAsync<int>(Engines.Work("e" + i, i, () => { }), default); // one at a time: nobody waits
        var report = await engine.ShutdownAsync();

        Assert.Equal(["yielding"], points);
        Assert.Equal(50, engine.GetMetrics().Completed);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }
}
