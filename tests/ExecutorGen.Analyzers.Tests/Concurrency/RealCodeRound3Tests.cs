using System.Threading.Tasks;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using LockOrderTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;
using SharedTest = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The third round of issue 14's false positives (docs/analyzers-on-real-code.md): each must-not-flag test failed before
/// its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound3Tests
{
    // EXG001: a lock taken only where a setting says so (if (_threadSafe) Monitor.Enter(_sync), the setting written only
    // by the constructor) is no evidence that the object is shared: unless configured thread-safe, the socket belongs to
    // one thread at a time and is handed to the reaper thread when closed (NetMQ's SocketBase).
    private const string OptionalLockSocket = """
        using System.Collections.Generic;
        using System.Threading;

        public sealed class Socket
        {
            private readonly object _threadSafeSync = new();
            private bool _threadSafe;
            private readonly Dictionary<string, int> _inprocs = new();
            private readonly List<int> _pipes = new();
            private int _handle;

            public Socket(bool threadSafe) => _threadSafe = threadSafe;

            public void Connect(string address)
            {
                Lock();
                try { _inprocs.Add(address, 1); _pipes.Add(1); }
                finally { Unlock(); }
            }

            public void Close() => new Thread(Reap).Start();

            private void Reap()
            {
                StartReaping();
                _inprocs.Remove("closed");
                _pipes.Remove(1);
            }

            private void StartReaping()
            {
                if (!_threadSafe)
                    _handle = 1;
                else
                {
                    lock (_threadSafeSync)
                        _handle = 2;
                }
            }

            private void Lock()
            {
                if (_threadSafe)
                    Monitor.Enter(_threadSafeSync);
            }

            private void Unlock()
            {
                if (_threadSafe)
                    Monitor.Exit(_threadSafeSync);
            }
        }
        """;

    [Fact]
    public Task Fields_of_an_object_locked_only_when_a_setting_says_so_are_not_reported() => new SharedTest(OptionalLockSocket).RunAsync();

    // The companion: the same socket whose Connect locks always is shared, and the reaper's unlocked changes race it.
    [Fact]
    public Task Fields_of_an_object_locked_always_are_reported() => new SharedTest(OptionalLockSocket
        .With("try { _inprocs.Add(address, 1); _pipes.Add(1); }", "try { lock (_threadSafeSync) { _inprocs.Add(address, 1); _pipes.Add(1); } }")
        .With("""_inprocs.Remove("closed");""", """{|EXG001:_inprocs.Remove("closed")|};""")
        .With("_pipes.Remove(1);", "{|EXG001:_pipes.Remove(1)|};")
        .With("_handle = 1;", "{|EXG010:_handle = 1|};")).RunAsync();

    // The companion: a flag the object changes while it lives (_open, cleared by Shutdown) is state, not a setting: the
    // lock taken under it is evidence like any other.
    [Fact]
    public Task Fields_of_an_object_locked_under_a_state_flag_are_reported() => new SharedTest(OptionalLockSocket
        .With("private bool _threadSafe;", "private bool _threadSafe;\n    public void Shutdown() => _threadSafe = false;")
        .With("""_inprocs.Remove("closed");""", """{|EXG001:_inprocs.Remove("closed")|};""")
        .With("_pipes.Remove(1);", "{|EXG001:_pipes.Remove(1)|};")
        .With("_handle = 1;", "{|EXG010:_handle = 1|};")).RunAsync();

    // EXG002: what a cancelled token throws is an OperationCanceledException; a thread body that catches that type has
    // handled it, wherever in its callees the token is observed (Quartz's QueuedTaskScheduler, MongoDB's round-trip monitor).
    private const string CancellableLoop = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Monitor
        {
            private readonly BlockingCollection<Action> _queue = new();
            private readonly CancellationTokenSource _stop = new();

            public void Start() => new Thread(Run).Start();

            private void Run()
            {
                try
                {
                    Loop();
                }
                catch (OperationCanceledException)
                {
                }
            }

            private void Loop()
            {
                while (true)
                {
                    foreach (var work in _queue.GetConsumingEnumerable(_stop.Token))
                        Execute(work);
                    Sleep(TimeSpan.FromSeconds(1), _stop.Token);
                }
            }

            private static void Execute(Action work)
            {
                try { work(); }
                catch (Exception) { }
            }

            private static void Sleep(TimeSpan delay, CancellationToken token) => Task.Delay(delay, token).Wait(token);
        }
        """;

    [Fact]
    public Task Thread_body_catching_the_cancellation_its_loop_observes_is_not_reported() => new EscapeTest(CancellableLoop).RunAsync();

    // The companions: another failure in the same loop, and the same loop without the catch, are reported.
    [Fact]
    public Task Thread_body_catching_only_cancellation_of_a_loop_that_also_reads_a_file_is_reported() => new EscapeTest(CancellableLoop
        .With("Loop();", "{|EXG002:Loop()|};")
        .With("Sleep(TimeSpan.FromSeconds(1), _stop.Token);", "Sleep(TimeSpan.FromSeconds(1), _stop.Token);\n            File.ReadAllText(\"state\");")).RunAsync();

    [Fact]
    public Task Thread_body_not_catching_the_cancellation_is_reported() => new EscapeTest(CancellableLoop
        .With("catch (OperationCanceledException)", "catch (IOException)")
        .With("Loop();", "{|EXG002:Loop()|};")).RunAsync();

    // EXG001: a try-lock made of Interlocked.CompareExchange (a guard against running twice at once, Wolverine's health
    // check) and a spin lock made of it in a helper (OpenTelemetry's Prometheus exporter) guard what they hold.
    private const string HandMadeLocks = """
        using System.Collections.Generic;
        using System.Threading;

        public sealed class HealthMonitor
        {
            private readonly object _sync = new();
            private int _nodes;
            private int _guard;
            private int _globalLockState;
            private readonly HashSet<string> _reported = new();
            private readonly List<string> _collected = new();

            public void Start() => new Thread(Run).Start();

            private void Run()
            {
                while (true)
                {
                    Check();
                    Collect();
                    Thread.Sleep(1000);
                }
            }

            public void Check()
            {
                if (Interlocked.CompareExchange(ref _guard, 1, 0) != 0)
                    return;
                try { _reported.Add("node"); }
                finally { Interlocked.Exchange(ref _guard, 0); }
            }

            public void Forget(string node)
            {
                if (Interlocked.CompareExchange(ref _guard, 1, 0) == 0)
                {
                    _reported.Remove(node);
                    Interlocked.Exchange(ref _guard, 0);
                }
            }

            public void Collect()
            {
                EnterGlobalLock();
                try { _collected.Add("metric"); }
                finally { ExitGlobalLock(); }
            }

            public void Clear()
            {
                EnterGlobalLock();
                _collected.Clear();
                ExitGlobalLock();
            }

            private void EnterGlobalLock()
            {
                SpinWait wait = default;
                while (true)
                {
                    if (Interlocked.CompareExchange(ref _globalLockState, 1, 0) != 0)
                    {
                        wait.SpinOnce();
                        continue;
                    }
                    break;
                }
            }

            private void ExitGlobalLock() => Interlocked.Exchange(ref _globalLockState, 0);

            public void Join()
            {
                lock (_sync)
                    _nodes++;
            }
        }
        """;

    [Fact]
    public Task Collections_changed_under_compare_exchange_locks_are_not_reported() => new SharedTest(HandMadeLocks).RunAsync();

    // The companion: the same changes without the locks are reported.
    [Fact]
    public Task Collections_changed_without_the_compare_exchange_locks_are_reported() => new SharedTest(HandMadeLocks
        .With("if (Interlocked.CompareExchange(ref _guard, 1, 0) != 0)\n            return;", "")
        .With("try { _reported.Add(\"node\"); }", "try { {|EXG001:_reported.Add(\"node\")|}; }")
        .With("EnterGlobalLock();\n        try { _collected.Add(\"metric\"); }", "try { {|EXG001:_collected.Add(\"metric\")|}; }")).RunAsync();

    // A compare-exchange that is never undone (a dispose-once guard, NetMQ's poller) is a state change, not a lock: what
    // Dispose does after it is no evidence that the poller thread's list is guarded.
    [Fact]
    public Task Collection_changed_after_a_dispose_once_guard_is_no_lock_evidence() => new SharedTest("""
        using System.Collections.Generic;
        using System.Threading;

        public sealed class Poller
        {
            private readonly List<int> _sockets = new();
            private int _disposeState;

            public Poller() => new Thread(Run).Start();

            private void Run()
            {
                while (_disposeState == 0)
                {
                    if (!_sockets.Contains(1))
                        _sockets.Add(1);
                }
            }

            public void Dispose()
            {
                if (Interlocked.CompareExchange(ref _disposeState, 1, 0) != 0)
                    return;
                _sockets.Remove(1);
            }
        }
        """).RunAsync();

    // EXG002: a logging abstraction of any library (ILog, IInternalLogger) does not throw: loggers are required not to,
    // and nobody wraps a log call in a try (Rebus's workers, reported at their log calls).
    private const string LoggingWorker = """
        using System;
        using System.Threading;

        public interface ILog
        {
            void Debug(string message);
        }

        public interface IExporter
        {
            void Export(string batch);
        }

        public sealed class Worker
        {
            private readonly ILog _log;
            private readonly IExporter _exporter;
            private volatile bool _stop;

            public Worker(ILog log, IExporter exporter)
            {
                _log = log;
                _exporter = exporter;
                new Thread(Run).Start();
            }

            private void Run()
            {
                _log.Debug("starting");
                while (!_stop)
                {
                    try { _exporter.Export("batch"); }
                    catch (Exception) { }
                }
            }

            public void Stop() => _stop = true;
        }
        """;

    [Fact]
    public Task Thread_body_logging_outside_its_try_is_not_reported() => new EscapeTest(LoggingWorker).RunAsync();

    // The companions: another interface called outside the try (an exporter a user plugs in), and a log that is data (a
    // commit log writes to disk), are reported.
    [Fact]
    public Task Thread_body_calling_a_pluggable_interface_outside_its_try_is_reported() => new EscapeTest(LoggingWorker
        .With("_log.Debug(\"starting\");", "{|EXG002:_exporter.Export(\"first\")|};")).RunAsync();

    [Fact]
    public Task Thread_body_appending_to_a_commit_log_outside_its_try_is_reported() => new EscapeTest(LoggingWorker
        .With("public interface ILog", "public interface ICommitLog")
        .With("private readonly ILog _log;", "private readonly ICommitLog _log;")
        .With("public Worker(ILog log,", "public Worker(ICommitLog log,")
        .With("_log.Debug(\"starting\");", "{|EXG002:_log.Debug(\"starting\")|};")).RunAsync();

    // EXG002: a thread or timer that runs a delegate handed in (a scheduler's StartThread(action, state), a periodic
    // timer's _action) runs its caller's work: what that throws is the caller's, as with Task.Run(work). It counts
    // where the compilation itself hands in a delegate that can throw (Rx's schedulers; EasyNetQ's timer helper, real
    // defect 03, whose callers' callbacks open channels, stays reported).
    private const string Scheduler = """
        using System;
        using System.IO;
        using System.Threading;

        public sealed class Scheduler
        {
            public void StartThread(Action<object?> action, object? state) =>
                new Thread(s => action(s)) { IsBackground = true }.Start(state);

            public IDisposable SchedulePeriodic(TimeSpan period, Action action) => new PeriodicTimer(action, period);

            private sealed class PeriodicTimer : IDisposable
            {
                private readonly Action _action;
                private readonly Timer _timer;

                public PeriodicTimer(Action action, TimeSpan period)
                {
                    _action = action;
                    _timer = new Timer(static self => ((PeriodicTimer)self!).Tick(), this, period, period);
                }

                private void Tick() => _action();

                public void Dispose() => _timer.Dispose();
            }
        }
        """;

    [Fact]
    public Task Thread_and_timer_running_work_handed_in_by_the_library_users_are_not_reported() => new EscapeTest(Scheduler).RunAsync();

    // The companions: the compilation hands in work that can fail; a notification (an EventHandler) is raised.
    [Fact]
    public Task Thread_running_work_the_compilation_hands_in_that_can_fail_is_reported() => new EscapeTest(Scheduler
        .With("new Thread(s => action(s))", "new Thread(s => {|EXG002:action(s)|})")
        .With("public IDisposable SchedulePeriodic", "public void Flush() => StartThread(_ => File.WriteAllText(\"state\", \"\"), null);\n\n    public IDisposable SchedulePeriodic")).RunAsync();

    // The same delegate invoked as _action?.Invoke() is the same handed-in work.
    [Fact]
    public Task Timer_running_work_handed_in_invoked_conditionally_is_not_reported() => new EscapeTest(Scheduler
        .With("private void Tick() => _action();", "private void Tick() => _action?.Invoke();")).RunAsync();

    [Fact]
    public Task Timer_raising_an_event_handler_is_reported() => new EscapeTest(Scheduler
        .With("private readonly Action _action;", "private readonly EventHandler _action;")
        .With("public PeriodicTimer(Action action, TimeSpan period)", "public PeriodicTimer(EventHandler action, TimeSpan period)")
        .With("new PeriodicTimer(action, period)", "new PeriodicTimer((_, _) => action(), period)")
        .With("private void Tick() => _action();", "private void Tick() => {|EXG002:_action(this, EventArgs.Empty)|};")).RunAsync();

    // EXG002: a handler that catches every exception and rethrows only the fatal ones (if (IsFatal(e)) throw;, the
    // statement form of catch (Exception e) when (!IsFatal(e))) lets nothing else out; nor does a filter named after
    // what may be caught (when (e.IsCatchableExceptionType())).
    private const string FatalRethrow = """
        using System;
        using System.IO;
        using System.Threading;

        public static class Exceptions
        {
            public static bool IsFatal(Exception e) => e is OutOfMemoryException;
            public static bool IsCatchableExceptionType(this Exception e) => !IsFatal(e);
        }

        public sealed class Worker
        {
            public void Start()
            {
                new Thread(Run).Start();
                new Thread(Poll).Start();
            }

            private void Run()
            {
                try { File.ReadAllText("state"); }
                catch (Exception e)
                {
                    if (Exceptions.IsFatal(e))
                        throw;
                    Console.Error.WriteLine(e);
                }
            }

            private void Poll()
            {
                try { File.ReadAllText("queue"); }
                catch (Exception e) when (e.IsCatchableExceptionType())
                {
                    Console.Error.WriteLine(e);
                }
            }
        }
        """;

    [Fact]
    public Task Thread_bodies_letting_only_fatal_exceptions_through_are_not_reported() => new EscapeTest(FatalRethrow).RunAsync();

    // The companion: a rethrow of an ordinary exception type escapes.
    [Fact]
    public Task Thread_body_rethrowing_an_ordinary_exception_is_reported() => new EscapeTest(FatalRethrow
        .With("if (Exceptions.IsFatal(e))\n                throw;", "if (e is IOException)\n                {|EXG002:throw;|}")).RunAsync();

    // EXG002: a wait on wait handles fails only when a handle was disposed under it; a catch (ObjectDisposedException)
    // around it handles that (OpenTelemetry's metric reader thread).
    private const string TriggerWait = """
        using System;
        using System.IO;
        using System.Threading;

        public sealed class ReaderWorker
        {
            private readonly WaitHandle[] _triggers = { new AutoResetEvent(false), new ManualResetEvent(false) };

            public void Start() => new Thread(Run).Start();

            private void Run()
            {
                while (true)
                {
                    try
                    {
                        if (WaitHandle.WaitAny(_triggers, 1000) == 1)
                            return;
                    }
                    catch (ObjectDisposedException)
                    {
                        return;
                    }
                    Collect();
                }
            }

            private static void Collect()
            {
                try { File.ReadAllText("metrics"); }
                catch (Exception) { }
            }
        }
        """;

    [Fact]
    public Task Thread_body_catching_the_disposal_its_wait_can_meet_is_not_reported() => new EscapeTest(TriggerWait).RunAsync();

    // The companion: a catch of another type leaves the wait's failure free.
    [Fact]
    public Task Thread_body_catching_another_type_around_its_wait_is_reported() => new EscapeTest(TriggerWait
        .With("catch (ObjectDisposedException)", "catch (IOException)")
        .With("if (WaitHandle.WaitAny(_triggers, 1000) == 1)", "if ({|EXG002:WaitHandle.WaitAny(_triggers, 1000)|} == 1)")).RunAsync();

    // EXG004: a wait the code already declared deliberate to vs-threading (#pragma warning disable VSTHRD002, or
    // [SuppressMessage] on its method) is not reported again (Wolverine's documented sync serializer bridges); a wait
    // on Task.Delay is bounded by the delay (DotNetty's timer thread).
    private const string SyncBridges = """
        using System.Diagnostics.CodeAnalysis;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Serializer
        {
            private readonly CancellationTokenSource _stop = new();

            public void Start()
            {
                Task.Run(Write);
                new Thread(Tick).Start();
            }

            private async Task Write()
            {
                await Task.Yield();
        #pragma warning disable VSTHRD002 // documented blocking call
                StoreAsync().GetAwaiter().GetResult();
        #pragma warning restore VSTHRD002
                Read();
            }

            [SuppressMessage("Usage", "VSTHRD002:Avoid problematic synchronous waits", Justification = "sync API")]
            private void Read() => LoadAsync().Wait();

            private void Tick()
            {
                while (!_stop.IsCancellationRequested)
                {
                    Task delay = null!;
                    delay = Task.Delay(100, _stop.Token);
                    delay.Wait();
                    Task.Delay(100).Wait();
                }
            }

            private static Task StoreAsync() => Task.Run(() => { });
            private static Task LoadAsync() => Task.Run(() => { });
        }
        """;

    [Fact]
    public Task Waits_suppressed_for_vs_threading_and_waits_on_a_delay_are_not_reported() => new WaitTest(SyncBridges).RunAsync();

    // The companions: the same waits without the suppressions, after the restore, and on another task are reported.
    [Fact]
    public Task Waits_without_the_suppressions_are_reported() => new WaitTest(SyncBridges
        .With("#pragma warning disable VSTHRD002 // documented blocking call", "")
        .With("StoreAsync().GetAwaiter().GetResult();", "{|EXG004:StoreAsync().GetAwaiter().GetResult()|};")
        .With("[SuppressMessage(\"Usage\", \"VSTHRD002:Avoid problematic synchronous waits\", Justification = \"sync API\")]", "")
        .With("private void Read() => LoadAsync().Wait();", "private void Read() => {|EXG004:LoadAsync().Wait()|};")
        .With("delay = Task.Delay(100, _stop.Token);", "delay = LoadAsync();")
        .With("delay.Wait();", "{|EXG004:delay.Wait()|};")).RunAsync();

    // EXG003: taking again a lock the thread already holds (Monitor is reentrant) never waits, so it orders nothing (Rx's
    // LocalScheduler re-entering its static gate through a callee).
    private const string ReentrantGates = """
        public sealed class Scheduler
        {
            private static readonly object s_staticGate = new();
            private readonly object _gate = new();

            public void Evaluate()
            {
                lock (s_staticGate)
                {
                    lock (_gate)
                        Enqueue();
                }
            }

            public void ClockChanged()
            {
                lock (s_staticGate)
                {
                    lock (_gate)
                        Reschedule();
                }
            }

            private void Reschedule() => Enqueue();

            private void Enqueue()
            {
                lock (s_staticGate) { }
            }
        }
        """;

    [Fact]
    public Task Lock_taken_again_by_the_thread_that_holds_it_is_no_inversion() => new LockOrderTest(ReentrantGates).RunAsync();

    // The companion: a caller that does not hold the static gate first really inverts the order.
    [Fact]
    public Task Lock_taken_under_another_lock_by_a_thread_that_does_not_hold_it_is_an_inversion() => new LockOrderTest(ReentrantGates
        .With("private void Reschedule() => Enqueue();", "private void Reschedule() => Enqueue();\n\n    public void Drain()\n    {\n        lock (_gate)\n            {|EXG003:Enqueue()|};\n    }")).RunAsync();
}

/// <summary>Test-source edits that fail loudly when the text to change is not there (a companion must not pass vacuously).</summary>
internal static class SourceEdits
{
    public static string With(this string source, string old, string replacement)
    {
        Assert.Contains(old, source);
        return source.Replace(old, replacement);
    }
}
