using System;
using Orleans;

namespace ExecutorGen.Orleans;

/// <summary>One request on its way to a <see cref="IPartitionGrain"/>.</summary>
/// <param name="Handler">The handler's index in its class (declaration order), as the generated dispatcher numbers them.</param>
/// <param name="Client">The submitting cluster executor's id; sequence numbers are per client and key.</param>
/// <param name="Key">The partition key as text (see <see cref="ClusterKeys.Format"/>).</param>
/// <param name="Sequence">Increases with every request of the client; per key, it orders and de-duplicates deliveries.</param>
/// <param name="Arguments">The handler's arguments, without the cancellation token. Each must be serializable by Orleans.</param>
[GenerateSerializer, Immutable]
public sealed record ClusterRequest(
    [property: Id(0)] int Handler,
    [property: Id(1)] Guid Client,
    [property: Id(2)] string Key,
    [property: Id(3)] long Sequence,
    [property: Id(4)] object?[] Arguments);

/// <summary>A handler's outcome, as the grain returns it (a handler's exception travels in-band, so any exception
/// thrown by the call itself is the cluster's, and the request can be redelivered).</summary>
/// <param name="Result">The handler's result; <see langword="null"/> for a handler without one.</param>
/// <param name="Failure">The exception the handler threw, or <see langword="null"/>.</param>
/// <param name="Replayed">The request had already run (a redelivery): this is the stored outcome, and the handler did not run again.</param>
[GenerateSerializer, Immutable]
public sealed record ClusterReply(
    [property: Id(0)] object? Result,
    [property: Id(1)] Exception? Failure,
    [property: Id(2)] bool Replayed);
