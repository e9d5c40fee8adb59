namespace ExecutorGen;

/// <summary>How <c>ShutdownAsync</c> treats accepted work.</summary>
public enum ShutdownMode
{
    /// <summary>Stop accepting, run every accepted request, then stop the workers.</summary>
    Drain,

    /// <summary>
    /// Stop accepting, cancel the token passed to running handlers, and return every accepted request
    /// that has not started in <see cref="ShutdownReport.Unprocessed"/>.
    /// </summary>
    Cancel,
}
