using System;
using System.Diagnostics.Metrics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ExecutorGen.Hosting;

/// <summary>
/// One registered executor and its hosting state (a singleton per executor type): creates the executor on
/// first use from its named options, wires its events to the log, and shuts it down for the hosted service.
/// </summary>
internal sealed class ExecutorHost<TExecutor>
    where TExecutor : class, IHostedExecutor
{
    private readonly IServiceProvider _services;
    private readonly Func<IServiceProvider, ExecutorOptions, TExecutor> _factory;
    private readonly object _createLock = new();
    private TExecutor? _executor;
    private int _shutdownStarted;

    public ExecutorHost(string name, IServiceProvider services, Func<IServiceProvider, ExecutorOptions, TExecutor> factory)
    {
        Name = name;
        var loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        var time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        Log = new ExecutorLog(
            loggerFactory.CreateLogger(ExecutorHosting.LoggerCategoryPrefix + name),
            name,
            new LogRateLimiter(LogRateLimiter.DefaultLimit, LogRateLimiter.DefaultInterval, time));
        _services = services;
        _factory = factory;
    }

    public string Name { get; }

    public ExecutorLog Log { get; }

    /// <summary>The executor, built (and its workers started) on first use.</summary>
    public TExecutor Executor
    {
        get
        {
            var executor = Volatile.Read(ref _executor);
            if (executor is not null)
                return executor;
            lock (_createLock)
            {
                executor = _executor ?? Create(_services, _factory);
                Volatile.Write(ref _executor, executor);
                return executor;
            }
        }
    }

    /// <summary>Whether the host has begun shutting the executor down.</summary>
    public bool ShutdownStarted => Volatile.Read(ref _shutdownStarted) != 0;

    /// <summary>The report of the host's shutdown, once it has finished.</summary>
    public ShutdownReport? Report { get; private set; }

    private TExecutor Create(IServiceProvider services, Func<IServiceProvider, ExecutorOptions, TExecutor> factory)
    {
        // The executor is built from a copy: the options instance the options system caches, and hands to
        // anyone else, keeps what was configured, while this executor gets the logging sink and the host's meters.
        var options = services.GetRequiredService<IOptionsMonitor<ExecutorOptions>>().Get(Name).Clone();
        options.DeadLetters = new LoggingDeadLetterSink(options.DeadLetters, Log);
        options.MeterFactory ??= services.GetService<IMeterFactory>();
        var executor = factory(services, options);
        executor.BackpressureChanged += (_, e) => Log.BackpressureChanged(e);
        executor.WorkerStuck += (_, e) => Log.WorkerStuck(e);
        executor.AttemptFailed += (_, e) => Log.AttemptFailed(e);
        return executor;
    }

    /// <summary>
    /// Drains the executor: every accepted request runs. When <paramref name="cancellationToken"/> (the host's
    /// shutdown timeout) fires first, stops waiting and logs how much was still queued; the drain carries on.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _shutdownStarted, 1);
        var executor = Executor;
        var shutdown = executor.ShutdownAsync(ShutdownMode.Drain);
        if (!shutdown.IsCompleted)
        {
            var tcs = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            using (cancellationToken.Register(static state => ((TaskCompletionSource<bool>)state!).TrySetResult(true), tcs))
            {
                if (await Task.WhenAny(shutdown, tcs.Task).ConfigureAwait(false) != shutdown)
                {
                    Log.DrainIncomplete(executor.GetMetrics().QueueDepth);
                    return;
                }
            }
        }
        Report = await shutdown.ConfigureAwait(false);
        Log.ShutDown(Report);
    }
}
