using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ExecutorGen.Orleans;
using ExecutorGen.Orleans.Tests;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClusterSessions;

/// <summary>
/// <c>--processes</c>: the orchestrator. Starts a throwaway PostgreSQL server and creates Orleans' tables in a database
/// of its own, starts three silo processes and a client process on it, kills one silo with SIGKILL a third of the way
/// through the client's workload, then merges the silos' execution logs and checks every user's executions against the
/// delivery guarantee. Everything it started is stopped on every way out. Exit code 0 only if every check passed.
/// With <c>--measure</c>, it runs <see cref="ThroughputComparison"/> against the three silo processes instead (a client
/// in this process, no silo killed). With <c>--durable</c>, the client uses <see cref="ClusterExecutorOptions.Durable"/>
/// and is killed too, with SIGKILL, halfway through (after the silo); a second client process submits the rest and waits
/// for all of its work, and the check covers every request of both, from the silos' logs.
/// </summary>
public static class MultiProcessRun
{
    private const int Silos = 3;
    private const int KilledSilo = 2;

    // Upper bounds for a loaded machine, not expected durations.
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_runTimeout = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var workload = new Workload("", Arguments.Number(args, "--users", 2_000), Arguments.Number(args, "--updates", 3));
        string folder = Directory.CreateTempSubdirectory("cluster-sessions-").FullName;
        string[] logs = Enumerable.Range(1, Silos).Select(n => Path.Combine(folder, $"silo-{n}.log")).ToArray();
        string resultFile = Path.Combine(folder, "client.json");
        var server = new PostgresServer();
        var silos = new List<ChildProcess>();
        ChildProcess? client = null;
        bool ok = false;
        try
        {
            var clock = Stopwatch.StartNew();
            Console.WriteLine("Starting a throwaway PostgreSQL server…");
            await server.InitializeAsync();
            string database = await server.CreateDatabaseAsync();
            await OrleansAdoNetSchema.ApplyAsync(database);

            Console.WriteLine($"Starting {Silos} silo processes (ADO.NET clustering and grain storage on PostgreSQL)…");
            for (int n = 1; n <= Silos; n++)
                silos.Add(ChildProcess.Start($"silo {n}", "--silo", n.ToString(), "--database", database, "--log", logs[n - 1]));
            await Task.WhenAll(silos.Select((silo, i) => silo.WaitForLineAsync($"silo {i + 1} ready", s_startTimeout)));
            if (args.Contains("--measure"))
            {
                await MeasureAsync(database, silos, folder);
                ok = true;
                return 0;
            }

            bool durable = args.Contains("--durable");
            int clientStop = workload.Total / 2;
            var workloadArguments = new[] { "--client", "--database", database, "--users", workload.Users.ToString(), "--updates", workload.UpdatesPerUser.ToString(), "--result", resultFile };
            Console.WriteLine($"Starting the client process: {workload.Users} users, {workload.Total} requests (login → {workload.UpdatesPerUser} updates → logout)" +
                (durable ? ", durable" : "") + "…");
            client = durable
                ? ChildProcess.Start("client", workloadArguments.Concat(new[] { "--durable", "--stop-at", clientStop.ToString() }).ToArray())
                : ChildProcess.Start("client", workloadArguments);
            await client.WaitForLineAsync("kill point", s_startTimeout);
            var victim = silos[KilledSilo - 1];
            victim.Kill();
            Console.WriteLine($"Killed silo {KilledSilo} (process {victim.Id}) with SIGKILL");
            await client.SendLineAsync("go on");
            if (durable)
            {
                // Every request the first client submitted is stored; the grains finish them without it.
                await client.WaitForLineAsync("client stop point", s_runTimeout);
                client.Kill();
                Console.WriteLine($"Killed the client process (process {client.Id}) with SIGKILL after {clientStop} stored requests");
                client.Dispose();
                client = ChildProcess.Start("client 2", workloadArguments.Concat(new[] { "--durable", "--from", clientStop.ToString() }).ToArray());
            }
            int clientExit = await client.WaitForExitAsync(s_runTimeout);
            clock.Stop();
            foreach (var silo in silos)
                silo.Kill(); // the journals are complete: the client has its last reply

            var result = JsonSerializer.Deserialize<ClientResult>(await File.ReadAllTextAsync(resultFile))!;
            bool checkedOut = Check(workload, result, ExecutionJournal.Merge(logs), submittedByLastClient: durable ? workload.Total - clientStop : workload.Total, durable);
            ok = checkedOut && clientExit == 0;
            Console.WriteLine($"{clock.Elapsed.TotalSeconds:F1} s in all (PostgreSQL, {Silos} silos and the client started and stopped)");
            Console.WriteLine(ok
                ? $"OK: all {workload.Users} users' requests ran, in order; none twice except in the window the delivery guarantee allows."
                : "FAILED: see above.");
            return ok ? 0 : 1;
        }
        finally
        {
            client?.Dispose();
            foreach (var silo in silos)
                silo.Dispose();
            await server.DisposeAsync();
            if (ok)
                Directory.Delete(folder, recursive: true);
            else
                Console.WriteLine($"The silos' execution logs are kept in {folder}");
        }
    }

    private static async Task MeasureAsync(string database, List<ChildProcess> silos, string folder)
    {
        using var host = new HostBuilder()
            .UseOrleansClient(client => ProcessClusterConfiguration.ConfigureClient(client, database))
            .ConfigureLogging(LocalCluster.Quiet)
            .Build();
        await host.StartAsync();
        await ThroughputComparison.RunAsync(host.Services.GetRequiredService<IClusterClient>(), $"{Silos} silo processes, marks in PostgreSQL",
            new Latencies(), () => TakeSiloLatenciesAsync(silos, folder));
        await host.StopAsync();
    }

    private static async Task<long[]> TakeSiloLatenciesAsync(List<ChildProcess> silos, string folder)
    {
        var ticks = new List<long>();
        for (int n = 1; n <= silos.Count; n++)
        {
            string file = Path.Combine(folder, $"latencies-{n}.txt");
            await silos[n - 1].SendLineAsync("latencies " + file);
            await silos[n - 1].WaitForLineAsync("latencies written", s_startTimeout);
            ticks.AddRange(File.ReadLines(file).Select(line => long.Parse(line, CultureInfo.InvariantCulture)));
        }
        return ticks.ToArray();
    }

    /// <param name="durable">Durable: reruns are the grains' own (a processing turn after a silo death), not the client's
    /// redeliveries, so they are not bounded by the client's redelivered calls.</param>
    private static bool Check(Workload workload, ClientResult result, Dictionary<string, List<string>> executions, int submittedByLastClient, bool durable)
    {
        Console.WriteLine($"Completed {result.Completed} of {result.Submitted} in {result.Seconds:F1} s; dead-lettered {result.DeadLettered}, " +
            $"redelivered {result.Redelivered}, answered from de-duplication marks {result.Replayed}; unprocessed {result.Unprocessed}; " +
            $"worst round trip {result.RoundTripMaxMilliseconds / 1000:F1} s");
        bool counted = result.Submitted == submittedByLastClient && result.Submitted == result.Completed + result.DeadLettered && result.Unprocessed == 0;
        if (!counted)
            Console.WriteLine("  the client's counts do not add up: submitted must be completed + dead-lettered, with nothing unprocessed");

        var expected = workload.Entries();
        int repeated = 0;
        var wrong = new List<string>();
        for (int user = 0; user < workload.Users; user++)
        {
            string userId = workload.UserId(user);
            var ran = executions.TryGetValue(userId, out var list) ? list : new List<string>();
            var (userRepeated, problem) = RepeatCheck.Check(ran, expected, result.MaxBatchSize);
            repeated += userRepeated;
            if (problem is not null)
                wrong.Add($"{userId}: {problem}: {string.Join(" → ", ran)}");
        }
        foreach (string line in wrong.Take(5))
            Console.WriteLine("  " + line);
        // A redelivered call can repeat at most the requests it carries.
        bool withinRedeliveries = durable || repeated <= result.Redelivered * result.MaxBatchSize;
        Console.WriteLine($"Users out of order or missing requests: {wrong.Count}; requests run twice (their silo died between a call's handlers " +
            $"and its mark write): {repeated}{(withinRedeliveries ? "" : $", more than {result.Redelivered} redelivered calls can carry")}");
        return counted && wrong.Count == 0 && withinRedeliveries;
    }
}
