using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class BlockingWaitTests
{
    private static Task Verify(string members) => new Test($$"""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        class Worker
        {
            private readonly BlockingCollection<int> _queue = new();
            private readonly SemaphoreSlim _gate = new(1);
            private readonly ManualResetEvent _ready = new(false);
            private readonly object _sync = new();

        {{members}}

            private static Task<int> LoadAsync() => Task.Run(() => 1);
            private static void Process(int item) { }
        }
        """).RunAsync();

    // Must flag.

    [Fact]
    public Task Take_in_a_thread_body_the_seed_worker_loop_without_timeout() => Verify("""
            public void Start() => new Thread(() =>
            {
                while (true)
                    Process({|EXG004:_queue.Take()|});
            }).Start();
        """);

    [Fact]
    public Task Result_Wait_and_GetResult_in_a_handler() => Verify("""
            [RequestHandler]
            public void Handle(int id)
            {
                int a = {|EXG004:LoadAsync().Result|};
                {|EXG004:LoadAsync().Wait()|};
                int b = {|EXG004:LoadAsync().GetAwaiter().GetResult()|};
            }
        """);

    [Fact]
    public Task Waits_on_tasks_in_a_method_the_worker_calls() => Verify("""
            public void Start() => new Thread(Run).Start();

            private void Run() => Step();

            private void Step()
            {
                {|EXG004:LoadAsync().Wait()|};
                int a = {|EXG004:LoadAsync().Result|};
            }
        """);

    [Fact]
    public Task Waits_of_every_kind_in_async_worker_code_and_handlers() => Verify("""
            public void Start(Thread other)
            {
                Task.Run(async () =>
                {
                    {|EXG004:other.Join()|};
                    {|EXG004:_ready.WaitOne()|};
                    await Task.Yield();
                });
                Parallel.For(0, 4, i => {|EXG004:_queue.Take()|});
            }

            [RequestHandler]
            public void Handle(int id)
            {
                {|EXG004:_gate.Wait()|};
                lock (_sync) {|EXG004:Monitor.Wait(_sync)|};
                _gate.Release();
            }
        """);

    // Must not flag.

    [Fact]
    public Task A_synchronous_thread_waiting_for_its_work_or_its_peers() => Verify("""
            public void Start(Thread other)
            {
                new Thread(Run).Start();
                ThreadPool.QueueUserWorkItem(_ => other.Join());
            }

            private void Run()
            {
                while (true)
                {
                    _gate.Wait();
                    _ready.WaitOne();
                    lock (_sync) Monitor.Wait(_sync);
                    _gate.Release();
                }
            }
        """);

    [Fact]
    public Task A_task_of_a_method_called_with_async_false_is_complete_when_it_returns() => Verify("""
            public void Start() => new Thread(() => Flush(async: false).GetAwaiter().GetResult()).Start();

            private static Task Flush(bool async) => Task.Run(() => { });
        """);

    // Must flag.

    [Fact]
    public Task Message_names_the_wait_and_the_entry_point() => new Test("""
        using System.Collections.Concurrent;
        using System.Threading;

        class Worker
        {
            public void Start(BlockingCollection<int> queue) => new Thread(() => queue.Take()).Start();
        }
        """)
    {
        ExpectedDiagnostics =
        {
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.BlockingWaitWithoutTimeout)
                .WithSpan(6, 74, 6, 86)
                .WithArguments("BlockingCollection.Take()", "the thread started in 'Start'"),
        },
    }.RunAsync();

    [Fact]
    public Task Take_in_a_thread_created_in_a_static_initializer() => new Test("""
        using System.Collections.Concurrent;
        using System.Threading;

        static class Pump
        {
            private static readonly BlockingCollection<int> s_queue = new();
            private static readonly Thread s_thread = new Thread(() => { while (true) {|EXG004:s_queue.Take()|}; });
        }
        """).RunAsync();

    // Must not flag.

    [Fact]
    public Task Waits_with_a_timeout_or_a_token() => Verify("""
            [RequestHandler]
            public void Handle(int id, CancellationToken token)
            {
                _queue.Take(token);
                _queue.TryTake(out _, 500);
                _gate.Wait(TimeSpan.FromSeconds(1));
                _gate.Wait(token);
                _ready.WaitOne(1000);
                LoadAsync().Wait(1000);
                LoadAsync().Wait(token);
                lock (_sync) Monitor.Wait(_sync, 100);
            }
        """);

    [Fact]
    public Task Waits_outside_worker_code() => Verify("""
            public static void Main()
            {
                var worker = new Worker();
                var t = new Thread(() => { });
                t.Start();
                t.Join();
                int result = LoadAsync().Result;
                LoadAsync().GetAwaiter().GetResult();
                worker._queue.Take();
            }
        """);

    [Fact]
    public Task Result_of_a_task_already_awaited_or_completed() => Verify("""
            [RequestHandler]
            public async Task Handle(int id)
            {
                var a = LoadAsync();
                var b = LoadAsync();
                await Task.WhenAll(a, b);
                int sum = a.Result + b.Result;
                var c = LoadAsync();
                if (c.IsCompletedSuccessfully)
                    sum += c.Result;
                await LoadAsync().ContinueWith(t => t.Result + 1);
            }
        """);

    [Fact]
    public Task Await_instead_of_blocking() => Verify("""
            [RequestHandler]
            public async Task Handle(int id)
            {
                int a = await LoadAsync();
                await _gate.WaitAsync();
                try { } finally { _gate.Release(); }
            }
        """);

    [Fact]
    public Task Lambda_not_handed_to_a_starter_in_non_worker_code() => Verify("""
            public Func<int> Later() => () => LoadAsync().Result;
        """);
}
