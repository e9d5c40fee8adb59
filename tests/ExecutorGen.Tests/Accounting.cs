namespace ExecutorGen.Tests;

/// <summary>The contract's accounting invariant, shared by the engine tests and the Coyote scenarios.</summary>
internal static class Accounting
{
    /// <summary>Asserts the invariant of a stopped executor.</summary>
    public static void AssertBalanced(ExecutorMetrics metrics, ShutdownReport report)
    {
        Assert.Equal(metrics.Submitted, metrics.Completed + metrics.DeadLettered + metrics.Dropped + metrics.Cancelled + report.Unprocessed.Count);
        Assert.Equal(0, metrics.QueueDepth);
        Assert.Equal(0, metrics.BusyWorkers);
        Assert.Equal(metrics.Completed, report.Completed);
    }
}
