using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary>
/// Over a million requests across every Ordering × QueueFullMode, with handlers that fail at random: the
/// accounting balances, every accepted request has exactly one outcome, nothing succeeds twice, and under
/// PerKey and PerPartition a key's requests never overlap and start in submission order.
/// </summary>
public class StressTests
{
    private const int Producers = 4;
    private const int KeysPerProducer = 16;
    private const int RequestsPerCombination = 90_000; // × 12 combinations = 1,080,000

    private sealed class Outcomes : IDeadLetterSink
    {
        public Outcomes(int count) => PerRequest = new int[count];

        public int[] PerRequest { get; }

        public long Failed;
        public long Dropped;

        public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref PerRequest[(int)letter.Arguments[0]!]);
            Interlocked.Increment(ref letter.Reason == DeadLetterReason.Dropped ? ref Dropped : ref Failed);
            return default;
        }
    }

    public static TheoryData<Ordering, QueueFullMode, ShutdownMode> Combinations()
    {
        var data = new TheoryData<Ordering, QueueFullMode, ShutdownMode>();
        int i = 0;
        foreach (var ordering in new[] { Ordering.PerKey, Ordering.PerPartition, Ordering.Unordered })
        {
            foreach (var mode in new[] { QueueFullMode.Wait, QueueFullMode.Reject, QueueFullMode.DropOldest, QueueFullMode.DropNewest })
                data.Add(ordering, mode, i++ % 3 == 2 ? ShutdownMode.Cancel : ShutdownMode.Drain);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Accounting_order_and_uniqueness_hold_under_load_with_failures(Ordering ordering, QueueFullMode fullMode, ShutdownMode shutdown)
    {
        int keys = Producers * KeysPerProducer;
        var outcomes = new Outcomes(RequestsPerCombination);
        var successes = new int[RequestsPerCombination];
        var lastStarted = new int[keys];
        var running = new int[keys];
        int orderViolations = 0, overlaps = 0, refusedBySubmitter = 0;
        bool keyed = ordering != Ordering.Unordered;

        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 4,
            Capacity = 256,
            Ordering = ordering,
            FullMode = fullMode,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = outcomes,
        });

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (int n = p; n < RequestsPerCombination; n += Producers)
            {
                int id = n, key = p * KeysPerProducer + (n / Producers) % KeysPerProducer;
                var work = Engines.Work("key-" + key, id, () =>
                {
                    if (keyed)
                    {
                        if (Interlocked.Exchange(ref running[key], 1) != 0)
                            Interlocked.Increment(ref overlaps);
                        if (lastStarted[key] > id)
                            Interlocked.Increment(ref orderViolations);
                        lastStarted[key] = id;
                        Volatile.Write(ref running[key], 0);
                    }
                    if (Random.Shared.Next(100) < 3)
                        throw new InvalidOperationException("random failure of " + id);
                    Interlocked.Increment(ref successes[id]);
                });
                try
                {
                    if (random.Next(2) == 0)
                        await engine.SubmitAsync(work, default);
                    else if (!engine.TrySubmit(work) && fullMode is QueueFullMode.Wait or QueueFullMode.Reject)
                        Interlocked.Increment(ref refusedBySubmitter);
                }
                catch (RequestRejectedException)
                {
                    Interlocked.Increment(ref refusedBySubmitter);
                }
            }
        })).ToArray();
        await Task.WhenAll(producers);
        var report = await engine.ShutdownAsync(shutdown);
        var metrics = engine.GetMetrics();

        Assert.True(engine.WorkersStopped);
        Assert.Equal(0, overlaps);
        Assert.Equal(0, orderViolations);
        Assert.All(successes, count => Assert.InRange(count, 0, 1));
        foreach (var unprocessed in report.Unprocessed)
            Interlocked.Increment(ref outcomes.PerRequest[(int)unprocessed.Arguments[0]!]);
        for (int id = 0; id < RequestsPerCombination; id++)
            Assert.InRange(successes[id] + outcomes.PerRequest[id], 0, 1);

        Assert.Equal(refusedBySubmitter, metrics.Rejected);
        Assert.Equal(RequestsPerCombination, metrics.Submitted + metrics.Rejected);
        Assert.Equal(successes.Sum(), metrics.Completed);
        Assert.Equal(outcomes.Failed, metrics.DeadLettered);
        Assert.Equal(outcomes.Dropped, metrics.Dropped);
        Assert.Equal(metrics.Submitted, metrics.Completed + metrics.DeadLettered + metrics.Dropped + metrics.Cancelled + report.Unprocessed.Count);
        Assert.Equal(RequestsPerCombination - metrics.Rejected - metrics.Cancelled, successes.Sum() + outcomes.PerRequest.Sum());
        Engines.AssertBalanced(metrics, report);
    }
}
