using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ThreadNeverJoinedAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class ThreadNeverJoinedTests
{
    private static Task Verify(string members) => new Test($$"""
        using System.Collections.Generic;
        using System.Threading;

        class Starter
        {
            private Thread? _worker;
            private readonly List<Thread> _threads = new();

        {{members}}

            private static void Work() { }
        }
        """).RunAsync();

    // Must flag.

    [Fact]
    public Task Seed_threads_started_without_join() => Verify("""
            public void Run()
            {
                var {|EXG007:t|} = new Thread(Work);
                t.Start();
            }
        """);

    [Fact]
    public Task Named_and_prioritized_but_not_joined() => Verify("""
            public void Run()
            {
                Thread {|EXG007:t|} = new Thread(() => Work()) { Name = "worker" };
                t.Priority = ThreadPriority.BelowNormal;
                t.IsBackground = false;
                t.Start();
            }
        """);

    [Fact]
    public Task Target_typed_and_fully_qualified_creations() => Verify("""
            public void Run()
            {
                Thread {|EXG007:t|} = new(Work);
                t.Start();
                var {|EXG007:u|} = new System.Threading.Thread(Work);
                u.Start();
                var {|EXG007:v|} = new global::System.Threading.Thread(Work);
                v.Start();
            }
        """);

    [Fact]
    public Task Started_inline() => Verify("""
            public void Run() => {|EXG007:new Thread(Work).Start()|};
        """);

    [Fact]
    public Task Message_names_the_thread_and_method() => new Test("""
        using System.Threading;

        class Starter
        {
            void Run()
            {
                var worker = new Thread(() => { });
                worker.Start();
            }
        }
        """)
    {
        ExpectedDiagnostics =
        {
            new Microsoft.CodeAnalysis.Testing.DiagnosticResult(DiagnosticDescriptors.ThreadNeverJoined).WithSpan(7, 13, 7, 19).WithArguments("worker", "Run"),
        },
    }.RunAsync();

    // Must not flag.

    [Fact]
    public Task Seed_threads_started_and_joined() => Verify("""
            public void Run()
            {
                var t = new Thread(Work);
                t.Start();
                t.Join();
            }

            public bool RunWithTimeout()
            {
                var t = new Thread(Work);
                t.Start();
                return t.Join(1000);
            }
        """);

    [Fact]
    public Task Background_threads() => Verify("""
            public void Run()
            {
                var a = new Thread(Work) { IsBackground = true };
                a.Start();
                var b = new Thread(Work);
                b.IsBackground = true;
                b.Start();
                new Thread(Work) { IsBackground = true }.Start();
            }
        """);

    [Fact]
    public Task Stored_in_a_field_or_collection_or_returned() => Verify("""
            public void A()
            {
                var t = new Thread(Work);
                _worker = t;
                t.Start();
            }

            public void B()
            {
                var t = new Thread(Work);
                _threads.Add(t);
                t.Start();
            }

            public Thread C()
            {
                var t = new Thread(Work);
                t.Start();
                return t;
            }
        """);

    [Fact]
    public Task Joined_later_by_a_lambda_or_never_started() => Verify("""
            public System.Action A()
            {
                var t = new Thread(Work);
                t.Start();
                return () => t.Join();
            }

            public void B()
            {
                var t = new Thread(Work);
                t.Name = "unused";
            }
        """);

    [Fact]
    public Task Field_thread_is_joined_at_shutdown_elsewhere() => Verify("""
            public void Start()
            {
                _worker = new Thread(Work);
                _worker.Start();
            }

            public void Stop() => _worker?.Join();
        """);
}
