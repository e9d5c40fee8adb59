using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ExecutorGen.Benchmarks.Benchmarks;
using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Runs;

namespace ExecutorGen.Benchmarks;

/// <summary>
/// One command per mode runs everything and writes the results (docs/benchmarks.md):
/// <c>dotnet run -c Release --project tests/ExecutorGen.Benchmarks -- --short</c> (or <c>--full</c>).
/// Options: <c>--only w1,w2,w3,w4,w5,alloc</c> runs a subset; <c>--artifacts DIR</c> (default
/// <c>BenchmarkDotNet.Artifacts</c>) is where BenchmarkDotNet's reports and <c>DIR/executorgen/*.csv</c> go;
/// <c>--profile</c> runs W1 only, for PerKey, PerPartition and Channels on 2 workers, under BenchmarkDotNet's
/// EventPipe CPU-sampling profiler (a speedscope file per case in <c>DIR</c>).
/// </summary>
public static class Program
{
    private static readonly string[] s_workloads = ["w1", "w2", "w3", "w4", "w5", "alloc"];

    /// <summary>Runs the contract check, the custom runs (W2, W3) and the BenchmarkDotNet benchmarks (W1, W4, alloc).</summary>
    public static async Task<int> Main(string[] args)
    {
        var mode = BenchMode.Short;
        string[] workloads = s_workloads;
        string artifacts = "BenchmarkDotNet.Artifacts";
        bool profile = false;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--short": mode = BenchMode.Short; break;
                case "--full": mode = BenchMode.Full; break;
                case "--only" when i + 1 < args.Length:
                    workloads = args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                    var unknown = workloads.Except(s_workloads).ToArray();
                    if (unknown.Length > 0) return Usage($"unknown workload(s) for --only: {string.Join(", ", unknown)}");
                    break;
                case "--artifacts" when i + 1 < args.Length: artifacts = args[++i]; break;
                case "--profile": profile = true; workloads = ["w1"]; break;
                default: return Usage($"unknown argument '{args[i]}'");
            }
        }

        var started = DateTimeOffset.UtcNow;
        var results = new ResultsWriter(Directory.CreateDirectory(Path.Combine(artifacts, "executorgen")).FullName);
        Console.WriteLine($"ExecutorGen benchmarks, {mode.Name} mode: {string.Join(", ", workloads)}; results in {results.Directory}");

        Console.WriteLine("Contract check (every executor: each request once, per-key order):");
        var failures = await ContractCheck.RunAsync(Console.Out);
        if (failures.Count > 0)
        {
            Console.Error.WriteLine("Contract check failed, nothing measured:\n  " + string.Join("\n  ", failures));
            return 1;
        }

        if (workloads.Contains("w3"))
        {
            results.WriteHotKey("w3.csv", await HotKeyRun.RunAsync(HotKeyRun.Burst, mode, Console.Out));
            results.WriteHotKey("w3-saturating.csv", await HotKeyRun.RunAsync(HotKeyRun.Saturating, mode, Console.Out));
        }
        if (workloads.Contains("w2"))
            results.WriteIoBound(await IoBoundRun.RunAsync(mode, Console.Out));

        var types = new List<Type>();
        if (workloads.Contains("w1")) types.Add(typeof(OverheadBenchmarks));
        if (workloads.Contains("w4")) types.Add(typeof(ObservabilityBenchmarks));
        if (workloads.Contains("w5")) types.AddRange([typeof(BatchOverheadBenchmarks), typeof(BatchRoundTripBenchmarks)]);
        if (workloads.Contains("alloc")) types.Add(typeof(AllocationBenchmarks));
        if (types.Count > 0)
        {
            var config = profile ? ProfileConfig(Config(mode, artifacts)) : Config(mode, artifacts);
            foreach (Summary summary in BenchmarkRunner.Run(types.ToArray(), config))
            {
                var type = summary.BenchmarksCases.FirstOrDefault()?.Descriptor.Type;
                if (type == typeof(OverheadBenchmarks)) results.WriteOverhead(summary);
                else if (type == typeof(ObservabilityBenchmarks)) results.WriteObservability(summary);
                else if (type == typeof(BatchOverheadBenchmarks)) results.WriteBatches("w5.csv", summary);
                else if (type == typeof(BatchRoundTripBenchmarks)) results.WriteBatches("w5-round-trip.csv", summary);
                else if (type == typeof(AllocationBenchmarks)) results.WriteAllocations(summary);
            }
        }

        results.WriteRunInfo(mode, workloads, started);
        Console.WriteLine($"Results: {results.Directory}");
        return 0;
    }

    // Each invocation is one whole workload (10,000 to 1,000,000 requests), so one invocation per iteration.
    private static ManualConfig Config(BenchMode mode, string artifacts) => ManualConfig.Create(DefaultConfig.Instance)
        .AddJob(Job.Default
            .WithLaunchCount(1)
            .WithWarmupCount(mode.WarmupCount)
            .WithIterationCount(mode.IterationCount)
            .WithInvocationCount(1)
            .WithUnrollFactor(1)
            .WithId(mode.Name))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .AddColumn(StatisticColumn.Median)
        .WithArtifactsPath(artifacts)
        // Two minutes (the default) is not always enough to build the boilerplate on a loaded 2-core machine.
        .WithBuildTimeout(TimeSpan.FromMinutes(15))
        .WithOptions(ConfigOptions.DisableLogFile);

    // Profiles the engine against its strongest peer, on the machine's core count.
    private static IConfig ProfileConfig(ManualConfig config) => config
        .AddDiagnoser(new EventPipeProfiler(EventPipeProfile.CpuSampling))
        .AddFilter(new SimpleFilter(c =>
            c.Parameters.Items.Any(p => p.Name == "Workers" && p.Value is 2)
            && c.Parameters.Items.Any(p => p.Name == "Peer" && p.Value is PeerKind.PerKey or PeerKind.PerPartition or PeerKind.Channels)));

    private static int Usage(string problem)
    {
        Console.Error.WriteLine($"{problem}\nusage: dotnet run -c Release --project tests/ExecutorGen.Benchmarks -- [--short | --full] [--only {string.Join(",", s_workloads)}] [--artifacts DIR] [--profile]");
        return 2;
    }
}
