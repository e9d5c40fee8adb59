using System.Threading.Tasks;
using Xunit;
using EscapeTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using HashTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.HashRoutingAnalyzer>;
using LockOrderTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;
using SharedTest = ExecutorGen.Analyzers.Tests.SharedStateTest;
using StopFlagTest = ExecutorGen.Analyzers.Tests.StopFlagTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The second round of issue 14's false positives, found by judging every report on the real-code corpus
/// (docs/analyzers-on-real-code.md): each must-not-flag test failed before its fix, and each has a companion that must
/// stay reported, so that the fix narrows the rule rather than switching it off.
/// </summary>
public class RealCodePrecisionTests
{
    // EXG002: .NET's own virtual and interface members (ChannelWriter.TryComplete, WaitHandle.WaitOne) are judged by
    // their contract, not as user code that can throw anything.
    [Fact]
    public Task Timer_callback_completing_a_channel_and_waiting_on_an_event_is_not_reported() => new EscapeTest("""
        using System;
        using System.Threading;
        using System.Threading.Channels;

        public sealed class Consumer
        {
            private readonly Channel<int> _messages = Channel.CreateUnbounded<int>();
            private readonly ManualResetEvent _started = new(false);
            private Timer? _idle;

            public void Start() => _idle = new Timer(_ =>
            {
                _started.WaitOne(100);
                _messages.Writer.TryComplete();
            }, null, 1000, Timeout.Infinite);
        }
        """).RunAsync();

    // EXG002: an async method stores what fails in its task; the call does not throw, the await does.
    [Fact]
    public Task Timer_callback_calling_an_async_method_without_awaiting_it_is_not_reported_but_awaiting_it_is() => new EscapeTest("""
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Subscription
        {
            private Timer? _timeout;
            private Timer? _retry;

            public void Start()
            {
                _timeout = new Timer(_ => EndSubscription(), null, 1000, Timeout.Infinite);
                _retry = new Timer(async _ => await UnsubscribeAsync(), null, 1000, Timeout.Infinite);
            }

            private void EndSubscription() => _ = UnsubscribeAsync();

            private async Task UnsubscribeAsync()
            {
                await Task.Yield();
                {|EXG002:File.Delete("subscription.lock")|}; // where the awaited method lets the exception out
            }
        }
        """).RunAsync();

    // EXG002: a task-returning interface method reports failure through its task; not awaited, it does not throw here.
    [Fact]
    public Task Task_returning_interface_call_not_awaited_is_not_reported() => new EscapeTest("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public interface ISubscriptionManager
        {
            ValueTask RemoveAsync(object subscription);
        }

        public sealed class Subscription
        {
            private readonly ISubscriptionManager _manager;
            private Timer? _timeout;
            private Timer? _idle;

            public Subscription(ISubscriptionManager manager) => _manager = manager;

            public void Start()
            {
                _timeout = new Timer(_ => Unsubscribe(), null, 1000, Timeout.Infinite);
                _idle = new Timer(_ => _ = UnsubscribeAsync(), null, 1000, Timeout.Infinite);
            }

            private void Unsubscribe() => _ = _manager.RemoveAsync(this);

            // Hands the manager's task to its caller, who discards it: nothing is thrown here either.
            private ValueTask UnsubscribeAsync()
            {
                Console.WriteLine("unsubscribing");
                return _manager.RemoveAsync(this);
            }
        }
        """).RunAsync();

    // EXG002: "can this call throw" follows the calls to any depth; it used to assume that a method five calls down throws.
    [Fact]
    public Task Deep_chain_that_ends_in_code_that_cannot_throw_is_not_reported_one_that_ends_in_IO_is() => new EscapeTest("""
        using System;
        using System.IO;
        using System.Threading;

        public sealed class Telemetry
        {
            private long _ended;
            private Timer? _quiet;
            private Timer? _noisy;

            public void Start()
            {
                _quiet = new Timer(_ => Level1(), null, 1000, Timeout.Infinite);
                _noisy = new Timer(_ => {|EXG002:Write1()|}, null, 1000, Timeout.Infinite);
            }

            private void Level1() => Level2();
            private void Level2() => Level3();
            private void Level3() => Level4();
            private void Level4() => Level5();
            private void Level5() => Level6();
            private void Level6() => Interlocked.Increment(ref _ended);

            private void Write1() => Write2();
            private void Write2() => Write3();
            private void Write3() => Write4();
            private void Write4() => Write5();
            private void Write5() => Write6();
            private void Write6() => File.AppendAllText("telemetry.log", "ended");
        }
        """).RunAsync();

    // EXG002: an in-memory stream opens nothing, and ToString, Equals and GetHashCode do not throw by contract.
    [Fact]
    public Task Thread_body_making_a_memory_stream_and_formatting_an_address_is_not_reported() => new EscapeTest("""
        using System;
        using System.IO;
        using System.Net;
        using System.Threading;

        public sealed class Parser
        {
            private readonly MemoryStream _buffer;
            private string _peer = "";

            public Parser(byte[] bytes) => _buffer = new MemoryStream(bytes);

            public void Start(IPEndPoint endPoint) => new Thread(() => Read(endPoint)).Start();

            private void Read(IPEndPoint endPoint)
            {
                var parser = new Parser(new byte[16]);
                _peer = endPoint.Address.ToString();
            }
        }
        """).RunAsync();

    // EXG001: a caller's lock does not guard an async method it starts and does not await (past its first await the
    // method runs after the caller let go), so the writes there are no evidence that the lock guards the field.
    [Fact]
    public Task Field_written_by_an_async_open_started_under_a_lock_is_not_inconsistent_locking() => new SharedTest("""
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Connection
        {
            private readonly object _openLock = new();
            private Task? _opening;
            private Stream? _stream;

            public Task OpenAsync()
            {
                lock (_openLock)
                    return _opening ??= OpenHelperAsync();
            }

            public void StartMonitor() => new Thread(OpenHelper).Start();

            private async Task OpenHelperAsync()
            {
                await Task.Yield();
                _stream = new MemoryStream();
            }

            private void OpenHelper() => _stream = new MemoryStream();
        }
        """).RunAsync();

    // EXG001: an async helper awaited inside an async lock (a semaphore held across the await) runs wholly under it.
    [Fact]
    public Task Collection_changed_by_an_async_helper_awaited_under_a_semaphore_is_guarded_one_changed_outside_is_reported() => new SharedTest("""
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class JobStore
        {
            private readonly SemaphoreSlim _lock = new(1, 1);
            private readonly Dictionary<string, int> _jobs = new();

            public void Start() => _ = Task.Run(() => DeleteJob("expired"));

            public async Task DeleteJob(string key)
            {
                await _lock.WaitAsync();
                try
                {
                    await RemoveJobNoLock(key);
                }
                finally
                {
                    _lock.Release();
                }
                {|EXG001:_jobs.Remove("audit")|};
            }

            public async Task AddJob(string key)
            {
                await _lock.WaitAsync();
                try { _jobs[key] = 1; }
                finally { _lock.Release(); }
            }

            private async Task RemoveJobNoLock(string key)
            {
                await Task.Yield();
                _jobs.Remove(key);
            }
        }
        """).RunAsync();

    // EXG001: a public method that a worker also calls does not race itself: the same method reached both ways is most
    // often an object's own loop, driven by its owner; a second method writing the field is the evidence.
    [Fact]
    public Task Flag_written_only_by_the_receive_method_a_worker_drives_is_not_reported_a_second_writer_is() => new SharedTest("""
        using System.Threading;

        public sealed class Mailbox
        {
            private readonly object _sync = new();
            private int _pending;
            private int _active;
            private int _wakeUps;

            public void Send()
            {
                lock (_sync)
                    _pending++;
            }

            public void Wake() => _wakeUps++;

            public bool TryReceive()
            {
                if (_active > 0)
                    _active = 0;
                else if (_pending > 0)
                    _active = 1;
                if (_wakeUps > 0)
                    {|EXG010:_wakeUps = 0|};
                return _pending > 0;
            }
        }

        public sealed class IoThread
        {
            private readonly Mailbox _mailbox = new();

            public void Start() => new Thread(Loop).Start();

            private void Loop()
            {
                while (_mailbox.TryReceive())
                    Thread.Sleep(1);
            }
        }
        """).RunAsync();

    // EXG001: a method that only takes its object's lock (here only when the socket is shared) and its partner that
    // only releases it: Lock(); try { … } finally { Unlock(); } holds the lock like Monitor.Enter.
    [Fact]
    public Task Collection_changed_between_lock_helper_calls_is_guarded_one_changed_without_them_is_reported() => new SharedTest("""
        using System.Collections.Generic;
        using System.Threading;

        public sealed class Socket
        {
            private readonly object _threadSafeSync = new();
            private readonly bool _threadSafe = true;
            private readonly Dictionary<string, int> _endpoints = new();

            public void Bind(string address)
            {
                Lock();
                try { _endpoints[address] = 1; }
                finally { Unlock(); }
            }

            public void Start() => new Thread(Reap).Start();

            private void Reap()
            {
                Lock();
                _endpoints.Remove("closed");
                Unlock();
                {|EXG001:_endpoints.Remove("stale")|};
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
        """).RunAsync();

    // EXG003: adding a handler to an event (x.Changed += OnChanged) or removing it calls nothing; both used to count as a
    // call to the handler, which made an inversion out of a lock order that never happens.
    [Fact]
    public Task Handler_added_to_or_removed_from_an_event_under_a_lock_is_not_a_call_into_it() => new LockOrderTest("""
        using System;

        public sealed class Server
        {
            public event EventHandler? DescriptionChanged;
            public void Raise() => DescriptionChanged?.Invoke(this, EventArgs.Empty);
        }

        public sealed class Cluster
        {
            private readonly object _serversLock = new();
            private readonly object _updateLock = new();
            private Server? _server;

            public void Initialize(Server server)
            {
                lock (_serversLock)
                    EnsureServer(server);
            }

            private void EnsureServer(Server server)
            {
                _server = server;
                server.DescriptionChanged += OnDescriptionChanged;
            }

            public void Dispose()
            {
                lock (_serversLock)
                {
                    if (_server is { } server)
                        RemoveServer(server);
                }
            }

            private void RemoveServer(Server server) => server.DescriptionChanged -= OnDescriptionChanged;

            private void OnDescriptionChanged(object? sender, EventArgs e)
            {
                lock (_updateLock)
                    lock (_serversLock)
                        _server = (Server?)sender;
            }
        }
        """).RunAsync();

    // EXG006: a loop that awaits returns to its caller each time round, so its condition is read from memory again after
    // every await; a loop that only calls may spin on a cached value.
    [Fact]
    public Task Stop_flag_of_a_loop_that_awaits_is_not_reported_one_of_a_loop_that_spins_is() => new StopFlagTest("""
        using System.Threading;
        using System.Threading.Channels;
        using System.Threading.Tasks;

        public sealed class Sender
        {
            private readonly Channel<int> _packets = Channel.CreateUnbounded<int>();
            private bool _running = true;
            private bool _spinning = true;
            private int _sent;

            public void Start()
            {
                _ = Task.Run(SendLoopAsync);
                new Thread(Spin).Start();
            }

            public void Stop()
            {
                _running = false;
                _spinning = false;
            }

            private async Task SendLoopAsync()
            {
                while (_running)
                {
                    await _packets.Reader.ReadAsync();
                    _sent++;
                }
            }

            private void Spin()
            {
                while ({|EXG006:_spinning|})
                    Thread.SpinWait(10);
            }
        }
        """).RunAsync();

    // EXG005: a hash whose sign the code tests before the remainder (if (hash < 0) hash = -hash;) was handled on purpose.
    [Fact]
    public Task Remainder_of_a_hash_whose_sign_was_tested_first_is_not_reported() => new HashTest("""
        public sealed class IpcAddress
        {
            public int Port { get; }

            public IpcAddress(string name)
            {
                int hash = name.GetHashCode();
                if (hash < 0)
                    hash = -hash;
                hash = hash % 55536;
                Port = hash + 10000;
            }

            public static int Bucket(string key, int[] buckets)
            {
                int hash = key.GetHashCode();
                return buckets[{|EXG005:hash % buckets.Length|}];
            }
        }
        """).RunAsync();

    // EXG001: a bool written after it was tested is a handshake between a setter and a clearer (a lost update loses one
    // signal); a counter treated the same way loses counts.
    [Fact]
    public Task Flag_cleared_after_its_test_is_not_a_read_modify_write_a_counter_reset_after_its_test_is() => new SharedTest("""
        using System.Threading;

        public sealed class Heartbeat
        {
            private readonly object _sync = new();
            private bool _detected;
            private int _beats;
            private int _missed;
            private Timer? _timer;

            public void Start()
            {
                lock (_sync)
                    _timer = new Timer(OnTimer, null, 1000, 1000);
            }

            public void Notify()
            {
                _detected = true;
                _beats++;
            }

            private void OnTimer(object? state)
            {
                if (_detected)
                    _detected = false;
                else
                    Interlocked.Increment(ref _missed);
                if (_beats > 0)
                    {|EXG010:_beats = 0|};
            }
        }
        """).RunAsync();

    // EXG001: var taken = await _gate.WaitAsync(0); if (!taken) return; holds the semaphore for the rest of the block,
    // like if (!Monitor.TryEnter(_sync)) return; does.
    [Fact]
    public Task Collection_changed_after_a_taken_flag_check_is_guarded_one_changed_without_it_is_reported() => new SharedTest("""
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class Replication
        {
            private readonly SemaphoreSlim _feedback = new(1, 1);
            private readonly List<long> _pending = new();
            private Timer? _timer;

            public void Start() => _timer = new Timer(_ =>
            {
                _ = SendFeedback(wait: false);
                Trim();
            }, null, 1000, 1000);

            public Task Flush() => SendFeedback(wait: true);

            private void Trim()
            {
                if (_pending.Count > 100)
                    {|EXG001:_pending.RemoveAt(0)|};
            }

            private async Task SendFeedback(bool wait)
            {
                var taken = wait
                    ? await _feedback.WaitAsync(Timeout.Infinite)
                    : await _feedback.WaitAsync(TimeSpan.Zero);
                if (!taken)
                    return;
                try
                {
                    _pending.Add(DateTime.UtcNow.Ticks);
                }
                finally
                {
                    _feedback.Release();
                }
            }
        }
        """).RunAsync();

    // EXG001: a write to a field of an object the method was handed (a parameter), under this object's lock, is no
    // evidence that the lock guards that field: the object may be any caller's. A field of this object is different.
    [Fact]
    public Task Write_through_a_parameter_under_a_lock_is_no_guard_evidence_one_to_an_own_field_is() => new SharedTest("""
        using System.Threading;
        using System.Threading.Tasks;

        public sealed class State { }

        public sealed class Connector
        {
            internal State? Reloadable;
        }

        public sealed class DataSource
        {
            private readonly SemaphoreSlim _setup = new(1, 1);
            private readonly Connector _idle = new();
            private State _current = new();
            private Timer? _timer;

            public void Start() => _timer = new Timer(_ => Prune(), null, 1000, 1000);

            public async Task Bootstrap(Connector connector)
            {
                await _setup.WaitAsync();
                try
                {
                    connector.Reloadable = new State();
                    _current = new State();
                }
                finally
                {
                    _setup.Release();
                }
            }

            private void Prune()
            {
                Check(_idle);
                {|EXG010:_current = new State()|};
            }

            private void Check(Connector connector) => connector.Reloadable = _current;
        }
        """).RunAsync();
}
