using System;
using System.Collections.Generic;
using Orleans;

namespace ExecutorGen.Orleans;

/// <summary>
/// A partition grain's persisted state: the de-duplication high-water mark of every client and key it serves; with
/// <see cref="ClusterExecutorOptions.Durable"/> clients, also the stored requests not yet finished and the outcomes not
/// yet taken (see <see cref="StoredQueue"/>).
/// </summary>
[GenerateSerializer]
public sealed class PartitionGrainState
{
    /// <summary>One mark per <c>{client}|{key}</c> (see <see cref="SequenceLedger.MarkKey"/>).</summary>
    [Id(0)]
    public Dictionary<string, SequenceMark> Marks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Durable clients' requests stored and not yet run to the end, in the order they were stored.</summary>
    [Id(1)]
    public List<ClusterRequest> Stored { get; set; } = new();

    /// <summary>
    /// The highest sequence stored per <c>{client}|{key}</c> (see <see cref="SequenceLedger.MarkKey"/>): a redelivered
    /// store call's requests at or under it are stored already.
    /// </summary>
    [Id(2)]
    public Dictionary<string, StoredSequence> StoredUpTo { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The outcomes of finished stored requests per client, oldest first, kept until the client acknowledges them.</summary>
    [Id(3)]
    public Dictionary<Guid, List<StoredOutcome>> Outcomes { get; set; } = new();
}

/// <summary>The highest sequence of one client and key that a grain has stored.</summary>
/// <param name="Sequence">The sequence number.</param>
/// <param name="StoredAt">When it was stored (UTC); entries older than <see cref="SequenceLedger.Retention"/> are pruned.</param>
[GenerateSerializer, Immutable]
public sealed record StoredSequence(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTime StoredAt);

/// <summary>The outcome of a stored request, kept in its grain's state until its client acknowledges it.</summary>
/// <param name="Sequence">The request's sequence number (per client).</param>
/// <param name="Result">The handler's result.</param>
/// <param name="Failure">The handler's exception, if it threw.</param>
/// <param name="FinishedAt">When it ran (UTC); outcomes older than <see cref="SequenceLedger.Retention"/> are pruned.</param>
[GenerateSerializer, Immutable]
public sealed record StoredOutcome(
    [property: Id(0)] long Sequence,
    [property: Id(1)] object? Result,
    [property: Id(2)] Exception? Failure,
    [property: Id(3)] DateTime FinishedAt);

/// <summary>
/// The last request of one client and key that ran, and its outcome (returned again to a redelivery); with the outcomes
/// of the requests sent in the same call before it, which a redelivery of that call is answered with too.
/// </summary>
/// <param name="Sequence">The request's sequence number.</param>
/// <param name="Result">The handler's result.</param>
/// <param name="Failure">The handler's exception, if it threw.</param>
/// <param name="RecordedAt">When it ran (UTC); marks older than <see cref="SequenceLedger.Retention"/> are pruned.</param>
/// <param name="Earlier">
/// The outcomes of the requests of the same call that came before it, oldest first; <see langword="null"/> when it was
/// the call's first (a mark written before batched calls has none either).
/// </param>
[GenerateSerializer, Immutable]
public sealed record SequenceMark(
    [property: Id(0)] long Sequence,
    [property: Id(1)] object? Result,
    [property: Id(2)] Exception? Failure,
    [property: Id(3)] DateTime RecordedAt,
    [property: Id(4)] SequenceOutcome[]? Earlier = null);

/// <summary>The outcome of one request of a batched call, kept in its key's <see cref="SequenceMark"/>.</summary>
/// <param name="Sequence">The request's sequence number.</param>
/// <param name="Result">The handler's result.</param>
/// <param name="Failure">The handler's exception, if it threw.</param>
[GenerateSerializer, Immutable]
public sealed record SequenceOutcome(
    [property: Id(0)] long Sequence,
    [property: Id(1)] object? Result,
    [property: Id(2)] Exception? Failure);
