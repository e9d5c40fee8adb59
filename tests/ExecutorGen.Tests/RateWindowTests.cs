using System.Diagnostics;
using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

public class RateWindowTests
{
    private static readonly long Second = Stopwatch.Frequency;

    [Fact]
    public void Rates_run_from_the_oldest_sample_of_the_last_five_seconds()
    {
        var window = new RateWindow();
        long start = Stopwatch.GetTimestamp();
        for (int s = 1; s <= 10; s++)
            window.Sample(start + s * Second, arrivals: s * 100, completions: s * 50);

        // Samples at seconds 5..10 are within five seconds of second 10; the oldest of them (second 5) starts the window.
        var (arrivals, completions) = window.PerSecond(start + 10 * Second, arrivals: 1_000, completions: 500);
        Assert.Equal(100, arrivals, 3);
        Assert.Equal(50, completions, 3);
    }

    [Fact]
    public void Before_any_timer_sample_the_rate_is_since_creation()
    {
        var window = new RateWindow();
        long now = Stopwatch.GetTimestamp() + 2 * Second;
        var (arrivals, _) = window.PerSecond(now, arrivals: 400, completions: 0);
        Assert.InRange(arrivals, 190, 200.5);
    }

    [Fact]
    public void A_sparse_timer_makes_the_newest_sample_the_start()
    {
        var window = new RateWindow();
        long start = Stopwatch.GetTimestamp();
        window.Sample(start + 60 * Second, arrivals: 6_000, completions: 6_000);
        var (arrivals, completions) = window.PerSecond(start + 70 * Second, arrivals: 7_000, completions: 6_500);
        Assert.Equal(100, arrivals, 3);
        Assert.Equal(50, completions, 3);
    }

    [Fact]
    public async Task Executor_metrics_report_rates_and_worker_activity_in_wall_clock_time()
    {
        var before = DateTimeOffset.UtcNow;
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        for (int i = 0; i < 100; i++)
            await engine.SubmitAsync(Engines.Work("k", i, () => { }), default);
        await engine.ShutdownAsync();
        await Task.Delay(20); // rates over less than a millisecond are reported as zero

        var metrics = engine.GetMetrics();
        Assert.True(metrics.ArrivalRate > 0);
        Assert.True(metrics.CompletionRate > 0);
        var last = Assert.Single(metrics.Workers).LastActivity;
        Assert.NotNull(last);
        Assert.InRange(last!.Value, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
    }
}
