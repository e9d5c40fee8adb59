using System;
using System.Collections.Generic;

namespace ExecutorGen.Orleans;

/// <summary>
/// The stored-queue rules of a partition grain with <see cref="ClusterExecutorOptions.Durable"/> clients, kept apart from
/// the grain so that they can be tested alone. A durable client stores a grain's requests one call at a time, in
/// ascending sequence; the grain runs them from the head of its queue and keeps each outcome until the client
/// acknowledges it. Everything here changes <see cref="PartitionGrainState"/> in memory only: the grain writes it.
/// </summary>
public static class StoredQueue
{
    /// <summary>
    /// The most stored requests one processing turn runs (consecutive requests of one client at the head of the queue).
    /// They leave the queue in one write after they ran, so a silo that dies mid-turn runs at most this many again.
    /// </summary>
    public const int MaxPerTurn = 32;

    /// <summary>The requests of a store call that are not stored yet (a redelivered call's stored ones are skipped).</summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="requests">The store call's requests: one client; each key's in ascending sequence.</param>
    public static List<ClusterRequest> Unstored(PartitionGrainState state, IReadOnlyList<ClusterRequest> requests)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        if (requests is null)
            throw new ArgumentNullException(nameof(requests));
        var unstored = new List<ClusterRequest>(requests.Count);
        foreach (var request in requests)
        {
            if (!state.StoredUpTo.TryGetValue(SequenceLedger.MarkKey(request.Client, request.Key), out var stored) || request.Sequence > stored.Sequence)
                unstored.Add(request);
        }
        return unstored;
    }

    /// <summary>Appends requests to the queue and records each key's highest stored sequence; prunes stale entries.</summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="requests">Requests from <see cref="Unstored"/>.</param>
    /// <param name="now">The current time (UTC).</param>
    public static void Append(PartitionGrainState state, IReadOnlyList<ClusterRequest> requests, DateTime now)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        if (requests is null)
            throw new ArgumentNullException(nameof(requests));
        PruneStale(state, now);
        foreach (var request in requests)
        {
            state.Stored.Add(request);
            state.StoredUpTo[SequenceLedger.MarkKey(request.Client, request.Key)] = new StoredSequence(request.Sequence, now);
        }
    }

    /// <summary>The next processing turn: the consecutive requests of the head's client, up to <paramref name="maxRequests"/>.</summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="maxRequests">The most requests to take.</param>
    /// <returns>The turn's requests, still in the queue; empty when the queue is.</returns>
    public static ClusterRequest[] NextTurn(PartitionGrainState state, int maxRequests)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        var stored = state.Stored;
        int count = 0;
        while (count < stored.Count && count < maxRequests && stored[count].Client == stored[0].Client)
            count++;
        return stored.GetRange(0, count).ToArray();
    }

    /// <summary>
    /// Takes a turn's requests off the head of the queue and keeps their outcomes for their client; prunes outcomes and
    /// stored sequences older than <see cref="SequenceLedger.Retention"/> (their clients went away).
    /// </summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="turn">The turn's requests, as <see cref="NextTurn"/> gave them.</param>
    /// <param name="replies">Their outcomes, in the same order.</param>
    /// <param name="now">The current time (UTC).</param>
    /// <exception cref="ArgumentException">The lists are of different lengths.</exception>
    public static void Finish(PartitionGrainState state, IReadOnlyList<ClusterRequest> turn, IReadOnlyList<ClusterReply> replies, DateTime now)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        if (turn is null)
            throw new ArgumentNullException(nameof(turn));
        if (replies is null)
            throw new ArgumentNullException(nameof(replies));
        if (turn.Count != replies.Count)
            throw new ArgumentException("Each request needs its reply.", nameof(replies));
        PruneStale(state, now);
        state.Stored.RemoveRange(0, turn.Count);
        for (int i = 0; i < turn.Count; i++)
        {
            if (!state.Outcomes.TryGetValue(turn[i].Client, out var outcomes))
                state.Outcomes[turn[i].Client] = outcomes = new List<StoredOutcome>();
            outcomes.Add(new StoredOutcome(turn[i].Sequence, replies[i].Result, replies[i].Failure, now));
        }
    }

    /// <summary>Forgets a client's outcomes up to a sequence: the client has them.</summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="client">The client.</param>
    /// <param name="upToSequence">The highest sequence it acknowledged.</param>
    public static void Acknowledge(PartitionGrainState state, Guid client, long upToSequence)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        if (!state.Outcomes.TryGetValue(client, out var outcomes))
            return;
        outcomes.RemoveAll(outcome => outcome.Sequence <= upToSequence);
        if (outcomes.Count == 0)
            state.Outcomes.Remove(client);
    }

    /// <summary>A client's outcomes above a sequence, oldest first.</summary>
    /// <param name="state">The grain's state.</param>
    /// <param name="client">The client.</param>
    /// <param name="aboveSequence">The highest sequence it acknowledged.</param>
    public static StoredOutcome[] OutcomesAfter(PartitionGrainState state, Guid client, long aboveSequence)
    {
        if (state is null)
            throw new ArgumentNullException(nameof(state));
        if (!state.Outcomes.TryGetValue(client, out var outcomes))
            return Array.Empty<StoredOutcome>();
        return outcomes.FindAll(outcome => outcome.Sequence > aboveSequence).ToArray();
    }

    private static void PruneStale(PartitionGrainState state, DateTime now)
    {
        state.StoredUpTo.RemoveWhere(stored => now - stored.StoredAt > SequenceLedger.Retention);
        foreach (var outcomes in state.Outcomes.Values)
            outcomes.RemoveAll(outcome => now - outcome.FinishedAt > SequenceLedger.Retention);
        state.Outcomes.RemoveWhere(outcomes => outcomes.Count == 0); // their clients went away
    }
}
