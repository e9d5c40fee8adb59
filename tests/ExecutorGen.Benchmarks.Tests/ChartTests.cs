namespace ExecutorGen.Benchmarks.Tests;

public sealed class ChartTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("executorgen-chart-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void The_chart_has_a_bar_per_executor_and_worker_count_and_a_p50_and_p99_bar_per_executor()
    {
        File.WriteAllText(Path.Combine(_directory, "w1.csv"), """
            peer,workers,median_ns_per_request,mean_ns_per_request,requests_per_second,allocated_bytes_per_request,throughput_ratio_vs_channels
            PerKey,2,500,500,2000000,0,0.5
            Channels,2,250,250,4000000,0,1
            PerKey,8,400,400,2500000,0,0.5
            Channels,8,200,200,5000000,0,1

            """);
        File.WriteAllText(Path.Combine(_directory, "w3.csv"), """
            peer,workers,other_requests,other_p50_us,other_p99_us,other_max_us,hot_p50_us,hot_p99_us,requests_per_second
            PerKey,4,100,30,500,900,60000,100000,15000
            Channels,4,100,35,90000,150000,60000,100000,15000

            """);
        string svg = Path.Combine(_directory, "chart.svg");

        Assert.Equal(0, ExecutorGen.Benchmarks.Chart.Program.Main([_directory, svg]));

        string text = File.ReadAllText(svg);
        Assert.StartsWith("<svg", text);
        Assert.Contains("<title>Channels, 8 workers: 5.00 M req/s</title>", text);
        Assert.Contains("<title>PerKey, 2 workers: 2.00 M req/s</title>", text);
        Assert.Contains("<title>PerKey p99: 500 µs</title>", text);
        Assert.Contains("<title>Channels p99: 90 ms</title>", text);
        Assert.Equal(4 + 4 + 4, text.Split("<rect x=").Length - 1); // 4 + 4 bars and 2 + 2 legend swatches
    }

    [Fact]
    public void Without_two_arguments_the_chart_prints_its_usage_and_fails() =>
        Assert.Equal(2, ExecutorGen.Benchmarks.Chart.Program.Main([]));
}
