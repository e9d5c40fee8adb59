namespace ExecutorGen.Benchmarks.Runs;

/// <summary>How long to measure: <see cref="Short"/> finishes in minutes on a 2-core machine; <see cref="Full"/> repeats more.</summary>
public sealed record BenchMode(string Name, int WarmupCount, int IterationCount, int Repetitions)
{
    /// <summary>A few minutes: 1 warm-up and 5 measured BenchmarkDotNet iterations, 3 repetitions of each custom run.</summary>
    public static BenchMode Short { get; } = new("short", 1, 5, 3);

    /// <summary>3 warm-ups and 15 measured iterations, 10 repetitions of each custom run.</summary>
    public static BenchMode Full { get; } = new("full", 3, 15, 10);
}
