using System.Threading.Tasks;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer,
    ExecutorGen.CodeFixes.CatchWorkerExceptionsCodeFixProvider>;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class ExceptionEscapesWorkerTests
{
    private static string Worker(string members) => $$"""
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        class Worker
        {
            private readonly BlockingCollection<int> _queue = new();
            private readonly ManualResetEventSlim _shutdown = new();
            private int _processed;

        {{members}}

            // Work that can fail: a call to either is a way for an exception to leave the worker.
            private static void Process(int item) { if (item < 0) throw new InvalidOperationException("negative"); }
            private static Task ProcessAsync(int item) => item < 0 ? throw new InvalidOperationException("negative") : Task.CompletedTask;
        }
        """;

    private static Task Verify(string members) => new Test(Worker(members)).RunAsync();

    // Must flag.

    [Fact]
    public Task Local_function_declared_after_the_thread_that_runs_it_and_a_timer_in_a_field_initializer() => Verify("""
            private readonly Timer _tick = new Timer(_ => {|EXG002:Process(1)|}, null, 0, 100);

            public void Start()
            {
                new Thread(Loop).Start();

                void Loop()
                {
                    while (true)
                        Process({|EXG002:_queue.Take()|});
                }
            }
        """);

    [Fact]
    public Task Seed_worker_loop_without_try_catch() => Verify("""
            public void Start() => new Thread(WorkerLoop).Start();

            private void WorkerLoop()
            {
                while (!_shutdown.IsSet)
                {
                    if ({|EXG002:_queue.TryTake(out int item, 500)|})
                        Process(item);
                }
            }
        """);

    [Fact]
    public Task Seed_worker_loop_catching_only_the_empty_queue_case() => Verify("""
            public void Start() => new Thread(() =>
            {
                while (!_shutdown.IsSet)
                {
                    try
                    {
                        int item = {|EXG002:_queue.Take()|};
                        Process(item);
                    }
                    catch (InvalidOperationException)
                    {
                        continue;
                    }
                }
            }).Start();
        """);

    [Fact]
    public Task Pool_item_timer_and_fire_and_forget_task() => Verify("""
            private Timer? _timer;

            public void Start()
            {
                ThreadPool.QueueUserWorkItem(_ => {|EXG002:Process(1)|});
                _timer = new Timer(_ => {|EXG002:Process(2)|}, null, 0, 1000);
                Task.Run(() => {|EXG002:Process(3)|});
                _ = Task.Run(async () => {|EXG002:await ProcessAsync(4)|});
            }
        """);

    [Fact]
    public Task Async_void_method_and_lambda() => Verify("""
            public async void OnTick()
            {
                {|EXG002:await ProcessAsync(1)|};
            }

            public void Subscribe(Action<int> register) => register(1);

            public void Hook(System.Collections.Generic.List<int> items) => items.ForEach(async i => {|EXG002:await ProcessAsync(i)|});
        """);

    [Fact]
    public Task Filtered_catch_does_not_cover_everything() => Verify("""
            public void Start() => new Thread(() =>
            {
                try { {|EXG002:Process(1)|}; }
                catch (Exception ex) when (ex is TimeoutException) { }
            }).Start();
        """);

    [Fact]
    public Task Exception_rethrown_from_the_catch_still_escapes() => Verify("""
            public void Start() => new Thread(() =>
            {
                try { Process(1); }
                catch (Exception ex) { Console.WriteLine(ex); {|EXG002:throw;|} }
            }).Start();
        """);

    // RabbitMQ's heartbeat callback (defect 04 of docs/analyzers-on-real-code.md) caught ObjectDisposedException by type,
    // and the message named a throw of one as where the escaping exception comes from.
    [Fact]
    public Task Message_names_an_origin_the_catches_by_type_around_the_call_do_not_stop() => new Test("""
        using System;
        using System.Threading;

        class Worker
        {
            private bool _disposed;
            void Start() => new Thread(() =>
            {
                try { Work(); }
                catch (ObjectDisposedException) { }
            }).Start();
            void Work() { ThrowIfDisposed(); Send(); }
            void ThrowIfDisposed() { if (_disposed) throw new ObjectDisposedException(nameof(Worker)); }
            static void Send() => throw new InvalidOperationException();
        }
        """)
    {
        ExpectedDiagnostics = { EscapesThreadBodyInStart(9, 15, 21, "'throw new InvalidOperationException(...)' in 'Worker.Send'") },
    }.RunAsync();

    // A throw is of the kind its type says: a disposed guard's ObjectDisposedException is stopped by a catch of that type
    // around the call, and a discarded task that throws OperationCanceledException ends by its cancellation.
    [Fact]
    public Task A_disposed_guard_caught_by_type_and_a_cancellation_thrown_by_a_discarded_task_do_not_escape() => new Test("""
        using System;
        using System.Threading;
        using System.Threading.Tasks;

        class Worker
        {
            private bool _disposed, _stopping;
            void Start()
            {
                new Thread(() =>
                {
                    try { ThrowIfDisposed(); }
                    catch (ObjectDisposedException) { }
                }).Start();
                _ = Task.Run(() => { if (_stopping) throw new OperationCanceledException(); });
            }
            void ThrowIfDisposed() { if (_disposed) throw new ObjectDisposedException(nameof(Worker)); }
        }
        """).RunAsync();

    // EXG002 on the thread body a method named Start makes, at one line's columns, with where the exception can come from.
    private static Microsoft.CodeAnalysis.Testing.DiagnosticResult EscapesThreadBodyInStart(int line, int column, int endColumn, string origin) =>
        new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ExceptionEscapesWorker)
            .WithSpan(line, column, line, endColumn)
            .WithArguments("the thread body in 'Start'", "it terminates the process", $" (it can come from {origin})")
            .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations);

    [Fact]
    public Task Message_names_the_body_the_origin_and_the_consequence() => new Test("""
        using System.Threading;

        class Worker
        {
            void Start() => new Thread(() => Work()).Start();
            static void Work() => throw new System.InvalidOperationException();
        }
        """)
    {
        ExpectedDiagnostics = { EscapesThreadBodyInStart(5, 38, 44, "'throw new System.InvalidOperationException(...)' in 'Worker.Work'") },
    }.RunAsync();

    [Fact]
    public Task Handler_catching_everything_gets_EXG008() => Verify("""
            [RequestHandler]
            public void Handle(int item)
            {
                try { Process(item); }
                {|EXG008:catch|} (Exception ex) { Console.WriteLine(ex); }
            }

            [RequestHandler]
            public async Task HandleAsync(int item)
            {
                try { await ProcessAsync(item); }
                {|EXG008:catch|} { }
            }
        """);

    // Must not flag.

    [Fact]
    public Task Seed_worker_loop_with_try_catch() => Verify("""
            public void Start() => new Thread(WorkerLoop).Start();

            private void WorkerLoop()
            {
                try
                {
                    while (!_shutdown.IsSet)
                    {
                        if (_queue.TryTake(out int item, 500))
                            Process(item);
                    }
                }
                catch (Exception ex)
                {
                    Console.Error.WriteLine(ex);
                }
            }
        """);

    [Fact]
    public Task Awaited_or_kept_tasks_and_parallel_loops() => Verify("""
            public async Task RunAsync()
            {
                await Task.Run(() => Process(1));
                var kept = Task.Run(() => Process(2));
                await kept;
                Parallel.For(0, 4, i => Process(i));
                await Task.Factory.StartNew(() => Process(3));
            }
        """);

    [Fact]
    public Task Handlers_may_throw_the_executor_catches() => Verify("""
            [RequestHandler]
            public void Handle(int item) => Process(item);

            [RequestHandler]
            public void Rethrows(int item)
            {
                try { Process(item); }
                catch (Exception ex) { Console.WriteLine(ex); throw; }
            }

            [RequestHandler]
            public void Specific(int item)
            {
                try { Process(item); }
                catch (TimeoutException) { }
            }

            [RequestHandler]
            public void PerItem(int[] items)
            {
                foreach (int item in items)
                {
                    try { Process(item); }
                    catch (Exception ex) { Console.WriteLine(ex); }
                }
            }
        """);

    [Fact]
    public Task Bodies_that_cannot_throw() => Verify("""
            public void Start()
            {
                new Thread(() => { }).Start();
                ThreadPool.QueueUserWorkItem(_ => _processed = 1);
                Task.Run(() => { int local = _processed + 1; });
            }
        """);

    [Fact]
    public Task Async_Task_methods_and_event_style_lambdas_returning_Task() => Verify("""
            public async Task OnTickAsync() => await ProcessAsync(1);

            public Func<Task> Later() => async () => await ProcessAsync(2);
        """);

    [Fact]
    public Task Thread_body_and_timer_callback_with_a_catch_all() => Verify("""
            private Timer? _timer;

            public void Start()
            {
                new Thread(() =>
                {
                    try { Process(1); }
                    catch { }
                }).Start();
                _timer = new Timer(_ =>
                {
                    try { Process(2); }
                    catch (Exception ex) { Console.Error.WriteLine(ex); }
                }, null, 0, 1000);
            }
        """);

    [Fact]
    public Task Task_returned_to_the_caller_is_observed() => Verify("""
            public Task StartAsync() => Task.Run(() => Process(1));

            public Task<int> ComputeAsync() { return Task.Factory.StartNew(() => { Process(2); return 2; }); }
        """);

    [Fact]
    public Task Lambdas_not_run_on_another_thread() => Verify("""
            public void Each(System.Collections.Generic.List<int> items)
            {
                items.ForEach(i => Process(i));
                Action later = () => Process(1);
                later();
            }
        """);

    [Fact]
    public Task Handler_with_a_filtered_catch_or_wrapping_rethrow_is_not_EXG008() => Verify("""
            [RequestHandler]
            public void Filtered(int item)
            {
                try { Process(item); }
                catch (Exception ex) when (ex is not OperationCanceledException) { Console.WriteLine(ex); }
            }

            [RequestHandler]
            public void Wraps(int item)
            {
                try { Process(item); }
                catch (Exception ex) { throw new InvalidOperationException("item " + item, ex); }
            }
        """);

    [Fact]
    public Task Non_handler_method_catching_everything_is_not_EXG008() => Verify("""
            public void TryProcess(int item)
            {
                try { Process(item); }
                catch (Exception) { }
            }
        """);

    // Code fix.

    [Fact]
    public Task Fix_wraps_a_block_body() => new FixTest(
        Worker("""
                public void Start() => new Thread(() =>
                {
                    {|EXG002:Process(1)|};
                    Process(2);
                }).Start();
            """),
        Worker("""
                public void Start() => new Thread(() =>
                {
                    try
                    {
                        Process(1);
                        Process(2);
                    }
                    catch (Exception ex)
                    {
                        System.Diagnostics.Trace.TraceError(ex.ToString());
                    }
                }).Start();
            """)).RunAsync();

    [Fact]
    public Task Fix_turns_an_expression_body_into_a_block() => new FixTest(
        Worker("""
                public void Start() => ThreadPool.QueueUserWorkItem(_ => {|EXG002:Process(1)|});
            """),
        Worker("""
                public void Start() => ThreadPool.QueueUserWorkItem(_ =>
                {
                    try
                    {
                        Process(1);
                    }
                    catch (Exception ex)
                    {
                        System.Diagnostics.Trace.TraceError(ex.ToString());
                    }
                });
            """)).RunAsync();

    [Fact]
    public Task Fix_wraps_a_method_started_as_a_thread() => new FixTest(
        Worker("""
                public void Start() => new Thread(Run).Start();

                private void Run()
                {
                    {|EXG002:Process(1)|};
                }
            """),
        Worker("""
                public void Start() => new Thread(Run).Start();

                private void Run()
                {
                    try
                    {
                        Process(1);
                    }
                    catch (Exception ex)
                    {
                        System.Diagnostics.Trace.TraceError(ex.ToString());
                    }
                }
            """)).RunAsync();
}
