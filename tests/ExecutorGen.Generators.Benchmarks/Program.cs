using System;
using System.Threading.Tasks;
using BenchmarkDotNet.Running;

namespace ExecutorGen.Generators.Benchmarks;

/// <summary>
/// Runs every benchmark unless arguments choose (e.g. <c>--filter *FirstRun*</c>); <c>--analyzer-cost</c> measures
/// the concurrency analyzers' share of compile time instead (<see cref="AnalyzerCost"/>); <c>--write-project DIR</c>
/// writes the same project to build with the real compiler (<see cref="SyntheticProject"/>).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (Array.IndexOf(args, "--analyzer-cost") >= 0)
            return await AnalyzerCost.RunAsync(args);
        if (Array.IndexOf(args, "--write-project") is int index and >= 0 && index + 1 < args.Length)
            return SyntheticProject.Write(args[index + 1]);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? new[] { "--filter", "*" } : args);
        return 0;
    }
}
