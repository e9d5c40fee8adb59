using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace ExecutorGen.Orleans;

/// <summary>
/// Runs a partition's requests through the handler class's dispatcher, one call at a time (not reentrant), each call's
/// requests in order, and de-duplicates redeliveries with the marks it persists in the
/// <see cref="ClusterHandlers.StorageName"/> grain storage.
/// </summary>
/// <remarks>
/// The mark is written after the call's handlers returned and before the replies leave, so a redelivery of a call whose
/// replies were lost finds it, even on another silo after this one died, as long as the storage outlives the silo. A
/// silo that dies after handlers ran and before the write completed leaves no mark of that call: its requests that had
/// run run again when it is redelivered (see docs/orleans.md, "Delivery guarantees").
/// A write the storage refuses (a database error) fails the call so that the client redelivers it, and no reply
/// leaves this activation until the marks it holds are stored: a redelivered call answered from a mark that is only
/// in memory stores it first.
/// </remarks>
internal sealed partial class PartitionGrain : Grain, IPartitionGrain
{
    private readonly IPersistentState<PartitionGrainState> _state;
    private readonly ClusterHandlerCatalog? _catalog;
    private string _executor = "";
    private bool _unstoredMarks;

    public PartitionGrain(
        [PersistentState("partition", ClusterHandlers.StorageName)] IPersistentState<PartitionGrainState> state,
        IServiceProvider services)
    {
        _state = state;
        // Absent when the silo registered no handler class at all: requests then fail with the explanation below.
        _catalog = (ClusterHandlerCatalog?)services.GetService(typeof(ClusterHandlerCatalog));
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        string key = this.GetPrimaryKeyString();
        _executor = key.Substring(0, Math.Max(0, key.IndexOf('/')));
        ResumeStoredWork();
        return Task.CompletedTask;
    }

    public async Task<ClusterReply> ExecuteAsync(ClusterRequest request) =>
        (await ExecuteBatchAsync(new[] { request ?? throw new ArgumentNullException(nameof(request)) }))[0];

    public async Task<ClusterReply[]> ExecuteBatchAsync(ClusterRequest[] requests)
    {
        CheckOneClient(requests);
        var replies = new ClusterReply[requests.Length];
        var marks = new Dictionary<string, SequenceMark?>(StringComparer.Ordinal); // each key's mark as the call found it
        IClusterDispatcher? dispatcher = null;
        bool registered = _catalog?.TryGet(_executor, out dispatcher) == true;
        bool ran = false;
        for (int next = 0; next < requests.Length;)
        {
            if (SequenceLedger.TryReplay(MarkOf(requests[next]), requests[next], out var replay))
            {
                replies[next++] = replay!;
                continue;
            }
            if (!registered)
            {
                // No mark: once the silo registers the handlers, a new request of this key runs normally.
                replies[next++] = new ClusterReply(null, NotRegistered(), Replayed: false);
                continue;
            }

            next += await RunGroupAsync(dispatcher!, requests, next, replies);
            ran = true;
        }
        if (ran)
        {
            // One write per call, before the replies leave: a redelivery of the call is answered request by request
            // from it. A silo that dies mid-call leaves the mark of the call before: the call's requests that had run
            // run again when it is redelivered (MaxBatchSize = 1 makes that at most one request). A write per request
            // instead would cost a storage round trip per request, which is what batching saves.
            RecordByKey(requests, replies);
            _unstoredMarks = true;
        }
        if (_unstoredMarks)
            await StoreMarksAsync(); // also for a call answered from a mark whose write had failed
        return replies;

        SequenceMark? MarkOf(ClusterRequest request)
        {
            if (!marks.TryGetValue(request.Key, out var mark))
            {
                _state.State.Marks.TryGetValue(SequenceLedger.MarkKey(request.Client, request.Key), out mark);
                marks[request.Key] = mark;
            }
            return mark;
        }
    }

    /// <summary>
    /// A call carries one client's requests (its lane's: one key's, or with buckets several keys of this grain's bucket,
    /// each key's in order); anything else is a caller's bug.
    /// </summary>
    private static void CheckOneClient(ClusterRequest[] requests)
    {
        if (requests is null || requests.Length == 0)
            throw new ArgumentException("A call carries at least one request.", nameof(requests));
        foreach (var request in requests)
        {
            if (request is null || request.Client != requests[0].Client)
                throw new ArgumentException("The requests of one call must come from one client.", nameof(requests));
        }
    }

    /// <summary>Records the call in the mark of each of its keys: that key's requests of the call and their replies.</summary>
    private void RecordByKey(ClusterRequest[] requests, ClusterReply[] replies)
    {
        var now = DateTime.UtcNow;
        if (Array.TrueForAll(requests, request => request.Key == requests[0].Key))
        {
            SequenceLedger.Record(_state.State.Marks, requests, replies, now);
            return;
        }
        var byKey = new Dictionary<string, (List<ClusterRequest> Requests, List<ClusterReply> Replies)>(StringComparer.Ordinal);
        for (int i = 0; i < requests.Length; i++)
        {
            if (!byKey.TryGetValue(requests[i].Key, out var call))
                byKey[requests[i].Key] = call = (new List<ClusterRequest>(), new List<ClusterReply>());
            call.Requests.Add(requests[i]);
            call.Replies.Add(replies[i]);
        }
        foreach (var (requestsOfKey, repliesOfKey) in byKey.Values)
            SequenceLedger.Record(_state.State.Marks, requestsOfKey, repliesOfKey, now);
    }

    private InvalidOperationException NotRegistered() => new(
        $"No handlers for executor '{_executor}' are registered on this silo: call services.Add{{Class}}ClusterHandlers() when building it.");

    /// <summary>
    /// Runs the requests from <paramref name="first"/> on that go to the handler in one call (see <see cref="RunLength"/>),
    /// fills in their replies, and returns how many they were.
    /// </summary>
    private static async Task<int> RunGroupAsync(IClusterDispatcher dispatcher, ClusterRequest[] requests, int first, ClusterReply[] replies)
    {
        int count = RunLength(dispatcher, requests, first);
        var reply = count == 1
            ? await RunAsync(dispatcher, requests[first])
            : await RunBatchAsync(dispatcher, requests, first, count);
        for (int i = first; i < first + count; i++)
            replies[i] = reply;
        return count;
    }

    /// <summary>
    /// How many requests from <paramref name="first"/> on go to the handler in one call: the consecutive requests of the
    /// same batch handler and key, up to its <c>MaxBatchSize</c>; one otherwise. (None of them is answered from the
    /// mark: a key's requests after the first of them that runs are newer than its mark.)
    /// </summary>
    private static int RunLength(IClusterDispatcher dispatcher, ClusterRequest[] requests, int first)
    {
        var head = requests[first];
        int limit = dispatcher.GetMaxBatchSize(head.Handler);
        int count = 1;
        while (count < limit && first + count < requests.Length
            && requests[first + count].Handler == head.Handler && requests[first + count].Key == head.Key)
        {
            count++;
        }
        return count;
    }

    private static async Task<ClusterReply> RunAsync(IClusterDispatcher dispatcher, ClusterRequest request)
    {
        try
        {
            return new ClusterReply(await dispatcher.DispatchAsync(request.Handler, request.Arguments, CancellationToken.None), null, Replayed: false);
        }
        catch (Exception exception)
        {
            // In-band: the client tells a handler's failure (final) from a failed call (redelivered) by this.
            return new ClusterReply(null, exception, Replayed: false);
        }
    }

    /// <summary>One call of a batch handler for <paramref name="count"/> requests; they share its outcome.</summary>
    private static async Task<ClusterReply> RunBatchAsync(IClusterDispatcher dispatcher, ClusterRequest[] requests, int first, int count)
    {
        var arguments = new object?[count][];
        for (int i = 0; i < count; i++)
            arguments[i] = requests[first + i].Arguments;
        try
        {
            await dispatcher.DispatchBatchAsync(requests[first].Handler, arguments, CancellationToken.None);
            return new ClusterReply(null, null, Replayed: false);
        }
        catch (Exception exception)
        {
            return new ClusterReply(null, exception, Replayed: false);
        }
    }

    private async Task StoreMarksAsync()
    {
        try
        {
            await _state.WriteStateAsync();
            _unstoredMarks = false;
        }
        catch (Exception exception) when (exception is not InconsistentStateException)
        {
            // A provider throws its driver's exception (Npgsql's, say), which Orleans may not serialize: the client
            // would receive a serializer error and take it for final. Orleans' own exception, with the cause as text, is
            // redelivered. (A conflict, InconsistentStateException, passes as it is: Orleans deactivates the grain for it.)
            throw new OrleansException($"The de-duplication marks could not be stored in the '{ClusterHandlers.StorageName}' grain storage: {exception.GetType().FullName}: {exception.Message}");
        }
    }
}
