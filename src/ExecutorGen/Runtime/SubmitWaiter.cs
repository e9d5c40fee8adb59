using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// A <c>SubmitAsync</c> caller waiting for room under <see cref="QueueFullMode.Wait"/>. Waiters are admitted
/// in arrival order (a later waiter of the same key can never pass an earlier one), by the worker that
/// frees the room, under the engine's lock. Allocated only on this slow path.
/// </summary>
internal sealed class SubmitWaiter<TKey, TEnvelope>
{
    public SubmitWaiter(TEnvelope envelope, bool hasKey, TKey key, IRequestCompletion? completion, ActivityContext parent)
    {
        Envelope = envelope;
        HasKey = hasKey;
        Key = key;
        Completion = completion;
        Parent = parent;
    }

    public TEnvelope Envelope { get; }
    public bool HasKey { get; }
    public TKey Key { get; }
    public IRequestCompletion? Completion { get; }
    public ActivityContext Parent { get; }

    /// <summary>Completes true when admitted; faults when refused at shutdown; cancels with the caller's token.</summary>
    public TaskCompletionSource<bool> Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public LinkedListNode<SubmitWaiter<TKey, TEnvelope>>? Node { get; set; }

    public CancellationTokenRegistration Registration { get; set; }
}
