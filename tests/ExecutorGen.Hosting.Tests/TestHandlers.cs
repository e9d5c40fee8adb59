using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Hosting.Tests;

/// <summary>Handlers whose executor, and its Add{Class}Executor, the generator emits for this project.</summary>
public sealed class OrderHandlers
{
    private volatile TaskCompletionSource _gate = CompletedGate();

    /// <summary>Every order placed, in the order the handler ran.</summary>
    public ConcurrentQueue<string> Placed { get; } = new();

    /// <summary>How long each <see cref="Place"/> takes.</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Makes every handler wait until <see cref="Open"/>.</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets waiting and later handlers run.</summary>
    public void Open() => _gate.TrySetResult();

    [RequestHandler(PartitionBy = nameof(orderId))]
    public async Task Place(string orderId)
    {
        await _gate.Task.ConfigureAwait(false);
        if (Delay > TimeSpan.Zero)
            await Task.Delay(Delay).ConfigureAwait(false);
        Placed.Enqueue(orderId);
    }

    [RequestHandler(PartitionBy = nameof(orderId))]
    public void Fail(string orderId, int code) => throw new InvalidOperationException($"order {orderId} failed with {code}");

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}

/// <summary>A static handler class: its executor needs no handler instance.</summary>
public static class Audit
{
    public static int Count;

    [RequestHandler]
    public static void Record(string message) => Interlocked.Increment(ref Count);
}

/// <summary>A handler class nested in another type: no generated Add method, registered with ExecutorHosting.AddExecutor.</summary>
public static partial class Inventory
{
    public sealed class Stock
    {
        public int Reserved;

        [RequestHandler(PartitionBy = nameof(sku))]
        public void Reserve(string sku) => Interlocked.Increment(ref Reserved);
    }
}
