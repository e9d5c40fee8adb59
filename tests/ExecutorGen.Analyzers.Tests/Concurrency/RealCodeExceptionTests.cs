using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// EXG002 on the shapes issue 14 found in real code: the false positives (forwarding lambdas, operations that
/// cannot throw, filters that let only fatal exceptions through) must not be reported; what still escapes must be,
/// on the call a maintainer would wrap.
/// </summary>
public class RealCodeExceptionTests
{
    // Issue 14, FP shape 1
    [Fact]
    public Task Forwarding_thread_lambda_to_a_method_that_catches_everything_is_not_reported() => new Test("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        sealed class IngestWorker
        {
            private readonly BlockingCollection<string> _lines = new();
            private readonly CancellationTokenSource _stop = new();

            public static IngestWorker StartNew()
            {
                var worker = new IngestWorker();
                var thread = new Thread(s => ((IngestWorker)s).Loop()) { IsBackground = true, Name = "ingest" };
                thread.Start(worker);
                return worker;
            }

            public void Post(string line) => _lines.Add(line);

            public void Stop() => _stop.Cancel();

            private void Loop()
            {
                try
                {
                    foreach (var line in _lines.GetConsumingEnumerable(_stop.Token))
                        Console.WriteLine(line.Trim());
                }
                catch (OperationCanceledException)
                {
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 1
    [Fact]
    public Task Fire_and_forget_Task_Run_forwarding_to_an_async_method_that_catches_everything_is_not_reported() => new Test("""
        using System;
        using System.Net.Http;
        using System.Threading.Tasks;

        sealed class CacheWarmer
        {
            private readonly HttpClient _http = new();

            public void OnStarted()
            {
                Task.Run(() => WarmAsync());
            }

            private async Task WarmAsync()
            {
                try
                {
                    var body = await _http.GetStringAsync("/catalog");
                    Console.WriteLine(body.Length);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 1
    [Fact]
    public Task Timer_lambda_forwarding_to_a_method_that_catches_everything_is_not_reported() => new Test("""
        using System;
        using System.IO;
        using System.Threading;

        sealed class ConfigWatcher : IDisposable
        {
            private readonly string _path;
            private readonly Timer _timer;
            private volatile string _current = "";

            public ConfigWatcher(string path)
            {
                _path = path;
                _timer = new Timer(_ => Reload(), null, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            }

            public string Current => _current;

            private void Reload()
            {
                try
                {
                    _current = File.ReadAllText(_path);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine($"reload of {_path} failed: {e.Message}");
                }
            }

            public void Dispose() => _timer.Dispose();
        }
        """).RunAsync();

    // Issue 14, FP shape 1 (companion: still reported)
    [Fact]
    public Task Forwarding_timer_lambda_to_a_method_that_does_not_catch_is_reported_on_the_call_in_the_method() => new Test("""
        using System;
        using System.IO;
        using System.Threading;

        sealed class ConfigWatcher : IDisposable
        {
            private readonly string _path;
            private readonly Timer _timer;
            private volatile string _current = "";

            public ConfigWatcher(string path)
            {
                _path = path;
                _timer = new Timer(_ => Reload(), null, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            }

            public string Current => _current;

            private void Reload()
            {
                _current = {|EXG002:File.ReadAllText(_path)|};
            }

            public void Dispose() => _timer.Dispose();
        }
        """).RunAsync();

    // Issue 14, FP shape 2
    [Fact]
    public Task Polling_a_cancellation_token_around_the_try_is_not_reported() => new Test("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        sealed class Dispatcher
        {
            private readonly BlockingCollection<Action> _work = new();
            private readonly CancellationToken _token;

            public Dispatcher(CancellationToken token)
            {
                _token = token;
                new Thread(Run) { IsBackground = true }.Start();
            }

            private void Run()
            {
                while (!_token.IsCancellationRequested)
                {
                    try
                    {
                        if (_work.TryTake(out var action, 250, _token))
                            action();
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine(e);
                    }
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 2
    [Fact]
    public Task Timer_tick_skipped_with_Monitor_TryEnter_on_a_local_before_the_try_is_not_reported() => new Test("""
        using System;
        using System.Threading;

        sealed class MetricsFlusher
        {
            private readonly object _flushing = new();
            private readonly Timer _timer;

            public MetricsFlusher() => _timer = new Timer(Tick, null, 1000, 1000);

            private void Tick(object state)
            {
                var gate = _flushing;
                if (!Monitor.TryEnter(gate))
                    return; // the previous tick is still flushing
                try
                {
                    Flush();
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                }
                finally
                {
                    Monitor.Exit(gate);
                }
            }

            private static void Flush() => Console.WriteLine("flushed");
        }
        """).RunAsync();

    // Issue 14, FP shape 2
    [Fact]
    public Task Cast_of_the_thread_state_argument_before_the_try_is_not_reported() => new Test("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        sealed class Consumers
        {
            public void Start(BlockingCollection<string> queue)
            {
                for (int i = 0; i < 4; i++)
                    new Thread(Consume) { IsBackground = true }.Start(queue);
            }

            private static void Consume(object state)
            {
                var queue = (BlockingCollection<string>)state;
                try
                {
                    foreach (var item in queue.GetConsumingEnumerable())
                        Console.WriteLine(item);
                }
                catch (Exception e)
                {
                    Console.Error.WriteLine(e);
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 2
    [Fact]
    public Task ConcurrentQueue_and_ConcurrentDictionary_calls_before_the_try_are_not_reported() => new Test("""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;

        sealed class RetryPump
        {
            private readonly ConcurrentQueue<Action> _retries = new();
            private readonly ConcurrentDictionary<string, int> _stats = new();
            private readonly Timer _timer;

            public RetryPump() => _timer = new Timer(_ => Drain(), null, 500, 500);

            private void Drain()
            {
                _stats.TryAdd("drains", 0);
                while (_retries.TryDequeue(out var retry))
                {
                    try
                    {
                        retry();
                    }
                    catch (Exception e)
                    {
                        Console.Error.WriteLine(e);
                    }
                }
            }
        }
        """).RunAsync();

    // Issue 14, FP shape 2
    [Fact]
    public Task Catch_filter_that_lets_only_fatal_exceptions_through_counts_as_catching_everything() => new Test("""
        using System;
        using System.Threading;

        sealed class Heartbeat
        {
            private readonly Timer _timer;

            public Heartbeat()
            {
                _timer = new Timer(_ =>
                {
                    try { Send(); }
                    catch (Exception e) when (!IsFatal(e)) { Console.Error.WriteLine(e); }
                }, null, 0, 5000);
                new Thread(() =>
                {
                    try { Send(); }
                    catch (Exception e) when (e is not OutOfMemoryException) { Console.Error.WriteLine(e); }
                }).Start();
            }

            private static void Send() => Console.WriteLine("beat");

            private static bool IsFatal(Exception e) =>
                e is OutOfMemoryException or StackOverflowException or AccessViolationException or ThreadAbortException;
        }
        """).RunAsync();

    // Issue 14, FP shape 2 (companion: still reported)
    [Fact]
    public Task ThrowIfCancellationRequested_before_the_try_is_still_reported() => new Test("""
        using System;
        using System.Threading;

        sealed class Poller
        {
            private readonly CancellationToken _token;

            public Poller(CancellationToken token)
            {
                _token = token;
                new Thread(Run) { IsBackground = true }.Start();
            }

            private void Run()
            {
                while (true)
                {
                    {|EXG002:_token.ThrowIfCancellationRequested()|};
                    try { Console.WriteLine("poll"); }
                    catch (Exception e) { Console.Error.WriteLine(e); }
                }
            }
        }
        """).RunAsync();

    // Issue 14, detected defect reported after its fix: before the fix, on the unprotected user callback call
    [Fact]
    public Task Timer_lambda_calling_the_user_callback_without_a_catch_is_reported_on_the_callback_call() => new Test("""
        using System;
        using System.Threading;

        public sealed class PeriodicCallback : IDisposable
        {
            private readonly Timer _timer;
            private Action<object> _callback;

            public PeriodicCallback(Action<object> callback, object state, TimeSpan period)
            {
                _callback = callback;
                _timer = new Timer(s =>
                {
                    var cb = Volatile.Read(ref _callback);
                    {|EXG002:cb(s)|};
                }, state, period, period);
            }

            public void Replace(Action<object> callback) => Volatile.Write(ref _callback, callback);

            public void Dispose() => _timer.Dispose();
        }
        """).RunAsync();

    // Issue 14, detected defect reported after its fix: after the fix (the callback call inside try/catch), silent
    [Fact]
    public Task Timer_lambda_calling_the_user_callback_inside_a_catch_all_is_not_reported() => new Test("""
        using System;
        using System.Threading;

        public sealed class PeriodicCallback : IDisposable
        {
            private readonly Timer _timer;
            private Action<object> _callback;

            public PeriodicCallback(Action<object> callback, object state, TimeSpan period)
            {
                _callback = callback;
                _timer = new Timer(s =>
                {
                    var cb = Volatile.Read(ref _callback);
                    try { cb(s); }
                    catch (Exception e) { Log(e); }
                }, state, period, period);
            }

            public void Replace(Action<object> callback) => Volatile.Write(ref _callback, callback);

            public void Dispose() => _timer.Dispose();

            private static void Log(Exception e) => Console.Error.WriteLine(e);
        }
        """).RunAsync();
}
