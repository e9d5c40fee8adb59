using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Reports;

namespace ExecutorGen.Benchmarks.Runs;

/// <summary>
/// Writes the run's results as CSV (one file per workload, invariant culture) plus <c>run.json</c>
/// (machine, mode, date) into one folder; <c>chart/</c> and <c>docs/benchmarks.md</c> are built from them.
/// Throughput ratios are against the hand-written Channels executor with the same worker count:
/// Channels' time per request ÷ this executor's (above 1 = faster than Channels).
/// </summary>
public sealed class ResultsWriter(string directory)
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    /// <summary>The folder written to.</summary>
    public string Directory { get; } = directory;

    /// <summary>Writes <c>run.json</c>: what ran, where and when.</summary>
    public void WriteRunInfo(BenchMode mode, string[] workloads, DateTimeOffset started)
    {
        var info = new Dictionary<string, object>
        {
            ["mode"] = mode.Name,
            ["workloads"] = workloads,
            ["started"] = started.ToString("u", s_invariant),
            ["finished"] = DateTimeOffset.UtcNow.ToString("u", s_invariant),
            ["processors"] = Environment.ProcessorCount,
            ["cpu"] = CpuModel(),
            ["os"] = RuntimeInformation.OSDescription,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        };
        File.WriteAllText(Path.Combine(Directory, "run.json"), JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>W1: <c>w1.csv</c> from the <see cref="Benchmarks.OverheadBenchmarks"/> summary.</summary>
    public void WriteOverhead(Summary summary)
    {
        var rows = Rows(summary).ToList();
        var csv = new StringBuilder("peer,workers,median_ns_per_request,mean_ns_per_request,requests_per_second,allocated_bytes_per_request,throughput_ratio_vs_channels\n");
        foreach (var row in rows)
        {
            var channels = rows.FirstOrDefault(r => r.Peer == "Channels" && r.Workers == row.Workers);
            csv.AppendLine(Csv(row.Peer, row.Workers, row.MedianNs, row.MeanNs, 1e9 / row.MedianNs, row.AllocatedBytes,
                channels is null ? double.NaN : channels.MedianNs / row.MedianNs));
        }
        Write("w1.csv", csv);
    }

    /// <summary>W4: <c>w4.csv</c> from the <see cref="Benchmarks.ObservabilityBenchmarks"/> summary; cost = time ÷ time without listeners − 1.</summary>
    public void WriteObservability(Summary summary)
    {
        var rows = Rows(summary).ToList();
        var csv = new StringBuilder("peer,workers,listeners,median_ns_per_request,allocated_bytes_per_request,cost_vs_none\n");
        foreach (var row in rows)
        {
            var bare = rows.FirstOrDefault(r => r.Peer == row.Peer && r.Workers == row.Workers && r.Listeners == nameof(Benchmarks.Listeners.None));
            csv.AppendLine(Csv(row.Peer, row.Workers, row.Listeners, row.MedianNs, row.AllocatedBytes,
                bare is null ? double.NaN : row.MedianNs / bare.MedianNs - 1));
        }
        Write("w4.csv", csv);
    }

    /// <summary>W5: <paramref name="fileName"/> from a <see cref="Benchmarks.BatchBenchmarks"/> summary; throughput ratio against the single-request handler.</summary>
    public void WriteBatches(string fileName, Summary summary)
    {
        var rows = Rows(summary).ToList();
        var csv = new StringBuilder("handler,keys,median_ns_per_request,allocated_bytes_per_request,throughput_ratio_vs_single\n");
        foreach (var row in rows)
        {
            var single = rows.FirstOrDefault(r => r.Handler == nameof(Benchmarks.BatchHandler.Single) && r.Keys == row.Keys);
            csv.AppendLine(Csv(row.Handler, row.Keys, row.MedianNs, row.AllocatedBytes, single is null ? double.NaN : single.MedianNs / row.MedianNs));
        }
        Write(fileName, csv);
    }

    /// <summary>Allocation check: <c>alloc.csv</c> from the <see cref="Benchmarks.AllocationBenchmarks"/> summary.</summary>
    public void WriteAllocations(Summary summary)
    {
        var csv = new StringBuilder("api,peer,allocated_bytes_per_request,median_ns_per_request\n");
        foreach (var row in Rows(summary))
            csv.AppendLine(Csv(row.Method, row.Peer, row.AllocatedBytes, row.MedianNs));
        Write("alloc.csv", csv);
    }

    /// <summary>W2: <c>w2.csv</c>.</summary>
    public void WriteIoBound(IEnumerable<IoBoundResult> results)
    {
        var csv = new StringBuilder("peer,workers,delay_ms,ideal_ms,median_ms,ratio_to_ideal\n");
        foreach (var r in results)
            csv.AppendLine(Csv(r.Peer, r.Workers, r.DelayMs, r.IdealMs, r.MedianMs, r.RatioToIdeal));
        Write("w2.csv", csv);
    }

    /// <summary>W3: <c>w3.csv</c> (the burst) or <c>w3-saturating.csv</c>.</summary>
    public void WriteHotKey(string fileName, IEnumerable<HotKeyResult> results)
    {
        var csv = new StringBuilder("peer,workers,other_requests,other_p50_us,other_p99_us,other_max_us,hot_p50_us,hot_p99_us,requests_per_second\n");
        foreach (var r in results)
            csv.AppendLine(Csv(r.Peer, r.Workers, r.OtherRequests, r.OtherP50Us, r.OtherP99Us, r.OtherMaxUs, r.HotP50Us, r.HotP99Us, r.ThroughputPerSecond));
        Write(fileName, csv);
    }

    private void Write(string name, StringBuilder csv) => File.WriteAllText(Path.Combine(Directory, name), csv.ToString());

    private static string Csv(params object[] values) => string.Join(",", values.Select(v => v switch
    {
        double d => double.IsNaN(d) ? "" : d.ToString("0.###", s_invariant),
        IFormattable f => f.ToString(null, s_invariant),
        _ => v.ToString(),
    }));

    private sealed record Row(string Method, string Peer, int Workers, string Listeners, string Handler, int Keys, double MedianNs, double MeanNs, double AllocatedBytes);

    // A case that failed has no statistics: it is left out (and BenchmarkDotNet's own log says why).
    private static IEnumerable<Row> Rows(Summary summary) =>
        from report in summary.Reports
        where report.ResultStatistics is not null
        let c = report.BenchmarkCase
        select new Row(
            c.Descriptor.WorkloadMethod.Name,
            Parameter(c, "Peer"),
            int.TryParse(Parameter(c, "Workers"), out int workers) ? workers : 0,
            Parameter(c, "Listeners"),
            Parameter(c, "Handler"),
            int.TryParse(Parameter(c, "Keys"), out int keys) ? keys : 0,
            report.ResultStatistics!.Median,
            report.ResultStatistics.Mean,
            report.GcStats.GetBytesAllocatedPerOperation(c) ?? double.NaN);

    private static string Parameter(BenchmarkDotNet.Running.BenchmarkCase c, string name) =>
        c.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value?.ToString() ?? "";

    private static string CpuModel()
    {
        const string CpuInfo = "/proc/cpuinfo";
        if (!File.Exists(CpuInfo)) return RuntimeInformation.ProcessArchitecture.ToString();
        string? line = File.ReadLines(CpuInfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
    }
}
