using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

public class LockOrderTests
{
    private static Task Verify(string members) => new Test($$"""
        using System;

        class Accounts
        {
            private readonly object _a = new();
            private readonly object _b = new();
            private readonly object _c = new();
            private int _balance;

        {{members}}
        }
        """).RunAsync();

    // Must flag.

    [Fact]
    public Task Seed_deadlock_two_locks_in_opposite_orders() => Verify("""
            public void Transfer()
            {
                lock (_a)
                {
                    lock ({|EXG003:_b|}) _balance++;
                }
            }

            public void Refund()
            {
                lock (_b)
                {
                    lock (_a) _balance--;
                }
            }
        """);

    [Fact]
    public Task Inversion_through_a_third_nesting_level() => Verify("""
            public void One() { lock (_a) lock (_c) lock ({|EXG003:_b|}) _balance++; }

            public void Two() { lock (_b) { _balance++; lock (_a) _balance--; } }
        """);

    [Fact]
    public Task Static_locks_in_two_classes_and_the_message() => new Test("""
        static class Cache { public static readonly object Sync = new(); }
        static class Log { public static readonly object Sync = new(); }

        class A { void Write() { lock (Cache.Sync) lock (Log.Sync) { } } }
        class B { void Flush() { lock (Log.Sync) lock (Cache.Sync) { } } }
        """)
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult(DiagnosticDescriptors.LockOrderInversion).WithSpan(4, 50, 4, 58).WithSpan(5, 48, 5, 58)
                .WithArguments("Cache.Sync", "Log.Sync", "Write", "Flush"),
        },
    }.RunAsync();

    // Must not flag.

    [Fact]
    public Task Same_order_everywhere() => Verify("""
            public void Transfer() { lock (_a) lock (_b) _balance++; }
            public void Refund() { lock (_a) { lock (_b) _balance--; } }
        """);

    [Fact]
    public Task Sequential_not_nested() => Verify("""
            public void Transfer() { lock (_a) _balance++; lock (_b) _balance--; }
            public void Refund() { lock (_b) _balance++; lock (_a) _balance--; }
        """);

    [Fact]
    public Task Reentrant_same_lock() => Verify("""
            public void Outer() { lock (_a) Inner(); }
            private void Inner() { lock (_a) _balance++; }
            public void Nested() { lock (_a) lock (_a) _balance++; }
        """);

    [Fact]
    public Task Lock_inside_a_lambda_runs_later() => Verify("""
            public Action Later() { lock (_a) { return () => { lock (_b) _balance++; }; } }
            public void Refund() { lock (_b) lock (_a) _balance--; }
        """);

    [Fact]
    public Task Locks_on_locals_and_this_are_not_compared() => Verify("""
            public void One(object x, object y) { lock (x) lock (y) _balance++; }
            public void Two(object x, object y) { lock (y) lock (x) _balance++; }
            public void Three() { lock (this) lock (_a) _balance++; }
            public void Four() { lock (_a) lock (this) _balance++; }
        """);
}
