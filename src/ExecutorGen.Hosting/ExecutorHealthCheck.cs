using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ExecutorGen.Hosting;

/// <summary>
/// Reports an executor's health. Unhealthy: shut down (or shutting down), or every worker stuck (none left to
/// make progress). Degraded: backpressure is active, or some worker is stuck. Healthy otherwise. The data
/// carries the figures the verdict was made from.
/// </summary>
internal sealed class ExecutorHealthCheck<TExecutor> : IHealthCheck
    where TExecutor : class, IHostedExecutor
{
    private readonly ExecutorHost<TExecutor> _host;

    public ExecutorHealthCheck(ExecutorHost<TExecutor> host) => _host = host;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var metrics = _host.Executor.GetMetrics();
        var data = new Dictionary<string, object>
        {
            ["queueDepth"] = metrics.QueueDepth,
            ["capacity"] = metrics.Capacity,
            ["workers"] = metrics.WorkerCount,
            ["busyWorkers"] = metrics.BusyWorkers,
            ["stuckWorkers"] = metrics.StuckWorkers,
            ["backpressure"] = metrics.Backpressure.Reasons.ToString(),
            ["deadLettered"] = metrics.DeadLettered,
            ["processingTimeP99Ms"] = metrics.ProcessingTime.P99.TotalMilliseconds,
        };

        HealthCheckResult result;
        // Shut down by the host or by application code calling ShutdownAsync itself.
        if (_host.ShutdownStarted || metrics.State != ExecutorState.Running)
            result = HealthCheckResult.Unhealthy($"Executor {_host.Name} is shut down.", data: data);
        else if (metrics.WorkerCount > 0 && metrics.StuckWorkers >= metrics.WorkerCount)
            result = HealthCheckResult.Unhealthy($"Executor {_host.Name} has lost its workers: all {metrics.WorkerCount} are stuck.", data: data);
        else if (metrics.Backpressure.IsActive)
            result = HealthCheckResult.Degraded($"Executor {_host.Name} is under backpressure ({metrics.Backpressure.Reasons}).", data: data);
        else if (metrics.StuckWorkers > 0)
            result = HealthCheckResult.Degraded($"Executor {_host.Name} has {metrics.StuckWorkers} stuck worker(s).", data: data);
        else
            result = HealthCheckResult.Healthy($"Executor {_host.Name} is running.", data);
        return Task.FromResult(result);
    }
}
