using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>EXG002: exceptions escaping real timer callbacks and async void bodies (reduced models, no third-party code).</summary>
public class ExceptionEscapeDefectsTests
{
    // Defect 03. EasyNetQ/EasyNetQ, fix d54631d283c5a9d3b80d0f6501ae124b17502c41 (parent b4beafa4; PR #866, merge
    // 968df8bd), Source/EasyNetQ/Internals/Timers.cs: before 12-23 the timer lambda runs `callback.Invoke(state)` (17)
    // in a try that has only a finally; after 22-25 a catch (Exception) that logs.
    // Cross-type: the callbacks come from other classes (Source/EasyNetQ/Consumer/ExclusiveConsumer.cs 58,
    // `Timers.Start(s => StartConsumingInternal(), ...)`; Source/EasyNetQ/PersistentConnection.cs 74); the code that
    // throws (opening a channel to an unreachable broker) lives there, the timer in the static helper.
    private const string TimersBefore = """
        using System;
        using System.Threading;

        public static class Timers
        {
            public static IDisposable Start(TimerCallback callback, TimeSpan dueTime, TimeSpan period)
            {
                var callbackLock = new object();
                var timer = new Timer(state =>
                {
                    if (!Monitor.TryEnter(callbackLock))
                        return;
                    try
                    {
                        {|EXG002:callback.Invoke(state)|};
                    }
                    finally
                    {
                        Monitor.Exit(callbackLock);
                    }
                });
                timer.Change(dueTime, period);
                return timer;
            }
        }
        """;

    private const string TimersAfter = """
        using System;
        using System.Threading;

        public static class Timers
        {
            public static IDisposable Start(TimerCallback callback, TimeSpan dueTime, TimeSpan period)
            {
                var callbackLock = new object();
                var timer = new Timer(state =>
                {
                    if (!Monitor.TryEnter(callbackLock))
                        return;
                    try
                    {
                        callback.Invoke(state);
                    }
                    catch (Exception exception)
                    {
                        Console.Error.WriteLine(exception);
                    }
                    finally
                    {
                        Monitor.Exit(callbackLock);
                    }
                });
                timer.Change(dueTime, period);
                return timer;
            }
        }
        """;

    private const string Subscriber = """
        using System;
        using System.Collections.Generic;

        public interface IChannel
        {
            void Consume(string queue);
        }

        public interface IChannelFactory
        {
            IChannel Open();
        }

        public sealed class ExclusiveSubscriber : IDisposable
        {
            private readonly List<IDisposable> _disposables = new List<IDisposable>();
            private readonly IChannelFactory _channels;
            private readonly string _queue;

            public ExclusiveSubscriber(IChannelFactory channels, string queue)
            {
                _channels = channels;
                _queue = queue;
            }

            public void Start() =>
                _disposables.Add(Timers.Start(_ => RestartConsuming(), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)));

            private void RestartConsuming()
            {
                var channel = _channels.Open();
                channel.Consume(_queue);
            }

            public void Dispose()
            {
                foreach (var disposable in _disposables)
                    disposable.Dispose();
            }
        }
        """;

    [Fact]
    public Task Timer_helper_running_callbacks_of_other_classes_before_is_flagged() =>
        new Test(TimersBefore).RunWith(Subscriber);

    [Fact]
    public Task Timer_helper_running_callbacks_of_other_classes_after_is_silent() =>
        new Test(TimersAfter).RunWith(Subscriber);

    // Defect 04. rabbitmq/rabbitmq-dotnet-client, fix 9c7b94871e094cb2b53b501441a0ece2f4a8c28b (parent f178fcf1),
    // projects/RabbitMQ.Client/Impl/Connection.Heartbeat.cs: before 83-151, the async void timer callback
    // HeartbeatReadTimerCallback (timer created at 67) catches only OperationCanceledException (rethrown at 138 when the
    // connection is not shutting down), ObjectDisposedException and NullReferenceException; after: the whole body in a
    // try with catch (Exception). Same type (a partial class in two files).
    private const string ConnectionCore = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed partial class Connection
        {
            private readonly CancellationTokenSource _mainLoopCts = new CancellationTokenSource();
            private volatile bool _closed;

            private readonly IFrameHandler _frameHandler;

            // Closes the socket: I/O that can fail.
            private async Task HandleMainLoopExceptionAsync(Exception reason) => await _frameHandler.CloseAsync(reason);

            private async Task FinishCloseAsync(CancellationToken cancellationToken)
            {
                _mainLoopCts.Cancel();
                await Task.Delay(10, cancellationToken);
            }
        }

        public interface IFrameHandler
        {
            Task CloseAsync(Exception reason);
        }
        """;

    private const string HeartbeatBefore = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed partial class Connection
        {
            private TimeSpan _heartbeat = TimeSpan.FromSeconds(60);
            private int _missedHeartbeats;
            private bool _heartbeatDetected;
            private Timer _heartbeatReadTimer;

            private void MaybeStartHeartbeatTimers()
            {
                if (_heartbeat != TimeSpan.Zero)
                    _heartbeatReadTimer ??= new Timer(HeartbeatReadTimerCallback, null, 300, Timeout.Infinite);
            }

            internal void NotifyHeartbeatListener() => _heartbeatDetected = true;

            private async void HeartbeatReadTimerCallback(object state)
            {
                if (_heartbeatReadTimer is null)
                    return;

                bool shouldTerminate = false;
                try
                {
                    if (!_closed)
                    {
                        if (_heartbeatDetected)
                        {
                            _heartbeatDetected = false;
                            _missedHeartbeats = 0;
                        }
                        else
                        {
                            _missedHeartbeats++;
                        }

                        if (_missedHeartbeats > 2)
                        {
                            // The first place an exception leaves the callback: the catches below take only three types.
                            {|EXG002:await HandleMainLoopExceptionAsync(new EndOfStreamException("heartbeat missing"))|};
                            shouldTerminate = true;
                        }
                    }

                    if (shouldTerminate)
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        await FinishCloseAsync(cts.Token);
                    }
                    else
                    {
                        _heartbeatReadTimer?.Change((int)_heartbeat.TotalMilliseconds, Timeout.Infinite);
                    }
                }
                catch (OperationCanceledException)
                {
                    if (!_mainLoopCts.IsCancellationRequested)
                        throw;
                }
                catch (ObjectDisposedException)
                {
                    // the timer is already disposed, e.g. by a shutdown
                }
                catch (NullReferenceException)
                {
                    // the timer was disposed by another thread after the null check
                }
            }
        }
        """;

    private const string HeartbeatAfter = """
        using System;
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;

        public sealed partial class Connection
        {
            private TimeSpan _heartbeat = TimeSpan.FromSeconds(60);
            private int _missedHeartbeats;
            private bool _heartbeatDetected;
            private Timer _heartbeatReadTimer;

            private void MaybeStartHeartbeatTimers()
            {
                if (_heartbeat != TimeSpan.Zero)
                    _heartbeatReadTimer ??= new Timer(HeartbeatReadTimerCallback, null, 300, Timeout.Infinite);
            }

            internal void NotifyHeartbeatListener() => _heartbeatDetected = true;

            private async void HeartbeatReadTimerCallback(object state)
            {
                try
                {
                    if (_heartbeatReadTimer is null)
                        return;

                    bool shouldTerminate = false;
                    if (!_closed)
                    {
                        if (_heartbeatDetected)
                        {
                            _heartbeatDetected = false;
                            _missedHeartbeats = 0;
                        }
                        else
                        {
                            _missedHeartbeats++;
                        }

                        if (_missedHeartbeats > 2)
                        {
                            await HandleMainLoopExceptionAsync(new EndOfStreamException("heartbeat missing"));
                            shouldTerminate = true;
                        }
                    }

                    if (shouldTerminate)
                    {
                        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                        await FinishCloseAsync(cts.Token);
                    }
                    else
                    {
                        _heartbeatReadTimer?.Change((int)_heartbeat.TotalMilliseconds, Timeout.Infinite);
                    }
                }
                catch (ObjectDisposedException)
                {
                    // the timer is already disposed, e.g. by a shutdown
                }
                catch (Exception)
                {
                    // ignore: the peer is unavailable, the next callback detects it
                }
            }
        }
        """;

    [Fact]
    public Task Heartbeat_async_void_timer_callback_rethrowing_before_is_flagged() =>
        new Test(HeartbeatBefore).RunWith(ConnectionCore);

    [Fact]
    public Task Heartbeat_async_void_timer_callback_rethrowing_after_is_silent() =>
        new Test(HeartbeatAfter).RunWith(ConnectionCore);

    // Defect 11. kerryjiang/WebSocket4Net, fix 3d154ed3b6b6b2afb81dede0ed41e5820b712df4 (parent 3911e32c; PR #10, merge
    // cb9c05d), WebSocket4Net/WebSocket.cs: before 355 `new Timer(OnPingTimerCallback, ProtocolProcessor, ...)`,
    // 359-370 the callback sends the ping through the protocol processor with no try; after: try { ... } catch
    // (Exception e) { OnError(e); }.
    // Cross-type: the call that throws is an interface call (IProtocolProcessor.SendPing) into the protocol classes,
    // which write to a socket that may already be closed.
    private const string ClientBefore = """
        using System;
        using System.Threading;

        public class SocketClient
        {
            private Timer _pingTimer;
            private string _lastPingRequest;

            public SocketClient(IFrameProtocol protocol) => Protocol = protocol;

            internal IFrameProtocol Protocol { get; }
            internal string LastPongResponse { get; set; }
            public int AutoSendPingInterval { get; set; } = 60;
            public bool IsOpen { get; internal set; }

            internal void StartPinging() =>
                _pingTimer = new Timer(OnPingTimerCallback, Protocol, AutoSendPingInterval * 1000, AutoSendPingInterval * 1000);

            private void OnPingTimerCallback(object state)
            {
                if (!string.IsNullOrEmpty(_lastPingRequest) && !_lastPingRequest.Equals(LastPongResponse))
                    return;

                var protocol = state as IFrameProtocol;
                _lastPingRequest = DateTime.Now.ToString();
                {|EXG002:protocol.SendPing(this, _lastPingRequest)|};
            }

            internal void Send(byte[] frame)
            {
                if (!IsOpen)
                    throw new InvalidOperationException("The socket is not open.");
            }

            protected virtual void OnError(Exception e) => Console.Error.WriteLine(e);
        }
        """;

    private const string ClientAfter = """
        using System;
        using System.Threading;

        public class SocketClient
        {
            private Timer _pingTimer;
            private string _lastPingRequest;

            public SocketClient(IFrameProtocol protocol) => Protocol = protocol;

            internal IFrameProtocol Protocol { get; }
            internal string LastPongResponse { get; set; }
            public int AutoSendPingInterval { get; set; } = 60;
            public bool IsOpen { get; internal set; }

            internal void StartPinging() =>
                _pingTimer = new Timer(OnPingTimerCallback, Protocol, AutoSendPingInterval * 1000, AutoSendPingInterval * 1000);

            private void OnPingTimerCallback(object state)
            {
                try
                {
                    if (!string.IsNullOrEmpty(_lastPingRequest) && !_lastPingRequest.Equals(LastPongResponse))
                        return;

                    var protocol = state as IFrameProtocol;
                    _lastPingRequest = DateTime.Now.ToString();
                    protocol.SendPing(this, _lastPingRequest);
                }
                catch (Exception e)
                {
                    OnError(e);
                }
            }

            internal void Send(byte[] frame)
            {
                if (!IsOpen)
                    throw new InvalidOperationException("The socket is not open.");
            }

            protected virtual void OnError(Exception e) => Console.Error.WriteLine(e);
        }
        """;

    private const string Protocol = """
        using System.Text;

        public interface IFrameProtocol
        {
            void SendPing(SocketClient client, string message);
        }

        internal sealed class VersionedFrameProtocol : IFrameProtocol
        {
            public void SendPing(SocketClient client, string message)
            {
                var payload = Encoding.UTF8.GetBytes(message);
                var frame = new byte[payload.Length + 2];
                frame[0] = 0x89;
                frame[1] = (byte)payload.Length;
                payload.CopyTo(frame, 2);
                client.Send(frame);
            }
        }
        """;

    [Fact]
    public Task Ping_timer_sending_through_the_protocol_interface_before_is_flagged() =>
        new Test(ClientBefore).RunWith(Protocol);

    [Fact]
    public Task Ping_timer_sending_through_the_protocol_interface_after_is_silent() =>
        new Test(ClientAfter).RunWith(Protocol);

    // Defect 13. couchbase/couchbase-net-client, fix 7c549bf954c3d61c14e7cb542c159dc3c9d8efa6 (parent a0366f9f,
    // NCBC-3216), src/Couchbase/Core/Diagnostics/Metrics/LoggingMeter.cs: before 31 the timer is made by
    // TimerFactory.CreateWithFlowSuppressed(GenerateReport, ...) (src/Couchbase/Utils/TimerFactory.cs 30-41), and
    // GenerateReport (34-61) calls LoggingMeterReport.Generate (54) in a try with only a finally; Generate throws
    // ArgumentException on a duplicate key (src/Couchbase/Core/Diagnostics/Metrics/LoggingMeterReport.cs 40-59);
    // after 56-59 catch (Exception) that logs, plus ContainsKey guards in the report.
    // Cross-type: the timer is created by a factory class and the throwing code is in the report class. (The
    // original also calls timer.Change before the try, in both versions; the model leaves that call out.)
    private const string TimerFactory = """
        using System;
        using System.Threading;

        internal static class TimerFactory
        {
            public static Timer CreateWithFlowSuppressed(TimerCallback callback, object state, TimeSpan dueTime, TimeSpan period)
            {
                var restoreFlow = false;
                try
                {
                    if (!ExecutionContext.IsFlowSuppressed())
                    {
                        ExecutionContext.SuppressFlow();
                        restoreFlow = true;
                    }

                    return new Timer(callback, state, dueTime, period);
                }
                finally
                {
                    if (restoreFlow)
                        ExecutionContext.RestoreFlow();
                }
            }
        }
        """;

    private const string Report = """
        using System.Collections.Generic;
        using System.Linq;

        public sealed class Histogram
        {
            public Histogram(string operation) => Operation = operation;
            public string Operation { get; }
            public long Count { get; set; }
        }

        internal sealed class LatencyReport
        {
            private readonly Dictionary<string, long> _operations = new Dictionary<string, long>();

            public static LatencyReport Generate(KeyValuePair<string, Histogram>[] histograms)
            {
                var report = new LatencyReport();
                foreach (var pair in histograms)
                {
                    var operation = pair.Value.Operation;
                    ADD
                }

                return report;
            }

            public override string ToString() => string.Join(", ", _operations.Select(o => o.Key + "=" + o.Value));
        }
        """;

    private const string MeterBefore = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading;

        public sealed class LatencyMeter
        {
            private volatile Timer _timer;
            private readonly ConcurrentDictionary<string, Histogram> _histograms = new ConcurrentDictionary<string, Histogram>();
            private readonly TextWriter _log;

            public LatencyMeter(TextWriter log, TimeSpan interval)
            {
                _log = log;
                _timer = TimerFactory.CreateWithFlowSuppressed(GenerateReport, null, interval, interval);
            }

            public Histogram Recorder(string name, string operation) => _histograms.GetOrAdd(name, _ => new Histogram(operation));

            private void GenerateReport(object state)
            {
                var timer = _timer;
                if (timer == null)
                    return;

                try
                {
                    var snapshot = _histograms.ToArray();
                    _log.WriteLine({|EXG002:LatencyReport.Generate(snapshot)|}.ToString());
                }
                finally
                {
                    _timer?.Change(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
                }
            }
        }
        """;

    private const string MeterAfter = """
        using System;
        using System.Collections.Concurrent;
        using System.IO;
        using System.Threading;

        public sealed class LatencyMeter
        {
            private volatile Timer _timer;
            private readonly ConcurrentDictionary<string, Histogram> _histograms = new ConcurrentDictionary<string, Histogram>();
            private readonly TextWriter _log;

            public LatencyMeter(TextWriter log, TimeSpan interval)
            {
                _log = log;
                _timer = TimerFactory.CreateWithFlowSuppressed(GenerateReport, null, interval, interval);
            }

            public Histogram Recorder(string name, string operation) => _histograms.GetOrAdd(name, _ => new Histogram(operation));

            private void GenerateReport(object state)
            {
                var timer = _timer;
                if (timer == null)
                    return;

                try
                {
                    var snapshot = _histograms.ToArray();
                    _log.WriteLine(LatencyReport.Generate(snapshot).ToString());
                }
                catch (Exception e)
                {
                    _log.WriteLine("Latency report failed: " + e);
                }
                finally
                {
                    _timer?.Change(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10));
                }
            }
        }
        """;

    [Fact]
    public Task Meter_timer_calling_a_report_that_throws_before_is_flagged() =>
        new Test(MeterBefore).RunWith(TimerFactory, Report.Replace("ADD", "report._operations.Add(operation, pair.Value.Count);"));

    [Fact]
    public Task Meter_timer_calling_a_report_that_throws_after_is_silent() =>
        new Test(MeterAfter).RunWith(TimerFactory, Report.Replace("ADD", "if (!report._operations.ContainsKey(operation)) report._operations.Add(operation, pair.Value.Count);"));

    // Defect 14. mongodb/mongo-csharp-driver, fix 8453358b46c8c23a1b30e262594f4bdecf414a69 (parent 64648f20,
    // CSHARP-323), Driver/Internal/MongoConnectionPool.cs: before 51 `new Timer(TimerCallback, ...)`, 249-306
    // TimerCallback: a server-state check before the try (252-255) and a try/finally without catch (265-305) around
    // serverInstance.VerifyState() (268), which throws when the server cannot be reached
    // (Driver/Core/MongoServerInstance.cs 222-248, AcquireConnection 257-262); after: the check moved into the try and
    // a catch-all added.
    // Cross-type: the throwing code is in the server-instance class, the timer in the pool.
    private const string Instance = """
        using System;

        public enum ServerState { Disconnected, Connecting, Connected, Disconnecting }

        public sealed class Server
        {
            public ServerState State { get; set; }
        }

        public sealed class PooledConnection
        {
            public void RunCommand(string name) { }
        }

        public sealed class ServerInstance
        {
            private readonly object _instanceLock = new object();
            private ServerState _state;

            public ServerInstance(Server server) => Server = server;

            public Server Server { get; }

            public void VerifyState()
            {
                lock (_instanceLock)
                {
                    var connection = AcquireConnection();
                    connection.RunCommand("isMaster");
                }
            }

            private PooledConnection AcquireConnection()
            {
                if (_state != ServerState.Connected)
                    throw new InvalidOperationException("The server instance is no longer connected.");
                return new PooledConnection();
            }
        }
        """;

    private const string PoolBefore = """
        using System;
        using System.Threading;

        public sealed class ConnectionPool
        {
            private readonly ServerInstance _serverInstance;
            private readonly Timer _timer;
            private bool _inTimerCallback;

            public ConnectionPool(ServerInstance serverInstance)
            {
                _serverInstance = serverInstance;
                _timer = new Timer(TimerCallback, null, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            }

            private void TimerCallback(object state)
            {
                var server = _serverInstance.Server;
                if (server.State == ServerState.Disconnected || server.State == ServerState.Disconnecting)
                    return;

                if (_inTimerCallback)
                    return;

                _inTimerCallback = true;
                try
                {
                    {|EXG002:_serverInstance.VerifyState()|};
                    RemoveExpiredConnections();
                }
                finally
                {
                    _inTimerCallback = false;
                }
            }

            private void RemoveExpiredConnections() { }
        }
        """;

    private const string PoolAfter = """
        using System;
        using System.Threading;

        public sealed class ConnectionPool
        {
            private readonly ServerInstance _serverInstance;
            private readonly Timer _timer;
            private bool _inTimerCallback;

            public ConnectionPool(ServerInstance serverInstance)
            {
                _serverInstance = serverInstance;
                _timer = new Timer(TimerCallback, null, TimeSpan.Zero, TimeSpan.FromSeconds(10));
            }

            private void TimerCallback(object state)
            {
                if (_inTimerCallback)
                    return;

                _inTimerCallback = true;
                try
                {
                    var server = _serverInstance.Server;
                    if (server.State == ServerState.Disconnected || server.State == ServerState.Disconnecting)
                        return;

                    _serverInstance.VerifyState();
                    RemoveExpiredConnections();
                }
                catch
                {
                    // the server state was already changed by the failure; nothing may leave a timer callback
                }
                finally
                {
                    _inTimerCallback = false;
                }
            }

            private void RemoveExpiredConnections() { }
        }
        """;

    [Fact]
    public Task Pool_timer_verifying_the_server_instance_before_is_flagged() =>
        new Test(PoolBefore).RunWith(Instance);

    [Fact]
    public Task Pool_timer_verifying_the_server_instance_after_is_silent() =>
        new Test(PoolAfter).RunWith(Instance);
}
