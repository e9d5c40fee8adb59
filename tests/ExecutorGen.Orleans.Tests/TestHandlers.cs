using System;
using System.Threading;
using System.Threading.Tasks;
using ExecutorGen;
using Orleans;

namespace ExecutorGen.Orleans.Tests;

/// <summary>A step of a key's stream: the submitter numbers each key's requests 0, 1, 2, …</summary>
[GenerateSerializer, Immutable]
public sealed record StepRequest([property: Id(0)] string Key, [property: Id(1)] int Index);

/// <summary>The first request of a key.</summary>
[GenerateSerializer, Immutable]
public sealed record OpenRequest([property: Id(0)] string Key);

/// <summary>A request whose handler throws.</summary>
[GenerateSerializer, Immutable]
public sealed record FailRequest([property: Id(0)] string Key, [property: Id(1)] string Message);

/// <summary>A request of the batch handler <see cref="RecordingHandlers.Tally"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record TallyRequest([property: Id(0)] string Key, [property: Id(1)] int Index);

/// <summary>Handlers that record every execution in <see cref="ExecutionLog"/>, shared by all silos of the process.</summary>
public sealed class RecordingHandlers
{
    [RequestHandler(PartitionBy = nameof(OpenRequest.Key))]
    public Task Open(OpenRequest request)
    {
        ExecutionLog.Record(request.Key, -1);
        return Task.CompletedTask;
    }

    [RequestHandler(PartitionBy = nameof(StepRequest.Key))]
    public async Task<int> Step(StepRequest request, CancellationToken cancellationToken)
    {
        // Now and then yield, so that grain turns interleave across keys and silos.
        if (request.Index % 7 == 0)
            await Task.Yield();
        return ExecutionLog.Record(request.Key, request.Index);
    }

    [RequestHandler(PartitionBy = nameof(FailRequest.Key))]
    public void Fail(FailRequest request)
    {
        ExecutionLog.Record(request.Key, -2);
        throw new InvalidOperationException(request.Message);
    }

    /// <summary>A batch handler: records each request, and the size of the call as 1000 + size.</summary>
    [RequestHandler(PartitionBy = nameof(TallyRequest.Key), MaxBatchSize = 8)]
    public Task Tally(System.Collections.Generic.IReadOnlyList<TallyRequest> requests)
    {
        ExecutionLog.Record(requests[0].Key, 1000 + requests.Count);
        foreach (var request in requests)
            ExecutionLog.Record(request.Key, request.Index);
        return Task.CompletedTask;
    }

    /// <summary>Unkeyed: runs anywhere, in any order.</summary>
    [RequestHandler]
    public static int Echo(int value) => value;
}

/// <summary>A request whose handler waits until its gate opens (see <see cref="Gates"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record HoldRequest([property: Id(0)] string Key, [property: Id(1)] string Gate);

/// <summary>Handlers that hold a grain busy, for the capacity, backpressure and shutdown tests.</summary>
public sealed class HoldingHandlers
{
    [RequestHandler(PartitionBy = nameof(HoldRequest.Key))]
    public async Task<string> Hold(HoldRequest request)
    {
        await Gates.WaitAsync(request.Gate);
        ExecutionLog.Record(request.Key, 0);
        return request.Key;
    }
}
