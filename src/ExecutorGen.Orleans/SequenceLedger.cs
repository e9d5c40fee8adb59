using System;
using System.Collections.Generic;
using System.Linq;

namespace ExecutorGen.Orleans;

/// <summary>
/// The grain's de-duplication rule, kept apart from the grain so that it can be tested alone. A client sends a key's
/// requests one at a time with increasing sequence numbers (see <see cref="ClusterExecutorEngine"/>), so per client and
/// key the grain only needs the last sequence that ran and its outcome.
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
        if (marks.TryGetValue(MarkKey(request.Client, request.Key), out var mark) && request.Sequence <= mark.Sequence)
        {
            // The same sequence is a redelivery of the last request that ran: its stored outcome answers it. A lower one
            // is an older request of this client and key; it finished before the newer one was sent (one request per
            // key is in flight), so its outcome was delivered already and there is nothing to return.
            reply = request.Sequence == mark.Sequence
                ? new ClusterReply(mark.Result, mark.Failure, Replayed: true)
                : new ClusterReply(null, null, Replayed: true);
            return true;
        }
        reply = null;
        return false;
    }

    /// <summary>Records that a request ran, and prunes marks older than <see cref="Retention"/>.</summary>
    /// <param name="marks">The grain's marks.</param>
    /// <param name="request">The request that ran.</param>
    /// <param name="reply">Its outcome.</param>
    /// <param name="now">The current time (UTC).</param>
    public static void Record(IDictionary<string, SequenceMark> marks, ClusterRequest request, ClusterReply reply, DateTime now)
    {
        if (marks is null)
            throw new ArgumentNullException(nameof(marks));
        if (request is null)
            throw new ArgumentNullException(nameof(request));
        if (reply is null)
            throw new ArgumentNullException(nameof(reply));
        foreach (var stale in marks.Where(pair => now - pair.Value.RecordedAt > Retention).Select(pair => pair.Key).ToList())
            marks.Remove(stale);
        marks[MarkKey(request.Client, request.Key)] = new SequenceMark(request.Sequence, reply.Result, reply.Failure, now);
    }
}
