using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterSessions;

/// <summary>
/// <c>--silo n --database … --log …</c>, started by <see cref="MultiProcessRun"/>: one silo of the PostgreSQL-backed
/// cluster, whose session handlers append every execution to the log file. Prints "silo n ready" once it has joined the
/// cluster, and runs until its standard input closes (the orchestrator is done, or gone) or it is killed.
/// </summary>
public static class SiloProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        string number = Arguments.Value(args, "--silo");
        string database = Arguments.Value(args, "--database");
        using var journal = new ExecutionJournal(Arguments.Value(args, "--log"));
        using var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                ProcessClusterConfiguration.ConfigureSilo(silo, "silo-" + number, database);
                silo.Services.AddSingleton(new SessionHistory(journal));
                silo.Services.AddSessionHandlersClusterHandlers();
            })
            .ConfigureLogging(LocalCluster.Quiet)
            .Build();
        await host.StartAsync();
        Console.WriteLine($"silo {number} ready, process {Environment.ProcessId}");
        while (await Console.In.ReadLineAsync() is not null)
        {
        }
        await host.StopAsync();
        return 0;
    }
}
