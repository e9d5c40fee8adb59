using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace ExecutorGen.Tests;

/// <summary><see cref="ExecutorOptions.RetryFilter"/> and <see cref="ExecutorOptions.HandlerTimeout"/>.</summary>
public class RetryRulesTests
{
    private sealed class Transient : Exception
    {
    }

    private sealed class Invalid : Exception
    {
    }

    [Fact]
    public async Task A_failure_the_retry_filter_rejects_is_dead_lettered_at_once_and_one_it_accepts_is_retried()
    {
        var sink = new ListSink();
        var events = new ConcurrentQueue<AttemptFailedEventArgs>();
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            MaxAttempts = 3,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = sink,
            RetryFilter = failure => failure is not Invalid,
        });
        engine.AttemptFailed += (_, e) => events.Enqueue(e);

        await Assert.ThrowsAsync<Invalid>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, (_, _) => throw new Invalid()), default));
        await Assert.ThrowsAsync<Transient>(() => engine.InvokeAsync<int>(Engines.Work("k", 2, (_, _) => throw new Transient()), default));
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();
        await Eventually.Until(() => events.Count == 4, TimeSpan.FromSeconds(10));

        Assert.Equal(new[] { (1, 1), (2, 3) }, sink.Letters.Select(l => ((int)l.Arguments[0]!, l.Attempts)));
        Assert.Equal(4, metrics.Failed);
        Assert.Equal(2, metrics.Retried);
        Assert.Equal(2, metrics.DeadLettered);
        Assert.Equal(new[] { false, true, true, false }, events.Select(e => e.WillRetry));
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task The_retry_filter_is_asked_only_when_attempts_are_left()
    {
        int asked = 0;
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            RetryFilter = _ => { Interlocked.Increment(ref asked); return true; },
        });

        await Assert.ThrowsAsync<Transient>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, (_, _) => throw new Transient()), default));
        await engine.ShutdownAsync();

        Assert.Equal(1, asked); // after the first attempt; the second was the last
        Assert.Equal(2, engine.GetMetrics().Failed);
    }

    [Fact]
    public async Task A_retry_filter_that_throws_counts_as_no_and_the_letter_keeps_the_handlers_exception()
    {
        var sink = new ListSink();
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            MaxAttempts = 5,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = sink,
            RetryFilter = _ => throw new InvalidOperationException("filter bug"),
        });

        await Assert.ThrowsAsync<Transient>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, (_, _) => throw new Transient()), default));
        int next = await engine.InvokeAsync<int>(Engines.Work("k", 2, (w, _) => new ValueTask<int>(w.Id)), default);
        await engine.ShutdownAsync();

        Assert.Equal(2, next);
        var letter = Assert.Single(sink.Letters);
        Assert.IsType<Transient>(letter.Exception);
        Assert.Equal(1, letter.Attempts);
    }

    [Fact]
    public async Task An_attempt_past_the_timeout_has_its_token_cancelled_and_is_retried_then_dead_lettered_as_a_timeout()
    {
        var sink = new ListSink();
        var log = new ConcurrentQueue<string>();
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 2,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = sink,
            HandlerTimeout = TimeSpan.FromMilliseconds(200), // the synchronous request after it must finish in time, even on a loaded machine
        });

        var slow = engine.InvokeAsync<int>(Engines.Work("alice", 1, async (w, token) =>
        {
            log.Enqueue("slow start");
            await Task.Delay(Timeout.Infinite, token); // ends only when the token is cancelled
            return w.Id;
        }), default);
        var next = engine.InvokeAsync<int>(Engines.Work("alice", 2, (w, _) => { log.Enqueue("next"); return new ValueTask<int>(w.Id); }), default);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => slow);
        Assert.Equal(2, await next);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Contains("'Work'", error.Message);
        Assert.Equal(new[] { "slow start", "slow start", "next" }, log.ToArray());
        Assert.Equal(2, metrics.TimedOut);
        Assert.Equal(2, metrics.Failed);
        Assert.Equal(1, metrics.Retried);
        var letter = Assert.Single(sink.Letters);
        Assert.IsType<TimeoutException>(letter.Exception);
        Assert.Equal(2, letter.Attempts);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_handler_that_cannot_be_stopped_is_reported_at_the_deadline_and_its_late_result_is_discarded()
    {
        var release = new ManualResetEventSlim();
        var events = new ConcurrentQueue<AttemptFailedEventArgs>();
        var started = new ConcurrentQueue<int>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, HandlerTimeout = TimeSpan.FromMilliseconds(200) }); // the synchronous next request must finish in time, even under load
        engine.AttemptFailed += (_, e) => events.Enqueue(e);

        var stuck = engine.InvokeAsync<int>(Engines.Work("alice", 1, (w, _) =>
        {
            started.Enqueue(w.Id);
            release.Wait(); // ignores the token
            return new ValueTask<int>(w.Id);
        }), default);
        var next = engine.InvokeAsync<int>(Engines.Work("alice", 2, (w, _) => { started.Enqueue(w.Id); return new ValueTask<int>(w.Id); }), default);

        await Eventually.Until(() => events.Count == 1, TimeSpan.FromSeconds(10));
        var reported = Assert.Single(events);
        Assert.IsType<TimeoutException>(reported.Exception);
        Assert.False(reported.WillRetry);
        Assert.Equal(1, engine.GetMetrics().TimedOut);
        Assert.Equal(new[] { 1 }, started.ToArray()); // the key's next request waits for the handler to return
        Assert.False(stuck.IsCompleted);

        release.Set();
        await Assert.ThrowsAsync<TimeoutException>(() => stuck);
        Assert.Equal(2, await next);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(1, metrics.Failed);
        Assert.Equal(1, metrics.Completed);
        Assert.Single(events);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_timed_out_attempt_is_retried_only_if_the_retry_filter_accepts_a_timeout()
    {
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            MaxAttempts = 3,
            RetryBackoff = TimeSpan.Zero,
            HandlerTimeout = TimeSpan.FromMilliseconds(20),
            RetryFilter = failure => failure is not TimeoutException,
        });
        int attempts = 0;

        await Assert.ThrowsAsync<TimeoutException>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, async (w, token) =>
        {
            Interlocked.Increment(ref attempts);
            await Task.Delay(Timeout.Infinite, token);
            return w.Id;
        }), default));
        await engine.ShutdownAsync();

        Assert.Equal(1, attempts);
        Assert.Equal(0, engine.GetMetrics().Retried);
    }

    [Fact]
    public async Task Handlers_that_end_in_time_are_not_touched_by_the_timeout()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, HandlerTimeout = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 2_000; i++)
        {
            int id = i;
            await engine.SubmitAsync(Engines.Work("k" + (i % 13), id, async (w, token) =>
            {
                if (w.Id % 5 == 0)
                    await Task.Yield();
                Assert.False(token.IsCancellationRequested);
                return w.Id;
            }), default);
        }
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(2_000, metrics.Completed);
        Assert.Equal(0, metrics.TimedOut);
        Assert.Equal(0, metrics.Failed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task A_cancel_shutdown_cancels_a_running_attempt_without_calling_it_a_timeout()
    {
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, MaxAttempts = 3, HandlerTimeout = TimeSpan.FromMinutes(5) });
        var call = engine.InvokeAsync<int>(Engines.Work("k", 1, async (w, token) =>
        {
            running.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return w.Id;
        }), default);
        await running.Task;

        var report = await engine.ShutdownAsync(ShutdownMode.Cancel, TimeSpan.FromSeconds(10));
        var metrics = engine.GetMetrics();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal(1, metrics.Cancelled);
        Assert.Equal(0, metrics.TimedOut);
        Assert.Equal(0, metrics.Failed);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Timed_out_attempts_are_counted_by_the_meter()
    {
        using var factory = new TestMeterFactory();
        using var timedOut = new MetricCollector<long>(factory, "ExecutorGen", "executorgen.requests.timed_out");
        using var failed = new MetricCollector<long>(factory, "ExecutorGen", "executorgen.requests.failed");
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, HandlerTimeout = TimeSpan.FromMilliseconds(20), MeterFactory = factory });

        await Assert.ThrowsAsync<TimeoutException>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, async (w, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return w.Id;
        }), default));
        await engine.ShutdownAsync();

        Assert.Equal(1, timedOut.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal(1, failed.GetMeasurementSnapshot().EvaluateAsCounter());
        Assert.Equal("Work", timedOut.LastMeasurement!.Tags["handler"]);
    }

    [Fact]
    public async Task A_metrics_listener_that_throws_on_a_timeout_neither_ends_the_process_nor_loses_the_request()
    {
        using var factory = new TestMeterFactory();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Scope == factory && instrument.Name == "executorgen.requests.timed_out")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => throw new InvalidOperationException("listener bug"));
        listener.Start();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, HandlerTimeout = TimeSpan.FromMilliseconds(20), MeterFactory = factory });

        await Assert.ThrowsAsync<TimeoutException>(() => engine.InvokeAsync<int>(Engines.Work("k", 1, async (w, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return w.Id;
        }), default)).WaitAsync(TimeSpan.FromSeconds(30));
        var report = await engine.ShutdownAsync();

        Assert.Equal(1, engine.GetMetrics().DeadLettered);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    /// <summary>
    /// Many keys, handlers that sometimes outlive the timeout (some stop at the token, some cannot be stopped), retries
    /// and a retry filter: every request ends once, each key's requests never overlap and start in order, and the
    /// counts add up.
    /// </summary>
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task Under_load_timeouts_and_retries_keep_per_key_order_and_the_accounting(Ordering ordering)
    {
        const int Keys = 16, PerKey = 60;
        var running = new int[Keys];
        var lastStarted = new int[Keys];
        Array.Fill(lastStarted, -1);
        int overlaps = 0, outOfOrder = 0;
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 4,
            Ordering = ordering,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            HandlerTimeout = TimeSpan.FromMilliseconds(15),
            RetryFilter = failure => failure is TimeoutException,
        });
        var calls = new List<Task<int>>();
        for (int sequence = 0; sequence < PerKey; sequence++)
        {
            for (int key = 0; key < Keys; key++)
            {
                int k = key, s = sequence;
                calls.Add(engine.InvokeAsync<int>(Engines.Work("k" + k, s, async (w, token) =>
                {
                    if (Interlocked.Increment(ref running[k]) != 1)
                        Interlocked.Increment(ref overlaps);
                    if (lastStarted[k] > s)
                        Interlocked.Increment(ref outOfOrder);
                    lastStarted[k] = s;
                    try
                    {
                        switch ((s * 7 + k) % 11)
                        {
                            case 0: await Task.Delay(Timeout.Infinite, token); break; // stops at the timeout
                            case 1: Thread.Sleep(25); break; // cannot be stopped
                            case 2: throw new Invalid(); // not retried
                            default: if (s % 3 == 0) await Task.Yield(); break;
                        }
                        return s;
                    }
                    finally
                    {
                        Interlocked.Decrement(ref running[k]);
                    }
                }), default));
            }
        }
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call;
                return "completed";
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }));
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        // Which way each request ends is known but for a worker preempted past the timeout on a loaded machine: a
        // request that stops at the token or sleeps past the timeout always times out; the others may also.
        int Case(int index) => ((index / Keys) * 7 + index % Keys) % 11;
        int alwaysTimedOut = Enumerable.Range(0, calls.Count).Count(i => Case(i) is 0 or 1);
        Assert.Equal(0, overlaps);
        Assert.Equal(0, outOfOrder);
        Assert.Equal(metrics.Completed, outcomes.Count(o => o == "completed"));
        Assert.Equal(metrics.DeadLettered, outcomes.Count(o => o != "completed"));
        Assert.InRange(outcomes.Count(o => o == nameof(TimeoutException)), alwaysTimedOut, calls.Count);
        Assert.InRange(outcomes.Count(o => o == nameof(Invalid)), 1, Enumerable.Range(0, calls.Count).Count(i => Case(i) == 2));
        Assert.Equal(calls.Count, outcomes.Count(o => o is "completed" or nameof(TimeoutException) or nameof(Invalid)));
        Assert.True(metrics.TimedOut >= 2 * alwaysTimedOut, "each request that always times out used both attempts");
        Assert.Equal(metrics.Failed, metrics.DeadLettered + metrics.Retried);
        Accounting.AssertBalanced(metrics, report);
    }
}
