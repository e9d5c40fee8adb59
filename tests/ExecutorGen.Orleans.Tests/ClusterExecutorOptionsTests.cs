using System;
using System.Collections.Generic;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

public sealed class ClusterExecutorOptionsTests
{
    public static IEnumerable<object[]> BadOptions() => new[]
    {
        new object[] { nameof(ClusterExecutorOptions.Capacity), (Action<ClusterExecutorOptions>)(o => o.Capacity = 0) },
        new object[] { nameof(ClusterExecutorOptions.MaxQueuedPerKey), (Action<ClusterExecutorOptions>)(o => o.MaxQueuedPerKey = 0) },
        new object[] { nameof(ClusterExecutorOptions.FullMode), (Action<ClusterExecutorOptions>)(o => o.FullMode = QueueFullMode.DropOldest) },
        new object[] { nameof(ClusterExecutorOptions.FullMode), (Action<ClusterExecutorOptions>)(o => o.FullMode = QueueFullMode.DropNewest) },
        new object[] { nameof(ClusterExecutorOptions.MaxConcurrentCalls), (Action<ClusterExecutorOptions>)(o => o.MaxConcurrentCalls = 0) },
        new object[] { nameof(ClusterExecutorOptions.MaxBatchSize), (Action<ClusterExecutorOptions>)(o => o.MaxBatchSize = 0) },
        new object[] { nameof(ClusterExecutorOptions.MaxStoredPerGrain), (Action<ClusterExecutorOptions>)(o => o.MaxStoredPerGrain = 0) },
        new object[] { nameof(ClusterExecutorOptions.MaxStoredPerGrain), (Action<ClusterExecutorOptions>)(o => { o.Durable = true; o.MaxStoredPerGrain = -1; }) },
        new object[] { nameof(ClusterExecutorOptions.BucketCount), (Action<ClusterExecutorOptions>)(o => o.BucketCount = 0) },
        new object[] { nameof(ClusterExecutorOptions.RedeliveryTimeout), (Action<ClusterExecutorOptions>)(o => o.RedeliveryTimeout = TimeSpan.FromSeconds(-1)) },
        new object[] { nameof(ClusterExecutorOptions.RedeliveryDelay), (Action<ClusterExecutorOptions>)(o => o.RedeliveryDelay = TimeSpan.Zero) },
        new object[] { nameof(ClusterExecutorOptions.HighWatermark), (Action<ClusterExecutorOptions>)(o => o.HighWatermark = 1.5) },
        new object[] { nameof(ClusterExecutorOptions.HighWatermark), (Action<ClusterExecutorOptions>)(o => o.HighWatermark = double.NaN) },
        new object[] { nameof(ClusterExecutorOptions.LowWatermark), (Action<ClusterExecutorOptions>)(o => o.LowWatermark = 0.9) },
        new object[] { nameof(ClusterExecutorOptions.LowWatermark), (Action<ClusterExecutorOptions>)(o => o.LowWatermark = -0.1) },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void The_generated_executor_refuses_a_bad_option_by_name(string option, Action<ClusterExecutorOptions> spoil)
    {
        var options = new ClusterExecutorOptions();
        spoil(options);
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new RecordingHandlersClusterExecutor(UnconnectedClient.Grains, options));
        Assert.Equal(option, exception.ParamName);
    }

    [Fact]
    public void The_defaults_are_valid_and_the_executor_keeps_its_own_copy()
    {
        var options = new ClusterExecutorOptions { Capacity = 3, FullMode = QueueFullMode.Reject };
        var executor = new RecordingHandlersClusterExecutor(UnconnectedClient.Grains, options);
        options.Capacity = 0;
        Assert.Equal(3, executor.GetMetrics().Capacity);
        new ClusterExecutorOptions().Validate();
    }

    [Fact]
    public void A_missing_grain_factory_is_refused_by_name()
    {
        Assert.Equal("grains", Assert.Throws<ArgumentNullException>(() => new RecordingHandlersClusterExecutor(null!)).ParamName);
    }
}
