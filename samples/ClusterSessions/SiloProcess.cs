using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterSessions;

/// <summary>
/// <c>--silo n --database … --log …</c>, started by <see cref="MultiProcessRun"/>: one silo of the PostgreSQL-backed
/// cluster, whose session handlers append every execution to the log file. Prints "silo n ready" once it has joined the
/// cluster, and runs until its standard input closes (the orchestrator is done, or gone) or it is killed. A line
/// "latencies FILE" on its input (<c>--processes --measure</c>) writes the latencies its throughput-comparison handlers
/// recorded since the last such line to FILE, one Stopwatch tick count a line, and answers "latencies written".
/// </summary>
public static class SiloProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        string number = Arguments.Value(args, "--silo");
        string database = Arguments.Value(args, "--database");
        using var journal = new ExecutionJournal(Arguments.Value(args, "--log"));
        var latencies = new Latencies();
        using var host = new HostBuilder()
            .UseOrleans(silo =>
            {
                ProcessClusterConfiguration.ConfigureSilo(silo, "silo-" + number, database);
                silo.Services.AddSingleton(new SessionHistory(journal));
                silo.Services.AddSessionHandlersClusterHandlers();
                silo.Services.AddSingleton(latencies); // the throughput comparison's handlers (--processes --measure)
                silo.Services.AddWorkHandlersClusterHandlers();
            })
            .ConfigureLogging(LocalCluster.Quiet)
            .Build();
        await host.StartAsync();
        Console.WriteLine($"silo {number} ready, process {Environment.ProcessId}");
        while (await Console.In.ReadLineAsync() is { } command)
        {
            if (command.StartsWith("latencies ", StringComparison.Ordinal))
            {
                await File.WriteAllLinesAsync(command["latencies ".Length..],
                    latencies.TakeTicks().Select(ticks => ticks.ToString(CultureInfo.InvariantCulture)));
                Console.WriteLine("latencies written");
            }
        }
        await host.StopAsync();
        return 0;
    }
}
