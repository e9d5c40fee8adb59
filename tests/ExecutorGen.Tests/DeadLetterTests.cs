namespace ExecutorGen.Tests;

public class DeadLetterTests
{
    private sealed class Flaky : Exception
    {
    }

    [Fact]
    public async Task Letters_kept_in_memory_can_be_replayed_once_the_cause_is_fixed()
    {
        var queue = new InMemoryDeadLetterQueue();
        bool broken = true;
        var ran = new List<int>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, DeadLetters = queue });
        for (int i = 0; i < 10; i++)
        {
            int id = i;
            await engine.SubmitAsync(Engines.Work("k" + (i % 2), id, () =>
            {
                if (Volatile.Read(ref broken) && id % 3 == 0)
                    throw new Flaky();
                lock (ran) ran.Add(id);
            }), default);
        }
        await Eventually.Until(() => engine.GetMetrics() is { Completed: 6, DeadLettered: 4 }, TimeSpan.FromSeconds(10));
        Assert.Equal(4, queue.Count);
        Assert.All(queue.Snapshot(), letter => Assert.True(letter.CanReplay));

        Volatile.Write(ref broken, false);
        Assert.Equal(4, await queue.ReplayAsync());
        await engine.ShutdownAsync();

        Assert.Equal(0, queue.Count);
        Assert.Equal(Enumerable.Range(0, 10), ran.Order());
        Assert.Equal(10, engine.GetMetrics().Completed);
    }

    [Fact]
    public async Task The_in_memory_queue_is_bounded_and_counts_what_it_discards()
    {
        var queue = new InMemoryDeadLetterQueue(capacity: 2);
        for (int i = 0; i < 5; i++)
            await queue.WriteAsync(new DeadLetter("H", null, new object?[] { i }, null, 1, DeadLetterReason.Failed), default);
        Assert.Equal(2, queue.Count);
        Assert.Equal(3, queue.Discarded);
        Assert.Equal(new[] { 3, 4 }, queue.TakeAll().Select(l => (int)l.Arguments[0]!));
        Assert.Equal("capacity", Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryDeadLetterQueue(0)).ParamName);
        Assert.Throws<InvalidOperationException>(() => { _ = new DeadLetter("H", null, Array.Empty<object?>(), null, 1, DeadLetterReason.Failed).ReplayAsync(); });
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)] // the held requests leave their worker's queue and join it again on resume
    public async Task PauseKey_holds_a_keys_later_requests_after_a_dead_letter_until_resumed(Ordering ordering)
    {
        var ran = new List<string>();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = ordering, DeadLetterPolicy = DeadLetterPolicy.PauseKey });
        Work Step(string user, string step, bool fail = false) => Engines.Work(user, 0, () =>
        {
            if (fail)
                throw new Flaky();
            lock (ran) ran.Add(user + ":" + step);
        });

        await engine.SubmitAsync(Step("alice", "login", fail: true), default);
        await engine.SubmitAsync(Step("alice", "update"), default);
        await engine.SubmitAsync(Step("alice", "logout"), default);
        await engine.SubmitAsync(Step("bob", "login"), default);
        await engine.SubmitAsync(Step("bob", "logout"), default);
        await Eventually.Until(() => engine.GetMetrics() is { Completed: 2, PausedKeys: 1 }, TimeSpan.FromSeconds(10));
        lock (ran)
            Assert.DoesNotContain(ran, r => r.StartsWith("alice"));
        Assert.Equal(new KeyBacklog("alice", 2), Assert.Single(engine.GetMetrics().HotKeys));

        Assert.True(engine.ResumeKey("alice"));
        Assert.False(engine.ResumeKey("alice"));
        Assert.False(engine.ResumeKey("nobody"));
        await engine.ShutdownAsync();
        Assert.Equal(new[] { "alice:update", "alice:logout" }, ran.Where(r => r.StartsWith("alice")));
        Assert.Equal(0, engine.GetMetrics().PausedKeys);
    }

    [Theory]
    [InlineData(Ordering.PerKey, 1)]
    [InlineData(Ordering.PerKey, 2)]
    [InlineData(Ordering.PerPartition, 2)]
    public async Task A_replayed_dead_letter_of_a_paused_key_runs_first_when_the_key_resumes(Ordering ordering, int workers)
    {
        var ran = new List<string>();
        var sink = new ListSink();
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = workers, Ordering = ordering, DeadLetterPolicy = DeadLetterPolicy.PauseKey, DeadLetters = sink });
        int loginAttempts = 0;
        await engine.SubmitAsync(Engines.Work("alice", 1, () =>
        {
            if (Interlocked.Increment(ref loginAttempts) == 1)
                throw new Flaky(); // fails the first time only: its replay succeeds
            lock (ran) ran.Add("login");
        }), default);
        await engine.SubmitAsync(Engines.Work("alice", 2, () => { lock (ran) ran.Add("update"); }), default);
        await engine.SubmitAsync(Engines.Work("alice", 3, () => { lock (ran) ran.Add("logout"); }), default);
        await Eventually.Until(() => engine.GetMetrics().PausedKeys == 1, TimeSpan.FromSeconds(10));

        await Assert.Single(sink.Letters).ReplayAsync();
        Assert.Equal(new KeyBacklog("alice", 3), Assert.Single(engine.GetMetrics().HotKeys));
        Assert.True(engine.ResumeKey("alice"));
        var report = await engine.ShutdownAsync();

        Assert.Equal(new[] { "login", "update", "logout" }, ran);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task A_drain_leaves_a_paused_keys_requests_unprocessed(Ordering ordering)
    {
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 2, Ordering = ordering, DeadLetterPolicy = DeadLetterPolicy.PauseKey });
        await engine.SubmitAsync(Engines.Work("alice", 1, () => throw new Flaky()), default);
        await engine.SubmitAsync(Engines.Work("alice", 2, () => { }), default);
        await Eventually.Until(() => engine.GetMetrics().PausedKeys == 1, TimeSpan.FromSeconds(10));

        var report = await engine.ShutdownAsync();
        var unprocessed = Assert.Single(report.Unprocessed);
        Assert.Equal("alice", unprocessed.Key);
        Assert.Equal(2, unprocessed.Arguments[0]);
        Assert.True(engine.WorkersStopped);
        Accounting.AssertBalanced(engine.GetMetrics(), report);
    }

}
