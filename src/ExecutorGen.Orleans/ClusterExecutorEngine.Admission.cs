using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen.Runtime;

namespace ExecutorGen.Orleans;

public sealed partial class ClusterExecutorEngine
{
    // Submitters waiting for room under QueueFullMode.Wait, oldest first. Guarded by _lock, as is the room's count of them.
    private readonly LinkedList<Waiter> _waiters = new();

    // Accepted and unfinished requests per key, kept only when MaxQueuedPerKey is set (a lane can hold several keys).
    // Guarded by _lock.
    private readonly Dictionary<string, int>? _keyCounts;

    private Pending NewPending(ClusterCall call, TaskCompletionSource<object?>? completion)
    {
        string key = call.Keyed
            ? ClusterKeys.Format(call.Key)
            : "~" + ((ulong)Interlocked.Increment(ref _unorderedCounter) % UnorderedLanes).ToString(CultureInfo.InvariantCulture);
        // One lane per grain: with buckets, the keys of a bucket share its lane, so that a call can carry all of them
        // (the bucket's grain runs them one at a time anyway).
        string lane = _options.BucketCount is { } buckets ? "#" + ClusterKeys.Bucket(key, buckets).ToString(CultureInfo.InvariantCulture) : key;
        return new Pending(call, key, lane, completion);
    }

    private async ValueTask AdmitAsync(Pending pending, CancellationToken cancellationToken)
    {
        Waiter? waiter = null;
        Lane? start;
        Admission admission;
        lock (_lock)
        {
            admission = TryAdmitLocked(pending, out start);
            if (admission == Admission.Full && _options.FullMode == QueueFullMode.Wait && !cancellationToken.IsCancellationRequested)
            {
                waiter = new Waiter(this, pending);
                _room.AddWaiter();
                _waiters.AddLast(waiter.Node);
            }
        }
        if (admission == Admission.Accepted)
        {
            StartPump(start);
            return;
        }
        if (waiter is null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Interlocked.Increment(ref _rejected);
            throw new RequestRejectedException(admission == Admission.ShuttingDown ? RejectionReason.ShuttingDown : RejectionReason.Full);
        }

        // Registered after the waiter joined the list: the callback acts only on a waiter still in it.
        using (cancellationToken.Register(static (state, token) => ((Waiter)state!).Cancel(token), waiter))
            await waiter.Admitted.Task.ConfigureAwait(false);
    }

    private Admission TryAdmit(Pending pending)
    {
        Lane? start;
        Admission admission;
        lock (_lock)
            admission = TryAdmitLocked(pending, out start);
        if (admission == Admission.Accepted)
            StartPump(start);
        return admission;
    }

    /// <summary>
    /// Admits a request that has not waited. It may not pass an earlier waiter: not while the room is held for the
    /// waiters, nor a waiter of its own key (that would overtake the key's earlier request).
    /// </summary>
    private Admission TryAdmitLocked(Pending pending, out Lane? start)
    {
        start = null;
        if (_state != ExecutorState.Running)
            return Admission.ShuttingDown;
        _lanes.TryGetValue(pending.LaneKey, out var lane);
        if (KeyFullLocked(pending.Key) || (_room.Waiters > 0 && WaiterHoldsKeyLocked(pending.Key)) || !_room.TryTakeForNewcomer())
            return Admission.Full;
        start = EnqueueLocked(pending, lane);
        RaiseQueueFillIfReachedLocked();
        return Admission.Accepted;
    }

    private bool KeyFullLocked(string key) =>
        _keyCounts is not null && _keyCounts.TryGetValue(key, out int count) && count >= _options.MaxQueuedPerKey;

    /// <summary>Whether a keyed waiter waits for this key. Unkeyed requests overtake nothing: their lanes only spread them.</summary>
    private bool WaiterHoldsKeyLocked(string key)
    {
        foreach (var waiter in _waiters)
        {
            if (waiter.Pending.Call.Keyed && waiter.Pending.Key == key)
                return true;
        }
        return false;
    }

    /// <summary>A request of <paramref name="key"/> is no longer accepted and unfinished (it finished, or was kept back).</summary>
    private void ForgetLocked(string key)
    {
        if (_keyCounts is not null && _keyCounts.TryGetValue(key, out int count))
        {
            if (count == 1)
                _keyCounts.Remove(key);
            else
                _keyCounts[key] = count - 1;
        }
    }

    /// <summary>Queues an admitted request, whose place in the room is taken. Returns its lane if that needs a pump.</summary>
    private Lane? EnqueueLocked(Pending pending, Lane? lane)
    {
        if (lane is null)
        {
            lane = new Lane(pending.LaneKey, ClusterKeys.GrainKey(_executor, pending.Key, _options.BucketCount));
            _lanes.Add(pending.LaneKey, lane);
        }
        if (_keyCounts is not null)
            _keyCounts[pending.Key] = _keyCounts.TryGetValue(pending.Key, out int count) ? count + 1 : 1;
        // Sequence numbers grow per client; per key they therefore grow in submission order, which is all the grain needs.
        pending.Sequence = ++_sequence;
        pending.AcceptedAt = Stopwatch.GetTimestamp();
        lane.Queue.Enqueue(pending);
        _queued++;
        _submitted++;
        if (lane.Running || _paused)
            return null; // a paused executor's lane waits for Resume
        lane.Running = true;
        return lane;
    }

    /// <summary>
    /// Admits waiting submitters in arrival order while the room lets them in (<see cref="Room.MayAdmitWaiter"/>): a
    /// waiter held by its key's limit is passed by waiters of other keys, never by one of its own. Each admitted waiter
    /// is queued here, on its behalf, and its submitter released. Returns the lanes that need a pump.
    /// </summary>
    private List<Lane>? AdmitWaitersLocked()
    {
        List<Lane>? started = null;
        for (var node = _waiters.First; node is not null && _room.MayAdmitWaiter();)
        {
            var next = node.Next;
            var waiter = node.Value;
            if (!KeyFullLocked(waiter.Pending.Key))
            {
                _lanes.TryGetValue(waiter.Pending.LaneKey, out var lane);
                if (!_room.TryTakeForWaiter())
                    break;
                _waiters.Remove(node);
                _room.RemoveWaiter();
                if (EnqueueLocked(waiter.Pending, lane) is { } start)
                    (started ??= new List<Lane>()).Add(start);
                waiter.Admitted.TrySetResult(); // its submitter carries on asynchronously, not under the lock
            }
            node = next;
        }
        RaiseQueueFillIfReachedLocked();
        return started;
    }

    private void CancelWaiter(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node.List is null)
                return; // admitted or refused already
            _waiters.Remove(waiter.Node);
            _room.RemoveWaiter();
        }
        waiter.Admitted.TrySetCanceled(cancellationToken);
    }

    /// <summary>Shutdown began: every waiter is refused, as a submitter arriving now would be.</summary>
    private List<Waiter>? TakeWaitersLocked()
    {
        if (_waiters.Count == 0)
            return null;
        var refused = new List<Waiter>(_waiters);
        _waiters.Clear();
        _room.ClearWaiters();
        return refused;
    }

    private void Refuse(List<Waiter>? refused)
    {
        if (refused is null)
            return;
        foreach (var waiter in refused)
        {
            Interlocked.Increment(ref _rejected);
            waiter.Admitted.TrySetException(new RequestRejectedException(RejectionReason.ShuttingDown));
        }
    }

    private void StartPump(Lane? lane)
    {
        if (lane is not null)
            _ = Task.Run(() => PumpAsync(lane));
    }

    private void StartPumps(List<Lane>? lanes)
    {
        if (lanes is null)
            return;
        foreach (var lane in lanes)
            StartPump(lane);
    }

    private enum Admission
    {
        Accepted,
        Full,
        ShuttingDown,
    }

    /// <summary>A submitter waiting for room. In <see cref="_waiters"/> exactly while it waits; whoever takes it out completes it.</summary>
    private sealed class Waiter
    {
        private readonly ClusterExecutorEngine _engine;

        public Waiter(ClusterExecutorEngine engine, Pending pending)
        {
            _engine = engine;
            Pending = pending;
            Node = new LinkedListNode<Waiter>(this);
        }

        public Pending Pending { get; }

        public LinkedListNode<Waiter> Node { get; }

        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Cancel(CancellationToken cancellationToken) => _engine.CancelWaiter(this, cancellationToken);
    }
}
