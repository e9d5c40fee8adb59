using System;
using System.Threading;

namespace ExecutorGen.Runtime;

/// <summary>
/// The room a scheduler admits requests into: its capacity, the places taken (queued requests), the submitters
/// waiting for a place, and the rules of who may take one. Each scheduler has its own, guarded by its lock (the
/// waiters' fields by the engine's lock as well), except under sharded PerKey, where the shards share one for the
/// whole executor's capacity: its places are then taken and given back with interlocked operations under whichever
/// shard's lock, and its waiters' fields are written under the engine's lock only.
/// </summary>
/// <remarks>
/// Waiting submitters are woken in batches. Once a submitter has had to wait, the room counts as full for every
/// submitter while anyone waits (<see cref="Held"/>), until it has drained by its <see cref="Slack"/> (an eighth);
/// then the waiters are admitted in arrival order while there is room. Waking a waiter for every freed place cost a
/// thread-pool hop per request: one producer keeping a queue full waited 64,000 times per million requests, and a
/// woken producer found room for one request only. The cluster engine links this file and keeps its accepted and
/// unfinished requests in one room, not shared, under its lock.
/// </remarks>
internal sealed class Room
{
    private readonly bool _shared;
    private int _taken;
    private int _waiters;
    private bool _held;

    public Room(int capacity, bool shared)
    {
        Resize(capacity);
        _shared = shared;
    }

    /// <summary>The most requests it holds queued.</summary>
    public int Capacity { get; private set; }

    /// <summary>How far a held room must drain before its waiters are admitted.</summary>
    public int Slack { get; private set; }

    /// <summary>
    /// Sets a new capacity (a partition's share after a re-partitioning, under its scheduler's lock). Places taken
    /// stay taken: a room left over its new capacity admits nothing until it has drained below it.
    /// </summary>
    public void Resize(int capacity)
    {
        Capacity = capacity;
        Slack = Math.Max(1, capacity / 8);
    }

    /// <summary>Whether several schedulers share it (sharded PerKey).</summary>
    public bool IsShared => _shared;

    /// <summary>Places taken: the queued requests it counts.</summary>
    public int Taken => Volatile.Read(ref _taken);

    /// <summary>Submitters waiting for a place; while it is zero an admission needs no look at the engine's waiters.</summary>
    public int Waiters => Volatile.Read(ref _waiters);

    /// <summary>Full for every newcomer while anyone waits, until drained by the slack (see the remarks).</summary>
    public bool Held
    {
        get => Volatile.Read(ref _held);
        private set => Volatile.Write(ref _held, value);
    }

    /// <summary>Whether a newcomer finds no place: full, or held for earlier waiters.</summary>
    public bool IsFull => Taken >= Capacity || (Waiters > 0 && Held);

    /// <summary>Whether a waiter could be admitted now: a place is free, and a held room has drained by its slack.</summary>
    public bool WaitersMayEnter => Waiters > 0 && Taken < Capacity && !(Held && Taken > Capacity - Slack);

    /// <summary>Takes a place if one is free. Shared, two shards can never both take the last one.</summary>
    public bool TryTake()
    {
        if (!_shared)
        {
            if (_taken >= Capacity)
                return false;
            Volatile.Write(ref _taken, _taken + 1);
            return true;
        }
        while (true)
        {
            int taken = Volatile.Read(ref _taken);
            if (taken >= Capacity)
                return false;
            if (Interlocked.CompareExchange(ref _taken, taken + 1, taken) == taken)
                return true;
        }
    }

    /// <summary>Takes a place for a submitter that has not waited: none while the room is held for earlier waiters.</summary>
    public bool TryTakeForNewcomer() => !(Waiters > 0 && Held) && TryTake();

    /// <summary>
    /// Whether the oldest waiter not yet looked at may be admitted, room-wise: a place is free and a held room has
    /// drained by its slack. A full room is held from here on, so no later waiter passes this one. The caller then
    /// checks the waiter's own limits and takes its place with <see cref="TryTakeForWaiter"/>.
    /// </summary>
    public bool MayAdmitWaiter()
    {
        if (Held)
        {
            if (Taken > Capacity - Slack)
                return false;
            Held = false;
        }
        if (Taken >= Capacity)
        {
            Held = true; // filled again by the waiters before this one
            return false;
        }
        return true;
    }

    /// <summary>Takes a place for a waiter that <see cref="MayAdmitWaiter"/> let through; the caller then removes the waiter.</summary>
    public bool TryTakeForWaiter()
    {
        if (TryTake())
            return true;
        Held = true; // shared, another shard took the last place meanwhile
        return false;
    }

    /// <summary>Takes a place whether or not one is free: a faulted worker's request comes back even when full.</summary>
    public void TakeAnyway() => Add(1);

    /// <summary>Gives places back (requests started, shed or removed). Shared, a full barrier: see <see cref="AddWaiter"/>.</summary>
    public void Release(int count = 1) => Add(-count);

    /// <summary>
    /// A submitter waits for a place (the caller adds it to the engine's waiters). Shared, a place given back in
    /// another shard at the same time is seen either by that shard's worker (which then admits waiters) or here:
    /// both sides change one number with a full barrier and then read the other's. Returns whether this look saw
    /// a place for a waiter, which the caller must then admit itself (never when not shared: one lock orders both).
    /// </summary>
    public bool AddWaiter()
    {
        Held |= IsFull;
        if (!_shared)
        {
            Volatile.Write(ref _waiters, _waiters + 1);
            return false;
        }
        Interlocked.Increment(ref _waiters);
        return WaitersMayEnter;
    }

    /// <summary>A waiter left without a place (cancelled, or admitted by the caller). With nobody left waiting, nothing is held.</summary>
    public void RemoveWaiter()
    {
        if (Interlocked.Decrement(ref _waiters) == 0)
            Held = false;
    }

    /// <summary>Shutdown refused every waiter.</summary>
    public void ClearWaiters()
    {
        Volatile.Write(ref _waiters, 0);
        Held = false;
    }

    private void Add(int count)
    {
        if (_shared)
            Interlocked.Add(ref _taken, count);
        else
            Volatile.Write(ref _taken, _taken + count);
    }
}
