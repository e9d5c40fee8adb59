using System.Diagnostics;
using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

public class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_the_bucket_precision()
    {
        var histogram = new LatencyHistogram();
        for (int ms = 1; ms <= 1000; ms++)
            histogram.Record(Stopwatch.Frequency * ms / 1000);
        var summary = histogram.Summarize();

        Assert.Equal(1000, summary.Count);
        Assert.InRange(summary.P50.TotalMilliseconds, 500 * 0.93, 500 * 1.07);
        Assert.InRange(summary.P90.TotalMilliseconds, 900 * 0.93, 900 * 1.07);
        Assert.InRange(summary.P99.TotalMilliseconds, 990 * 0.93, 1000);
        Assert.Equal(1000, summary.Max.TotalMilliseconds, 3);
    }

    [Fact]
    public void A_window_is_summarized_from_the_growth_since_its_baseline()
    {
        var histogram = new LatencyHistogram();
        var baseline = histogram.NewBaseline();
        for (int i = 0; i < 100; i++)
            histogram.Record(Stopwatch.Frequency / 1000); // 1 ms, before the window
        histogram.SummarizeSince(baseline);
        for (int i = 0; i < 100; i++)
            histogram.Record(Stopwatch.Frequency / 10); // 100 ms, in the window

        var window = histogram.SummarizeSince(baseline);
        Assert.Equal(100, window.Count);
        Assert.InRange(window.P50.TotalMilliseconds, 100 * 0.93, 100 * 1.07);
        Assert.Equal(LatencySummary.Empty, histogram.SummarizeSince(baseline)); // nothing since
        Assert.Equal(200, histogram.Summarize().Count); // the all-time figures are untouched
    }

    [Fact]
    public void Empty_and_extreme_samples_are_safe()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(LatencySummary.Empty, histogram.Summarize());
        histogram.Record(-5);
        histogram.Record(long.MaxValue / 4);
        Assert.Equal(2, histogram.Summarize().Count);
    }

    [Fact]
    public void Bucket_midpoints_increase_with_the_bucket()
    {
        double previous = -1;
        for (long micros = 0; micros < 1L << 40; micros = micros * 2 + 1)
        {
            double mid = LatencyHistogram.MidpointOf(LatencyHistogram.BucketOf(micros));
            Assert.True(mid >= previous);
            Assert.InRange(mid, micros * 0.93, micros * 1.07 + 1);
            previous = mid;
        }
    }
}
