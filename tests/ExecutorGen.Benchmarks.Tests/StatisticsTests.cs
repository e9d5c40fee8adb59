using ExecutorGen.Benchmarks.Runs;

namespace ExecutorGen.Benchmarks.Tests;

public class StatisticsTests
{
    private static readonly double[] s_hundred = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

    [Theory]
    [InlineData(50, 50)]
    [InlineData(99, 99)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void Percentiles_are_nearest_rank(double p, double expected) =>
        Assert.Equal(expected, Statistics.Percentile(s_hundred, p));

    [Fact]
    public void A_percentile_outside_0_to_100_names_the_argument()
    {
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Percentile(s_hundred, 0)).ParamName);
        Assert.Equal("p", Assert.Throws<ArgumentOutOfRangeException>(() => Statistics.Percentile(s_hundred, 101)).ParamName);
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two() =>
        Assert.Equal(2.5, Statistics.Median([4, 1, 3, 2]));

    [Fact]
    public void The_median_of_an_odd_count_is_the_middle_value() =>
        Assert.Equal(3, Statistics.Median([5, 3, 1]));
}
