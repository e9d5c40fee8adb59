using System;
using System.Diagnostics;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;
using Xunit.Abstractions;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// The cluster executor on real processes: samples/ClusterSessions <c>--processes</c> starts a throwaway PostgreSQL
/// server, three silo processes with ADO.NET clustering and grain storage on it, and a client process pushing the
/// user-session workload; it kills one silo with SIGKILL a third of the way through, and exits 0 only if every user's
/// executions, as the silos logged them, are complete and in order with nothing run twice beyond what the delivery
/// guarantee allows, and the client's counts add up.
/// </summary>
public sealed class MultiProcessClusterTests
{
    private const int Users = 1_000;
    private const int Requests = Users * 5; // login, 3 updates, logout

    // An upper bound for a loaded machine; the run takes well under a minute.
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4);

    private static readonly string s_sampleDirectory =
        typeof(MultiProcessClusterTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "ClusterSessionsDirectory").Value!;

    private readonly ITestOutputHelper _output;

    public MultiProcessClusterTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public async Task Three_silo_processes_on_PostgreSQL_lose_nothing_and_keep_each_users_order_when_one_is_killed_with_SIGKILL()
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await RunSampleAsync("--processes", "--users", Users.ToString(), "--updates", "3");
        _output.WriteLine($"{output}\n(test: {clock.Elapsed.TotalSeconds:F1} s)");

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Matches(@"Killed silo 2 \(process \d+\) with SIGKILL", output);
        var completed = Regex.Match(output, @"Completed (\d+) of (\d+) in [\d.]+ s; dead-lettered (\d+), redelivered (\d+), .*; unprocessed (\d+);");
        Assert.True(completed.Success, "no summary line:\n" + output);
        Assert.Equal(Requests.ToString(), completed.Groups[1].Value);
        Assert.Equal(Requests.ToString(), completed.Groups[2].Value);
        Assert.Equal("0", completed.Groups[3].Value);
        Assert.True(int.Parse(completed.Groups[4].Value) > 0, "no call was redelivered: the silo died with no requests at it");
        Assert.Equal("0", completed.Groups[5].Value);
        Assert.Contains("Users out of order or missing requests: 0;", output);
        Assert.Contains($"OK: all {Users} users' requests ran, in order", output);
    }

    [Fact]
    public async Task A_durable_client_process_killed_with_SIGKILL_after_a_silo_loses_nothing_it_submitted()
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await RunSampleAsync("--processes", "--durable", "--users", Users.ToString(), "--updates", "3");
        _output.WriteLine($"{output}\n(test: {clock.Elapsed.TotalSeconds:F1} s)");

        Assert.True(exitCode == 0, $"the sample exited with {exitCode}:\n{output}");
        Assert.Matches(@"Killed silo 2 \(process \d+\) with SIGKILL", output);
        Assert.Matches($@"Killed the client process \(process \d+\) with SIGKILL after {Requests / 2} stored requests", output);
        // The second client's own requests; the first client's are checked in the silos' logs with them.
        Assert.Contains($"Completed {Requests - Requests / 2} of {Requests - Requests / 2} in", output);
        Assert.Contains("Users out of order or missing requests: 0;", output);
        Assert.Contains($"OK: all {Users} users' requests ran, in order", output);
    }

    /// <summary>Runs <c>dotnet ClusterSessions.dll</c> with the arguments; kills it (and what it started) if it overruns.</summary>
    private static async Task<(int ExitCode, string Output)> RunSampleAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(System.IO.Path.Combine(s_sampleDirectory, "ClusterSessions.dll"));
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) => Append(output, line.Data);
        process.ErrorDataReceived += (_, line) => Append(output, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(s_timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the sample did not finish within {s_timeout.TotalMinutes} minutes:\n{Text(output)}");
        }
        // WaitForExitAsync has also seen the end of both streams.
        return (process.ExitCode, Text(output));
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
            return;
        lock (output)
            output.AppendLine(line);
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }
}
