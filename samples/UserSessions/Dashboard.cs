using ExecutorGen;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace UserSessions;

/// <summary>
/// Shows an executor while it works: a live terminal dashboard (per-worker utilisation bars, queue depth,
/// backpressure with its reasons, p99 latencies, dead letters) when the console is a terminal, and plain
/// progress lines when output is redirected (CI, pipes, files).
/// </summary>
internal sealed class Dashboard
{
    private const int SamplesPerWorker = 20; // utilisation = busy share of the last 20 samples (2 s at 100 ms)

    private readonly SessionHandlersExecutor _executor;
    private readonly int _total;
    private readonly bool _live;
    private readonly Dictionary<int, Queue<bool>> _busySamples = new();
    private volatile string _lastChange = "none yet";

    public Dashboard(SessionHandlersExecutor executor, int total, bool live)
    {
        _executor = executor;
        _total = total;
        _live = live;
        executor.BackpressureChanged += (_, e) =>
        {
            string change = $"{(e.Current.IsActive ? "ON" : "off")} ({Describe(e.Current)}) at {DateTime.Now:HH:mm:ss.fff}";
            _lastChange = change;
            if (!_live)
                Console.WriteLine("  backpressure " + change);
        };
    }

    /// <summary>Shows the executor until <paramref name="workload"/> completes, then once more.</summary>
    public Task RunAsync(Task workload) => _live ? RunLiveAsync(workload) : RunPlainAsync(workload);

    /// <summary>The plain one-line summary used when output is redirected (and at the end).</summary>
    public static string PlainLine(ExecutorMetrics m, int total)
    {
        string workers = string.Join(" ", m.Workers.Select(w => $"{w.Id}:{w.Processed}"));
        return $"  processed {m.Completed + m.DeadLettered,6:N0}/{total:N0}  queue {m.QueueDepth,5:N0}  busy {m.BusyWorkers}/{m.WorkerCount}  " +
               $"backpressure {(m.Backpressure.IsActive ? "ON " + m.Backpressure.Reasons : "off")}  p99 {m.ProcessingTime.P99.TotalMilliseconds:F1} ms  " +
               $"dead letters {m.DeadLettered}  per worker [{workers}]";
    }

    private async Task RunPlainAsync(Task workload)
    {
        while (!workload.IsCompleted)
        {
            await Task.WhenAny(workload, Task.Delay(250));
            Console.WriteLine(PlainLine(_executor.GetMetrics(), _total));
        }
    }

    private async Task RunLiveAsync(Task workload)
    {
        await AnsiConsole.Live(Render(_executor.GetMetrics()))
            .AutoClear(false)
            .StartAsync(async context =>
            {
                while (!workload.IsCompleted)
                {
                    await Task.WhenAny(workload, Task.Delay(100));
                    context.UpdateTarget(Render(_executor.GetMetrics()));
                }
            });
    }

    private IRenderable Render(ExecutorMetrics m)
    {
        var bars = new BarChart()
            .Width(70)
            .Label("[bold]Worker utilisation[/], % busy over the last 2 s")
            .WithMaxValue(100);
        foreach (var worker in m.Workers)
        {
            double utilisation = Sample(worker);
            var color = worker.IsStuck ? Color.Red : utilisation >= 90 ? Color.Orange1 : Color.Green;
            bars.AddItem($"worker {worker.Id} ({worker.Processed:N0})", Math.Round(utilisation), color);
        }

        var backpressure = m.Backpressure.IsActive
            ? $"[red]ON[/] {Markup.Escape(Describe(m.Backpressure))}"
            : "[green]off[/]";
        var figures = new Table().Border(TableBorder.Rounded).HideHeaders()
            .AddColumn("what").AddColumn("value")
            .AddRow("Processed", $"{m.Completed + m.DeadLettered:N0} / {_total:N0}")
            .AddRow("Queue depth", $"{m.QueueDepth:N0} / {m.Capacity:N0}")
            .AddRow("Busy workers", $"{m.BusyWorkers} / {m.WorkerCount}" + (m.StuckWorkers > 0 ? $" ([red]{m.StuckWorkers} stuck[/])" : ""))
            .AddRow("Backpressure", backpressure)
            .AddRow("Last change", Markup.Escape(_lastChange))
            .AddRow("Queue time p99", $"{m.QueueTime.P99.TotalMilliseconds:F2} ms")
            .AddRow("Processing p99", $"{m.ProcessingTime.P99.TotalMilliseconds:F2} ms")
            .AddRow("Arrival / completion", $"{m.ArrivalRate:N0} / {m.CompletionRate:N0} per s")
            .AddRow("Dead letters", m.DeadLettered == 0 ? "0" : $"[red]{m.DeadLettered:N0}[/]");

        return new Rows(
            new Markup($"[bold]UserSessions[/]: {_total:N0} requests through [blue]SessionHandlersExecutor[/]"),
            figures,
            bars);
    }

    /// <summary>Adds a busy/idle sample for the worker and returns its busy share, in percent.</summary>
    private double Sample(WorkerMetrics worker)
    {
        if (!_busySamples.TryGetValue(worker.Id, out var samples))
            _busySamples[worker.Id] = samples = new Queue<bool>();
        samples.Enqueue(worker.Busy);
        while (samples.Count > SamplesPerWorker)
            samples.Dequeue();
        return 100.0 * samples.Count(busy => busy) / samples.Count;
    }

    private static string Describe(BackpressureState state) =>
        state.IsActive
            ? $"{state.Reasons}; queue {state.QueueFill:P0}, queue-time p99 {state.QueueTimeP99.TotalMilliseconds:F0} ms, saturation {state.Saturation:P0}"
            : $"queue {state.QueueFill:P0}";
}
