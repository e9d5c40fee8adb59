using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace ExecutorGen.Hosting;

/// <summary>Starts the executor with the host and drains it when the host stops.</summary>
internal sealed class ExecutorHostedService<TExecutor> : IHostedService
    where TExecutor : class, IHostedExecutor
{
    private readonly ExecutorHost<TExecutor> _host;

    public ExecutorHostedService(ExecutorHost<TExecutor> host) => _host = host;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = _host.Executor; // builds it: the workers start
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _host.StopAsync(cancellationToken);
}
