using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Orleans;

/// <summary>
/// The client path of <see cref="ClusterExecutorOptions.Durable"/>: a lane's pump stores its requests in the grain
/// (<see cref="IPartitionGrain.StoreAsync"/>) instead of having them run, one store call at a time, so a key's requests
/// are stored in submission order; a poll per lane (<see cref="IPartitionGrain.TakeOutcomesAsync"/>) brings their outcomes
/// back, and each request keeps its place in the room until its outcome is in.
/// </summary>
public sealed partial class ClusterExecutorEngine
{
    // Requests being stored or stored, by sequence, awaiting their outcome, per lane. Guarded by _lock.
    private readonly Dictionary<string, StoredLane> _storedLanes = new(StringComparer.Ordinal);

    private async ValueTask SubmitAndStoreAsync(ClusterCall call, CancellationToken cancellationToken)
    {
        var pending = NewPending(call, completion: null);
        pending.Stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await AdmitAsync(pending, cancellationToken).ConfigureAwait(false);
        await pending.Stored.Task.ConfigureAwait(false);
    }

    /// <summary>Stores a lane's call in its grain; on success the lane's poll awaits the outcomes, on failure they are dead letters.</summary>
    private async Task StoreAsync(IPartitionGrain grain, Lane lane, Pending[] batch)
    {
        StoredLane stored;
        lock (_lock)
        {
            if (!_storedLanes.TryGetValue(lane.Key, out stored!))
                _storedLanes.Add(lane.Key, stored = new StoredLane(grain));
            // Awaited before the call is sent: the poll may bring an outcome before the store call's reply arrives.
            foreach (var pending in batch)
                stored.Awaiting.Add(pending.Sequence, pending);
        }

        Interlocked.Increment(ref _busy);
        long sentAt = Stopwatch.GetTimestamp();
        foreach (var pending in batch)
            pending.SentAt = sentAt;
        var (failure, attempts) = await StoreWithRedeliveryAsync(grain, batch).ConfigureAwait(false);
        Interlocked.Increment(ref _calls);
        Interlocked.Add(ref _calledRequests, batch.Length);
        Interlocked.Decrement(ref _busy);
        _callSlots.Release();

        if (failure is null)
        {
            bool startPoll;
            lock (_lock)
            {
                foreach (var pending in batch)
                    pending.IsStored = true;
                startPoll = !stored.Polling;
                stored.Polling = true;
            }
            if (startPoll)
                _ = Task.Run(() => PollOutcomesAsync(lane.Key, stored));
            foreach (var pending in batch)
                pending.Stored?.TrySetResult();
            return;
        }

        var notStored = new List<Pending>(batch.Length);
        lock (_lock)
        {
            foreach (var pending in batch)
            {
                if (stored.Awaiting.Remove(pending.Sequence))
                    notStored.Add(pending); // (one whose outcome came in anyway was stored after all, and is finished)
            }
            if (stored.Awaiting.Count == 0 && !stored.Polling)
                ForgetStoredLaneLocked(lane.Key, stored);
        }
        foreach (var pending in notStored)
            pending.Stored?.TrySetException(failure);
        await FinishFailedAsync(notStored, failure, attempts).ConfigureAwait(false);
    }

    /// <summary>
    /// Calls <see cref="IPartitionGrain.StoreAsync"/> until the requests are stored, redelivering after a failed call as
    /// <see cref="DeliverAsync"/> does (same sequences: the grain skips what it stored already). "Full" is no failure:
    /// the call is repeated after <see cref="ClusterExecutorOptions.RedeliveryDelay"/> for as long as the grain stays full
    /// (an answer, so each repetition has a redelivery deadline of its own).
    /// </summary>
    private async Task<(Exception? Failure, int Attempts)> StoreWithRedeliveryAsync(IPartitionGrain grain, Pending[] batch)
    {
        var requests = RequestsOf(batch);
        int attempts = 0;
        while (true)
        {
            var (stored, failure, made) = await CallWithRedeliveryAsync(() => grain.StoreAsync(requests, _options.MaxStoredPerGrain)).ConfigureAwait(false);
            attempts += made;
            if (stored || failure is not null)
                return (failure, attempts);
            await Task.Delay(_options.RedeliveryDelay).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Polls a lane's grain for the outcomes of its stored requests and finishes each as it comes, until none is awaited.
    /// A poll that keeps failing for <see cref="ClusterExecutorOptions.RedeliveryTimeout"/> (or cannot succeed) gives the
    /// stored requests up as dead letters with its failure: they may still run on the grain, but this client cannot learn.
    /// </summary>
    private async Task PollOutcomesAsync(string laneKey, StoredLane stored)
    {
        while (true)
        {
            long acknowledged;
            lock (_lock)
            {
                if (stored.Awaiting.Count == 0)
                {
                    stored.Polling = false;
                    ForgetStoredLaneLocked(laneKey, stored);
                    return;
                }
                acknowledged = stored.AcknowledgedUpTo;
            }

            var (answer, failure, _) = await CallWithRedeliveryAsync(() => stored.Grain.TakeOutcomesAsync(_client, acknowledged)).ConfigureAwait(false);
            if (failure is not null)
            {
                await GiveUpStoredAsync(stored, failure).ConfigureAwait(false);
                continue;
            }
            var outcomes = answer!;

            var finished = new List<(Pending Pending, StoredOutcome Outcome)>(outcomes.Length);
            lock (_lock)
            {
                foreach (var outcome in outcomes)
                {
                    // Outcomes this lane does not await (an earlier lane's, not yet acknowledged) are acknowledged too.
                    stored.AcknowledgedUpTo = Math.Max(stored.AcknowledgedUpTo, outcome.Sequence);
                    if (stored.Awaiting.Remove(outcome.Sequence, out var pending))
                        finished.Add((pending, outcome));
                }
            }
            foreach (var (pending, outcome) in finished)
            {
                pending.Stored?.TrySetResult();
                await FinishAsync(pending, new ClusterReply(outcome.Result, outcome.Failure, Replayed: false), new Outcome(null, null, 1)).ConfigureAwait(false);
            }
            ReleaseFinished(finished.ConvertAll(entry => entry.Pending));
        }
    }

    /// <summary>
    /// Forgets a lane's stored-request record, unless a newer one took its place. A lane has at most one record with
    /// requests at a time, and so one poll: a second poller would acknowledge outcomes the first awaits (each poll
    /// acknowledges everything it was given), and the grain would forget them before the first got them. A record is
    /// only forgotten empty, and nothing is added to a forgotten one (requests join the record the dictionary holds).
    /// </summary>
    private void ForgetStoredLaneLocked(string laneKey, StoredLane stored)
    {
        if (_storedLanes.TryGetValue(laneKey, out var current) && current == stored)
            _storedLanes.Remove(laneKey);
    }

    /// <summary>Finishes the lane's stored requests as dead letters with a poll's failure, and acknowledges past them.</summary>
    private async Task GiveUpStoredAsync(StoredLane stored, Exception failure)
    {
        var givenUp = new List<Pending>();
        lock (_lock)
        {
            foreach (var pending in stored.Awaiting.Values)
            {
                if (pending.IsStored)
                    givenUp.Add(pending);
            }
            foreach (var pending in givenUp)
            {
                stored.Awaiting.Remove(pending.Sequence);
                stored.AcknowledgedUpTo = Math.Max(stored.AcknowledgedUpTo, pending.Sequence);
            }
        }
        await FinishFailedAsync(givenUp, failure, attempts: 1).ConfigureAwait(false);
    }

    private async Task FinishFailedAsync(List<Pending> failed, Exception failure, int attempts)
    {
        foreach (var pending in failed)
            await FinishAsync(pending, reply: null, new Outcome(null, failure, attempts)).ConfigureAwait(false);
        ReleaseFinished(failed);
    }

    /// <summary>Gives finished requests' places in the room back, as the pump does after a call in the default mode.</summary>
    private void ReleaseFinished(List<Pending> finished)
    {
        if (finished.Count == 0)
            return;
        long now = Stopwatch.GetTimestamp();
        List<Lane>? started;
        lock (_lock)
        {
            foreach (var pending in finished)
            {
                _queueTime.Record(pending.SentAt - pending.AcceptedAt);
                _processingTime.Record(now - pending.SentAt);
                ForgetLocked(pending.Key);
            }
            _room.Release(finished.Count);
            started = AdmitWaitersLocked();
            ClearQueueFillIfSettledLocked();
            if (_room.Taken == 0)
                _idle?.TrySetResult(true);
        }
        StartPumps(started);
    }

    /// <summary>A lane's requests at its grain (being stored or stored) and its poll. Guarded by <see cref="_lock"/>.</summary>
    private sealed class StoredLane
    {
        public StoredLane(IPartitionGrain grain) => Grain = grain;

        public IPartitionGrain Grain { get; }

        public Dictionary<long, Pending> Awaiting { get; } = new();

        /// <summary>A poll loop is running for this lane.</summary>
        public bool Polling { get; set; }

        /// <summary>The highest sequence whose outcome came from the grain; the next poll acknowledges up to it.</summary>
        public long AcknowledgedUpTo { get; set; }
    }
}
