using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twentieth round of issue 14 (docs/analyzers-on-real-code.md, "Round 20"): a statement that stores a new object in
/// a local replaces what the local held. The DNS server's statistics look a day up in a shared cache and, where it is
/// missing, build a new counter in the same local and merge the hours into it
/// (<c>if (!_cache.TryGetValue(day, out stats)) { stats = new(); stats.Merge(hour); }</c>). The walk took the local to
/// hold the cache's object or the new one, so EXG001 reported the counter's fields as written by every statistics
/// request. The must-not-flag tests failed before the change; the must-flag ones keep the places where the local may
/// still hold the shared object: after the branch, in the other branch or section, in a catch, and in a loop.
/// </summary>
public class RealCodeRound20Tests
{
    private const string Stats = """
        using System;
        using System.Collections.Concurrent;
        using ExecutorGen;

        public sealed class Tally
        {
            private long _total;

            public void Add(Tally other) => _total += other._total;
        }

        public sealed class Stats
        {
            private readonly ConcurrentDictionary<int, Tally> _daily = new();

            [RequestHandler(PartitionBy = nameof(day))]
            public long Get(int day, Tally hour)
            {
                BODY
                return 0;
            }
        }
        """;

    private static Test For(string body) => new(Stats.Replace("BODY", body));

    /// <summary>The write in <c>Tally.Add</c>, reached on the cache's shared object.</summary>
    private static DiagnosticResult SharedTallyWritten() => Round19Expected.Exg001(9, 37, 59, "Field", "_total", "modified", "Get");

    private static Task Flagged(string body)
    {
        var test = For(body);
        test.ExpectedDiagnostics.Add(SharedTallyWritten());
        return test.RunAsync();
    }

    [Fact]
    public Task The_cached_object_itself_is_shared() =>
        Flagged("""
            _daily.GetOrAdd(day, _ => new Tally()).Add(hour);
            """);

    [Fact]
    public Task A_local_replaced_by_a_new_object_holds_that_object() =>
        For("""
            if (!_daily.TryGetValue(day, out var tally))
            {
                tally = new Tally();
                tally.Add(hour);
                _daily.TryAdd(day, tally);
            }
            """).RunAsync();

    [Fact]
    public Task A_local_replaced_in_a_branch_that_leaves_holds_the_new_object_in_that_branch() =>
        For("""
            Tally tally = _daily[day];
            if (hour is null)
            {
                tally = new Tally();
                tally.Add(new Tally());
                return 1;
            }
            """).RunAsync();

    [Fact]
    public Task A_local_replaced_in_a_switch_section_holds_the_new_object_there() =>
        For("""
            Tally tally = _daily[day];
            switch (day)
            {
                case 0:
                    tally = new Tally();
                    tally.Add(hour);
                    break;
                default:
                    break;
            }
            """).RunAsync();

    [Fact]
    public Task After_the_branch_the_local_may_still_hold_the_cached_object() =>
        Flagged("""
            if (!_daily.TryGetValue(day, out var tally))
                tally = new Tally();
            tally.Add(hour);
            """);

    [Fact]
    public Task The_other_branch_sees_what_the_local_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            if (hour is null)
                tally = new Tally();
            else
                tally.Add(hour);
            """);

    [Fact]
    public Task After_a_branch_that_leaves_the_local_holds_what_it_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            if (hour is null)
            {
                tally = new Tally();
                return 1;
            }
            tally.Add(hour);
            """);

    [Fact]
    public Task The_next_switch_section_sees_what_the_local_held_before() =>
        Flagged("""
            Tally tally = _daily[day];
            switch (day)
            {
                case 0:
                    tally = new Tally();
                    break;
                default:
                    tally.Add(hour);
                    break;
            }
            """);

    [Fact]
    public Task A_catch_sees_what_the_local_held_before_the_try() =>
        Flagged("""
            Tally tally = _daily[day];
            try
            {
                tally = new Tally();
                tally.Add(hour);
            }
            catch (InvalidOperationException)
            {
                tally.Add(hour);
            }
            """);

    [Fact]
    public Task A_store_in_a_loop_does_not_replace_what_the_next_time_round_sees() =>
        Flagged("""
            Tally tally = new Tally();
            for (int i = 0; i < 2; i++)
            {
                tally = _daily[day];
                tally.Add(hour);
                tally = new Tally();
            }
            """);

    [Fact]
    public Task A_store_whose_value_reads_the_local_does_not_replace_it() =>
        Flagged("""
            Tally tally = _daily[day];
            tally = Pass(tally);
            tally.Add(hour);
            static Tally Pass(Tally t) => t ?? new Tally();
            """);
}
