using System;
using System.Collections.Generic;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>The grain's de-duplication rule on its own.</summary>
public sealed class SequenceLedgerTests
{
    private static readonly DateTime s_now = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Guid s_client = Guid.NewGuid();

    private static ClusterRequest Request(long sequence, string key = "alice", Guid? client = null) =>
        new(0, client ?? s_client, key, sequence, Array.Empty<object?>());

    [Fact]
    public void A_first_request_runs()
    {
        var marks = new Dictionary<string, SequenceMark>();
        Assert.False(SequenceLedger.TryReplay(marks, Request(1), out var reply));
        Assert.Null(reply);
    }

    [Fact]
    public void A_redelivery_of_the_last_request_gets_its_stored_result_and_does_not_run()
    {
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, Request(5), new ClusterReply(42, null, false), s_now);

        Assert.True(SequenceLedger.TryReplay(marks, Request(5), out var reply));
        Assert.True(reply!.Replayed);
        Assert.Equal(42, reply.Result);
        Assert.Null(reply.Failure);
    }

    [Fact]
    public void A_redelivery_of_a_failed_request_gets_the_same_failure()
    {
        var marks = new Dictionary<string, SequenceMark>();
        var failure = new InvalidOperationException("boom");
        SequenceLedger.Record(marks, Request(5), new ClusterReply(null, failure, false), s_now);

        Assert.True(SequenceLedger.TryReplay(marks, Request(5), out var reply));
        Assert.Same(failure, reply!.Failure);
    }

    [Fact]
    public void An_older_sequence_does_not_run_and_returns_nothing()
    {
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, Request(5), new ClusterReply(42, null, false), s_now);

        Assert.True(SequenceLedger.TryReplay(marks, Request(4), out var reply));
        Assert.True(reply!.Replayed);
        Assert.Null(reply.Result);
    }

    [Fact]
    public void A_newer_sequence_runs_even_with_gaps()
    {
        // Sequence numbers are per client, over all keys: one key sees gaps.
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, Request(5), new ClusterReply(42, null, false), s_now);
        Assert.False(SequenceLedger.TryReplay(marks, Request(9), out _));
    }

    [Fact]
    public void Clients_and_keys_have_their_own_marks()
    {
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, Request(5), new ClusterReply(42, null, false), s_now);
        Assert.False(SequenceLedger.TryReplay(marks, Request(5, client: Guid.NewGuid()), out _));
        Assert.False(SequenceLedger.TryReplay(marks, Request(5, key: "bob"), out _));
    }

    [Fact]
    public void Marks_older_than_the_retention_are_pruned_on_the_next_record()
    {
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, Request(5, key: "old"), new ClusterReply(1, null, false), s_now);
        SequenceLedger.Record(marks, Request(6, key: "recent"), new ClusterReply(2, null, false), s_now + SequenceLedger.Retention);
        Assert.Equal(2, marks.Count); // exactly the retention: kept

        SequenceLedger.Record(marks, Request(7, key: "new"), new ClusterReply(3, null, false), s_now + SequenceLedger.Retention + TimeSpan.FromSeconds(1));
        Assert.False(marks.ContainsKey(SequenceLedger.MarkKey(s_client, "old")));
        Assert.True(marks.ContainsKey(SequenceLedger.MarkKey(s_client, "recent")));
        Assert.True(marks.ContainsKey(SequenceLedger.MarkKey(s_client, "new")));
    }

    [Fact]
    public void A_redelivered_call_is_answered_request_by_request_from_the_calls_record()
    {
        var marks = new Dictionary<string, SequenceMark>();
        var failure = new InvalidOperationException("boom");
        SequenceLedger.Record(marks, new[] { Request(7), Request(8), Request(9) },
            new[] { new ClusterReply(70, null, false), new ClusterReply(null, failure, false), new ClusterReply(90, null, false) }, s_now);

        Assert.True(SequenceLedger.TryReplay(marks, Request(7), out var first));
        Assert.True(SequenceLedger.TryReplay(marks, Request(8), out var second));
        Assert.True(SequenceLedger.TryReplay(marks, Request(9), out var third));
        Assert.Equal(70, first!.Result);
        Assert.Same(failure, second!.Failure);
        Assert.Equal(90, third!.Result);
        Assert.True(first.Replayed && second.Replayed && third.Replayed);
        Assert.False(SequenceLedger.TryReplay(marks, Request(10), out _));
    }

    [Fact]
    public void A_later_call_replaces_the_earlier_calls_outcomes()
    {
        var marks = new Dictionary<string, SequenceMark>();
        SequenceLedger.Record(marks, new[] { Request(1), Request(2) }, new[] { new ClusterReply(10, null, false), new ClusterReply(20, null, false) }, s_now);
        SequenceLedger.Record(marks, Request(3), new ClusterReply(30, null, false), s_now);

        // Sequence 1 belongs to a call whose replies were delivered before the next call was sent: nothing to return.
        Assert.True(SequenceLedger.TryReplay(marks, Request(1), out var older));
        Assert.Null(older!.Result);
        Assert.True(SequenceLedger.TryReplay(marks, Request(3), out var last));
        Assert.Equal(30, last!.Result);
    }

    [Fact]
    public void A_call_is_recorded_only_with_a_reply_for_each_request()
    {
        var marks = new Dictionary<string, SequenceMark>();
        Assert.Equal("replies", Assert.Throws<ArgumentException>(() =>
            SequenceLedger.Record(marks, new[] { Request(1), Request(2) }, new[] { new ClusterReply(1, null, false) }, s_now)).ParamName);
        Assert.Equal("replies", Assert.Throws<ArgumentException>(() =>
            SequenceLedger.Record(marks, Array.Empty<ClusterRequest>(), Array.Empty<ClusterReply>(), s_now)).ParamName);
        Assert.Empty(marks);
    }

    [Fact]
    public void Null_arguments_are_refused_by_name()
    {
        var marks = new Dictionary<string, SequenceMark>();
        Assert.Equal("marks", Assert.Throws<ArgumentNullException>(() => SequenceLedger.TryReplay((IReadOnlyDictionary<string, SequenceMark>)null!, Request(1), out _)).ParamName);
        Assert.Equal("request", Assert.Throws<ArgumentNullException>(() => SequenceLedger.TryReplay(marks, null!, out _)).ParamName);
        Assert.Equal("reply", Assert.Throws<ArgumentNullException>(() => SequenceLedger.Record(marks, Request(1), null!, s_now)).ParamName);
    }
}
