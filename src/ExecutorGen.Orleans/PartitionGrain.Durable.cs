using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace ExecutorGen.Orleans;

/// <summary>
/// The stored queue of <see cref="ClusterExecutorOptions.Durable"/> clients: a store call appends to the persisted queue
/// and starts processing; processing runs one turn per one-way self-call, so that store calls are served between turns
/// and every state write happens in a non-interleaved call, one at a time.
/// </summary>
/// <remarks>
/// A turn's requests leave the queue in the same write that keeps their outcomes, after they ran: a silo that dies
/// mid-turn leaves them stored, and the next activation runs them again (at most <see cref="StoredQueue.MaxPerTurn"/>).
/// A write the storage refuses leaves memory ahead of storage, so the activation is given up
/// (<see cref="Grain.DeactivateOnIdle"/>) and the next one reads the stored state: a failed store is redelivered by its
/// client, and a failed turn runs again when the grain is next activated (by any call, such as its clients' polls).
/// </remarks>
internal sealed partial class PartitionGrain
{
    private static readonly TimeSpan s_outcomeWait = TimeSpan.FromSeconds(5);

    private bool _processingScheduled;
    // True while a turn's write is under way: its outcomes are in memory but not yet stored, so polls do not hand them out.
    private bool _writingOutcomes;
    private TaskCompletionSource _outcomesWritten = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Acknowledgements from polls (which interleave), applied to the state by the next write.
    private readonly Dictionary<Guid, long> _acknowledged = new();

    public async Task<bool> StoreAsync(ClusterRequest[] requests, int maxStored)
    {
        CheckOneClient(requests);
        if (maxStored < 1)
            throw new ArgumentOutOfRangeException(nameof(maxStored), maxStored, "maxStored must be at least 1.");
        var unstored = StoredQueue.Unstored(_state.State, requests);
        if (unstored.Count == 0)
            return true;
        if (_state.State.Stored.Count + unstored.Count > maxStored)
            return false;
        StoredQueue.Append(_state.State, unstored, DateTime.UtcNow);
        await WriteStoredStateAsync("stored requests");
        ScheduleProcessing();
        return true;
    }

    public async Task ProcessStoredAsync()
    {
        _processingScheduled = false;
        var turn = StoredQueue.NextTurn(_state.State, StoredQueue.MaxPerTurn);
        if (turn.Length == 0)
            return;
        var replies = new ClusterReply[turn.Length];
        IClusterDispatcher? dispatcher = null;
        if (_catalog?.TryGet(_executor, out dispatcher) == true)
        {
            for (int next = 0; next < turn.Length;)
                next += await RunGroupAsync(dispatcher!, turn, next, replies);
        }
        else
        {
            Array.Fill(replies, new ClusterReply(null, NotRegistered(), Replayed: false));
        }

        StoredQueue.Finish(_state.State, turn, replies, DateTime.UtcNow);
        _writingOutcomes = true;
        try
        {
            await WriteStoredStateAsync("outcomes of stored requests");
        }
        finally
        {
            _writingOutcomes = false;
            var written = _outcomesWritten;
            _outcomesWritten = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            written.TrySetResult(); // polls look again (after a failed write they find nothing new: the activation ends)
        }
        ScheduleProcessing();
    }

    public async Task<StoredOutcome[]> TakeOutcomesAsync(Guid client, long acknowledgedUpTo)
    {
        if (!_acknowledged.TryGetValue(client, out long acknowledged) || acknowledgedUpTo > acknowledged)
            _acknowledged[client] = acknowledged = acknowledgedUpTo;
        // A poll may be the call that activated the grain after its silo died: activation resumed the stored work.
        var giveUp = Task.Delay(s_outcomeWait);
        while (true)
        {
            if (!_writingOutcomes)
            {
                var outcomes = StoredQueue.OutcomesAfter(_state.State, client, acknowledged);
                if (outcomes.Length > 0)
                    return outcomes;
            }
            if (await Task.WhenAny(_outcomesWritten.Task, giveUp) == giveUp)
                return Array.Empty<StoredOutcome>();
        }
    }

    /// <summary>On activation: a grain with stored work (its previous activation died or was given up) carries on.</summary>
    private void ResumeStoredWork()
    {
        if (_state.State.Stored.Count > 0)
            ScheduleProcessing();
    }

    private void ScheduleProcessing()
    {
        if (_processingScheduled || _state.State.Stored.Count == 0)
            return;
        _processingScheduled = true;
        // One-way: the message joins the grain's queue behind the calls waiting now, which run first.
        _ = this.AsReference<IPartitionGrain>().ProcessStoredAsync();
    }

    private async Task WriteStoredStateAsync(string what)
    {
        foreach (var (client, upTo) in _acknowledged)
            StoredQueue.Acknowledge(_state.State, client, upTo);
        _acknowledged.Clear();
        try
        {
            await _state.WriteStateAsync();
            _unstoredMarks = false;
        }
        catch (Exception exception)
        {
            DeactivateOnIdle();
            if (exception is InconsistentStateException)
                throw;
            // As in StoreMarksAsync: the driver's exception may not serialize; Orleans' own is redelivered.
            throw new OrleansException($"The {what} could not be written to the '{ClusterHandlers.StorageName}' grain storage: {exception.GetType().FullName}: {exception.Message}");
        }
    }
}
