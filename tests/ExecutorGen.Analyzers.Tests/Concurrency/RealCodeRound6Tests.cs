using System.Threading.Tasks;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The sixth round of issue 14's false positives (docs/analyzers-on-real-code.md), from codebases measured out of sample:
/// each must-not-flag test failed before its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound6Tests
{
    // EXG002: a wait on an event that nothing ever disposes (ManualResetEventSlim.Wait(), WaitOne()) fails only with an
    // ObjectDisposedException, so it cannot fail: a ring buffer's timeout thread that first waits for its predecessor to
    // end, on an event of its private state object.
    private const string TimeoutThread = """
        using System;
        using System.Threading;

        public sealed class TimeoutWaiter
        {
            private sealed class ThreadState
            {
                public ManualResetEventSlim PreviousStateCompleted { get; } = new ManualResetEventSlim();
                public ManualResetEventSlim Completed { get; } = new ManualResetEventSlim();
                public volatile bool IsRunning = true;
            }

            private ThreadState _state = new ThreadState();

            public void Restart()
            {
                var previous = _state;
                var state = new ThreadState();
                _state = state;
                previous.IsRunning = false;
                previous.Completed.Wait(100);
                state.PreviousStateCompleted.Set();
                new Thread(() => Run(state)) { IsBackground = true }.Start();
            }

            private static void Run(ThreadState state)
            {
                state.PreviousStateCompleted.Wait();
                try
                {
                    while (state.IsRunning)
                        Thread.Sleep(10);
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine(ex);
                }
                finally
                {
                    state.Completed.Set();
                }
            }
        }
        """;

    [Fact]
    public Task Wait_on_an_event_nothing_disposes_is_not_reported() => Task.WhenAll(
        new EscapeTest(TimeoutThread).RunAsync(),
        // Each state waits on its predecessor's Completed event, handed on by the constructor of the next state.
        new EscapeTest(TimeoutThread
            .With("public ManualResetEventSlim PreviousStateCompleted { get; } = new ManualResetEventSlim();",
                "public ThreadState() => PreviousStateCompleted = new ManualResetEventSlim(true); public ThreadState(ThreadState previous) => PreviousStateCompleted = previous.Completed; public ManualResetEventSlim PreviousStateCompleted { get; }")
            .With("var state = new ThreadState();", "var state = new ThreadState(previous);")).RunAsync());

    // The companions: the owner disposes the event (the wait can then fail), or the event is reachable from outside the
    // type (anyone may dispose it).
    [Fact]
    public Task Wait_on_an_event_its_owner_disposes_is_reported() => new EscapeTest(TimeoutThread
        .With("state.PreviousStateCompleted.Wait();", "{|EXG002:state.PreviousStateCompleted.Wait()|};")
        .With("public void Restart()", "public void Stop() => _state.PreviousStateCompleted.Dispose(); public void Restart()")).RunAsync();

    [Fact]
    public Task Wait_on_an_event_others_can_reach_is_reported() => new EscapeTest(TimeoutThread
        .With("private sealed class ThreadState", "public sealed class ThreadState")
        .With("private ThreadState _state", "public ThreadState State => _state; private ThreadState _state")
        .With("private static void Run(ThreadState state)", "public static void Run(ThreadState state)")
        .With("state.PreviousStateCompleted.Wait();", "{|EXG002:state.PreviousStateCompleted.Wait()|};")).RunAsync();

    // EXG004: a callback registered on a cancellation token runs on the thread that cancels, when it cancels, not in the
    // worker that registered it: a message dispatcher's scheduling loop that, once stopped, stores its delayed messages
    // from the stopping thread, waiting for the store by design.
    private const string CancellationCallback = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public interface IStorage
        {
            Task MarkDelayedAsync(int[] ids);
        }

        public sealed class Dispatcher
        {
            private readonly IStorage _storage;
            private readonly CancellationTokenSource _stopping = new();

            public Dispatcher(IStorage storage) => _storage = storage;

            public void Start() => _ = Task.Run(ScheduleAsync);

            public void Stop() => _stopping.Cancel();

            private async Task ScheduleAsync()
            {
                _stopping.Token.Register(() =>
                {
                    try
                    {
                        _storage.MarkDelayedAsync(new[] { 1, 2 }).GetAwaiter().GetResult();
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine(e);
                    }
                });
                while (!_stopping.IsCancellationRequested)
                    await Task.Delay(100).ConfigureAwait(false);
            }
        }
        """;

    [Fact]
    public Task Wait_in_a_callback_registered_on_a_token_is_not_the_workers() => new WaitTest(CancellationCallback).RunAsync();

    // The companion: the same wait in the loop itself blocks the worker.
    [Fact]
    public Task Wait_in_the_loop_that_registers_it_is_reported() => new WaitTest(CancellationCallback
        .With("await Task.Delay(100).ConfigureAwait(false);", "{|EXG004:_storage.MarkDelayedAsync(new[] { 3 }).GetAwaiter().GetResult()|};")).RunAsync();

    // EXG004: a public wait helper (task.WaitAndUnwrap(), a synchronous API of an async library) is its callers' wait: it
    // is judged where worker code calls it, by the task it is given; and a task from a call given a cancellation token
    // ends when the token is cancelled, so waiting on it has a way out (a vendored async-coordination library's
    // synchronous Lock(token), reached from a queue's worker).
    private const string WaitHelper = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public static class TaskWaits
        {
            public static T WaitAndUnwrap<T>(this Task<T> task)
            {
                if (task == null)
                    throw new ArgumentNullException(nameof(task));
                return task.GetAwaiter().GetResult();
            }
        }

        public sealed class AsyncGate
        {
            private readonly SemaphoreSlim _semaphore = new(1, 1);

            public IDisposable Lock(CancellationToken cancellationToken) => RequestAsync(cancellationToken).WaitAndUnwrap();

            public async Task<IDisposable> RequestAsync(CancellationToken cancellationToken)
            {
                await _semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
                return new Releaser(_semaphore);
            }

            private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
            {
                public void Dispose() => semaphore.Release();
            }
        }

        public sealed class QueueWorker
        {
            private readonly AsyncGate _gate = new();
            private readonly CancellationTokenSource _stopping = new();

            public void Start() => new Thread(Run) { IsBackground = true }.Start();

            private void Run()
            {
                while (!_stopping.IsCancellationRequested)
                {
                    using (_gate.Lock(_stopping.Token))
                        Thread.Sleep(10);
                }
            }
        }
        """;

    [Fact]
    public Task Wait_helper_given_a_cancellable_task_is_not_reported() => new WaitTest(WaitHelper).RunAsync();

    // The companions: worker code that calls the helper with a task a wait on which has no way out is reported at that
    // call; so is a wait on a call given CancellationToken.None.
    [Fact]
    public Task Wait_helper_given_a_task_without_a_token_is_reported_where_the_worker_calls_it() => new WaitTest(WaitHelper
        .With("using (_gate.Lock(_stopping.Token))", "using ({|EXG004:_gate.RequestAsync(default).WaitAndUnwrap()|})")).RunAsync();

    [Fact]
    public Task Wait_on_a_call_given_no_token_is_reported() => new WaitTest(WaitHelper
        .With("using (_gate.Lock(_stopping.Token))", "using ({|EXG004:_gate.RequestAsync(CancellationToken.None).GetAwaiter().GetResult()|})")).RunAsync();

    // EXG004: .Result right after a wait on the same task that returns only once it is complete (Wait(token)): a metrics
    // server's accept loop on a long-running task.
    private const string AcceptLoop = """
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class MetricServer
        {
            private readonly CancellationTokenSource _stopping = new();

            public void Start() => Task.Factory.StartNew(Serve, TaskCreationOptions.LongRunning);

            private static Task<int> AcceptAsync() => Task.FromResult(1);

            private void Serve()
            {
                while (!_stopping.IsCancellationRequested)
                {
                    var accept = AcceptAsync();
                    accept.Wait(_stopping.Token);
                    Handle(accept.Result);
                }
            }

            private static void Handle(int request) { }
        }
        """;

    [Fact]
    public Task Result_after_a_wait_for_completion_is_not_reported() => new WaitTest(AcceptLoop).RunAsync();

    // The companion: a wait with a timeout may return before the task is complete.
    [Fact]
    public Task Result_after_a_wait_with_a_timeout_is_reported() => new WaitTest(AcceptLoop
        .With("accept.Wait(_stopping.Token);", "accept.Wait(100);")
        .With("Handle(accept.Result);", "Handle({|EXG004:accept.Result|});")).RunAsync();

    // EXG002: a catch of every exception but a cancellation (when (!(ex is OperationCanceledException))) in a discarded
    // task: a cancelled task loses nothing, and everything else is caught (a metrics server's request loop).
    private const string RequestLoop = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class MetricServer
        {
            private readonly CancellationTokenSource _stopping = new();

            public void Start() => _ = Task.Run(ServeAsync);

            private async Task ServeAsync()
            {
                while (!_stopping.IsCancellationRequested)
                {
                    try
                    {
                        await File.WriteAllTextAsync("metrics.txt", "up", _stopping.Token);
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException))
                    {
                        Console.Error.WriteLine(ex);
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Catch_of_everything_but_a_cancellation_in_a_discarded_task_is_not_reported() => Task.WhenAll(
        new EscapeTest(RequestLoop).RunAsync(),
        new EscapeTest(RequestLoop.With("when (!(ex is OperationCanceledException))", "when (ex is not OperationCanceledException)")).RunAsync());

    // The companion: a filter that lets another exception through.
    [Fact]
    public Task Catch_that_lets_another_exception_through_is_reported() => new EscapeTest(RequestLoop
        .With("when (!(ex is OperationCanceledException))", "when (!(ex is IOException))")
        .With("await File.WriteAllTextAsync(\"metrics.txt\", \"up\", _stopping.Token);", "{|EXG002:await File.WriteAllTextAsync(\"metrics.txt\", \"up\", _stopping.Token)|};")).RunAsync();

    // EXG002: an event only the assembly can subscribe to runs what the compilation subscribes: an internal connection's
    // idle timer raises Closing, whose only handler (the pool's) removes the connection and counts it (a database driver).
    private const string ClosingEvent = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        internal sealed class Connection
        {
            private readonly Timer _idle;

            public Connection() => _idle = new Timer(_ => OnIdle(), null, 1000, 1000);

            public event Action<Connection>? Closing;

            private void OnIdle() => Closing?.Invoke(this);
        }

        internal sealed class Pool
        {
            private readonly ConcurrentDictionary<Connection, bool> _open = new();
            private int _closed;

            public void Add(Connection connection)
            {
                connection.Closing += OnClosing;
                _open.TryAdd(connection, true);
            }

            private void OnClosing(Connection connection)
            {
                _open.TryRemove(connection, out _);
                Interlocked.Increment(ref _closed);
            }
        }
        """;

    [Fact]
    public Task Internal_event_whose_handlers_cannot_throw_is_not_reported() => new EscapeTest(ClosingEvent).RunAsync();

    // The companions: a handler that can fail, and an event of a public type that the library's users subscribe to.
    [Fact]
    public Task Internal_event_with_a_handler_that_can_throw_is_reported() => new EscapeTest(ClosingEvent
        .With("private void OnIdle() => Closing?.Invoke(this);", "private void OnIdle() => Closing?{|EXG002:.Invoke(this)|};")
        .With("Interlocked.Increment(ref _closed);", "System.IO.File.AppendAllText(\"pool.log\", \"closed\");")).RunAsync();

    [Fact]
    public Task Event_others_can_subscribe_to_is_reported() => new EscapeTest(ClosingEvent
        .With("internal sealed class Connection", "public sealed class Connection")
        .With("private void OnIdle() => Closing?.Invoke(this);", "private void OnIdle() => Closing?{|EXG002:.Invoke(this)|};")).RunAsync();

    // EXG002: the task Task.WhenAny returns never faults (it completes with the first task to end): a messaging client's
    // connection set-up, fire and forget, that waits for the first of its pumps to stop.
    private const string FirstToEnd = """
        using System;
        using System.Threading.Tasks;

        public sealed class Connection
        {
            public void Start() => _ = Task.Run(RunAsync);

            private async Task RunAsync()
            {
                var first = await Task.WhenAny(ReadAsync(), WriteAsync());
                Console.WriteLine(first.IsFaulted ? "failed" : "done");
            }

            private static async Task ReadAsync() => await Task.Delay(10);

            private static async Task WriteAsync() => await Task.Delay(10);
        }
        """;

    [Fact]
    public Task Await_of_WhenAny_is_not_reported() => new EscapeTest(FirstToEnd).RunAsync();

    // The companion: awaiting the task it returned rethrows that task's failure.
    [Fact]
    public Task Await_of_the_task_WhenAny_returned_is_reported() => new EscapeTest(FirstToEnd
        .With("Console.WriteLine(first.IsFaulted ? \"failed\" : \"done\");", "{|EXG002:await first|};")
        .With("private static async Task ReadAsync() => await Task.Delay(10);", "private static async Task ReadAsync() { await Task.Delay(10); throw new TimeoutException(); }")).RunAsync();

    // EXG002: a throw without a message whose comment says the code cannot get there is an assertion, like one whose
    // message says so (a client's pool scaler, whose pool is set before its loop starts).
    private const string Scaler = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class ScaleController
        {
            private readonly CancellationTokenSource _stopping = new();
            private object? _pool;

            public void Start(object pool)
            {
                _pool = pool ?? throw new ArgumentNullException(nameof(pool));
                _ = Task.Run(MonitorAsync);
            }

            private async Task MonitorAsync()
            {
                if (_pool == null)
                {
                    // Should never occur, the pool is set before MonitorAsync is started
                    throw new InvalidOperationException();
                }
                while (!_stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(1000, _stopping.Token);
                    }
                    catch (Exception)
                    {
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Messageless_throw_commented_as_unreachable_is_not_reported() => new EscapeTest(Scaler).RunAsync();

    // The companion: without the comment it is a throw a worker can meet.
    [Fact]
    public Task Messageless_throw_without_such_a_comment_is_reported() => new EscapeTest(Scaler
        .With("// Should never occur, the pool is set before MonitorAsync is started", "// The pool is gone")
        .With("throw new InvalidOperationException();", "{|EXG002:throw new InvalidOperationException();|}")).RunAsync();
}
