using BenchmarkDotNet.Running;

namespace ExecutorGen.Generators.Benchmarks;

/// <summary>Runs every benchmark unless arguments choose (e.g. <c>--filter *FirstRun*</c>).</summary>
public static class Program
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args.Length == 0 ? new[] { "--filter", "*" } : args);
}
