using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Runs;

/// <summary>
/// Before anything is measured, every executor must keep the contract the comparison assumes: every
/// request handled exactly once and (all but <see cref="PeerKind.Unordered"/>) each key's requests in
/// submission order, through full queues (small capacity) and with both handler shapes.
/// </summary>
public static class ContractCheck
{
    /// <summary>Checks every peer; returns the failures (empty when all kept the contract).</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(TextWriter log)
    {
        var failures = new List<string>();
        foreach (var shape in new[] { HandlerShape.Compute, HandlerShape.Delay })
        {
            int count = shape == HandlerShape.Compute ? 50_000 : 4_000;
            foreach (var kind in Enum.GetValues<PeerKind>())
            {
                string? failure = await CheckAsync(kind, shape, count).ConfigureAwait(false);
                log.WriteLine($"  contract {kind,-12} {shape,-7} {failure ?? "ok"}");
                if (failure is not null)
                    failures.Add($"{kind} ({shape}): {failure}");
            }
        }
        foreach (var ordering in new[] { PeerKind.PerKey, PeerKind.PerPartition })
        {
            foreach (int maxBatchSize in new[] { 1, 16, 128 })
            {
                string? failure = await CheckBatchesAsync(ordering, maxBatchSize, 50_000).ConfigureAwait(false);
                log.WriteLine($"  contract {ordering,-12} batches of {maxBatchSize,-3} {failure ?? "ok"}");
                if (failure is not null)
                    failures.Add($"{ordering} (batches of {maxBatchSize}): {failure}");
            }
        }
        return failures;
    }

    /// <summary>
    /// Runs <paramref name="count"/> requests over 100 keys through <paramref name="kind"/> (4 workers, 64 places);
    /// returns what went wrong, or <see langword="null"/> when the contract held.
    /// </summary>
    public static Task<string?> CheckAsync(PeerKind kind, HandlerShape shape, int count) =>
        CheckAsync(work => PeerFactory.Create(kind, shape, work, workerCount: 4, capacity: 64), ordered: kind != PeerKind.Unordered, count);

    /// <summary>The same for W5's batch handler of at most <paramref name="maxBatchSize"/> requests per call, under <paramref name="ordering"/>.</summary>
    public static Task<string?> CheckBatchesAsync(PeerKind ordering, int maxBatchSize, int count) =>
        CheckAsync(work => new GeneratedBatchExecutor(maxBatchSize, work, PeerFactory.GeneratedOptions(ordering, workerCount: 4, capacity: 64)), ordered: true, count);

    private static async Task<string?> CheckAsync(Func<Work, IBenchExecutor> create, bool ordered, int count)
    {
        const int Keys = 100;
        var work = new Work();
        work.EnableOrderCheck(Keys);
        var requests = RequestSet.Create(count, Keys, seed: 17);
        // 4 workers sharing 64 places: producers wait for room often.
        await using var executor = create(work);
        var run = Driver.RunAsync(executor, work, requests);
        if (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(60))).ConfigureAwait(false) != run)
            return "not every request completed within 60 s";
        await run.ConfigureAwait(false);
        if (ordered && work.OrderViolations != 0)
            return $"{work.OrderViolations} requests ran out of their key's order";
        // The executor books a request after its handler returned, so its count may trail the countdown briefly.
        for (int i = 0; i < 200 && executor.CompletedCount < count; i++)
            await Task.Delay(10).ConfigureAwait(false);
        if (executor.CompletedCount != count || executor.FailedCount != 0)
            return $"the executor counted {executor.CompletedCount} of {count} requests completed and {executor.FailedCount} failed";
        return null;
    }
}
