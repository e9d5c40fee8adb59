using System.Threading.Tasks;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.StopFlagFixTest;
using Test = ExecutorGen.Analyzers.Tests.StopFlagTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class StopFlagTests
{
    private static string Worker(string members) => $$"""
        using System.Threading;
        using System.Threading.Tasks;

        class Worker
        {
        {{members}}

            private static void Work() { }
        }
        """;

    private static Task Verify(string members) => new Test(Worker(members)).RunAsync();

    // Must flag.

    [Fact]
    public Task Seed_worker_loop_on_a_plain_flag() => Verify("""
            private bool _stopping;

            public void Start() => new Thread(Run).Start();

            public void Stop() => _stopping = true;

            private void Run()
            {
                while (!{|EXG006:_stopping|})
                    Work();
            }
        """);

    [Fact]
    public Task Task_lambda_loop_and_static_flag() => Verify("""
            private static bool s_running = true;

            public void Start() => Task.Run(() =>
            {
                for (int i = 0; {|EXG006:s_running|}; i++)
                    Work();
            });

            public static void Stop() { s_running = false; }
        """);

    [Fact]
    public Task Message_names_field_writer_and_entry() => new Test(Worker("""
            private bool _done;

            public void Start() => new Thread(() => { while (!_done) Work(); }).Start();

            public void Finish() => _done = true;
        """))
    {
        ExpectedDiagnostics =
        {
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.UnsynchronizedStopFlag)
                .WithSpan(8, 55, 8, 60)
                .WithArguments("_done", "Finish", "the thread started in 'Start'")
                .WithOptions(Microsoft.CodeAnalysis.Testing.DiagnosticOptions.IgnoreAdditionalLocations),
        },
    }.RunAsync();

    [Fact]
    public Task Loop_of_a_thread_created_in_a_static_initializer() => new Test("""
        using System.Threading;

        static class Pump
        {
            private static bool s_running = true;
            private static readonly Thread s_thread = new Thread(() => { while ({|EXG006:s_running|}) Thread.Sleep(10); });

            public static void Stop() => s_running = false;
        }
        """).RunAsync();

    // Must not flag.

    [Fact]
    public Task Volatile_field() => Verify("""
            private volatile bool _stopping;

            public void Start() => new Thread(Run).Start();

            public void Stop() => _stopping = true;

            private void Run() { while (!_stopping) Work(); }
        """);

    [Fact]
    public Task Volatile_Read_Write_or_Interlocked() => Verify("""
            private bool _stopping;

            public void Start() => new Thread(Run).Start();

            public void Stop() => Volatile.Write(ref _stopping, true);

            private void Run() { while (!_stopping) Work(); }
        """);

    [Fact]
    public Task Flag_under_a_lock() => Verify("""
            private readonly object _sync = new();
            private bool _stopping;

            public void Start() => new Thread(Run).Start();

            public void Stop() { lock (_sync) _stopping = true; }

            private void Run()
            {
                while (true)
                {
                    lock (_sync)
                    {
                        if (_stopping)
                            return;
                    }
                    Work();
                }
            }
        """);

    [Fact]
    public Task Loop_writes_its_own_flag() => Verify("""
            private bool _done;

            public void Start() => new Thread(Run).Start();

            private void Run()
            {
                while (!_done)
                    _done = Step();
            }

            private bool Step() => true;
        """);

    [Fact]
    public Task Loop_outside_worker_code_and_flag_only_set_in_constructor() => Verify("""
            private bool _stopping;
            private bool _enabled;

            public Worker() { _enabled = true; }

            public void Stop() => _stopping = true;

            public void Drain() { while (!_stopping) Work(); }

            public void Start() => new Thread(() => { while (_enabled) Work(); }).Start();
        """);

    [Fact]
    public Task CancellationToken_loop() => Verify("""
            private readonly CancellationTokenSource _cts = new();

            public void Start() => new Thread(() => { while (!_cts.IsCancellationRequested) Work(); }).Start();

            public void Stop() => _cts.Cancel();
        """);

    // Code fix.

    [Fact]
    public Task Fix_makes_the_field_volatile() => new FixTest(
        Worker("""
                private bool _stopping;

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stopping = true;

                private void Run() { while (!{|EXG006:_stopping|}) Work(); }
            """),
        Worker("""
                private volatile bool _stopping;

                public void Start() => new Thread(Run).Start();

                public void Stop() => _stopping = true;

                private void Run() { while (!_stopping) Work(); }
            """)).RunAsync();

    [Fact]
    public Task Fix_without_modifiers() => new FixTest(
        Worker("""
                bool stop;

                public void Start() => new Thread(() => { while (!{|EXG006:stop|}) Work(); }).Start();

                public void Stop() => stop = true;
            """),
        Worker("""
                volatile bool stop;

                public void Start() => new Thread(() => { while (!stop) Work(); }).Start();

                public void Stop() => stop = true;
            """)).RunAsync();
}
