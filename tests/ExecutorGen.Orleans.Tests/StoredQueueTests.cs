using System;
using System.Linq;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

public sealed class StoredQueueTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid s_client = Guid.NewGuid();
    private static readonly Guid s_other = Guid.NewGuid();

    private static ClusterRequest Request(Guid client, string key, long sequence) => new(0, client, key, sequence, Array.Empty<object?>());

    [Fact]
    public void A_redelivered_store_skips_what_is_stored_already_per_client_and_key()
    {
        var state = new PartitionGrainState();
        StoredQueue.Append(state, new[] { Request(s_client, "a", 1), Request(s_client, "a", 2) }, s_now);

        var again = StoredQueue.Unstored(state, new[] { Request(s_client, "a", 2), Request(s_client, "a", 3), Request(s_client, "b", 1), Request(s_other, "a", 1) });

        Assert.Equal(new[] { ("a", 3L), ("b", 1L), ("a", 1L) }, again.Select(request => (request.Key, request.Sequence)));
        Assert.Equal(new long[] { 1, 2 }, state.Stored.Select(request => request.Sequence));
    }

    [Fact]
    public void A_turn_takes_the_head_clients_consecutive_requests_up_to_the_limit()
    {
        var state = new PartitionGrainState();
        StoredQueue.Append(state, new[] { Request(s_client, "a", 1), Request(s_client, "b", 2), Request(s_client, "a", 3) }, s_now);
        StoredQueue.Append(state, new[] { Request(s_other, "a", 1) }, s_now);

        Assert.Equal(new long[] { 1, 2 }, StoredQueue.NextTurn(state, maxRequests: 2).Select(request => request.Sequence));
        Assert.Equal(3, StoredQueue.NextTurn(state, maxRequests: 32).Length); // stops at the other client
        Assert.Equal(4, state.Stored.Count); // a turn's requests stay stored until it finishes
        Assert.Empty(StoredQueue.NextTurn(new PartitionGrainState(), maxRequests: 32));
    }

    [Fact]
    public void Finishing_a_turn_removes_its_requests_and_keeps_their_outcomes_until_acknowledged()
    {
        var state = new PartitionGrainState();
        StoredQueue.Append(state, new[] { Request(s_client, "a", 1), Request(s_client, "a", 2), Request(s_client, "a", 3) }, s_now);
        var failure = new InvalidOperationException("boom");

        var turn = StoredQueue.NextTurn(state, maxRequests: 2);
        StoredQueue.Finish(state, turn, new[] { new ClusterReply(10, null, false), new ClusterReply(null, failure, false) }, s_now);

        Assert.Equal(new long[] { 3 }, state.Stored.Select(request => request.Sequence));
        var outcomes = StoredQueue.OutcomesAfter(state, s_client, 0);
        Assert.Equal(new long[] { 1, 2 }, outcomes.Select(outcome => outcome.Sequence));
        Assert.Equal(10, outcomes[0].Result);
        Assert.Same(failure, outcomes[1].Failure);
        Assert.Single(StoredQueue.OutcomesAfter(state, s_client, 1));

        StoredQueue.Acknowledge(state, s_client, 2);
        Assert.Empty(state.Outcomes);
    }

    [Fact]
    public void Outcomes_and_stored_sequences_of_clients_that_went_away_are_pruned_after_the_retention()
    {
        var state = new PartitionGrainState();
        StoredQueue.Append(state, new[] { Request(s_client, "a", 1) }, s_now);
        StoredQueue.Finish(state, StoredQueue.NextTurn(state, 32), new[] { new ClusterReply(null, null, false) }, s_now);

        var later = s_now + SequenceLedger.Retention + TimeSpan.FromMinutes(1);
        StoredQueue.Append(state, new[] { Request(s_other, "b", 1) }, later);

        Assert.False(state.Outcomes.ContainsKey(s_client));
        Assert.Equal(new[] { SequenceLedger.MarkKey(s_other, "b") }, state.StoredUpTo.Keys);
    }
}
