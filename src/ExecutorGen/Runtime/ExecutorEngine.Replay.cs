using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

public sealed partial class ExecutorEngine<TKey, TEnvelope, TDispatcher>
{
    /// <summary>
    /// Re-submits a dead letter's request. Under <see cref="DeadLetterPolicy.PauseKey"/>, while its key is paused (after
    /// this very dead letter, typically), it goes to the head of the key's queue, before the requests held meanwhile, so
    /// <see cref="ResumeKey"/> runs them in their first order; otherwise, and when there is no room, it is submitted like
    /// any request (so does a replay made from inside the dead-letter sink, before the key is paused). At the head it
    /// is also the oldest queued request, the first DropOldest sheds, and it may take its key past MaxQueuedPerKey.
    /// </summary>
    private ValueTask ReplayAsync(TEnvelope envelope, CancellationToken cancellationToken)
    {
        if (_pauseKeyOnDeadLetter && !cancellationToken.IsCancellationRequested
            && TryGetScheduledKey(envelope, out var key))
        {
            var scheduler = SchedulerFor(hasKey: true, key);
            bool queued;
            var parent = CaptureParent();
            long now = Stopwatch.GetTimestamp();
            lock (scheduler.Sync)
            {
                queued = scheduler.TryEnqueueAtPausedHeadLocked(envelope, key, completion: null, parent, now);
                scheduler.AssertInvariantsLocked();
            }
            if (queued)
            {
                RecordAdmission(Admission.Accepted, envelope);
                RaiseQueueFillIfReached(scheduler);
                return default;
            }
        }
        return SubmitAsync(envelope, cancellationToken);
    }

    /// <summary>Re-submits a dead letter's request into this engine (see <see cref="DeadLetter.ReplayAsync"/>).</summary>
    private sealed class Replay : IDeadLetterReplay
    {
        private readonly ExecutorEngine<TKey, TEnvelope, TDispatcher> _engine;
        private readonly TEnvelope _envelope;

        public Replay(ExecutorEngine<TKey, TEnvelope, TDispatcher> engine, TEnvelope envelope)
        {
            _engine = engine;
            _envelope = envelope;
        }

        public ValueTask SubmitAsync(CancellationToken cancellationToken) => _engine.ReplayAsync(_envelope, cancellationToken);
    }
}
