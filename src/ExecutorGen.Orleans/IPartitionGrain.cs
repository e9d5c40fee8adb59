using System;
using System.Threading.Tasks;
using Orleans;
using Orleans.Concurrency;

namespace ExecutorGen.Orleans;

/// <summary>
/// The grain that runs one partition's requests: one activation per partition key, or per key bucket (see
/// <see cref="ClusterExecutorOptions.BucketCount"/>). Its key is <c>{executor}/{partition}</c>. Not reentrant
/// (the Orleans default), so a partition's requests run one at a time.
/// </summary>
public interface IPartitionGrain : IGrainWithStringKey
{
    /// <summary>
    /// Runs a request, unless its sequence number shows it already ran for this client and key: then the stored
    /// outcome is returned and the handler does not run again.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <returns>The handler's outcome: its result, or the exception it threw.</returns>
    Task<ClusterReply> ExecuteAsync(ClusterRequest request);

    /// <summary>
    /// Runs several requests of one client, in order (as <see cref="ExecuteAsync"/> runs each, and consecutive requests
    /// of a batch handler and key in one call of it), and answers each.
    /// </summary>
    /// <param name="requests">
    /// The requests, oldest first: one client; one key, or with buckets keys of this grain's bucket; each key's with
    /// ascending sequence numbers.
    /// </param>
    /// <returns>One reply per request, in the same order.</returns>
    Task<ClusterReply[]> ExecuteBatchAsync(ClusterRequest[] requests);

    /// <summary>
    /// <see cref="ClusterExecutorOptions.Durable"/>: stores several requests of one client in the grain's persisted queue,
    /// after those stored before, and returns once they are written; the grain then runs them by itself. Requests already
    /// stored (a redelivered call: at or under the highest stored sequence of their client and key) are not stored again.
    /// </summary>
    /// <param name="requests">The requests, oldest first: one client; each key's with ascending sequence numbers.</param>
    /// <param name="maxStored">The most requests the queue may hold after the call (the client's <see cref="ClusterExecutorOptions.MaxStoredPerGrain"/>).</param>
    /// <returns><see langword="true"/> when stored (or stored already); <see langword="false"/> when they would not fit: nothing was stored.</returns>
    Task<bool> StoreAsync(ClusterRequest[] requests, int maxStored);

    /// <summary>
    /// Runs one processing turn of the stored queue (see <see cref="StoredQueue.NextTurn"/>), writes the state once with
    /// the turn's requests removed and their outcomes kept, and calls itself again while work remains. One-way, so that
    /// store calls are served between turns; the grain calls it itself, after storing and on activation.
    /// </summary>
    [OneWay]
    Task ProcessStoredAsync();

    /// <summary>
    /// A durable client's long poll: acknowledges its outcomes up to a sequence (the grain forgets them), then returns its
    /// unacknowledged stored outcomes once there are any, or an empty array after a few seconds (the client polls again).
    /// Interleaves with the grain's other calls, so that it can wait while the grain works.
    /// </summary>
    /// <param name="client">The client's id.</param>
    /// <param name="acknowledgedUpTo">The highest sequence whose outcome the client has taken from this grain (0 for none).</param>
    /// <returns>The client's outcomes above <paramref name="acknowledgedUpTo"/>, oldest first.</returns>
    [AlwaysInterleave]
    Task<StoredOutcome[]> TakeOutcomesAsync(Guid client, long acknowledgedUpTo);
}
