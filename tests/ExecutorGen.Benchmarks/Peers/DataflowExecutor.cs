using System.Threading.Tasks.Dataflow;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// TPL Dataflow as its documentation recommends for ordered, bounded processing: one
/// <see cref="ActionBlock{TInput}"/> per partition with <c>BoundedCapacity</c> and
/// <c>MaxDegreeOfParallelism = 1</c> (so a partition runs in order), a key hashed to its block, and
/// <see cref="DataflowBlock.SendAsync{TInput}(ITargetBlock{TInput}, TInput)"/> so producers wait when a
/// block is full. A synchronous handler gets the <see cref="Action{T}"/> overload, an asynchronous one
/// the <see cref="Func{T, TResult}"/> one. Failures are caught (a faulted block would stop for good) and counted.
/// </summary>
public sealed class DataflowExecutor<THandler> : IBenchExecutor
    where THandler : struct, IWorkHandler
{
    private readonly ActionBlock<BenchRequest>[] _blocks;
    private readonly THandler _handler;
    private long _completed;
    private long _failed;

    /// <summary>Starts <paramref name="workerCount"/> blocks sharing <paramref name="capacity"/> queued requests.</summary>
    public DataflowExecutor(int workerCount, int capacity, THandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, workerCount);
        _handler = handler;
        var options = new ExecutionDataflowBlockOptions
        {
            BoundedCapacity = capacity / workerCount,
            MaxDegreeOfParallelism = 1,
        };
        _blocks = new ActionBlock<BenchRequest>[workerCount];
        for (int i = 0; i < workerCount; i++)
        {
            _blocks[i] = handler.IsSynchronous
                ? new ActionBlock<BenchRequest>(Handle, options)
                : new ActionBlock<BenchRequest>(HandleAsync, options);
        }
    }

    /// <inheritdoc />
    public long CompletedCount => Interlocked.Read(ref _completed);

    /// <inheritdoc />
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request)
    {
        var sent = _blocks[Routing.Partition(request.Key, _blocks.Length)].SendAsync(request);
        if (sent.IsCompletedSuccessfully)
            return sent.Result ? default : throw new InvalidOperationException("The block declined the request.");
        return AwaitSendAsync(sent);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var block in _blocks)
            block.Complete();
        await Task.WhenAll(_blocks.Select(b => b.Completion)).ConfigureAwait(false);
    }

    private static async ValueTask AwaitSendAsync(Task<bool> sent)
    {
        if (!await sent.ConfigureAwait(false))
            throw new InvalidOperationException("The block declined the request.");
    }

    private void Handle(BenchRequest request)
    {
        try
        {
            _handler.HandleAsync(request).GetAwaiter().GetResult();
            Interlocked.Increment(ref _completed);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failed);
        }
    }

    private async Task HandleAsync(BenchRequest request)
    {
        try
        {
            await _handler.HandleAsync(request).ConfigureAwait(false);
            Interlocked.Increment(ref _completed);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _failed);
        }
    }
}
