using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Tests;

/// <summary>A dead-letter sink that keeps every letter, in order (also linked into the Orleans tests).</summary>
internal sealed class ListSink : IDeadLetterSink
{
    public ConcurrentQueue<DeadLetter> Letters { get; } = new();

    public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        Letters.Enqueue(letter);
        return default;
    }
}
