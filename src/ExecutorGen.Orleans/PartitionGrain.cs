using System;
using System.Threading;
using System.Threading.Tasks;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;

namespace ExecutorGen.Orleans;

/// <summary>
/// Runs a partition's requests through the handler class's dispatcher, one at a time (not reentrant), and de-duplicates
/// redeliveries with the marks it persists in the <see cref="ClusterHandlers.StorageName"/> grain storage.
/// </summary>
/// <remarks>
/// The mark is written after the handler returns and before the reply leaves, so a redelivery of a request whose reply
/// was lost finds it, even on another silo after this one died, as long as the storage outlives the silo. A silo that
/// dies after the handler ran and before the write completed leaves no mark: that request runs again when it is
/// redelivered (see docs/orleans.md, "Delivery guarantees").
/// A write the storage refuses (a database error) fails the call so that the client redelivers it, and no reply
/// leaves this activation until the marks it holds are stored: a redelivery answered from a mark that is only in
/// memory stores it first.
/// </remarks>
internal sealed class PartitionGrain : Grain, IPartitionGrain
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
        return Task.CompletedTask;
    }

    public async Task<ClusterReply> ExecuteAsync(ClusterRequest request)
    {
        if (SequenceLedger.TryReplay(_state.State.Marks, request, out var replay))
        {
            if (_unstoredMarks)
                await StoreMarksAsync();
            return replay!;
        }
        IClusterDispatcher? dispatcher = null;
        if (_catalog?.TryGet(_executor, out dispatcher) != true)
        {
            // No mark: once the silo registers the handlers, a new request of this key runs normally.
            return new ClusterReply(null, new InvalidOperationException(
                $"No handlers for executor '{_executor}' are registered on this silo: call services.Add{{Class}}ClusterHandlers() when building it."), Replayed: false);
        }

        ClusterReply reply;
        try
        {
            reply = new ClusterReply(await dispatcher!.DispatchAsync(request.Handler, request.Arguments, CancellationToken.None), null, Replayed: false);
        }
        catch (Exception exception)
        {
            // In-band: the client tells a handler's failure (final) from a failed call (redelivered) by this.
            reply = new ClusterReply(null, exception, Replayed: false);
        }

        SequenceLedger.Record(_state.State.Marks, request, reply, DateTime.UtcNow);
        _unstoredMarks = true;
        await StoreMarksAsync();
        return reply;
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
