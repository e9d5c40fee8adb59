using System.Collections.Concurrent;
using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

public class FailureTests
{
    private sealed class Boom : Exception
    {
        public Boom(int id) : base("boom " + id) { }
    }

    private sealed class ThrowingSink : IDeadLetterSink
    {
        public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken) => throw new InvalidOperationException("sink down");
    }

    [Fact]
    public async Task Handler_exceptions_are_counted_and_workers_carry_on()
    {
        var sink = new ListSink();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, DeadLetters = sink });
        for (int i = 0; i < 3_000; i++)
        {
            int id = i;
            await engine.SubmitAsync(Engines.Work("k" + (i % 7), id, () =>
            {
                if (id % 3 == 0)
                    throw new Boom(id);
            }), default);
        }
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(1_000, metrics.Failed);
        Assert.Equal(1_000, metrics.DeadLettered);
        Assert.Equal(2_000, metrics.Completed);
        Assert.Equal(0, metrics.Retried);
        Assert.Equal(1_000, sink.Letters.Count);
        var letter = sink.Letters.First(l => (int)l.Arguments[0]! == 3);
        Assert.Equal("Work", letter.Handler);
        Assert.Equal("k3", letter.Key);
        Assert.IsType<Boom>(letter.Exception);
        Assert.Equal(1, letter.Attempts);
        Assert.Equal(DeadLetterReason.Failed, letter.Reason);
        Assert.Equal(1_000, metrics.Workers.Sum(w => w.Failed));
        Assert.Equal(3_000, metrics.Workers.Sum(w => w.Processed));
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task InvokeAsync_faults_with_the_handlers_own_exception_and_the_executor_stays_usable()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        var thrown = new Boom(1);
        var error = await Assert.ThrowsAsync<Boom>(() => engine.InvokeAsync<int>(Engines.Work("a", 1, (_, _) => throw thrown), default));
        Assert.Same(thrown, error);

        int result = await engine.InvokeAsync<int>(Engines.Work("a", 2, (w, _) => new ValueTask<int>(w.Id * 21)), default);
        Assert.Equal(42, result);

        var asyncError = await Assert.ThrowsAsync<Boom>(() => engine.InvokeAsync<int>(Engines.Work("a", 3, async (w, _) =>
        {
            await Task.Yield();
            throw new Boom(w.Id);
        }), default));
        Assert.Equal("boom 3", asyncError.Message);
        await engine.ShutdownAsync();
    }

    [Fact]
    public async Task A_failing_request_is_retried_before_the_next_request_of_its_key()
    {
        var log = new ConcurrentQueue<string>();
        int attempts = 0;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, MaxAttempts = 3, RetryBackoff = TimeSpan.FromMilliseconds(5) });
        await engine.SubmitAsync(Engines.Work("alice", 1, () =>
        {
            log.Enqueue("login attempt " + (attempts + 1));
            if (++attempts < 3)
                throw new Boom(1);
        }), default);
        await engine.SubmitAsync(Engines.Work("alice", 2, () => log.Enqueue("update")), default);
        var report = await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(new[] { "login attempt 1", "login attempt 2", "login attempt 3", "update" }, log.ToArray());
        Assert.Equal(2, metrics.Completed);
        Assert.Equal(2, metrics.Failed);
        Assert.Equal(2, metrics.Retried);
        Assert.Equal(0, metrics.DeadLettered);
        Accounting.AssertBalanced(metrics, report);
    }

    [Fact]
    public async Task Every_failed_attempt_is_announced_off_the_worker_saying_whether_it_will_be_retried()
    {
        var events = new System.Collections.Concurrent.ConcurrentQueue<AttemptFailedEventArgs>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, MaxAttempts = 3, RetryBackoff = TimeSpan.Zero });
        engine.AttemptFailed += (_, e) => events.Enqueue(e);
        await Assert.ThrowsAsync<Boom>(() => engine.InvokeAsync<int>(Engines.Work("alice", 9, (w, _) => throw new Boom(w.Id)), default));
        await engine.ShutdownAsync();
        for (int i = 0; i < 500 && events.Count < 3; i++)
            await Task.Delay(10);

        Assert.Equal(new[] { (1, true), (2, true), (3, false) }, events.Select(e => (e.Attempt, e.WillRetry)));
        Assert.All(events, e =>
        {
            Assert.Equal("Work", e.Handler);
            Assert.Equal("alice", e.Key);
            Assert.IsType<Boom>(e.Exception);
        });
    }

    [Fact]
    public async Task The_last_failed_attempt_dead_letters_with_the_attempt_count()
    {
        var sink = new ListSink();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, MaxAttempts = 3, RetryBackoff = TimeSpan.Zero, DeadLetters = sink });
        var error = await Assert.ThrowsAsync<Boom>(() => engine.InvokeAsync<int>(Engines.Work("k", 7, (w, _) => throw new Boom(w.Id)), default));
        await engine.ShutdownAsync();
        var metrics = engine.GetMetrics();

        Assert.Equal(3, metrics.Failed);
        Assert.Equal(2, metrics.Retried);
        Assert.Equal(1, metrics.DeadLettered);
        var letter = Assert.Single(sink.Letters);
        Assert.Equal(3, letter.Attempts);
        Assert.Same(error, letter.Exception);
    }

    [Fact]
    public async Task A_throwing_dead_letter_sink_is_counted_and_does_not_stop_the_worker()
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1, DeadLetters = new ThrowingSink() });
        await engine.SubmitAsync(Engines.Work("k", 1, () => throw new Boom(1)), default);
        Assert.Equal(5, await engine.InvokeAsync<int>(Engines.Work("k", 5, (w, _) => new ValueTask<int>(w.Id)), default));
        await engine.ShutdownAsync();

        var metrics = engine.GetMetrics();
        Assert.Equal(1, metrics.DeadLetterSinkFailures);
        Assert.Equal(1, metrics.DeadLettered);
        Assert.Equal(1, metrics.Completed);
    }

    [Fact]
    public async Task A_key_getter_that_throws_reaches_the_caller_and_leaks_no_capacity()
    {
        var engine = new ExecutorEngine<string, Work, ThrowingKeyDispatcher>(default, new ExecutorOptions { WorkerCount = 1, Capacity = 1 }, "Tests");
        for (int i = 0; i < 3; i++)
            await Assert.ThrowsAsync<ArgumentNullException>(async () => await engine.SubmitAsync(Engines.Work(null, i, () => { }), default));
        Assert.True(engine.TrySubmit(Engines.Work("k", 1, () => { })));
        await engine.ShutdownAsync();
        Assert.Equal(1, engine.GetMetrics().Completed);
    }

    private readonly struct ThrowingKeyDispatcher : IRequestDispatcher<string, Work>
    {
        public bool TryGetKey(in Work envelope, out string key)
        {
            key = envelope.Key ?? throw new ArgumentNullException("request");
            return true;
        }

        public ValueTask DispatchAsync(in Work envelope, IRequestCompletion? completion, CancellationToken cancellationToken) =>
            default(WorkDispatcher).DispatchAsync(envelope, completion, cancellationToken);

        public string GetHandlerName(in Work envelope) => "Work";

        public object?[] GetArguments(in Work envelope) => new object?[] { envelope.Id };
    }
}
