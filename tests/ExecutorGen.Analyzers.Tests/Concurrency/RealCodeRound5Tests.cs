using System.Threading.Tasks;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using LockTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;
using SharedTest = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The fifth round of issue 14's false positives (docs/analyzers-on-real-code.md): each must-not-flag test failed before
/// its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound5Tests
{
    // EXG002: a delegate kept in an auto-property of a work item (item.Work(item.State)) is work handed in, judged like
    // one kept in a field: by what the compilation's own code hands in there (Rx's platform layer, which queues its
    // callers' work items on the pool and on threads).
    private const string WorkItemProperty = """
        using System;
        using System.Threading;

        public sealed class PlatformLayer
        {
            private sealed class WorkItem
            {
                public WorkItem(Action<object?> work, object? state)
                {
                    Work = work;
                    State = state;
                }

                public Action<object?> Work { get; }
                public object? State { get; }
            }

            public void QueueWork(Action<object?> work, object? state)
            {
                ThreadPool.QueueUserWorkItem(static itemObject =>
                {
                    var item = (WorkItem)itemObject!;
                    item.Work(item.State);
                }, new WorkItem(work, state));
            }

            public void StartThread(Action<object?> work, object? state)
            {
                new Thread(static itemObject =>
                {
                    var item = (WorkItem)itemObject!;
                    item.Work(item.State);
                }) { IsBackground = true }.Start(new WorkItem(work, state));
            }
        }
        """;

    [Fact]
    public Task Work_item_running_the_callers_work_from_an_auto_property_is_not_reported() => new EscapeTest(WorkItemProperty).RunAsync();

    // The companion: the compilation's own code hands in work that throws; the item runs it on the pool.
    [Fact]
    public Task Work_item_running_the_compilations_own_throwing_work_is_reported() => new EscapeTest(WorkItemProperty
        .With("item.Work(item.State);", "{|EXG002:item.Work(item.State)|};")
        .With("public void StartThread(", """public void Refresh() => QueueWork(_ => throw new System.IO.IOException("disk gone"), null); public void StartThread(""")).RunAsync();

    // EXG002: a handler that ends in a rethrow (catch { clean up; throw; }) lets out what its try body lets out, nothing
    // more: a periodic timer running its caller's action through a serializing gate that rethrows the action's failure
    // (Rx's AsyncLock) does not throw on its own.
    private const string RethrowingGate = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        internal sealed class SerialGate
        {
            private readonly object _guard = new();
            private Queue<Action>? _queue;
            private bool _faulted;

            public void Run(Action action)
            {
                try
                {
                    action();
                }
                catch
                {
                    lock (_guard)
                    {
                        _queue = null;
                        _faulted = true;
                    }
                    throw;
                }
            }
        }

        public sealed class PeriodicWork
        {
            private readonly SerialGate _gate = new();
            private readonly Action _action;
            private readonly Timer _timer;

            public PeriodicWork(Action action, TimeSpan period)
            {
                _action = action;
                _timer = new Timer(static state => ((PeriodicWork)state!).Tick(), this, period, period);
            }

            private void Tick() => _gate.Run(_action);
        }
        """;

    [Fact]
    public Task Timer_through_a_gate_that_rethrows_the_callers_failure_is_not_reported() => new EscapeTest(RethrowingGate).RunAsync();

    // The companion: the gate's own work before the action can fail, and the rethrow lets that out.
    [Fact]
    public Task Timer_through_a_gate_whose_own_work_fails_is_reported() => new EscapeTest(RethrowingGate
        .With("action();", "Check(); action();")
        .With("public void Run(Action action)", """private static void Check() => throw new InvalidOperationException("The gate is closed."); public void Run(Action action)""")
        .With("static state => ((PeriodicWork)state!).Tick()", "static state => {|EXG002:((PeriodicWork)state!).Tick()|}")).RunAsync();

    // EXG004: a wait under a test of a bool parameter (the Dispose(bool) pattern: if (disposing) { Abort().Wait(); })
    // runs only for callers that pass the value it needs. A recovery task that disposes through DisposeAsync, which calls
    // Dispose(false), never blocks there (RabbitMQ's channel).
    private const string DisposeFalseBranch = """
        using System;
        using System.Threading.Tasks;

        public class Channel : IDisposable, IAsyncDisposable
        {
            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            public async ValueTask DisposeAsync()
            {
                await AbortAsync().ConfigureAwait(false);
                Dispose(false);
            }

            protected virtual void Dispose(bool disposing)
            {
                if (disposing)
                {
                    AbortAsync().GetAwaiter().GetResult();
                }
            }

            private async Task AbortAsync() => await Task.Delay(10).ConfigureAwait(false);
        }

        public sealed class Connection
        {
            private Channel? _channel = new();

            public void OnShutdown() => _ = Task.Run(RecoverAsync);

            private async Task RecoverAsync()
            {
                var old = _channel;
                _channel = new Channel();
                if (old is not null)
                    await old.DisposeAsync().ConfigureAwait(false);
            }
        }
        """;

    [Fact]
    public Task Wait_in_the_disposing_branch_reached_only_through_Dispose_false_is_not_reported() => new WaitTest(DisposeFalseBranch).RunAsync();

    // The companion: the recovery task disposes synchronously, Dispose(true) runs the branch and blocks the task.
    [Fact]
    public Task Wait_in_the_disposing_branch_reached_through_Dispose_is_reported() => new WaitTest(DisposeFalseBranch
        .With("await old.DisposeAsync().ConfigureAwait(false);", "old.Dispose();")
        .With("AbortAsync().GetAwaiter().GetResult();", "{|EXG004:AbortAsync().GetAwaiter().GetResult()|};")).RunAsync();

    // The same guard written as an early return: if (!disposing) return; blocks only on Dispose(true).
    [Fact]
    public Task Wait_after_an_early_return_on_not_disposing_is_not_reported() => new WaitTest(DisposeFalseBranch
        .With("""
                if (disposing)
                {
                    AbortAsync().GetAwaiter().GetResult();
                }
        """.Trim(), """
                if (!disposing)
                    return;
                AbortAsync().GetAwaiter().GetResult();
        """.Trim())).RunAsync();

    // EXG003: a virtual call on this runs the override of this object's class, not every override in the compilation.
    // Two operators' sinks share a base whose error path disposes the sink (Dispose() -> Dispose(true)); each sink's
    // override takes its own gate, which its observer already holds: no sink ever takes another sink's gate (Rx's Zip).
    private const string SinkDispatch = """
        using System;

        public abstract class Sink : IDisposable
        {
            public void ForwardOnError(Exception error) => Dispose();

            public void Dispose()
            {
                Dispose(true);
                GC.SuppressFinalize(this);
            }

            protected virtual void Dispose(bool disposing) { }
        }

        public sealed class ZipSink : Sink
        {
            internal readonly object _gate = new();
            private int _pending;

            protected override void Dispose(bool disposing)
            {
                lock (_gate)
                    _pending = 0;
                base.Dispose(disposing);
            }

            public sealed class Observer
            {
                private readonly ZipSink _parent;

                public Observer(ZipSink parent) => _parent = parent;

                public void OnError(Exception error)
                {
                    lock (_parent._gate) _parent.ForwardOnError(error);
                }
            }
        }

        public sealed class CombineSink : Sink
        {
            internal readonly object _gate = new();
            private int _values;

            protected override void Dispose(bool disposing)
            {
                lock (_gate)
                    _values = 0;
                base.Dispose(disposing);
            }

            public sealed class Observer
            {
                private readonly CombineSink _parent;

                public Observer(CombineSink parent) => _parent = parent;

                public void OnError(Exception error)
                {
                    lock (_parent._gate) { _parent.ForwardOnError(error); }
                }
            }
        }
        """;

    [Fact]
    public Task Virtual_dispose_on_this_runs_only_the_sinks_own_override() => new LockTest(SinkDispatch).RunAsync();

    // The companion: an observer typed by the shared base reaches every sink's override, and each observer then takes
    // the other sink's gate inside its own: two gates in both orders.
    [Fact]
    public Task Virtual_dispose_on_an_object_typed_by_the_base_reaches_every_override() => new LockTest(SinkDispatch
        .With("private readonly ZipSink _parent;", "private readonly ZipSink _parent; internal Sink Other = null!;")
        .With("private readonly CombineSink _parent;", "private readonly CombineSink _parent; internal Sink Other = null!;")
        .With("lock (_parent._gate) _parent.ForwardOnError(error);", "lock (_parent._gate) {|EXG003:Other.ForwardOnError(error)|};")
        .With("lock (_parent._gate) { _parent.ForwardOnError(error); }", "lock (_parent._gate) { {|EXG003:Other.ForwardOnError(error)|}; }")).RunAsync();

    // EXG004: a wait on an HttpClient request is bounded by HttpClient.Timeout (100 seconds unless set otherwise), and a
    // wait on WaitAsync(timeout) by its timeout: a synchronous exporter's fallback where the platform has no synchronous
    // send (OpenTelemetry's Zipkin exporter) is not a wait without a timeout.
    private const string HttpExport = """
        using System;
        using System.Net.Http;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class SpanExporter
        {
            private readonly HttpClient _client = new();
            private readonly Uri _endpoint = new("http://localhost:9411/api/v2/spans");

            public void Start() => new Thread(Export) { IsBackground = true }.Start();

            private void Export()
            {
                using var content = new StringContent("[]");
                using var response = _client.PostAsync(_endpoint, content).GetAwaiter().GetResult();
                response.EnsureSuccessStatusCode();
                Flush().WaitAsync(TimeSpan.FromSeconds(5)).GetAwaiter().GetResult();
            }

            private static Task Flush() => Task.CompletedTask;
        }
        """;

    [Fact]
    public Task Wait_on_an_HttpClient_request_or_a_WaitAsync_with_a_timeout_is_not_reported() => new WaitTest(HttpExport).RunAsync();

    // The companion: a wait on the response body's read has no such bound.
    [Fact]
    public Task Wait_on_reading_the_response_body_is_reported() => new WaitTest(HttpExport
        .With("response.EnsureSuccessStatusCode();", "_ = {|EXG004:response.Content.ReadAsStringAsync().GetAwaiter().GetResult()|};")).RunAsync();

    // EXG002: a wait on the task of a completion source that its class only ever completes with a result cannot throw
    // (OpenTelemetry's metric reader: a collect that finds another collect running waits for its result; the source is
    // only ever given TrySetResult).
    private const string ResultOnlySource = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Reader
        {
            private readonly object _newTask = new();
            private TaskCompletionSource<bool>? _collection;

            public void StartPeriodic() => new Thread(() => Collect()) { IsBackground = true }.Start();

            public bool Collect()
            {
                var tcs = _collection;
                bool mine = false;
                if (tcs == null)
                {
                    lock (_newTask)
                    {
                        tcs = _collection;
                        if (tcs == null)
                        {
                            tcs = new TaskCompletionSource<bool>();
                            _collection = tcs;
                            mine = true;
                        }
                    }
                }
                if (!mine)
                    return tcs.Task.GetAwaiter().GetResult();
                tcs.TrySetResult(true);
                lock (_newTask)
                    _collection = null;
                return true;
            }
        }
        """;

    [Fact]
    public Task Wait_on_a_source_only_ever_given_a_result_is_not_reported() => new EscapeTest(ResultOnlySource).RunAsync();

    // The companions: the class faults the source elsewhere, or hands it to code that could.
    [Fact]
    public Task Wait_on_a_source_the_class_also_faults_is_reported() => new EscapeTest(ResultOnlySource
        .With("public bool Collect()", "public void Fail(Exception error) => _collection?.TrySetException(error); public bool Collect()")
        .With("return tcs.Task.GetAwaiter().GetResult();", "return {|EXG002:tcs.Task.GetAwaiter().GetResult()|};")).RunAsync();

    [Fact]
    public Task Wait_on_a_source_handed_to_other_code_is_reported() => new EscapeTest(ResultOnlySource
        .With("_collection = tcs;", "_collection = tcs; Pending.Track(tcs);")
        .With("public sealed class Reader", "public static class Pending { public static void Track(TaskCompletionSource<bool> source) { } } public sealed class Reader")
        .With("return tcs.Task.GetAwaiter().GetResult();", "return {|EXG002:tcs.Task.GetAwaiter().GetResult()|};")).RunAsync();

    [Fact]
    public Task Wait_on_a_source_captured_from_code_around_the_thread_is_reported() => new EscapeTest("""
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Watcher
        {
            private readonly TaskCompletionSource<bool> _done = new();

            public void Watch(TaskCompletionSource<bool> other)
            {
                var source = other;
                new Thread(() => { _ = {|EXG002:source.Task.GetAwaiter().GetResult()|}; }).Start();
                _done.TrySetResult(true);
            }
        }
        """).RunAsync();

    // EXG002: a fire-and-forget task that ends by its cancellation loses nothing (a canceled task raises no unobserved
    // exception, and stopping was asked for): CAP's retry processor, whose pass starts with a check that throws
    // OperationCanceledException once the processor stops. A thread stopped that way still crashes the process.
    private const string CancelledRetryPass = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class RetryProcessor
        {
            public Task ProcessAsync(CancellationToken stopping)
            {
                _ = Task.Run(() => RetryPublishedAsync(stopping));
                return Task.Delay(1000, stopping);
            }

            private async Task RetryPublishedAsync(CancellationToken stopping)
            {
                stopping.ThrowIfCancellationRequested();
                await Task.Yield();
                Console.WriteLine("retried");
            }
        }
        """;

    [Fact]
    public Task Fire_and_forget_task_ended_only_by_its_cancellation_is_not_reported() => new EscapeTest(CancelledRetryPass).RunAsync();

    // The companions: the same pass on a thread of its own; and a pass that can also fail otherwise, reported with that
    // failure, not the cancellation, as where the exception comes from.
    [Fact]
    public Task Thread_ended_by_its_cancellation_is_reported() => new EscapeTest(CancelledRetryPass
        .With("_ = Task.Run(() => RetryPublishedAsync(stopping));", "new Thread(() => Retry(stopping)).Start();")
        .With("private async Task RetryPublishedAsync(", "private void Retry(CancellationToken token) => {|EXG002:token.ThrowIfCancellationRequested()|}; private async Task RetryPublishedAsync(")).RunAsync();

    [Fact]
    public Task Fire_and_forget_task_that_can_also_fail_is_reported_with_that_failure() => new EscapeTest(CancelledRetryPass
        .With("await Task.Yield();", "await Task.Yield(); Publish();")
        .With("private async Task RetryPublishedAsync(", """private static void Publish() => throw new InvalidOperationException("The broker is unreachable."); private async Task RetryPublishedAsync("""))
    {
        ExpectedDiagnostics =
        {
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ExceptionEscapesWorker)
                .WithSpan(9, 28, 9, 57)
                .WithArguments("the fire-and-forget task in 'ProcessAsync'", "the discarded task loses it silently",
                    " (it can come from 'throw new InvalidOperationException(...)' in 'RetryProcessor.Publish')")
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations),
        },
    }.RunAsync();

    // EXG001: objects a class pools per thread (kept only in [ThreadStatic] fields of its own type) stay with the thread
    // that took them: a parallel loop cloning through such a state object shares none of its fields (Foundatio's
    // vendored cloner, whose clone state is cached per thread and handed down the clone as a parameter).
    private const string ThreadPooledState = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        internal sealed class CloneState
        {
            [ThreadStatic]
            private static CloneState? s_cached;
            private int _depth;
            private int _count;

            public static CloneState Get() => s_cached ??= new CloneState();

            public void Enter()
            {
                _depth++;
                _count++;
            }

            public void Exit() => _depth--;
        }

        public sealed class Cache
        {
            public Task SetAllAsync(IEnumerable<string> items) =>
                Parallel.ForEachAsync(items, (item, token) =>
                {
                    Clone(item);
                    return ValueTask.CompletedTask;
                });

            internal static readonly Func<object, CloneState, object> CloneWithDelegate = CloneWith; // a delegate holds no state

            private static object Clone(object value) => CloneWith(value, CloneState.Get());

            private static object CloneWith(object value, CloneState state)
            {
                state.Enter();
                try
                {
                    return value;
                }
                finally
                {
                    state.Exit();
                }
            }
        }
        """;

    [Fact]
    public Task State_pooled_per_thread_is_not_shared_by_a_parallel_loop() => new SharedTest(ThreadPooledState).RunAsync();

    // The companion: the same cache without [ThreadStatic] is one object all the loop's threads use. (Its lazy
    // initialization, s_cached ??= new CloneState(), is not reported since round 8: racing threads each make one and one
    // store wins; the counters they then share are what races.)
    [Fact]
    public Task State_cached_in_a_plain_static_field_is_shared_by_a_parallel_loop() => new SharedTest(ThreadPooledState
        .With("[ThreadStatic]", "")
        .With("_depth++;", "{|EXG001:_depth++|};")
        .With("_count++;", "{|EXG001:_count++|};")
        .With("public void Exit() => _depth--;", "public void Exit() => {|EXG001:_depth--|};")).RunAsync();

    // The companion: one instance kept in a field that every thread of the loop reads is shared after all.
    [Fact]
    public Task State_also_kept_in_a_shared_field_is_shared_by_a_parallel_loop() => new SharedTest(ThreadPooledState
        .With("private static object Clone(object value) => CloneWith(value, CloneState.Get());",
            "private static readonly CloneState s_shared = CloneState.Get(); private static object Clone(object value) => CloneWith(value, s_shared);")
        .With("_depth++;", "{|EXG001:_depth++|};")
        .With("_count++;", "{|EXG001:_count++|};")
        .With("public void Exit() => _depth--;", "public void Exit() => {|EXG001:_depth--|};")).RunAsync();

    // The companion: a class that also returns its instances to a pool all threads share hands them between threads.
    [Fact]
    public Task State_also_returned_to_a_shared_pool_is_shared_by_a_parallel_loop() => new SharedTest(ThreadPooledState
        .With("private int _depth;", "private static readonly System.Collections.Concurrent.ConcurrentBag<CloneState> s_returned = new(); private int _depth;")
        .With("_depth++;", "{|EXG001:_depth++|};")
        .With("_count++;", "{|EXG001:_count++|};")
        .With("public void Exit() => _depth--;", "public void Exit() => {|EXG001:_depth--|};")).RunAsync();

    // EXG001: a status flag (a one-word field only ever set to constants, by code that does not test it first) loses no
    // update to a race: each store is whole and the last one wins, with a lock as without (CAP's consumer health flag,
    // set by each consumer task on success and failure).
    private const string HealthFlag = """
        using System;
        using System.Threading.Tasks;

        public sealed class ConsumerRegister
        {
            private bool _healthy = true;
            private int _pending;

            public bool IsHealthy() => _healthy;

            public void Start(int consumers)
            {
                for (int i = 0; i < consumers; i++)
                {
                    _ = Task.Run(async () =>
                    {
                        try
                        {
                            await ConsumeAsync();
                            _healthy = true;
                        }
                        catch (Exception)
                        {
                            _healthy = false;
                        }
                    });
                }
            }

            private static Task ConsumeAsync() => Task.CompletedTask;
        }
        """;

    [Fact]
    public Task Health_flag_set_to_constants_by_consumer_tasks_is_not_reported() => new SharedTest(HealthFlag).RunAsync();

    // The companions: a flag tested and then set (two consumers both pass the test), and a counter reset to a constant
    // while the tasks also add to it (the reset can undo an addition, or be undone).
    [Fact]
    public Task Flag_tested_then_set_by_consumer_tasks_is_reported() => new SharedTest(HealthFlag
        .With("""
                            await ConsumeAsync();
                            _healthy = true;
        """.Trim(), """
                            await ConsumeAsync();
                            if (!_healthy)
                                {|EXG010:_healthy = true|};
        """.Trim())
        .With("_healthy = false;", "{|EXG010:_healthy = false|};")).RunAsync();

    [Fact]
    public Task Counter_reset_to_a_constant_while_tasks_add_to_it_is_reported() => new SharedTest(HealthFlag
        .With("_healthy = false;", "_healthy = false; {|EXG010:_pending = 0|};")
        .With("await ConsumeAsync();", "await ConsumeAsync(); {|EXG001:_pending += 1|};")).RunAsync();
}
