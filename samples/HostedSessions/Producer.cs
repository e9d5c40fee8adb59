using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HostedSessions;

/// <summary>
/// Pushes login → updates → logout for every user through the executor (taken from DI), reports the health
/// check, then stops the application: the hosted service registered by AddSessionHandlersExecutor drains
/// the executor before the host exits.
/// </summary>
public sealed class Producer(
    SessionHandlersExecutor executor,
    HealthCheckService health,
    IHostApplicationLifetime lifetime,
    ILogger<Producer> logger) : BackgroundService
{
    public const int Users = 200;
    public const int UpdatesPerUser = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            for (int round = 0; round < UpdatesPerUser + 2 && !stoppingToken.IsCancellationRequested; round++)
            {
                for (int user = 0; user < Users; user++)
                {
                    string userId = "user-" + user;
                    if (round == 0)
                        await executor.SubmitLoginAsync(userId, stoppingToken);
                    else if (round <= UpdatesPerUser)
                        await executor.SubmitAsync(new UpdateRequest(userId, round), stoppingToken);
                    else
                        await executor.SubmitAsync(new LogoutRequest(userId), stoppingToken);
                }
            }

            var report = await health.CheckHealthAsync(stoppingToken);
            foreach (var (name, entry) in report.Entries)
                logger.LogInformation("Health of {Name}: {Status} ({Description})", name, entry.Status, entry.Description);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // Everything is queued; stopping the host drains it (within the host's shutdown timeout).
            lifetime.StopApplication();
        }
    }
}
