using System;
using Microsoft.Extensions.Logging;

namespace ExecutorGen.Hosting;

/// <summary>
/// An executor's log: dead letters, backpressure changes, stuck workers and shutdown, each kind rate-limited
/// (<see cref="LogRateLimiter"/>); every rate-limited message says how many of its kind were suppressed before it.
/// </summary>
internal sealed partial class ExecutorLog
{
    private const int FailedId = 1;
    private const int DroppedId = 2;
    private const int BackpressureOnId = 3;
    private const int BackpressureOffId = 4;
    private const int WorkerStuckId = 5;

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
            if (_logger.IsEnabled(LogLevel.Warning) && _limiter.TryAcquire(DroppedId, out long suppressed))
                RequestDropped(_logger, _executor, letter.Handler, letter.Key, suppressed);
        }
        else if (_logger.IsEnabled(LogLevel.Error) && _limiter.TryAcquire(FailedId, out long suppressed))
        {
            RequestFailed(_logger, _executor, letter.Handler, letter.Key, letter.Attempts, suppressed, letter.Exception);
        }
    }

    public void BackpressureChanged(BackpressureChangedEventArgs e)
    {
        var state = e.Current;
        if (state.IsActive)
        {
            if (_logger.IsEnabled(LogLevel.Warning) && _limiter.TryAcquire(BackpressureOnId, out long suppressed))
                BackpressureOn(_logger, _executor, state.Reasons, Math.Round(state.QueueFill * 100), state.QueueTimeP99.TotalMilliseconds,
                    Math.Round(state.Saturation * 100), suppressed);
        }
        else if (_logger.IsEnabled(LogLevel.Information) && _limiter.TryAcquire(BackpressureOffId, out long suppressed))
        {
            BackpressureOff(_logger, _executor, suppressed);
        }
    }

    public void WorkerStuck(WorkerStuckEventArgs e)
    {
        if (_logger.IsEnabled(LogLevel.Warning) && _limiter.TryAcquire(WorkerStuckId, out long suppressed))
            WorkerStuck(_logger, _executor, e.WorkerId, e.RunningFor, e.ReplacementStarted, suppressed);
    }

    public void ShutDown(ShutdownReport report) =>
        ShutDown(_logger, _executor, report.Completed, report.Unprocessed.Count, report.TimedOut);

    public void DrainIncomplete(long queued) => DrainIncomplete(_logger, _executor, queued);

    [LoggerMessage(EventId = FailedId, EventName = "RequestFailed", Level = LogLevel.Error,
        Message = "Executor {Executor}: a {Handler} request for key {Key} failed after {Attempts} attempt(s) and was dead-lettered ({Suppressed} similar messages suppressed before this one)")]
    private static partial void RequestFailed(ILogger logger, string executor, string handler, object? key, int attempts, long suppressed, Exception? exception);

    [LoggerMessage(EventId = DroppedId, EventName = "RequestDropped", Level = LogLevel.Warning,
        Message = "Executor {Executor}: a {Handler} request for key {Key} was shed because the executor was full ({Suppressed} similar messages suppressed before this one)")]
    private static partial void RequestDropped(ILogger logger, string executor, string handler, object? key, long suppressed);

    [LoggerMessage(EventId = BackpressureOnId, EventName = "BackpressureOn", Level = LogLevel.Warning,
        Message = "Executor {Executor}: backpressure on ({Reasons}; queue fill {QueueFillPercent} %, queue-time p99 {QueueTimeP99Ms} ms, saturation {SaturationPercent} %) ({Suppressed} similar messages suppressed before this one)")]
    private static partial void BackpressureOn(ILogger logger, string executor, BackpressureReason reasons, double queueFillPercent, double queueTimeP99Ms, double saturationPercent, long suppressed);

    [LoggerMessage(EventId = BackpressureOffId, EventName = "BackpressureOff", Level = LogLevel.Information,
        Message = "Executor {Executor}: backpressure off ({Suppressed} similar messages suppressed before this one)")]
    private static partial void BackpressureOff(ILogger logger, string executor, long suppressed);

    [LoggerMessage(EventId = WorkerStuckId, EventName = "WorkerStuck", Level = LogLevel.Warning,
        Message = "Executor {Executor}: worker {WorkerId} has been running one handler for {RunningFor}; replacement worker started: {ReplacementStarted} ({Suppressed} similar messages suppressed before this one)")]
    private static partial void WorkerStuck(ILogger logger, string executor, int workerId, TimeSpan runningFor, bool replacementStarted, long suppressed);

    [LoggerMessage(EventId = 6, EventName = "ShutDown", Level = LogLevel.Information,
        Message = "Executor {Executor} shut down: {Completed} completed over its lifetime, {Unprocessed} unprocessed, timed out: {TimedOut}")]
    private static partial void ShutDown(ILogger logger, string executor, long completed, int unprocessed, bool timedOut);

    [LoggerMessage(EventId = 7, EventName = "DrainIncomplete", Level = LogLevel.Warning,
        Message = "Executor {Executor} did not finish draining within the host's shutdown timeout; {Queued} requests were still queued")]
    private static partial void DrainIncomplete(ILogger logger, string executor, long queued);
}
