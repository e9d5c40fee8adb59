using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using SharedTest = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The fourth round of issue 14's false positives (docs/analyzers-on-real-code.md): each must-not-flag test failed before
/// its fix, and each has a companion that stays reported.
/// </summary>
public class RealCodeRound4Tests
{
    // EXG002: a throw that asserts the code cannot get there ("Internal error: …" after a Try that cannot fail) fires on
    // a bug of the library, not on a condition its timer meets (NATS's ordered consumer and key-value watcher).
    private const string AssertingTimer = """
        using System;
        using System.Threading;
        using System.Threading.Channels;

        public sealed class OrderedConsumer
        {
            private readonly Channel<string> _create = Channel.CreateUnbounded<string>();
            private readonly Timer _timer;
            private string _consumer = "";

            public OrderedConsumer()
            {
                _timer = new Timer(static state =>
                {
                    var self = (OrderedConsumer)state!;
                    self.CreateSub("idle-heartbeat-timeout");
                }, this, Timeout.Infinite, Timeout.Infinite);
            }

            private void CreateSub(string origin)
            {
                _consumer = NewId();
                _create.Writer.TryWrite(origin);
            }

            private static string NewId()
            {
                Span<char> buffer = stackalloc char[22];
                if (TryWriteId(buffer))
                    return buffer.ToString();
                throw new InvalidOperationException("Internal error: can't generate an id");
            }

            private static bool TryWriteId(Span<char> buffer)
            {
                buffer.Fill('a');
                return true;
            }
        }
        """;

    [Fact]
    public Task Timer_whose_callee_only_asserts_is_not_reported() => new EscapeTest(AssertingTimer).RunAsync();

    [Fact]
    public Task Timer_whose_callee_throws_an_unreachable_exception_is_not_reported() => new EscapeTest(AssertingTimer
        .With("""throw new InvalidOperationException("Internal error: can't generate an id");""", "throw new System.Diagnostics.UnreachableException();")).RunAsync();

    // The companion: the same throw saying what went wrong at run time is a failure the timer meets.
    [Fact]
    public Task Timer_whose_callee_throws_on_a_run_time_condition_is_reported() => new EscapeTest(AssertingTimer
        .With("Internal error: can't generate an id", "The id generator is closed.")
        .With("""self.CreateSub("idle-heartbeat-timeout");""", """{|EXG002:self.CreateSub("idle-heartbeat-timeout")|};""")).RunAsync();

    // EXG001: a racy memo cache (an immutable map replaced by a copy after a lookup that returns on a hit) loses at most
    // an entry, computed again by the next lookup (Wolverine's topic and message-type names, on a third-party persistent
    // map; fields of System.Collections.Immutable types are not followed at all).
    private const string MemoCacheRouting = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class PersistentMap<TKey, TValue> where TKey : notnull
        {
            private readonly Dictionary<TKey, TValue> _items;

            private PersistentMap(Dictionary<TKey, TValue> items) => _items = items;

            public static PersistentMap<TKey, TValue> Empty { get; } = new(new Dictionary<TKey, TValue>());

            public bool TryGetValue(TKey key, out TValue value) => _items.TryGetValue(key, out value!);

            public PersistentMap<TKey, TValue> SetItem(TKey key, TValue value) => new(new Dictionary<TKey, TValue>(_items) { [key] = value });
        }

        public static class TopicRouting
        {
            private static PersistentMap<Type, string> _topics = PersistentMap<Type, string>.Empty;

            public static void Route(Type[] messageTypes) => Parallel.ForEach(messageTypes, Send);

            private static void Send(Type type) => Console.WriteLine(DetermineTopicName(type));

            public static string DetermineTopicName(Type messageType)
            {
                if (_topics.TryGetValue(messageType, out var topic))
                {
                    return topic;
                }

                topic = messageType.Name.ToLowerInvariant();
                _topics = _topics.SetItem(messageType, topic);
                return topic;
            }
        }
        """;

    [Fact]
    public Task Racy_memo_cache_of_an_immutable_map_is_not_reported() => new SharedTest(MemoCacheRouting).RunAsync();

    // The companions: the same map filled without the lookup first is a registry that loses an entry; and a map another
    // write changes under a lock is guarded by it (Wolverine's local senders, a real finding).
    [Fact]
    public Task Copy_on_write_registry_without_a_lookup_first_is_reported() => new SharedTest(MemoCacheRouting
        .With("""
                if (_topics.TryGetValue(messageType, out var topic))
                {
                    return topic;
                }

                topic = messageType.Name.ToLowerInvariant();
        """, """
                var topic = messageType.Name.ToLowerInvariant();
        """)
        .With("_topics = _topics.SetItem(messageType, topic);", "{|EXG001:_topics = _topics.SetItem(messageType, topic)|};")).RunAsync();

    [Fact]
    public Task Memo_cache_also_written_under_a_lock_is_reported() => new SharedTest(MemoCacheRouting
        .With("public static void Route(", """
            private static readonly object s_sync = new();

                public static void Register(Type type, string topic)
                {
                    lock (s_sync)
                        _topics = _topics.SetItem(type, topic);
                }

                public static void Route(
            """)
        .With("if (_topics.TryGetValue(", "if ({|EXG010:_topics|}.TryGetValue(")
        .With("_topics = _topics.SetItem(messageType, topic);", "{|EXG001:_topics = _topics.SetItem(messageType, topic)|};")).RunAsync();

    // EXG001: a lock named after a field is that field's lock; another field written under it in a statement that uses
    // the named field is there because of that field, no evidence that the lock guards it (Wolverine's message context,
    // one per message, whose lock is for cascading messages: _sent.AddRange(_outstanding) under _outstandingLock).
    private const string IncidentalLockContext = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class MessageContext
        {
            private readonly object _outstandingLock = new();
            private readonly List<string> _outstanding = new();
            private List<string>? _sent;

            public void Cascade(string message)
            {
                lock (_outstandingLock)
                    _outstanding.Add(message);
            }

            public void Flush()
            {
                _sent ??= new();
                lock (_outstandingLock)
                {
                    _sent.AddRange(_outstanding);
                    _outstanding.Clear();
                }
            }

            public bool MissingReply(string expected) => _sent is null || !_sent.Contains(expected);
        }

        public static class Pipeline
        {
            public static Task Process(MessageContext context, string message) => Task.Run(() => Handle(context, message));

            private static void Handle(MessageContext context, string message)
            {
                context.Cascade(message);
                context.Flush();
                if (context.MissingReply(message))
                    context.Cascade("failure");
            }
        }
        """;

    [Fact]
    public Task Field_written_under_another_fields_lock_in_a_statement_using_that_field_is_not_reported() =>
        new SharedTest(IncidentalLockContext).RunAsync();

    // The companion: the same field written under that lock on its own is guarded by it, and the unlocked write races it.
    [Fact]
    public Task Field_written_on_its_own_under_another_fields_lock_is_reported() => new SharedTest(IncidentalLockContext
        .With("_sent.AddRange(_outstanding);", "_sent.Add(\"flushed\");\n            _sent.AddRange(_outstanding);")
        .With("_sent ??= new();", "{|EXG001:_sent ??= new()|};")
        .With("=> _sent is null || !_sent.Contains(expected);", "=> _sent is null || !{|EXG010:_sent.Contains(expected)|};")).RunAsync();

    // EXG002: a thread whose lambda calls an interface method on its state object runs the implementation of the object
    // it is started with, not every implementation of the interface in the compilation (DotNetty's thread-death watcher:
    // new Thread(s => ((IRunnable)s).Run()).Start(watcher), where other runnables throw).
    private const string StateThread = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        public interface IRunnable
        {
            void Run();
        }

        public sealed class TimeoutTask : IRunnable
        {
            public void Run() => throw new TimeoutException("The operation timed out.");
        }

        public static class DeathWatcher
        {
            private static readonly Watcher watcher = new();
            private static readonly ConcurrentQueue<Action> pending = new();

            public static void Watch(Action task)
            {
                pending.Enqueue(task);
                var watcherThread = new Thread(s => ((IRunnable)s!).Run());
                watcherThread.IsBackground = true;
                watcherThread.Start(watcher);
            }

            private sealed class Watcher : IRunnable
            {
                public void Run()
                {
                    while (pending.TryDequeue(out var task))
                    {
                        try { task(); }
                        catch (Exception e) { Console.Error.WriteLine(e); }
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Thread_calling_its_state_objects_interface_method_runs_that_objects_implementation() => new EscapeTest(StateThread).RunAsync();

    [Fact]
    public Task Pool_callback_calling_its_state_objects_interface_method_runs_that_objects_implementation() => new EscapeTest(StateThread
        .With("""
                var watcherThread = new Thread(s => ((IRunnable)s!).Run());
                watcherThread.IsBackground = true;
                watcherThread.Start(watcher);
        """, """
                ThreadPool.QueueUserWorkItem(s => ((IRunnable)s!).Run(), watcher);
        """)).RunAsync();

    // The companion: started with a runnable of unknown class, the thread may run any of them, and one throws.
    [Fact]
    public Task Thread_calling_an_interface_method_on_a_state_of_unknown_class_is_reported() => new EscapeTest(StateThread
        .With("public static void Watch(Action task)", "public static void Watch(Action task, IRunnable runnable)")
        .With("((IRunnable)s!).Run()", "{|EXG002:((IRunnable)s!).Run()|}")
        .With("watcherThread.Start(watcher);", "watcherThread.Start(runnable);")).RunAsync();

    // EXG004: a task Task.WaitAny returned the index of is complete: getting its result after WaitAny(...) == k does not
    // block (OpenTelemetry's metric reader: WaitAny([tcs.Task, shutdown.Task], timeout) == 0 && tcs.Task.GetAwaiter().GetResult()).
    private const string WaitAnyReader = """
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class MetricReader
        {
            private readonly TaskCompletionSource<bool> _shutdown = new();
            private TaskCompletionSource<bool>? _collection;

            public void Start() => Task.Run(() => Export());

            private void Export()
            {
                while (!Collect(1000))
                    Thread.Sleep(100);
            }

            public bool Collect(int timeoutMilliseconds)
            {
                var tcs = _collection ??= new TaskCompletionSource<bool>();
                return Task.WaitAny([tcs.Task, _shutdown.Task], timeoutMilliseconds) == 0 && tcs.Task.GetAwaiter().GetResult();
            }
        }
        """;

    [Fact]
    public Task Result_of_the_task_WaitAny_returned_is_not_reported() => new WaitTest(WaitAnyReader).RunAsync();

    [Fact]
    public Task Result_of_the_task_WaitAny_returned_in_an_if_is_not_reported() => new WaitTest(WaitAnyReader
        .With("return Task.WaitAny([tcs.Task, _shutdown.Task], timeoutMilliseconds) == 0 && tcs.Task.GetAwaiter().GetResult();", """
            if (Task.WaitAny(new[] { _shutdown.Task, tcs.Task }, timeoutMilliseconds) == 1)
                    return tcs.Task.GetAwaiter().GetResult();
                return false;
            """)).RunAsync();

    // The companion: WaitAny returning the other task's index says nothing of this one, which may still be running.
    [Fact]
    public Task Result_of_a_task_WaitAny_did_not_return_is_reported() => new WaitTest(WaitAnyReader
        .With("timeoutMilliseconds) == 0 && tcs.Task.GetAwaiter().GetResult();", "timeoutMilliseconds) == 1 && {|EXG004:tcs.Task.GetAwaiter().GetResult()|};")).RunAsync();

    // EXG002's message says where in the callees the exception comes from, so that a report on a call deep into other
    // types says what to look at (judging the real-code reports needed this every time).
    [Fact]
    public Task Report_on_a_call_names_where_in_its_callees_the_exception_comes_from()
    {
        var test = new EscapeTest(AssertingTimer
            .With("Internal error: can't generate an id", "The id generator is closed.")
            .With("""self.CreateSub("idle-heartbeat-timeout");""", """{|#0:self.CreateSub("idle-heartbeat-timeout")|};"""));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("EXG002", DiagnosticSeverity.Info).WithLocation(0)
            .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
            .WithArguments("the timer callback in '.ctor'", "it terminates the process",
                " (it can come from 'throw new InvalidOperationException(...)' in 'OrderedConsumer.NewId')"));
        return test.RunAsync();
    }

    // EXG002: a delegate kept in a static property (a native entry point made once) is a thunk, not a callback, also when
    // invoked as Thunk?.Invoke() (NetMQ's clock: OpCode.Rdtsc?.Invoke() on every I/O thread's loop).
    private const string ThunkClock = """
        using System;
        using System.Threading;

        public delegate ulong RdtscDelegate();

        public static class OpCode
        {
            public static RdtscDelegate? Rdtsc { get; private set; }

            public static void Open(RdtscDelegate native) => Rdtsc = native;
        }

        public sealed class Poller
        {
            private Action? _onTick;
            private long _last;

            public void Start() => new Thread(Loop).Start();

            private void Loop()
            {
                while (true)
                {
                    _last = (long?)OpCode.Rdtsc?.Invoke() ?? 0;
                    Thread.Sleep(10);
                }
            }
        }
        """;

    [Fact]
    public Task Thread_calling_a_thunk_kept_in_a_static_property_is_not_reported() => new EscapeTest(ThunkClock).RunAsync();

    // The companion: a callback the object raises (an event its subscribers fill) is code of someone else's, which can
    // throw. (A delegate field is judged as work handed in: Timer_running_work_handed_in_invoked_conditionally_is_not_reported.)
    [Fact]
    public Task Thread_calling_an_instance_callback_conditionally_is_reported() => new EscapeTest(ThunkClock
        .With("private Action? _onTick;", "public event Action? OnTick;")
        .With("Thread.Sleep(10);", "OnTick?{|EXG002:.Invoke()|};\n                Thread.Sleep(10);")).RunAsync();

    // EXG002: an interface only this assembly can implement (internal) runs the implementations here: a call to it throws
    // what they throw, not anyone's code (MongoDB's internal clock in its round-trip monitor, DotNetty's internal queues).
    private const string InternalClockMonitor = """
        using System;
        using System.Diagnostics;
        using System.Threading;

        internal interface IClock
        {
            long GetTimestamp();
        }

        internal sealed class SystemClock : IClock
        {
            public static readonly SystemClock Instance = new();

            public long GetTimestamp() => Stopwatch.GetTimestamp();
        }

        internal sealed class FrozenClock : IClock
        {
            public long Now { get; set; }

            public long GetTimestamp() => Now;
        }

        """ + ClockMonitor;

    // The monitor thread of the clock tests: it reads a clock it keeps in a field of type IClock.
    private const string ClockMonitor = """

        public sealed class RoundTripMonitor
        {
            private readonly IClock _clock = SystemClock.Instance;
            private long _last;

            public void Start() => new Thread(Monitor) { IsBackground = true }.Start();

            private void Monitor()
            {
                while (true)
                {
                    _last = _clock.GetTimestamp();
                    Thread.Sleep(1000);
                }
            }
        }
        """;

    [Fact]
    public Task Thread_calling_an_internal_interface_whose_implementations_do_not_throw_is_not_reported() =>
        new EscapeTest(InternalClockMonitor).RunAsync();

    [Fact]
    public Task Thread_calling_a_virtual_method_of_an_internal_class_whose_overrides_do_not_throw_is_not_reported() => new EscapeTest("""
        using System.Diagnostics;
        using System.Threading;

        internal abstract class IClock
        {
            public virtual long GetTimestamp() => Stopwatch.GetTimestamp();
        }

        internal sealed class SystemClock : IClock
        {
            public static readonly SystemClock Instance = new();
        }

        internal sealed class FrozenClock : IClock
        {
            public long Now { get; set; }

            public override long GetTimestamp() => Now;
        }
        """ + ClockMonitor).RunAsync();

    // A public interface in a namespace named Internal is not for users either (DotNetty's IQueue in DotNetty.Common.Internal).
    [Fact]
    public Task Thread_calling_a_public_interface_of_an_Internal_namespace_whose_implementations_do_not_throw_is_not_reported() => new EscapeTest(InternalClockMonitor
        .With("internal interface IClock", "namespace Library.Internal\n{\n    public interface IClock")
        .With("""
                long GetTimestamp();
            }
            """, """
                    long GetTimestamp();
                }
            }
            """)
        .With("using System.Threading;", "using System.Threading;\nusing Library.Internal;")).RunAsync();

    // The companions: an implementation here that throws is what the call can let out; and a public interface can be
    // implemented by anyone, whose code can throw anything.
    [Fact]
    public Task Thread_calling_an_internal_interface_with_a_throwing_implementation_is_reported() => new EscapeTest(InternalClockMonitor
        .With("public long GetTimestamp() => Now;", "public long GetTimestamp() => Now > 0 ? Now : throw new TimeoutException(\"The clock was not set.\");")
        .With("_last = _clock.GetTimestamp();", "_last = {|EXG002:_clock.GetTimestamp()|};")).RunAsync();

    [Fact]
    public Task Thread_calling_a_public_interface_is_reported() => new EscapeTest(InternalClockMonitor
        .With("internal interface IClock", "public interface IClock")
        .With("_last = _clock.GetTimestamp();", "_last = {|EXG002:_clock.GetTimestamp()|};")).RunAsync();

    // EXG002: Task.WaitAny returns the index of a finished task and does not rethrow what the tasks hold; without a token
    // it fails only on a bug in its arguments (OpenTelemetry's periodic metric reader waits on its collection this way).
    private const string WaitAnyLoop = """
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class PeriodicReader
        {
            private readonly TaskCompletionSource<bool> _shutdown = new();
            private readonly TaskCompletionSource<bool> _collected = new();
            private int _index;

            public void Start() => new Thread(Run) { IsBackground = true }.Start();

            private void Run()
            {
                while (_index != 1)
                    _index = Task.WaitAny(new Task[] { _collected.Task, _shutdown.Task }, 1000);
            }
        }
        """;

    [Fact]
    public Task Thread_waiting_with_Task_WaitAny_is_not_reported() => new EscapeTest(WaitAnyLoop).RunAsync();

    // The companion: Task.WaitAll rethrows what the tasks failed with.
    [Fact]
    public Task Thread_waiting_with_Task_WaitAll_is_reported() => new EscapeTest(WaitAnyLoop
        .With("_index = Task.WaitAny(new Task[] { _collected.Task, _shutdown.Task }, 1000);",
            "_index = {|EXG002:Task.WaitAll(new Task[] { _collected.Task, _shutdown.Task }, 1000)|} ? 1 : 0;")).RunAsync();

    // EXG002: an async void method of a SynchronizationContext of the compilation's own (an async pump) posts its
    // exception to that context, which the pump handles (Rebus's RunSync helper captures it and rethrows it to the caller).
    private const string AsyncPump = """
        using System;
        using System.Collections.Concurrent;
        using System.Runtime.ExceptionServices;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class PumpContext : SynchronizationContext
        {
            private readonly ConcurrentQueue<(SendOrPostCallback Callback, object? State)> _items = new();
            private readonly Func<Task> _task;
            private ExceptionDispatchInfo? _caught;
            private bool _done;

            public PumpContext(Func<Task> task) => _task = task;

            public override void Post(SendOrPostCallback callback, object? state) => _items.Enqueue((callback, state));

            public void Run()
            {
                async void RunFunction(object? _)
                {
                    try
                    {
                        await _task();
                        EnsureRunning();
                    }
                    catch (Exception exception)
                    {
                        _caught = ExceptionDispatchInfo.Capture(exception);
                        throw;
                    }
                    finally
                    {
                        Post(_ => _done = true, null);
                    }
                }

                void EnsureRunning()
                {
                    if (_done)
                        throw new InvalidOperationException("The pump has stopped.");
                }

                Post(RunFunction, null);
                while (!_done)
                {
                    if (_items.TryDequeue(out var item))
                    {
                        item.Callback(item.State);
                        _caught?.Throw();
                    }
                }
            }
        }
        """;

    [Fact]
    public Task Async_void_function_of_an_async_pump_is_not_reported() => new EscapeTest(AsyncPump).RunAsync();

    // The companion: the same function in a class that is no synchronization context crashes the process.
    [Fact]
    public Task Async_void_function_of_another_class_is_reported() => new EscapeTest(AsyncPump
        .With("public sealed class PumpContext : SynchronizationContext", "public sealed class PumpContext")
        .With("public override void Post(", "public void Post(")
        .With("throw;\n", "{|EXG002:throw;|}\n")).RunAsync();

    // EXG002: a MemoryStream, StringReader or StringWriter works in memory: reading, writing and disposing one fail only on
    // a bug (NATS's reconnect thread disposes the buffer it kept pending messages in).
    private const string PendingBuffer = """
        using System.IO;
        using System.Threading;

        public sealed class Reconnector
        {
            private MemoryStream? _pending = new();

            public void Reconnect() => new Thread(Run) { IsBackground = true }.Start();

            private void Run()
            {
                _pending?.Write(new byte[] { 1, 2, 3 }, 0, 3);
                _pending?.Dispose();
                _pending = null;
            }
        }
        """;

    [Fact]
    public Task Thread_writing_and_disposing_a_memory_stream_is_not_reported() => new EscapeTest(PendingBuffer).RunAsync();

    // The companion: a file stream writes to a disk that can be full or gone.
    [Fact]
    public Task Thread_writing_a_file_stream_is_reported() => new EscapeTest(PendingBuffer
        .With("private MemoryStream? _pending = new();", "private FileStream? _pending = File.OpenWrite(\"pending.bin\");")
        .With("_pending?.Write(new byte[] { 1, 2, 3 }, 0, 3);", "_pending?{|EXG002:.Write(new byte[] { 1, 2, 3 }, 0, 3)|};")).RunAsync();

    // EXG002: delegates handed in through a method and kept in a list (resolvers, handlers) are the caller's work like a
    // delegate kept in a field: invoking them while walking the list is judged by what the compilation itself hands in
    // there, here nothing (Proto.Actor's host resolvers, registered by its remote and cluster packages).
    private const string ResolverRegistry = """
        using System;
        using System.Collections.Generic;
        using System.Threading;

        public sealed class Registry
        {
            private readonly List<Func<string, object?>> _resolvers = new();
            private readonly Timer _timer;

            public Registry() => _timer = new Timer(_ => Resolve("timeout"), null, 1000, 1000);

            public void RegisterResolver(Func<string, object?> resolver) => _resolvers.Add(resolver);

            private object? Resolve(string address)
            {
                foreach (var resolver in _resolvers)
                {
                    if (resolver(address) is { } found)
                        return found;
                }
                return null;
            }
        }
        """;

    [Fact]
    public Task Timer_calling_resolvers_only_users_register_is_not_reported() => new EscapeTest(ResolverRegistry).RunAsync();

    // The companion: a resolver the library registers itself, which can throw, is its own code to catch.
    [Fact]
    public Task Timer_calling_a_resolver_the_library_registers_that_throws_is_reported() => new EscapeTest(ResolverRegistry
        .With("public Registry() => _timer = new Timer(_ => Resolve(\"timeout\"), null, 1000, 1000);", """
            public Registry()
                {
                    RegisterResolver(address => address.Length > 0 ? null : throw new FormatException("An address is required."));
                    _timer = new Timer(_ => Resolve("timeout"), null, 1000, 1000);
                }
            """)
        .With("if (resolver(address) is { } found)", "if ({|EXG002:resolver(address)|} is { } found)")).RunAsync();
}
