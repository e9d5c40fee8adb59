using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using BlockingTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;
using ExceptionTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.ExceptionEscapesWorkerAnalyzer>;
using LockTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// What users declare where inference cannot know: <c>[GuardedBy]</c> and <c>[ThreadConfined]</c> (runtime package or
/// their own attributes of the same names), and the <c>.editorconfig</c> lists of never-throwing APIs and bounded waits.
/// </summary>
public class IntentAndOptionsTests
{
    [Fact]
    public Task GuardedBy_reports_every_access_without_the_named_lock_in_any_code() => new Test("""
        using System.Threading;
        using ExecutorGen;

        public sealed class Pending
        {
            private readonly object _sync = new();
            private readonly object _other = new();
            [GuardedBy(nameof(_sync))] private int _count;

            public Pending(int start) => _count = start;

            public void Add() { lock (_sync) _count++; }
            public void Reset() { lock (_other) {|EXG001:_count = 0|}; }
            public int Peek() => {|EXG001:_count|};
            public int Atomic() => Volatile.Read(ref _count);
            public void Drain() { lock (_sync) Clear(); }
            private void Clear() => _count = 0;
        }
        """).RunAsync();

    [Fact]
    public Task GuardedBy_message_names_the_declared_lock() => new Test("""
        using ExecutorGen;

        public sealed class Pending
        {
            private readonly object _sync = new();
            [GuardedBy("_sync")] private int _count;

            public int Peek() => _count;
        }
        """)
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult(DiagnosticDescriptors.UnguardedSharedState).WithSpan(8, 26, 8, 32)
                .WithArguments("Field", "_count", "read", "'Peek'", "; it is declared [GuardedBy(\"_sync\")]"),
        },
    }.RunAsync();

    [Fact]
    public Task A_project_s_own_GuardedBy_attribute_counts_too() => new Test("""
        using System;

        [AttributeUsage(AttributeTargets.Field)]
        sealed class GuardedByAttribute : Attribute { public GuardedByAttribute(string lockName) { } }

        public sealed class Pending
        {
            private readonly object _sync = new();
            [GuardedBy(nameof(_sync))] private int _count;

            public void Add() => {|EXG001:_count++|};
        }
        """, withExecutorGen: false).RunAsync();

    [Fact]
    public Task ThreadConfined_field_method_and_type_are_not_reported() => new Test("""
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Handlers
        {
            [ThreadConfined] private int _confined;
            private int _plain;
            private readonly List<string> _log = new();

            [RequestHandler]
            public void A(string id)
            {
                _confined++;
                {|EXG001:_plain++|};
                Owned(id);
            }

            [ThreadConfined]
            private void Owned(string id) => _log.Add(id);
        }

        [ThreadConfined]
        public sealed class Pump
        {
            private int _seen;

            [RequestHandler]
            public void B(string id) => _seen++;
        }
        """).RunAsync();

    [Fact]
    public Task Editorconfig_never_throwing_apis_are_not_ways_out_of_a_worker()
    {
        const string source = """
            using System.Threading;

            public sealed class Cleaner
            {
                public void Start() => new Thread(() => {|#0:System.IO.File.Delete("stale")|}).Start();
            }
            """;
        var listed = new ExceptionTest(source.Replace("{|#0:", "").Replace("|}", ""));
        listed.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nexecutorgen.never_throwing_apis = System.IO.File.Delete, MyCompany.Log\n"));
        return Task.WhenAll(
            listed.RunAsync(),
            new ExceptionTest(source)
            {
                ExpectedDiagnostics =
                {
                    new DiagnosticResult(DiagnosticDescriptors.ExceptionEscapesWorker).WithLocation(0)
                        .WithOptions(DiagnosticOptions.IgnoreAdditionalLocations)
                        .WithArguments("the thread body in 'Start'", "it terminates the process", ""),
                },
            }.RunAsync());
    }

    [Fact]
    public Task Editorconfig_bounded_waits_are_not_reported()
    {
        const string source = """
            using System.Collections.Concurrent;
            using System.Threading;

            public sealed class Pump
            {
                private readonly BlockingCollection<int> _queue = new();

                public void Start() => new Thread(() => { while (true) Handle({|EXG004:_queue.Take()|}); }).Start();

                private static void Handle(int item) { }
            }
            """;
        var listed = new BlockingTest(source.Replace("{|EXG004:", "").Replace("|}", ""));
        listed.TestState.AnalyzerConfigFiles.Add(("/.editorconfig", "root = true\n[*.cs]\nexecutorgen.bounded_waits = System.Collections.Concurrent.BlockingCollection.Take\n"));
        return Task.WhenAll(listed.RunAsync(), new BlockingTest(source).RunAsync());
    }

    /// <summary>
    /// By default the concurrency rules report what they infer about the code <c>[RequestHandler]</c> methods reach (the
    /// executor runs it on several workers at once), and about the threads, timers and pool items the code starts itself
    /// only where the project widens them (<c>executorgen.concurrency_scope = all</c>): out of sample, those reports were
    /// right 3 times in 72. A <c>[GuardedBy]</c> field is checked either way. The other tests of the rules run widened
    /// (TestSetup).
    /// </summary>
    [Fact]
    public Task Inferred_unguarded_state_of_a_started_thread_is_reported_only_where_the_project_widens_the_scope()
    {
        const string source = """
            using System.Threading;
            using ExecutorGen;

            public sealed class Counters
            {
                private readonly object _sync = new();
                private static int s_inferred;
                [GuardedBy(nameof(_sync))] private int _declared;

                public void Start() => new Thread(Loop).Start();

                private void Loop()
                {
                    {|#0:s_inferred++|};
                    {|#1:_declared++|};
                }
            }
            """;
        var byDefault = ShippedOptions.Of(new Test(source.Replace("{|#0:s_inferred++|}", "s_inferred++").Replace("{|#1:_declared++|}", "{|EXG001:_declared++|}")));
        var widened = new Test(source.Replace("{|#0:s_inferred++|}", "{|EXG001:s_inferred++|}").Replace("{|#1:_declared++|}", "{|EXG001:_declared++|}"));
        var narrowed = Configured(new Test(source.Replace("{|#0:s_inferred++|}", "s_inferred++").Replace("{|#1:_declared++|}", "{|EXG001:_declared++|}")), "handlers");
        return Task.WhenAll(byDefault.RunAsync(), widened.RunAsync(), narrowed.RunAsync());
    }

    // What handlers reach is reported by default: state shared by the handler instance, and a blocking wait that holds a
    // worker, also in a helper of another class the handler calls.
    private const string HandlerClass = """
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class SessionHandlers
        {
            private int _total;

            [RequestHandler(PartitionBy = nameof(userId))]
            public void Login(string userId)
            {
                {|#0:_total++|};
                Audit.Write(userId);
            }
        }

        public static class Audit
        {
            private static readonly Dictionary<string, int> s_logins = new();

            public static void Write(string userId)
            {
                {|#1:s_logins[userId] = 1|};
                {|#2:Task.Delay(1).ContinueWith(_ => { }).Wait()|};
            }
        }
        """;

    [Fact]
    public Task Handler_code_is_reported_by_default() => Task.WhenAll(
        ShippedOptions.Of(new Test(HandlerClass.Replace("{|#0:", "{|EXG001:").Replace("{|#1:", "{|EXG001:").Replace("{|#2:", "{|EXG004:").Replace("{|EXG004:Task.Delay(1).ContinueWith(_ => { }).Wait()|}", "Task.Delay(1).ContinueWith(_ => { }).Wait()"))).RunAsync(),
        ShippedOptions.Of(new BlockingTest(HandlerClass.Replace("{|#0:_total++|}", "_total++").Replace("{|#1:s_logins[userId] = 1|}", "s_logins[userId] = 1").Replace("{|#2:", "{|EXG004:"))).RunAsync());

    [Fact]
    public Task Exceptions_escaping_a_started_thread_are_reported_only_where_the_project_widens_the_scope()
    {
        const string source = """
            using System;
            using System.IO;
            using System.Threading;

            public sealed class Reloader
            {
                public void Start() => new Thread(Loop) { IsBackground = true }.Start();

                private void Loop()
                {
                    while (true)
                    {
                        {|#0:File.ReadAllText("settings.json")|};
                        Thread.Sleep(1000);
                    }
                }
            }
            """;
        return Task.WhenAll(
            ShippedOptions.Of(new ExceptionTest(source.Replace("{|#0:File.ReadAllText(\"settings.json\")|}", "File.ReadAllText(\"settings.json\")"))).RunAsync(),
            new ExceptionTest(source.Replace("{|#0:", "{|EXG002:")).RunAsync());
    }

    // Two locks taken in opposite orders: by a thread the class starts, and by a public method or a handler.
    private static string Ledger(string secondOrder, string inversion) => $$"""
        using System.Threading;
        using ExecutorGen;

        public sealed class Ledger
        {
            private readonly object _accounts = new();
            private readonly object _journal = new();

            public void Start() => new Thread(Post) { IsBackground = true }.Start();

            private void Post()
            {
                lock (_accounts)
                {
                    {{inversion}}
                }
            }

            {{secondOrder}}
            {
                lock (_journal)
                {
                    lock (_accounts) { }
                }
            }
        }
        """;

    [Fact]
    public Task Lock_order_inversion_is_reported_by_default_only_when_a_handler_takes_one_order() => Task.WhenAll(
        ShippedOptions.Of(new LockTest(Ledger("public void Audit()", "lock (_journal) { }"))).RunAsync(),
        ShippedOptions.Of(new LockTest(Ledger("[RequestHandler(PartitionBy = nameof(account))] public void Audit(string account)", "lock ({|EXG003:_journal|}) { }")
            .Replace("lock (_accounts) { }", "lock ({|EXG003:_accounts|}) { }"))).RunAsync(),
        new LockTest(Ledger("public void Audit()", "lock ({|EXG003:_journal|}) { }").Replace("lock (_accounts) { }", "lock ({|EXG003:_accounts|}) { }")).RunAsync());

    private static TTest Configured<TTest>(TTest test, string scope)
        where TTest : Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier>
    {
        test.TestState.AnalyzerConfigFiles.Clear();
        test.TestState.AnalyzerConfigFiles.Add(("/.globalconfig", $"is_global = true\nexecutorgen.concurrency_scope = {scope}\n"));
        return test;
    }
}
