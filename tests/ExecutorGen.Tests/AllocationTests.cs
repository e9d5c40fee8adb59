namespace ExecutorGen.Tests;

public sealed class Order
{
    public int CustomerId { get; init; }
}

/// <summary>A class request type, and a handler that holds the only worker while requests are queued.</summary>
public sealed class OrderHandlers
{
    public SemaphoreSlim Gate { get; } = new(0);

    public SemaphoreSlim Started { get; } = new(0);

    [RequestHandler]
    public async Task Hold(CancellationToken cancellationToken)
    {
        Started.Release();
        await Gate.WaitAsync(cancellationToken);
    }

    [RequestHandler(PartitionBy = nameof(Order.CustomerId))]
    public void Place(Order order)
    {
    }
}

[Collection(nameof(TimingSensitive))] // alone: a round that meets other tests' load may see one-off costs (a lock's first contention)
public class AllocationTests
{
    [Theory]
    [InlineData(16)]
    [InlineData(10_000)] // a queue full of distinct keys: lanes are re-used, however many keys are live at once
    public async Task TrySubmit_of_a_class_request_allocates_nothing_on_a_warmed_executor(int keys)
    {
        const int Batch = 10_000;
        var handlers = new OrderHandlers();
        await using var executor = new OrderHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 1, Capacity = 2 * Batch });
        var orders = Enumerable.Range(0, Batch).Select(i => new Order { CustomerId = i % keys }).ToArray();

        // Warm-up rounds bring the pools of queued requests and lanes, the lane table and the ready queue to their
        // working size; after them a round must allocate nothing. The least of three measured rounds is taken: a
        // cost per request shows in every round, a one-off one (a lock's first contention under other load) in one.
        const int WarmUp = 2, Rounds = WarmUp + 3;
        long allocated = long.MaxValue;
        for (int round = 0; round < Rounds; round++)
        {
            var held = executor.InvokeHoldAsync();
            await handlers.Started.WaitAsync();
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var order in orders)
                executor.TrySubmitPlace(order);
            if (round >= WarmUp)
                allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            handlers.Gate.Release();
            await held;
            // The next round starts from an empty, idle executor however slow this one drained (a round that
            // began with requests left over would need more pooled requests than the warm-up made).
            await Eventually.Until(() => executor.GetMetrics() is { QueueDepth: 0, BusyWorkers: 0 }, TimeSpan.FromSeconds(60));
        }

        Assert.Equal(0, allocated);
        Assert.Equal(Rounds * (Batch + 1), executor.GetMetrics().Submitted);
    }
}

/// <summary>A handler slower than a producer that never pauses, so the queue stays full.</summary>
public sealed class ThrottledOrderHandlers
{
    [RequestHandler(PartitionBy = nameof(Order.CustomerId))]
    public void Place(Order order) => Thread.SpinWait(20_000);
}

[Collection(nameof(TimingSensitive))] // a producer starved of CPU by parallel tests would rarely find the queue full
public class WaitingSubmitAllocationTests
{
    [Fact]
    public async Task SubmitAsync_that_waits_for_room_allocates_nothing_on_a_warmed_executor()
    {
        const int Batch = 500;
        await using var executor = new ThrottledOrderHandlersExecutor(new ThrottledOrderHandlers(), new ExecutorOptions { WorkerCount = 1, Capacity = 64 });
        var orders = Enumerable.Range(0, Batch).Select(i => new Order { CustomerId = i % 16 }).ToArray();
        long allocated = -1;
        int waited = 0;

        // The producer runs on a thread of its own and spins instead of awaiting, so that every byte it
        // allocates is counted on that thread: the bytes of each submit that waited, from the call to the
        // observed admission. (Submits that found room are TrySubmit's test; on a loaded machine the queue
        // can drain while the producer is descheduled, and the backpressure change that publishes allocates.)
        // The first rounds warm the pools and the spare waiter.
        var producer = new Thread(() =>
        {
            for (int round = 0; round < 3; round++)
            {
                waited = 0;
                allocated = 0;
                foreach (var order in orders)
                {
                    long before = GC.GetAllocatedBytesForCurrentThread();
                    var submit = executor.SubmitPlaceAsync(order);
                    if (submit.IsCompleted)
                    {
                        submit.GetAwaiter().GetResult();
                        continue;
                    }
                    waited++;
                    var spin = new SpinWait();
                    while (!submit.IsCompleted)
                        spin.SpinOnce(sleep1Threshold: -1); // no 1 ms naps: the room is taken at once
                    submit.GetAwaiter().GetResult();
                    allocated += GC.GetAllocatedBytesForCurrentThread() - before;
                }
            }
        });
        producer.Start();
        producer.Join();

        // Without re-use every wait allocates a waiter (over 200 bytes), so a few waits make the test able to fail.
        Assert.True(waited >= 20, $"only {waited} of {Batch} submits waited for room");
        Assert.True(allocated == 0, $"{allocated} bytes over {waited} waits");
    }
}
