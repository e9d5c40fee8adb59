using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-third round of issue 14 (docs/analyzers-on-real-code.md, "In their repositories' full compilations"): a
/// static that a lock guards where it is written, changed without the lock in code no worker of the compilation reaches.
/// log4net's date formatter filled its static cache under a lock and cleared it outside; the application's logging
/// threads call it, so the library's own compilation has no worker that reaches it (defect 06). Every thread shares a
/// static, and the lock says the code runs on several: with the rules widened to all code, the unlocked change is
/// reported (the must-flag test failed before the change). Without a lock anywhere there is no such evidence, a static
/// constructor initializes, a lambda runs when whoever holds it calls it, and as shipped (handlers only) nothing changes
/// (the must-not-flag tests).
/// </summary>
public class RealCodeRound23Tests
{
    private const string Formatter = """
        using System;
        using System.Collections.Generic;

        public static class TimeFormatter
        {
            private static readonly object s_sync = new();
            private static readonly Dictionary<long, string> s_strings = new();
            private static long s_lastSecond;

            public static string Format(DateTime time)
            {
                long second = time.Ticks / TimeSpan.TicksPerSecond;
                if (second != s_lastSecond)
                    CLEAR;
                lock (s_sync)
                {
                    if (!s_strings.TryGetValue(second, out var text))
                    {
                        text = time.ToString("HH:mm:ss");
                        s_strings[second] = text;
                        s_lastSecond = second;
                    }
                    return text;
                }
            }
        }
        """;

    [Fact]
    public Task A_static_a_lock_guards_where_it_is_written_changed_outside_it_in_code_no_worker_reaches() => new Test(
        Formatter.Replace("CLEAR", "{|#0:s_strings.Clear()|}"))
    {
        ExpectedDiagnostics =
        {
            new DiagnosticResult("EXG001", DiagnosticSeverity.Info).WithLocation(0)
                .WithArguments("Static field", "s_strings", "modified", "'Format'", "; elsewhere it is modified under a lock (inconsistent locking)"),
        },
    }.RunAsync();

    [Fact]
    public Task Without_a_lock_anywhere_a_static_no_worker_reaches_is_not_reported() => new Test(
        Formatter.Replace("CLEAR", "s_strings.Clear()").Replace("lock (s_sync)", "")).RunAsync();

    [Fact]
    public Task A_static_constructor_and_the_rules_as_shipped_are_not_reported() => Task.WhenAll(
        new Test(Formatter.Replace("CLEAR", "return string.Empty")
            .Replace("private static long s_lastSecond;", "private static long s_lastSecond;\n\n    static TimeFormatter() { s_strings.Clear(); s_strings[0] = \"00:00:00\"; }")).RunAsync(),
        ShippedOptions.Of(new Test(Formatter.Replace("CLEAR", "s_strings.Clear()"))).RunAsync());

    // Foundatio's job runner makes a watcher once under its lock and registers a cancellation callback that clears the
    // field later, once: a lambda runs when whoever holds it calls it, which nothing here shows.
    [Fact]
    public Task A_lambda_no_worker_reaches_that_clears_the_static_later_is_not_reported() => new Test("""
        using System;
        using System.Threading;

        public static class ShutdownWatch
        {
            private static readonly object s_lock = new();
            private static CancellationTokenSource? s_source;
            private static IDisposable? s_watcher;

            public static CancellationToken Token(Func<IDisposable> watch)
            {
                lock (s_lock)
                {
                    if (s_source != null)
                        return s_source.Token;
                    s_source = new CancellationTokenSource();
                    s_watcher = watch();
                    s_source.Token.Register(() =>
                    {
                        s_watcher?.Dispose();
                        s_watcher = null;
                    });
                    return s_source.Token;
                }
            }
        }
        """).RunAsync();
}
