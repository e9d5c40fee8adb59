using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-first round of issue 14 (docs/analyzers-on-real-code.md, "Round 21"): a store of the clock's reading
/// (<c>_lastSeen = DateTime.UtcNow;</c>, a throttle's <c>_lastRefresh = now;</c>). Racing stores all store "now", a few
/// ticks apart; whichever wins, a reader sees a time the object was last touched, and a test of it (<c>LastSeen !=
/// default</c>, <c>now - _lastRefresh &lt; period</c>) decides as it would have with a lock, up to that skew. Every such
/// report judged on real code was false (the DNS server's cluster nodes and zones, Sonarr's cached dictionary,
/// ShokoServer's Plex helper, Squidex's state throttle). The must-not-flag tests failed before the change; the must-flag
/// ones keep a clock reading the function reads back (part of a larger update), a local that may hold something else,
/// and a store that other code makes under a lock.
/// </summary>
public class RealCodeRound21Tests
{
    private const string Node = """
        using System;
        using System.Diagnostics;
        using ExecutorGen;

        public sealed class Node
        {
            private readonly object _sync = new();
            private DateTime _lastSeen;
            private long _lastTick;
            private DateTime _until;

            public string Status()
            {
                if (_lastSeen != default && _lastTick > 0 && _until > DateTime.MinValue)
                    return "seen";
                return "never";
            }

            public void Reset()
            {
                lock (_sync)
                    _until = default;
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public void Ping(string id, int seconds)
            {
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Node.Replace("BODY", body));

    [Fact]
    public Task A_store_of_the_current_time_is_not_reported() =>
        For("""
            _lastSeen = DateTime.UtcNow;
            """).RunAsync();

    [Fact]
    public Task A_store_of_a_timestamp_is_not_reported() =>
        For("""
            _lastTick = Stopwatch.GetTimestamp();
            """).RunAsync();

    [Fact]
    public Task A_throttle_that_tests_the_time_and_stores_the_current_time_is_not_reported() =>
        For("""
            var now = DateTime.UtcNow;
            if (now - _lastSeen < TimeSpan.FromSeconds(seconds))
                return;
            _lastSeen = now;
            """).RunAsync();

    [Fact]
    public Task A_clock_reading_the_function_reads_back_is_reported() =>
        For("""
            _lastSeen = DateTime.UtcNow;
            Console.WriteLine(_lastSeen.AddSeconds(seconds));
            """).RunExpecting(SharedStateResults.Exg001(28, 9, 36, "Field", "_lastSeen", "modified", "Ping"));

    [Fact]
    public Task A_local_that_may_hold_another_time_is_reported() =>
        For("""
            var when = DateTime.UtcNow;
            if (seconds > 0)
                when = when.AddSeconds(seconds);
            _lastSeen = when;
            """).RunExpecting(SharedStateResults.Exg001(31, 1, 17, "Field", "_lastSeen", "modified", "Ping"));

    [Fact]
    public Task A_clock_reading_stored_where_other_code_stores_under_a_lock_is_reported() =>
        For("""
            _until = DateTime.UtcNow;
            """).RunExpecting(SharedStateResults.Exg001(28, 9, 33, "Field", "_until", "modified", "Ping",
                "; elsewhere it is modified under a lock (inconsistent locking)"));
}
