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

public class AllocationTests
{
    [Fact]
    public async Task TrySubmit_of_a_class_request_allocates_nothing_on_a_warmed_executor()
    {
        const int Batch = 1_000;
        var handlers = new OrderHandlers();
        await using var executor = new OrderHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 1, Capacity = 4 * Batch });
        var orders = Enumerable.Range(0, Batch).Select(i => new Order { CustomerId = i % 16 }).ToArray();

        // Warm-up rounds bring the pools of queued requests and lanes, the lane table and the ready
        // queue to their working size; the measured round must then allocate nothing.
        long allocated = -1;
        for (int round = 0; round < 3; round++)
        {
            var held = executor.InvokeHoldAsync();
            await handlers.Started.WaitAsync();
            long before = GC.GetAllocatedBytesForCurrentThread();
            foreach (var order in orders)
                executor.TrySubmitPlace(order);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            handlers.Gate.Release();
            await held;
            for (int i = 0; i < 1_000 && executor.GetMetrics().QueueDepth > 0; i++)
                await Task.Delay(5);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(3 * Batch + 3, executor.GetMetrics().Submitted);
    }
}
