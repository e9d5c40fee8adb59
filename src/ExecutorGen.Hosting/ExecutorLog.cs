using System;
using Microsoft.Extensions.Logging;

namespace ExecutorGen.Hosting;

/// <summary>
/// An executor's log: failed attempts, dead letters, backpressure changes, stuck workers and shutdown, each kind rate-limited
/// (<see cref="LogRateLimiter"/>); once a kind may be logged again, a <c>MessagesSuppressed</c> warning first
/// says how many of it were held back.
/// </summary>
internal sealed partial class ExecutorLog
{
    private const int FailedId = 1;
    private const int DroppedId = 2;
    private const int BackpressureOnId = 3;
    private const int BackpressureOffId = 4;
    private const int WorkerStuckId = 5;
    private const int AttemptFailedId = 9;

    private readonly ILogger _logger;
    private readonly string _executor;
    private readonly LogRateLimiter _limiter;

    public ExecutorLog(ILogger logger, string executor, LogRateLimiter limiter)
    {
        _logger = logger;
        _executor = executor;
        _limiter = limiter;
    }

    public void DeadLettered(DeadLetter letter)
    {
        if (letter.Reason == DeadLetterReason.Dropped)
        {
            if (_logger.IsEnabled(LogLevel.Warning) && Acquire(DroppedId, "RequestDropped"))
                RequestDropped(_logger, _executor, letter.Handler, letter.Key);
        }
        else if (_logger.IsEnabled(LogLevel.Error) && Acquire(FailedId, "RequestFailed"))
        {
            RequestFailed(_logger, _executor, letter.Handler, letter.Key, letter.Attempts, letter.Exception);
        }
    }

    public void BackpressureChanged(BackpressureChangedEventArgs e)
    {
        var state = e.Current;
        if (state.IsActive)
        {
            if (_logger.IsEnabled(LogLevel.Warning) && Acquire(BackpressureOnId, "BackpressureOn"))
                BackpressureOn(_logger, _executor, state.Reasons, Math.Round(state.QueueFill * 100), state.QueueTimeP99.TotalMilliseconds,
                    Math.Round(state.Saturation * 100));
        }
        else if (_logger.IsEnabled(LogLevel.Information) && Acquire(BackpressureOffId, "BackpressureOff"))
        {
            BackpressureOff(_logger, _executor);
        }
    }

    /// <summary>A failed attempt that will be retried; the last failure is logged as <c>RequestFailed</c> with its dead letter.</summary>
    public void AttemptFailed(AttemptFailedEventArgs e)
    {
        if (e.WillRetry && _logger.IsEnabled(LogLevel.Warning) && Acquire(AttemptFailedId, "AttemptFailed"))
            AttemptFailed(_logger, _executor, e.Handler, e.Key, e.Attempt, e.Exception);
    }

    public void WorkerStuck(WorkerStuckEventArgs e)
    {
        if (_logger.IsEnabled(LogLevel.Warning) && Acquire(WorkerStuckId, "WorkerStuck"))
            WorkerStuck(_logger, _executor, e.WorkerId, e.RunningFor, e.ReplacementStarted);
    }

    /// <summary>
    /// Whether a message of this kind may be logged now; when some of its kind were held back since the last one,
    /// says so first (once, with their count), so the log shows what the limit left out.
    /// </summary>
    private bool Acquire(int kind, string name)
    {
        if (!_limiter.TryAcquire(kind, out long suppressed))
            return false;
        if (suppressed > 0)
            Suppressed(_logger, _executor, suppressed, name, _limiter.Limit, _limiter.Interval);
        return true;
    }

    public void ShutDown(ShutdownReport report) =>
        ShutDown(_logger, _executor, report.Completed, report.Unprocessed.Count, report.TimedOut);

    public void DrainIncomplete(long queued) => DrainIncomplete(_logger, _executor, queued);

    [LoggerMessage(EventId = FailedId, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "Executor {Executor}: a {Handler} request for key {Key} failed after {Attempts} attempt(s) and was dead-lettered")]
    private static partial void RequestFailed(ILogger logger, string executor, string handler, object? key, int attempts, Exception? exception);

    [LoggerMessage(EventId = DroppedId, EventName = "RequestDropped", Level = LogLevel.Warning,
        Message = "Executor {Executor}: a {Handler} request for key {Key} was shed because the executor was full")]
    private static partial void RequestDropped(ILogger logger, string executor, string handler, object? key);

    [LoggerMessage(EventId = BackpressureOnId, EventName = "BackpressureOn", Level = LogLevel.Warning,
        Message = "Executor {Executor}: backpressure on ({Reasons}; queue fill {QueueFillPercent} %, queue-time p99 {QueueTimeP99Ms} ms, saturation {SaturationPercent} %)")]
    private static partial void BackpressureOn(ILogger logger, string executor, BackpressureReason reasons, double queueFillPercent, double queueTimeP99Ms, double saturationPercent);

    [LoggerMessage(EventId = BackpressureOffId, EventName = "BackpressureOff", Level = LogLevel.Information,
        Message = "Executor {Executor}: backpressure off")]
    private static partial void BackpressureOff(ILogger logger, string executor);

    [LoggerMessage(EventId = AttemptFailedId, EventName = "AttemptFailed", Level = LogLevel.Warning,
        Message = "Executor {Executor}: handler {Handler} failed for key {Key} on attempt {Attempt}; it will be retried")]
    private static partial void AttemptFailed(ILogger logger, string executor, string handler, object? key, int attempt, Exception exception);

    [LoggerMessage(EventId = WorkerStuckId, EventName = "WorkerStuck", Level = LogLevel.Warning,
        Message = "Executor {Executor}: worker {WorkerId} has been running one handler for {RunningFor}; replacement worker started: {ReplacementStarted}")]
    private static partial void WorkerStuck(ILogger logger, string executor, int workerId, TimeSpan runningFor, bool replacementStarted);

    [LoggerMessage(EventId = 8, EventName = "MessagesSuppressed", Level = LogLevel.Warning,
        Message = "Executor {Executor}: {Count} {Kind} messages were suppressed (at most {Limit} per {Interval} are logged)")]
    private static partial void Suppressed(ILogger logger, string executor, long count, string kind, int limit, TimeSpan interval);

    [LoggerMessage(EventId = 6, EventName = "ShutDown", Level = LogLevel.Information,
        Message = "Executor {Executor} shut down: {Completed} completed over its lifetime, {Unprocessed} unprocessed, timed out: {TimedOut}")]
    private static partial void ShutDown(ILogger logger, string executor, long completed, int unprocessed, bool timedOut);

    [LoggerMessage(EventId = 7, EventName = "DrainIncomplete", Level = LogLevel.Warning,
        Message = "Executor {Executor} did not finish draining within the host's shutdown timeout; {Queued} requests were still queued")]
    private static partial void DrainIncomplete(ILogger logger, string executor, long queued);
}
