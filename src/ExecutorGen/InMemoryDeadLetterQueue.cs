using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen;

/// <summary>
/// A dead-letter sink that keeps letters in memory, oldest first, up to a bound, so they can be inspected
/// and replayed into the executor once the cause is fixed. When full, the oldest letter is discarded
/// and counted in <see cref="Discarded"/>.
/// </summary>
public sealed class InMemoryDeadLetterQueue : IDeadLetterSink
{
    private readonly object _lock = new();
    private readonly Queue<DeadLetter> _letters = new();
    private long _discarded;

    /// <summary>Creates a queue that holds at most <paramref name="capacity"/> letters.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="capacity"/> is less than 1.</exception>
    public InMemoryDeadLetterQueue(int capacity = 10_000)
    {
        if (capacity < 1)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity, "The capacity must be at least 1.");
        Capacity = capacity;
    }

    /// <summary>The most letters kept.</summary>
    public int Capacity { get; }

    /// <summary>Letters discarded because the queue was full.</summary>
    public long Discarded => Interlocked.Read(ref _discarded);

    /// <summary>How many letters are held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
                return _letters.Count;
        }
    }

    /// <inheritdoc />
    public ValueTask WriteAsync(DeadLetter letter, CancellationToken cancellationToken)
    {
        if (letter is null)
            throw new ArgumentNullException(nameof(letter));
        lock (_lock)
        {
            if (_letters.Count == Capacity)
            {
                _letters.Dequeue();
                Interlocked.Increment(ref _discarded);
            }
            _letters.Enqueue(letter);
        }
        return default;
    }

    /// <summary>A copy of the letters held, oldest first.</summary>
    public IReadOnlyList<DeadLetter> Snapshot()
    {
        lock (_lock)
            return _letters.ToArray();
    }

    /// <summary>Removes and returns the letters held, oldest first.</summary>
    public IReadOnlyList<DeadLetter> TakeAll()
    {
        lock (_lock)
        {
            var letters = _letters.ToArray();
            _letters.Clear();
            return letters;
        }
    }

    /// <summary>
    /// Takes every replayable letter held and submits its request again, oldest first (so one key's
    /// letters keep their order). Letters that cannot be replayed stay. A letter whose replay is refused
    /// goes back into the queue and the exception propagates.
    /// </summary>
    /// <returns>How many requests were submitted again.</returns>
    public async Task<int> ReplayAsync(CancellationToken cancellationToken = default)
    {
        List<DeadLetter> replayable;
        lock (_lock)
        {
            replayable = new List<DeadLetter>(_letters.Count);
            int count = _letters.Count;
            for (int i = 0; i < count; i++)
            {
                var letter = _letters.Dequeue();
                if (letter.CanReplay)
                    replayable.Add(letter);
                else
                    _letters.Enqueue(letter);
            }
        }

        for (int i = 0; i < replayable.Count; i++)
        {
            try
            {
                await replayable[i].ReplayAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                lock (_lock)
                {
                    for (int j = i; j < replayable.Count; j++)
                        _letters.Enqueue(replayable[j]);
                }
                throw;
            }
        }
        return replayable.Count;
    }
}
