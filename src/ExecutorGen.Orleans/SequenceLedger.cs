using System;
using System.Collections.Generic;

namespace ExecutorGen.Orleans;

/// <summary>
/// The grain's de-duplication rule, kept apart from the grain so that it can be tested alone. A client sends a key's
/// requests one call at a time (a call carries one request or a batch), with increasing sequence numbers (see
/// <see cref="ClusterExecutorEngine"/>), so per client and key the grain only needs the last sequence that ran and the
/// outcomes of the call it was part of.
/// </summary>
public static class SequenceLedger
{
    /// <summary>
    /// How long a mark is kept after its request ran. A redelivery arrives within the client's
    /// <see cref="ClusterExecutorOptions.RedeliveryTimeout"/>, so a day leaves a wide margin; marks of clients that
    /// went away are pruned after it.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    /// <summary>The dictionary key of a client's mark for a partition key.</summary>
    /// <param name="client">The client's id.</param>
    /// <param name="key">The partition key as text.</param>
    public static string MarkKey(Guid client, string key) => client.ToString("N") + "|" + key;

    /// <summary>Whether a request already ran; if so, the reply to give instead of running it again.</summary>
    /// <param name="marks">The grain's marks.</param>
    /// <param name="request">The arriving request.</param>
    /// <param name="reply">The stored outcome, marked <see cref="ClusterReply.Replayed"/>.</param>
    /// <returns><see langword="true"/> when the request must not run.</returns>
    public static bool TryReplay(IReadOnlyDictionary<string, SequenceMark> marks, ClusterRequest request, out ClusterReply? reply)
    {
        if (marks is null)
            throw new ArgumentNullException(nameof(marks));
        if (request is null)
            throw new ArgumentNullException(nameof(request));
        marks.TryGetValue(MarkKey(request.Client, request.Key), out var mark);
        return TryReplay(mark, request, out reply);
    }

    /// <summary>
    /// Whether a request already ran, judged by its client's mark for its key (looked up once for the requests of a call,
    /// which share client and key); if so, the reply to give instead of running it again.
    /// </summary>
    /// <param name="mark">The mark of the request's client and key; <see langword="null"/> if there is none.</param>
    /// <param name="request">The arriving request.</param>
    /// <param name="reply">The stored outcome, marked <see cref="ClusterReply.Replayed"/>.</param>
    /// <returns><see langword="true"/> when the request must not run.</returns>
    public static bool TryReplay(SequenceMark? mark, ClusterRequest request, out ClusterReply? reply)
    {
        if (request is null)
            throw new ArgumentNullException(nameof(request));
        if (mark is not null && request.Sequence <= mark.Sequence)
        {
            // The same sequence is a redelivery of the last request that ran, and one of the mark's earlier outcomes a
            // redelivery of a request sent in the same call before it: their stored outcomes answer them. Any other lower
            // one is an older request of this client and key; it finished before the call that left the mark was sent
            // (one call per key is in flight), so its outcome was delivered already and there is nothing to return.
            reply = request.Sequence == mark.Sequence
                ? new ClusterReply(mark.Result, mark.Failure, Replayed: true)
                : EarlierOutcome(mark, request.Sequence) is { } earlier
                    ? new ClusterReply(earlier.Result, earlier.Failure, Replayed: true)
                    : new ClusterReply(null, null, Replayed: true);
            return true;
        }
        reply = null;
        return false;
    }

    private static SequenceOutcome? EarlierOutcome(SequenceMark mark, long sequence)
    {
        if (mark.Earlier is null)
            return null;
        foreach (var outcome in mark.Earlier)
        {
            if (outcome.Sequence == sequence)
                return outcome;
        }
        return null;
    }

    /// <summary>Records that a request ran, and prunes marks older than <see cref="Retention"/>.</summary>
    /// <param name="marks">The grain's marks.</param>
    /// <param name="request">The request that ran.</param>
    /// <param name="reply">Its outcome.</param>
    /// <param name="now">The current time (UTC).</param>
    public static void Record(IDictionary<string, SequenceMark> marks, ClusterRequest request, ClusterReply reply, DateTime now)
    {
        if (request is null)
            throw new ArgumentNullException(nameof(request));
        if (reply is null)
            throw new ArgumentNullException(nameof(reply));
        Record(marks, new[] { request }, new[] { reply }, now);
    }

    /// <summary>
    /// Records the requests of one call that have been answered so far (run, or replayed from the mark): the last as
    /// the mark, the others as its earlier outcomes, so that a redelivery of the whole call is answered request by
    /// request. Prunes marks older than <see cref="Retention"/>.
    /// </summary>
    /// <param name="marks">The grain's marks.</param>
    /// <param name="requests">The call's requests answered so far, oldest first (one client and key).</param>
    /// <param name="replies">Their outcomes, in the same order.</param>
    /// <param name="now">The current time (UTC).</param>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public static void Record(IDictionary<string, SequenceMark> marks, IReadOnlyList<ClusterRequest> requests, IReadOnlyList<ClusterReply> replies, DateTime now)
    {
        if (marks is null)
            throw new ArgumentNullException(nameof(marks));
        if (requests is null)
            throw new ArgumentNullException(nameof(requests));
        if (replies is null)
            throw new ArgumentNullException(nameof(replies));
        if (requests.Count == 0 || requests.Count != replies.Count)
            throw new ArgumentException("Each request needs its reply, and there must be at least one.", nameof(replies));
        marks.RemoveWhere(mark => now - mark.RecordedAt > Retention);
        int last = requests.Count - 1;
        SequenceOutcome[]? earlier = null;
        if (last > 0)
        {
            earlier = new SequenceOutcome[last];
            for (int i = 0; i < last; i++)
                earlier[i] = new SequenceOutcome(requests[i].Sequence, replies[i].Result, replies[i].Failure);
        }
        var request = requests[last];
        marks[MarkKey(request.Client, request.Key)] = new SequenceMark(request.Sequence, replies[last].Result, replies[last].Failure, now, earlier);
    }
}
