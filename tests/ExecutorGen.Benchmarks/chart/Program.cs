using System.Globalization;

namespace ExecutorGen.Benchmarks.Chart;

/// <summary>
/// Draws the benchmark chart: W1 throughput (bars per executor, one per worker count) beside W3's
/// other-key latency (p50 and p99 per executor, log scale), from <c>w1.csv</c> and <c>w3.csv</c>.
/// Usage: <c>RESULTS_DIR OUTPUT.svg</c>.
/// </summary>
public static class Program
{
    private const double PanelWidth = 580, Height = 470, Top = 60, Bottom = 110, Left = 70;
    private static readonly string[] s_seriesColours = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

    /// <summary>Reads the results and writes the SVG.</summary>
    public static int Main(string[] args)
    {
        if (args.Length != 2)
        {
            Console.Error.WriteLine("usage: dotnet run --project tests/ExecutorGen.Benchmarks/chart -- RESULTS_DIR OUTPUT.svg");
            return 2;
        }
        var w1 = Csv.Read(Path.Combine(args[0], "w1.csv"));
        var w3 = Csv.Read(Path.Combine(args[0], "w3.csv"));
        var svg = new Svg(2 * PanelWidth, Height);
        DrawThroughput(svg, w1, 0);
        DrawLatency(svg, w3, PanelWidth);
        File.WriteAllText(args[1], svg.ToString());
        Console.WriteLine($"Wrote {args[1]}");
        return 0;
    }

    private static void DrawThroughput(Svg svg, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, double x0)
    {
        var peers = rows.Select(r => r["peer"]).Distinct().ToArray();
        var workers = rows.Select(r => r["workers"]).Distinct().OrderBy(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        double Value(string peer, string worker) =>
            rows.Where(r => r["peer"] == peer && r["workers"] == worker).Select(r => Csv.Number(r, "requests_per_second") / 1e6).DefaultIfEmpty(0).First();
        double max = NiceCeiling(rows.Max(r => Csv.Number(r, "requests_per_second") / 1e6));
        var plot = new Plot(x0 + Left, Top, PanelWidth - Left - 20, Height - Top - Bottom);

        svg.Text(x0 + PanelWidth / 2, 24, "W1 throughput (million requests/s, higher is better)", 14, "middle", "bold");
        for (int i = 0; i <= 5; i++)
        {
            double v = max * i / 5;
            double y = plot.Y(v / max);
            svg.Line(plot.Left, y, plot.Right, y, "#dddddd");
            svg.Text(plot.Left - 6, y + 4, v.ToString("0.##", CultureInfo.InvariantCulture), 11, "end");
        }
        DrawBars(svg, plot, peers, workers.Select(w => $"{w} workers").ToArray(),
            (p, s) => Value(peers[p], workers[s]) / max,
            (p, s) => $"{peers[p]}, {workers[s]} workers: {Value(peers[p], workers[s]):0.00} M req/s",
            (p, s) => Value(peers[p], workers[s]).ToString("0.0#", CultureInfo.InvariantCulture));
    }

    private static void DrawLatency(Svg svg, IReadOnlyList<IReadOnlyDictionary<string, string>> rows, double x0)
    {
        var peers = rows.Select(r => r["peer"]).ToArray();
        string[] columns = ["other_p50_us", "other_p99_us"];
        double low = 1, high = Math.Pow(10, Math.Ceiling(Math.Log10(rows.Max(r => Csv.Number(r, "other_p99_us")))));
        double Scale(double us) => Math.Clamp((Math.Log10(Math.Max(us, low)) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low)), 0, 1);
        var plot = new Plot(x0 + Left, Top, PanelWidth - Left - 20, Height - Top - Bottom);

        svg.Text(x0 + PanelWidth / 2, 24, "W3 hot key: other keys' latency (log scale, lower is better)", 14, "middle", "bold");
        for (double v = low; v <= high; v *= 10)
        {
            double y = plot.Y(Scale(v));
            svg.Line(plot.Left, y, plot.Right, y, "#dddddd");
            svg.Text(plot.Left - 6, y + 4, Duration(v), 11, "end");
        }
        DrawBars(svg, plot, peers, ["p50", "p99"],
            (p, s) => Scale(Csv.Number(rows[p], columns[s])),
            (p, s) => $"{peers[p]} {(s == 0 ? "p50" : "p99")}: {Duration(Csv.Number(rows[p], columns[s]))}",
            (p, s) => Duration(Csv.Number(rows[p], columns[s])));
    }

    /// <summary>Grouped bars: one group per peer, one bar per series, heights in [0, 1] of the plot.</summary>
    private static void DrawBars(Svg svg, Plot plot, string[] peers, string[] series,
        Func<int, int, double> height, Func<int, int, string> title, Func<int, int, string> label)
    {
        double group = plot.Width / peers.Length;
        double bar = group * 0.8 / series.Length;
        for (int p = 0; p < peers.Length; p++)
        {
            double gx = plot.Left + p * group + group * 0.1;
            for (int s = 0; s < series.Length; s++)
            {
                double h = height(p, s) * plot.Height;
                double x = gx + s * bar;
                svg.Rect(x, plot.Bottom - h, bar - 2, h, s_seriesColours[s % s_seriesColours.Length], title(p, s));
                svg.Text(x + bar / 2 - 1, plot.Bottom - h - 4, label(p, s), 9, "middle");
            }
            svg.Text(gx + group * 0.4, plot.Bottom + 14, peers[p], 12, "end", rotate: -35);
        }
        svg.Line(plot.Left, plot.Bottom, plot.Right, plot.Bottom, "#333333");
        svg.Line(plot.Left, plot.Top, plot.Left, plot.Bottom, "#333333");
        for (int s = 0; s < series.Length; s++)
        {
            double lx = plot.Left + 10 + s * 110, ly = Height - 22;
            svg.Rect(lx, ly - 10, 12, 12, s_seriesColours[s % s_seriesColours.Length], series[s]);
            svg.Text(lx + 18, ly, series[s], 12);
        }
    }

    private static double NiceCeiling(double value)
    {
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (double step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
                return step * magnitude;
        }
        return 10 * magnitude;
    }

    private static string Duration(double us) => us switch
    {
        >= 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{us / 1_000_000:0.#} s"),
        >= 1_000 => string.Create(CultureInfo.InvariantCulture, $"{us / 1_000:0.#} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{us:0} µs"),
    };

    /// <summary>The plotting area of a panel; <see cref="Y"/> maps a fraction of its height to a coordinate.</summary>
    private sealed record Plot(double Left, double Top, double Width, double Height)
    {
        public double Right => Left + Width;

        public double Bottom => Top + Height;

        public double Y(double fraction) => Bottom - fraction * Height;
    }
}
