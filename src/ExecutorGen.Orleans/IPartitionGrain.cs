using System.Threading.Tasks;
using Orleans;

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
}
