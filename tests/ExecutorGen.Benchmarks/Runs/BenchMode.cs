namespace ExecutorGen.Benchmarks.Runs;

/// <summary>
/// How long to measure. <see cref="Short"/> took 9 minutes on a loaded 2-core machine (where <c>Task.Delay(1)</c>
/// sleeps about 4 ms, which sets W2's length); <see cref="Full"/> repeats more (about 35 minutes there).
/// </summary>
/// <param name="Name">The mode's name, also BenchmarkDotNet's job id.</param>
/// <param name="WarmupCount">BenchmarkDotNet warm-up iterations per case.</param>
/// <param name="IterationCount">BenchmarkDotNet measured iterations per case (one whole workload each).</param>
/// <param name="HotKeyRepetitions">W3 repetitions per executor (after one uncounted warm-up repetition).</param>
/// <param name="IoRepetitions">W2 repetitions per executor and worker count (after a warm-up of 2,000 requests).</param>
public sealed record BenchMode(string Name, int WarmupCount, int IterationCount, int HotKeyRepetitions, int IoRepetitions)
{
    /// <summary>1 warm-up and 3 measured BenchmarkDotNet iterations; 3 W3 and 1 W2 repetitions.</summary>
    public static BenchMode Short { get; } = new("short", 1, 3, 3, 1);

    /// <summary>3 warm-ups and 15 measured iterations; 10 W3 and 5 W2 repetitions.</summary>
    public static BenchMode Full { get; } = new("full", 3, 15, 10, 5);
}
