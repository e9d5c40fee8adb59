using CsCheck;

namespace ExecutorGen.Tests;

/// <summary>
/// Model-based property test: random operation sequences run against the real engine and a sequential
/// model of the contract; every answer and every count must agree. The only worker is held by a gate
/// request while operations run, so admission is deterministic; "Pump" lets it run everything queued.
/// CsCheck shrinks a failing sequence to a minimal one.
/// </summary>
public class ModelTests
{
    public enum OpKind
    {
        TrySubmit,
        Submit,
        Pump,
    }

    public sealed record Op(OpKind Kind, int Key, bool Fails)
    {
        public override string ToString() => Kind == OpKind.Pump ? "Pump" : $"{Kind}(k{Key}{(Fails ? ", fails" : "")})";
    }

    public sealed record Scenario(int Capacity, int? MaxQueuedPerKey, QueueFullMode FullMode, ShutdownMode Shutdown, Op[] Ops)
    {
        public override string ToString() =>
            $"capacity {Capacity}, per key {MaxQueuedPerKey?.ToString() ?? "-"}, {FullMode}, {Shutdown}: {string.Join(", ", Ops.Select(o => o.ToString()))}";
    }

    private static readonly Gen<Op> s_op = Gen.Frequency(
        (6, from key in Gen.Int[0, 2] from fails in Gen.Int[0, 4] from submit in Gen.Bool select new Op(submit ? OpKind.Submit : OpKind.TrySubmit, key, fails == 0)),
        (1, Gen.Const(new Op(OpKind.Pump, 0, false))));

    private static readonly Gen<Scenario> s_scenario =
        from capacity in Gen.Int[1, 4]
        from perKey in Gen.Int[0, 3]
        from fullMode in Gen.Enum<QueueFullMode>()
        from shutdown in Gen.Enum<ShutdownMode>()
        from ops in s_op.Array[0, 24]
        select new Scenario(capacity, perKey == 0 ? null : perKey, fullMode, shutdown, ops);

    [Fact]
    public void The_engine_agrees_with_a_sequential_model_of_the_contract() =>
        s_scenario.Sample(scenario => RunAsync(scenario).GetAwaiter().GetResult(), iter: 300, threads: 1);

    private sealed class Model
    {
        public readonly List<(int Id, int Key, bool Fails)> Queue = new();
        public readonly List<int> ExpectedDrops = new();
        public long Submitted, Rejected, Dropped, Completed, DeadLettered, Cancelled;
    }

    private static async Task RunAsync(Scenario scenario)
    {
        var sink = new ListSink();
        var engine = Engines.Create(new ExecutorOptions
        {
            WorkerCount = 1,
            Capacity = scenario.Capacity,
            MaxQueuedPerKey = scenario.MaxQueuedPerKey,
            FullMode = scenario.FullMode,
            DeadLetters = sink,
            StuckAfter = null,
        });
        var model = new Model();
        var ranByKey = new Dictionary<int, List<int>>();
        var gate = await HoldAsync(engine, model);

        int nextId = 0;
        foreach (var op in scenario.Ops)
        {
            if (op.Kind == OpKind.Pump)
            {
                gate.Release();
                Pump(model);
                await WaitUntilIdleAsync(engine);
                gate = await HoldAsync(engine, model);
                AssertCounts(engine.GetMetrics(), model, scenario);
                continue;
            }

            int id = nextId++, key = op.Key;
            var work = Engines.Work("k" + key, id, () =>
            {
                lock (ranByKey)
                {
                    if (!ranByKey.TryGetValue(key, out var ran))
                        ranByKey[key] = ran = new List<int>();
                    ran.Add(id);
                }
                if (op.Fails)
                    throw new InvalidOperationException("planned failure");
            });
            bool wouldWait = scenario.FullMode == QueueFullMode.Wait && !Admissible(model, scenario, key);
            var expected = Admit(model, scenario, id, key, op.Fails);
            if (op.Kind == OpKind.Submit && !wouldWait)
            {
                bool threw = false;
                try
                {
                    await engine.SubmitAsync(work, default);
                }
                catch (RequestRejectedException)
                {
                    threw = true;
                }
                Assert.Equal(expected == Admission.Refused, threw);
            }
            else
            {
                Assert.Equal(expected == Admission.Accepted, engine.TrySubmit(work));
            }
        }

        ShutdownReport report;
        if (scenario.Shutdown == ShutdownMode.Drain)
        {
            gate.Release();
            Pump(model);
            report = await engine.ShutdownAsync(ShutdownMode.Drain);
            Assert.Empty(report.Unprocessed);
        }
        else
        {
            // The gate request is running and honours its token: it is the one cancelled request.
            var shutdown = engine.ShutdownAsync(ShutdownMode.Cancel);
            report = await shutdown;
            model.Cancelled++;
            Assert.Equal(model.Queue.Select(q => q.Id), report.Unprocessed.Select(u => (int)u.Arguments[0]!));
            model.Queue.Clear();
        }

        var metrics = engine.GetMetrics();
        AssertCounts(metrics, model, scenario);
        Assert.Equal(model.ExpectedDrops.Order(), sink.Letters.Where(l => l.Reason == DeadLetterReason.Dropped).Select(l => (int)l.Arguments[0]!).Order());
        foreach (var ran in ranByKey.Values)
            Assert.Equal(ran.Order(), ran); // ids rise with submission order
        Accounting.AssertBalanced(metrics, report);
    }

    private enum Admission
    {
        Accepted,
        Refused,
        Shed,
    }

    private static bool Admissible(Model model, Scenario scenario, int key) =>
        model.Queue.Count < scenario.Capacity && !(model.Queue.Count(q => q.Key == key) >= scenario.MaxQueuedPerKey);

    /// <summary>The contract's admission rule, applied to the model.</summary>
    private static Admission Admit(Model model, Scenario scenario, int id, int key, bool fails)
    {
        bool keyFull = model.Queue.Count(q => q.Key == key) >= scenario.MaxQueuedPerKey;
        bool full = model.Queue.Count >= scenario.Capacity;
        if (!full && !keyFull)
        {
            model.Queue.Add((id, key, fails));
            model.Submitted++;
            return Admission.Accepted;
        }
        switch (scenario.FullMode)
        {
            case QueueFullMode.DropNewest:
                model.Submitted++;
                model.Dropped++;
                model.ExpectedDrops.Add(id);
                return Admission.Shed;
            case QueueFullMode.DropOldest:
                int victim = keyFull ? model.Queue.FindIndex(q => q.Key == key) : 0;
                model.ExpectedDrops.Add(model.Queue[victim].Id);
                model.Queue.RemoveAt(victim);
                model.Dropped++;
                model.Queue.Add((id, key, fails));
                model.Submitted++;
                return Admission.Accepted;
            default:
                model.Rejected++;
                return Admission.Refused;
        }
    }

    private static void Pump(Model model)
    {
        model.Completed++; // the gate request
        foreach (var (_, _, fails) in model.Queue)
        {
            if (fails)
                model.DeadLettered++;
            else
                model.Completed++;
        }
        model.Queue.Clear();
    }

    private static void AssertCounts(ExecutorMetrics metrics, Model model, Scenario scenario)
    {
        Assert.True(
            (metrics.Submitted, metrics.Rejected, metrics.Dropped, metrics.Completed, metrics.DeadLettered, metrics.Cancelled)
            == (model.Submitted, model.Rejected, model.Dropped, model.Completed, model.DeadLettered, model.Cancelled),
            $"engine {metrics.Submitted}/{metrics.Rejected}/{metrics.Dropped}/{metrics.Completed}/{metrics.DeadLettered}/{metrics.Cancelled} " +
            $"model {model.Submitted}/{model.Rejected}/{model.Dropped}/{model.Completed}/{model.DeadLettered}/{model.Cancelled} in {scenario}");
    }

    private sealed class Gate
    {
        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }

    /// <summary>Occupies the only worker with an unordered request until released (or cancelled by shutdown).</summary>
    private static async Task<Gate> HoldAsync(ExecutorGen.Runtime.ExecutorEngine<string, Work, WorkDispatcher> engine, Model model)
    {
        var gate = new Gate();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(engine.TrySubmit(Engines.Work(null, -1, async (w, token) =>
        {
            started.SetResult();
            await gate.Released.Task.WaitAsync(token);
            return w.Id;
        })));
        model.Submitted++;
        await started.Task;
        return gate;
    }

    private static async Task WaitUntilIdleAsync(ExecutorGen.Runtime.ExecutorEngine<string, Work, WorkDispatcher> engine)
    {
        for (int i = 0; i < 2_000; i++)
        {
            var metrics = engine.GetMetrics();
            if (metrics.QueueDepth == 0 && metrics.BusyWorkers == 0)
                return;
            await Task.Delay(1);
        }
        throw new TimeoutException("the engine did not go idle");
    }
}
