using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG001: unguarded shared state in real worker code (reduced models, no third-party code).</summary>
public class SharedStateDefectsTests
{
    // Defect 05. zeromq/netmq, fix 0864a96e331dff51948fc7a033a27b2c50be2da8 (parent 74501158),
    // src/NetMQ/Core/Utils/Clock.cs: before 97-104, NowMs() reads and writes the static cache s_lastTsc/s_lastTime
    // (writes at 102-103) with no synchronization; after 101-121 the same under a static SpinLock.
    // Cross-type: the worker threads live in other classes (src/NetMQ/NetMQPoller.cs 361 `new Thread(Run)` ->
    // RunPoller 437 -> Clock.NowMs 445/454; src/NetMQ/Core/Utils/Poller.cs 245 `new Thread(Loop)`), several of them
    // per process, all sharing the static clock.
    private const string Poller = """
        using System.Threading;

        public sealed class EventPoller
        {
            private readonly Thread _thread;
            private volatile bool _stopping;

            public EventPoller(string name) => _thread = new Thread(Loop) { IsBackground = true, Name = name };

            public void Start() => _thread.Start();

            public void Stop()
            {
                _stopping = true;
                _thread.Join();
            }

            private void Loop()
            {
                while (!_stopping)
                {
                    long now = Clock.NowMs();
                    FireTimersDueBy(now);
                    Thread.Sleep(1);
                }
            }

            private static void FireTimersDueBy(long now) { }
        }
        """;

    private const string ClockBefore = """
        using System.Diagnostics;

        internal static class Clock
        {
            private const long Precision = 1000;
            private static long s_lastTsc;
            private static long s_lastTime;

            public static long NowUs() => (long)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000000.0));

            public static long NowMs()
            {
                long tsc = ReadTimestampCounter();
                if (tsc == 0)
                    return NowUs() / 1000;

                if (tsc - s_lastTsc <= Precision / 2 && tsc >= s_lastTsc)
                    return s_lastTime;

                {|EXG010:s_lastTsc = tsc|};
                {|EXG010:s_lastTime = NowUs() / 1000|};
                return s_lastTime;
            }

            private static long ReadTimestampCounter() => Stopwatch.GetTimestamp();
        }
        """;

    private const string ClockAfter = """
        using System.Diagnostics;
        using System.Threading;

        internal static class Clock
        {
            private const long Precision = 1000;
            private static long s_lastTsc;
            private static long s_lastTime;
            private static SpinLock s_spinLock = new SpinLock();

            public static long NowUs() => (long)(Stopwatch.GetTimestamp() / (Stopwatch.Frequency / 1000000.0));

            public static long NowMs()
            {
                long tsc = ReadTimestampCounter();
                if (tsc == 0)
                    return NowUs() / 1000;

                bool hasLock = false;
                try
                {
                    s_spinLock.Enter(ref hasLock);
                    if (tsc - s_lastTsc <= Precision / 2 && tsc >= s_lastTsc)
                        return s_lastTime;

                    s_lastTsc = tsc;
                    s_lastTime = NowUs() / 1000;
                    return s_lastTime;
                }
                finally
                {
                    if (hasLock)
                        s_spinLock.Exit();
                }
            }

            private static long ReadTimestampCounter() => Stopwatch.GetTimestamp();
        }
        """;

    [Fact]
    public Task Static_clock_cache_written_from_poller_threads_before_is_flagged() =>
        new Test(ClockBefore).RunWith(Poller);

    [Fact]
    public Task Static_clock_cache_written_from_poller_threads_after_is_silent() =>
        new Test(ClockAfter).RunWith(Poller);

    // Defect 06. apache/logging-log4net, fix 24a9768eb4bda7e61fe06ef3ff2fa1090842aac1 (parent d7aef22d, LOG4NET-376),
    // src/DateFormatter/AbsoluteTimeDateFormatter.cs: before 111 reads the static long s_lastTimeToTheSecond and 113
    // clears the static s_lastTimeStrings outside the lock that guards their writes (126-149); after 104-166 the whole
    // method runs under lock (s_lastTimeStrings). The original cache is a Hashtable; this model uses a Dictionary.
    // Cross-type: the formatter is reached from the layout, called by every application thread that logs; the entry
    // point is modelled here (thread-pool items writing request logs), it is not in the library.
    private const string Layout = """
        using System;
        using System.IO;
        using System.Threading;

        public sealed class LineLayout
        {
            private readonly TimeFormatter _formatter = new TimeFormatter();

            public string Format(DateTime timestamp, string message)
            {
                var writer = new StringWriter();
                _formatter.FormatDate(timestamp, writer);
                writer.Write(' ');
                writer.Write(message);
                return writer.ToString();
            }
        }

        public sealed class RequestLog
        {
            private readonly LineLayout _layout = new LineLayout();

            public void Start(int workers)
            {
                for (var i = 0; i < workers; i++)
                    ThreadPool.QueueUserWorkItem(_ => Console.Out.WriteLine(_layout.Format(DateTime.Now, "request handled")));
            }
        }
        """;

    private const string FormatterBefore = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Text;

        public class TimeFormatter
        {
            private static long s_lastTimeToTheSecond;
            private static readonly StringBuilder s_lastTimeBuf = new StringBuilder(16);
            private static readonly Dictionary<Type, string> s_lastTimeStrings = new Dictionary<Type, string>();

            public virtual void FormatDate(DateTime dateToFormat, TextWriter writer)
            {
                long currentTimeToTheSecond = dateToFormat.Ticks - (dateToFormat.Ticks % TimeSpan.TicksPerSecond);

                string timeString = null;
                if ({|EXG010:s_lastTimeToTheSecond|} != currentTimeToTheSecond)
                    {|EXG001:s_lastTimeStrings.Clear()|};
                else
                    s_lastTimeStrings.TryGetValue(GetType(), out timeString);

                if (timeString == null)
                {
                    lock (s_lastTimeBuf)
                    {
                        if (!s_lastTimeStrings.TryGetValue(GetType(), out timeString))
                        {
                            s_lastTimeBuf.Length = 0;
                            FormatDateWithoutMillis(dateToFormat, s_lastTimeBuf);
                            timeString = s_lastTimeBuf.ToString();
                            s_lastTimeStrings[GetType()] = timeString;
                            s_lastTimeToTheSecond = currentTimeToTheSecond;
                        }
                    }
                }

                writer.Write(timeString);
                writer.Write(',');
                writer.Write(dateToFormat.Millisecond.ToString("000"));
            }

            protected virtual void FormatDateWithoutMillis(DateTime dateToFormat, StringBuilder buffer) =>
                buffer.Append(dateToFormat.ToString("HH:mm:ss"));
        }
        """;

    private const string FormatterAfter = """
        using System;
        using System.Collections.Generic;
        using System.IO;
        using System.Text;

        public class TimeFormatter
        {
            private static long s_lastTimeToTheSecond;
            private static readonly StringBuilder s_lastTimeBuf = new StringBuilder(16);
            private static readonly Dictionary<Type, string> s_lastTimeStrings = new Dictionary<Type, string>();

            public virtual void FormatDate(DateTime dateToFormat, TextWriter writer)
            {
                lock (s_lastTimeStrings)
                {
                    long currentTimeToTheSecond = dateToFormat.Ticks - (dateToFormat.Ticks % TimeSpan.TicksPerSecond);

                    string timeString = null;
                    if (s_lastTimeToTheSecond != currentTimeToTheSecond)
                        s_lastTimeStrings.Clear();
                    else
                        s_lastTimeStrings.TryGetValue(GetType(), out timeString);

                    if (timeString == null)
                    {
                        lock (s_lastTimeBuf)
                        {
                            if (!s_lastTimeStrings.TryGetValue(GetType(), out timeString))
                            {
                                s_lastTimeBuf.Length = 0;
                                FormatDateWithoutMillis(dateToFormat, s_lastTimeBuf);
                                timeString = s_lastTimeBuf.ToString();
                                s_lastTimeStrings[GetType()] = timeString;
                                s_lastTimeToTheSecond = currentTimeToTheSecond;
                            }
                        }
                    }

                    writer.Write(timeString);
                    writer.Write(',');
                    writer.Write(dateToFormat.Millisecond.ToString("000"));
                }
            }

            protected virtual void FormatDateWithoutMillis(DateTime dateToFormat, StringBuilder buffer) =>
                buffer.Append(dateToFormat.ToString("HH:mm:ss"));
        }
        """;

    [Fact]
    public Task Static_time_string_cache_cleared_outside_its_lock_before_is_flagged() =>
        new Test(FormatterBefore).RunWith(Layout);

    [Fact]
    public Task Static_time_string_cache_cleared_outside_its_lock_after_is_silent() =>
        new Test(FormatterAfter).RunWith(Layout);

    // Defect 12. nats-io/nats.net.v1, fix 23492ff810dccd692197a5522d723a53636ce7fc (parent fd19890a),
    // NATS.Client/AsyncSub.cs: before 69 `conn = null;` in processMsg after the auto-unsubscribe limit, outside
    // lock (mu), while conn is read under mu by user threads (NATS.Client/Subscription.cs 188-190, 213-218);
    // after 69-72 `lock (mu) { conn = null; }`.
    // Cross-type: the feeder task is started in AsyncSub.enableAsyncProcessing (85-87, `new Task(() =>
    // conn.deliverMsgs(mch), LongRunning).Start()`), runs Connection.deliverMsgs (NATS.Client/Conn.cs 1435), which calls
    // back the virtual m.sub.processMsg; the field and its lock are declared in the base class Subscription.
    // (The model captures the connection in a local before starting the feeder; the original read it in the lambda.)
    private const string Subscription = """
        using System;

        public sealed class Message
        {
            public Message(Subscription sub, string data) { Sub = sub; Data = data; }
            public Subscription Sub { get; }
            public string Data { get; }
        }

        public abstract class Subscription
        {
            internal readonly object mu = new object();
            internal Connection conn;
            internal bool closed;
            protected long delivered;

            internal Subscription(Connection conn) => this.conn = conn;

            internal abstract bool ProcessMsg(Message msg);

            internal void Unsubscribe(bool throwIfInvalid)
            {
                Connection c;
                lock (mu)
                    c = conn;

                if (c == null)
                {
                    if (throwIfInvalid)
                        throw new InvalidOperationException("The subscription is no longer valid.");
                    return;
                }

                c.Unsubscribe(this);
            }

            public bool IsValid
            {
                get
                {
                    lock (mu)
                        return conn != null;
                }
            }

            internal void Close()
            {
                lock (mu)
                    closed = true;
            }
        }
        """;

    private const string Connection = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;

        public sealed class Connection
        {
            private readonly object _mu = new object();
            private readonly HashSet<Subscription> _subs = new HashSet<Subscription>();

            internal void DeliverMsgs(BlockingCollection<Message> channel)
            {
                while (!channel.IsCompleted)
                {
                    if (!channel.TryTake(out var message, 500))
                        continue;

                    if (!message.Sub.ProcessMsg(message))
                    {
                        lock (_mu)
                            _subs.Remove(message.Sub);
                    }
                }
            }

            internal void Unsubscribe(Subscription subscription)
            {
                lock (_mu)
                    _subs.Remove(subscription);
            }
        }
        """;

    private const string AsyncSubscription = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading.Tasks;

        public sealed class AsyncSubscription : Subscription
        {
            private readonly BlockingCollection<Message> _channel = new BlockingCollection<Message>();
            private Task _feeder;
            private long _max;

            public event EventHandler<Message> MessageHandler;

            internal AsyncSubscription(Connection conn) : base(conn) { }

            public void AutoUnsubscribe(long max)
            {
                lock (mu)
                    _max = max;
            }

            internal override bool ProcessMsg(Message msg)
            {
                EventHandler<Message> handler;
                long max;
                long d;

                lock (mu)
                {
                    if (closed || conn == null)
                        return false;

                    d = ++delivered;
                    handler = MessageHandler;
                    max = _max;
                }

                if (max <= 0 || d <= max)
                {
                    try { handler?.Invoke(this, msg); }
                    catch (Exception) { }

                    if (d == max)
                    {
                        Unsubscribe(false);
                        CLEAR
                    }
                }

                return true;
            }

            internal void EnableAsyncProcessing()
            {
                if (_feeder == null)
                {
                    var connection = conn;
                    _feeder = new Task(() => connection.DeliverMsgs(_channel), TaskCreationOptions.LongRunning);
                    _feeder.Start();
                }
            }
        }
        """;

    [Fact]
    public Task Subscription_connection_cleared_outside_its_lock_by_the_feeder_before_is_flagged() =>
        new Test(AsyncSubscription.Replace("CLEAR", "{|EXG010:conn = null|};")).RunWith(Subscription, Connection);

    [Fact]
    public Task Subscription_connection_cleared_outside_its_lock_by_the_feeder_after_is_silent() =>
        new Test(AsyncSubscription.Replace("CLEAR", "lock (mu) { conn = null; }")).RunWith(Subscription, Connection);

    // Defect 17. MassTransit/MassTransit, fix 2d3bb54fe3fbb47c0adc1fd53c12b64326ece804 (parent 7e64a757),
    // src/MassTransit/Transports/InMemory/Fabric/InMemoryExchange.cs: before 36 `_sinks.Add(sink);` (a HashSet)
    // in Connect without a lock; after 36-37 `lock (_sinks) _sinks.Add(sink);`.
    // Cross-type: Connect is called by the fabric (src/MassTransit/Transports/InMemory/Fabric/MessageFabric.cs 47, 58,
    // ExchangeBind/QueueBind) while receive endpoints configure their topology concurrently; the concurrent start is
    // modelled here as one task per endpoint.
    private const string Exchange = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public interface IMessageSink
        {
            Task Deliver(string message);
        }

        public sealed class MemoryExchange : IMessageSink
        {
            private readonly HashSet<IMessageSink> _sinks = new HashSet<IMessageSink>();

            public MemoryExchange(string name) => Name = name;

            public string Name { get; }

            public async Task Deliver(string message)
            {
                foreach (var sink in _sinks)
                    await sink.Deliver(message);
            }

            public void Connect(IMessageSink sink)
            {
                CONNECT
            }
        }
        """;

    private const string Fabric = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class MessageFabric
        {
            private readonly ConcurrentDictionary<string, MemoryExchange> _exchanges = new ConcurrentDictionary<string, MemoryExchange>();

            public void ExchangeBind(string source, string destination)
            {
                var sourceExchange = _exchanges.GetOrAdd(source, name => new MemoryExchange(name));
                var destinationExchange = _exchanges.GetOrAdd(destination, name => new MemoryExchange(name));
                sourceExchange.Connect(destinationExchange);
            }
        }

        public sealed class BusStartup
        {
            private readonly MessageFabric _fabric = new MessageFabric();

            public Task StartEndpoints(IReadOnlyList<string> queues)
            {
                var starts = new List<Task>();
                foreach (var queue in queues)
                    starts.Add(Task.Run(() => _fabric.ExchangeBind("events", queue)));
                return Task.WhenAll(starts);
            }
        }
        """;

    [Fact]
    public Task Exchange_sink_set_grown_by_concurrent_bindings_before_is_flagged() =>
        new Test(Exchange.Replace("CONNECT", "{|EXG001:_sinks.Add(sink)|};")).RunWith(Fabric);

    [Fact]
    public Task Exchange_sink_set_grown_by_concurrent_bindings_after_is_silent() =>
        new Test(Exchange.Replace("CONNECT", "lock (_sinks) _sinks.Add(sink);")).RunWith(Fabric);

    // Defect 18. serilog/serilog, fix dcbdbb9b6b2603db9e2288c6bfc531daeab597e8 (parent 5ec7758d),
    // src/Serilog.Sinks.AzureTableStorage/Sinks/AzureTableStorage/AzureTableStorageSink.cs: before 74
    // `logEventEntity.RowKey += "|" + _rowKeyIndex++;` reached from Emit (56-62); after 74
    // `Interlocked.Increment(ref _rowKeyIndex)`.
    // Cross-type: the logging pipeline calls the sink through its interface from every application thread; the
    // application side (a Parallel.ForEach over orders) is modelled.
    private const string Sink = """
        public sealed class LogEntry
        {
            public LogEntry(string message) { Message = message; Ticks = System.DateTime.UtcNow.Ticks; }
            public string Message { get; }
            public long Ticks { get; }
        }

        public sealed class TableEntity
        {
            public string PartitionKey { get; set; }
            public string RowKey { get; set; }
            public string Message { get; set; }
        }

        public interface ITableClient
        {
            void Insert(TableEntity entity);
        }

        public interface ILogSink
        {
            void Emit(LogEntry entry);
        }

        public sealed class TableSink : ILogSink
        {
            private readonly ITableClient _table;
            private long _rowKeyIndex;

            public TableSink(ITableClient table) => _table = table;

            public void Emit(LogEntry entry)
            {
                var entity = new TableEntity { PartitionKey = "0" + entry.Ticks, RowKey = entry.Ticks.ToString(), Message = entry.Message };
                EnsureUniqueRowKey(entity);
                _table.Insert(entity);
            }

            private void EnsureUniqueRowKey(TableEntity entity)
            {
                INCREMENT
            }
        }
        """;

    private const string Logger = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class Logger
        {
            private readonly ILogSink[] _sinks;

            public Logger(params ILogSink[] sinks) => _sinks = sinks;

            public void Write(LogEntry entry)
            {
                foreach (var sink in _sinks)
                    sink.Emit(entry);
            }
        }

        public sealed class OrderProcessor
        {
            private readonly Logger _log;

            public OrderProcessor(Logger log) => _log = log;

            public void ProcessAll(IEnumerable<int> orders) =>
                Parallel.ForEach(orders, id => _log.Write(new LogEntry("processed order " + id)));
        }
        """;

    [Fact]
    public Task Sink_row_key_counter_incremented_by_every_logging_thread_before_is_flagged() =>
        new Test(Sink.Replace("INCREMENT", "entity.RowKey += \"|\" + {|EXG001:_rowKeyIndex++|};")).RunWith(Logger);

    [Fact]
    public Task Sink_row_key_counter_incremented_by_every_logging_thread_after_is_silent() =>
        new Test(Sink.Replace("INCREMENT", "entity.RowKey += \"|\" + System.Threading.Interlocked.Increment(ref _rowKeyIndex);")).RunWith(Logger);

    // Defect 19. asynkron/protoactor-dotnet, fix d2636ee562cb3532028c0084e1c5cd62fe4e41b4 (parent 3447c49e),
    // src/Proto.Cluster/RoundRobin.cs: before 21 `return members[val++ % l].Address;`; after 23-25
    // `Interlocked.Increment(ref val); return members[val % l].Address;`.
    // Cross-type: the member strategy (src/Proto.Cluster/MemberStrategy.cs 31) owns the RoundRobin and calls GetNode
    // for every activation request; concurrent requests are modelled as one task per spawn.
    private const string RoundRobin = """
        using System.Collections.Generic;

        public sealed class Member
        {
            public Member(string address) => Address = address;
            public string Address { get; }
        }

        public interface IMemberStrategy
        {
            IReadOnlyList<Member> GetAllMembers();
            string GetActivator();
        }

        public sealed class RoundRobin
        {
            private int _val;
            private readonly IMemberStrategy _strategy;

            public RoundRobin(IMemberStrategy strategy) => _strategy = strategy;

            public string GetNode()
            {
                var members = _strategy.GetAllMembers();
                var count = members.Count;
                if (count == 0)
                    return "";
                if (count == 1)
                    return members[0].Address;

                PICK
            }
        }
        """;

    private const string Strategy = """
        using System.Collections.Generic;
        using System.Threading.Tasks;

        public sealed class SimpleMemberStrategy : IMemberStrategy
        {
            private readonly List<Member> _members = new List<Member>();
            private readonly RoundRobin _roundRobin;

            public SimpleMemberStrategy(IEnumerable<Member> members)
            {
                _members.AddRange(members);
                _roundRobin = new RoundRobin(this);
            }

            public IReadOnlyList<Member> GetAllMembers() => _members;

            public string GetActivator() => _roundRobin.GetNode();
        }

        public sealed class SpawnRouter
        {
            private readonly IMemberStrategy _strategy;

            public SpawnRouter(IMemberStrategy strategy) => _strategy = strategy;

            public Task<string>[] PlaceAll(IEnumerable<string> names)
            {
                var placements = new List<Task<string>>();
                foreach (var name in names)
                    placements.Add(Task.Run(() => _strategy.GetActivator()));
                return placements.ToArray();
            }
        }
        """;

    [Fact]
    public Task Round_robin_index_incremented_by_concurrent_placements_before_is_flagged() =>
        new Test(RoundRobin.Replace("PICK", "return members[{|EXG001:_val++|} % count].Address;")).RunWith(Strategy);

    [Fact]
    public Task Round_robin_index_incremented_by_concurrent_placements_after_is_silent() =>
        new Test(RoundRobin.Replace("PICK", "System.Threading.Interlocked.Increment(ref _val);\n            return members[_val % count].Address;")).RunWith(Strategy);
}
