using Xunit.Abstractions;
using System.Collections.Concurrent;

namespace ExecutorGen.Tests;

/// <summary>
/// Over two and a half million requests across every Ordering × QueueFullMode (PerPartition also with a per-key
/// limit, whose partitions keep lanes), with faults injected into the handlers
/// (random exceptions, handlers that hang past StuckAfter, slow ones) and, for some combinations, a shutdown
/// while the producers are still submitting: the accounting balances, every accepted request has exactly
/// one outcome, nothing succeeds twice, under PerKey and PerPartition a key's requests never overlap and
/// start in submission order, and no worker is left running. Set EXECUTORGEN_SOAK_MINUTES to repeat each
/// combination for that many minutes (a soak run); CI runs one pass.
/// </summary>
public class StressTests
{
    private readonly ITestOutputHelper _output;

    public StressTests(ITestOutputHelper output) => _output = output;

    private const int Producers = 6;
    private const int KeysPerProducer = 12;
    private const int RequestsPerCombination = 170_000; // × 16 combinations = 2,720,000
    private const int HangEvery = 50_000; // a few handlers per combination hang past StuckAfter
    private static readonly TimeSpan StuckAfter = TimeSpan.FromMilliseconds(20);

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

    public static TheoryData<Ordering, int?, QueueFullMode, ShutdownMode, bool> Combinations()
    {
        var data = new TheoryData<Ordering, int?, QueueFullMode, ShutdownMode, bool>();
        int i = 0;
        var schedulings = new (Ordering Ordering, int? MaxQueuedPerKey)[]
        {
            (Ordering.PerKey, null), (Ordering.PerPartition, null), (Ordering.PerPartition, 16), (Ordering.Unordered, null),
        };
        foreach (var (ordering, maxQueuedPerKey) in schedulings)
        {
            foreach (var mode in new[] { QueueFullMode.Wait, QueueFullMode.Reject, QueueFullMode.DropOldest, QueueFullMode.DropNewest })
            {
                data.Add(ordering, maxQueuedPerKey, mode, i % 3 == 2 ? ShutdownMode.Cancel : ShutdownMode.Drain, i % 2 == 1);
                i++;
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Accounting_order_and_uniqueness_hold_under_load_with_injected_faults(
        Ordering ordering, int? maxQueuedPerKey, QueueFullMode fullMode, ShutdownMode shutdown, bool shutdownWhileSubmitting)
    {
        var soakUntil = DateTime.UtcNow + TimeSpan.FromMinutes(
            double.TryParse(Environment.GetEnvironmentVariable("EXECUTORGEN_SOAK_MINUTES"), out double minutes) ? minutes : 0);
        do
        {
            await RunOnce(ordering, maxQueuedPerKey, fullMode, shutdown, shutdownWhileSubmitting);
        }
        while (DateTime.UtcNow < soakUntil);
    }

    private async Task RunOnce(Ordering ordering, int? maxQueuedPerKey, QueueFullMode fullMode, ShutdownMode shutdown, bool shutdownWhileSubmitting)
    {
        int keys = Producers * KeysPerProducer;
        var outcomes = new Outcomes(RequestsPerCombination);
        var successes = new int[RequestsPerCombination];
        var lastStarted = new int[keys];
        var running = new int[keys];
        int orderViolations = 0, overlaps = 0, refusedBySubmitter = 0, hangs = 0, thrown = 0;
        bool keyed = ordering != Ordering.Unordered;

        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 4,
            Capacity = 256,
            Ordering = ordering,
            MaxQueuedPerKey = maxQueuedPerKey,
            FullMode = fullMode,
            MaxAttempts = 2,
            RetryBackoff = TimeSpan.Zero,
            DeadLetters = outcomes,
            StuckAfter = StuckAfter,
        });

        var producers = Enumerable.Range(0, Producers).Select(p => Task.Run(async () =>
        {
            var random = new Random(p);
            for (int n = p; n < RequestsPerCombination; n += Producers)
            {
                int id = n, key = p * KeysPerProducer + (n / Producers) % KeysPerProducer;
                var work = Engines.Work("key-" + key, id, async (w, cancellationToken) =>
                {
                    if (keyed)
                    {
                        if (Interlocked.Exchange(ref running[key], 1) != 0)
                            Interlocked.Increment(ref overlaps);
                        if (lastStarted[key] > id)
                            Interlocked.Increment(ref orderViolations);
                        lastStarted[key] = id;
                    }
                    try
                    {
                        int fault = Random.Shared.Next(1000);
                        if (id % HangEvery == HangEvery - 1)
                        {
                            Interlocked.Increment(ref hangs);
                            await Task.Delay(StuckAfter * 4, cancellationToken); // hangs past StuckAfter
                        }
                        else if (fault < 10)
                        {
                            Thread.SpinWait(5_000); // slow
                        }
                        else if (fault < 40)
                        {
                            Interlocked.Increment(ref thrown);
                            throw new InvalidOperationException("random failure of " + id);
                        }
                    }
                    finally
                    {
                        if (keyed)
                            Volatile.Write(ref running[key], 0);
                    }
                    Interlocked.Increment(ref successes[id]);
                    return id;
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
        if (shutdownWhileSubmitting)
            await Task.Delay(Random.Shared.Next(5, 60));
        else
            await Task.WhenAll(producers);
        var report = await engine.ShutdownAsync(shutdown);
        await Task.WhenAll(producers);
        var metrics = engine.GetMetrics();

        Assert.True(engine.WorkersStopped);
        Assert.Equal(0, overlaps);
        Assert.Equal(0, orderViolations);
        Assert.All(successes, count => Assert.InRange(count, 0, 1));
        foreach (var unprocessed in report.Unprocessed)
            Interlocked.Increment(ref outcomes.PerRequest[(int)unprocessed.Arguments[0]!]);
        for (int id = 0; id < RequestsPerCombination; id++)
            Assert.InRange(successes[id] + outcomes.PerRequest[id], 0, 1);

        // Under DropNewest a false TrySubmit is a shed, or a refusal once shutdown began: only the exceptions are sure refusals.
        if (fullMode == QueueFullMode.DropNewest)
            Assert.InRange(refusedBySubmitter, 0, metrics.Rejected);
        else
            Assert.Equal(refusedBySubmitter, metrics.Rejected);
        Assert.Equal(RequestsPerCombination, metrics.Submitted + metrics.Rejected);
        Assert.Equal(thrown, metrics.Failed);
        _output.WriteLine($"{ordering}/{maxQueuedPerKey}/{fullMode}/{shutdown}: requests {metrics.Submitted + metrics.Rejected}, completed {metrics.Completed}, " +
            $"thrown {thrown}, hangs {hangs}, dropped {metrics.Dropped}, rejected {metrics.Rejected}, cancelled {metrics.Cancelled}, unprocessed {report.Unprocessed.Count}");
        Assert.InRange(hangs, 0, RequestsPerCombination / HangEvery);
        Assert.Equal(successes.Sum(), metrics.Completed);
        Assert.Equal(outcomes.Failed, metrics.DeadLettered);
        Assert.Equal(outcomes.Dropped, metrics.Dropped);
        Assert.Equal(metrics.Submitted, metrics.Completed + metrics.DeadLettered + metrics.Dropped + metrics.Cancelled + report.Unprocessed.Count);
        Assert.Equal(RequestsPerCombination - metrics.Rejected - metrics.Cancelled, successes.Sum() + outcomes.PerRequest.Sum());
        Accounting.AssertBalanced(metrics, report);
    }
}
