using System.Threading.Channels;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Peers;

/// <summary>
/// The strongest simple peer, hand-written the way System.Threading.Channels recommends: one bounded
/// single-reader channel per worker (capacity split evenly, producers wait when full), a key hashed to
/// its worker, a <c>TryWrite</c> fast path before <c>WriteAsync</c>, a <c>WaitToReadAsync</c> +
/// <c>TryRead</c> worker loop, handler failures caught; submissions, completions and failures counted with
/// <see cref="Interlocked"/>.
/// </summary>
public sealed class ChannelsExecutor<THandler> : IBenchExecutor
    where THandler : struct, IWorkHandler
{
    private readonly Channel<BenchRequest>[] _channels;
    private readonly Task[] _workers;
    private readonly THandler _handler;
    private long _submitted;
    private long _completed;
    private long _failed;

    /// <summary>Starts <paramref name="workerCount"/> workers sharing <paramref name="capacity"/> queued requests.</summary>
    public ChannelsExecutor(int workerCount, int capacity, THandler handler)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workerCount);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, workerCount);
        _handler = handler;
        _channels = new Channel<BenchRequest>[workerCount];
        _workers = new Task[workerCount];
        var options = new BoundedChannelOptions(capacity / workerCount)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        };
        for (int i = 0; i < workerCount; i++)
        {
            var channel = Channel.CreateBounded<BenchRequest>(options);
            _channels[i] = channel;
            _workers[i] = Task.Run(() => RunWorkerAsync(channel.Reader));
        }
    }

    /// <summary>Requests accepted so far (the arrival count a metrics endpoint would show).</summary>
    public long SubmittedCount => Interlocked.Read(ref _submitted);

    /// <inheritdoc />
    public long CompletedCount => Interlocked.Read(ref _completed);

    /// <inheritdoc />
    public long FailedCount => Interlocked.Read(ref _failed);

    /// <inheritdoc />
    public ValueTask SubmitAsync(BenchRequest request)
    {
        var writer = _channels[Routing.Partition(request.Key, _channels.Length)].Writer;
        if (writer.TryWrite(request))
        {
            Interlocked.Increment(ref _submitted);
            return default;
        }
        return WaitAndWriteAsync(writer, request);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var channel in _channels)
            channel.Writer.TryComplete();
        await Task.WhenAll(_workers).ConfigureAwait(false);
    }

    private async ValueTask WaitAndWriteAsync(ChannelWriter<BenchRequest> writer, BenchRequest request)
    {
        await writer.WriteAsync(request).ConfigureAwait(false);
        Interlocked.Increment(ref _submitted);
    }

    private async Task RunWorkerAsync(ChannelReader<BenchRequest> reader)
    {
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var request))
            {
                try
                {
                    var pending = _handler.HandleAsync(request);
                    if (!pending.IsCompletedSuccessfully)
                        await pending.ConfigureAwait(false);
                    Interlocked.Increment(ref _completed);
                }
                catch (Exception)
                {
                    // A failing request must not kill the worker: count it and go on.
                    Interlocked.Increment(ref _failed);
                }
            }
        }
    }
}
