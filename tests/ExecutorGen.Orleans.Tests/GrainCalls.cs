using System;
using Orleans;

namespace ExecutorGen.Orleans.Tests;

/// <summary>What the tests that call partition grains directly send: the grain of a key, and requests of the test handlers.</summary>
internal static class GrainCalls
{
    // RecordingHandlers' handlers by index, in declaration order, as the generated dispatcher numbers them.
    public const int StepHandler = 1;
    public const int TallyHandler = 3;

    /// <summary>The partition grain of <paramref name="key"/> (or of its bucket) for the RecordingHandlers executor.</summary>
    public static IPartitionGrain RecordingGrain(IGrainFactory grains, string key, int? bucketCount = null) =>
        grains.GetGrain<IPartitionGrain>(ClusterKeys.GrainKey(RecordingHandlersClusterExecutor.ExecutorName, key, bucketCount));

    /// <summary>A request of <c>RecordingHandlers.Step</c>, which records <paramref name="index"/> and returns the length of the key's log.</summary>
    public static ClusterRequest Step(Guid client, string key, long sequence, int index) =>
        new(StepHandler, client, key, sequence, new object?[] { new StepRequest(key, index) });

    /// <summary>A request of the batch handler <c>RecordingHandlers.Tally</c>.</summary>
    public static ClusterRequest Tally(Guid client, string key, long sequence, int index) =>
        new(TallyHandler, client, key, sequence, new object?[] { new TallyRequest(key, index) });
}
