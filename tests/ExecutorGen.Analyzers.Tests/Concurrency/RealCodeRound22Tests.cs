using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-second round of issue 14 (docs/analyzers-on-real-code.md, "Round 22"): an object the path made itself. A
/// request makes a session worker, publishes it where other requests find it, and runs it (ErsatzTV's HLS sessions).
/// Two runs of the handler at once each make their own worker, so they never touch one worker's fields together: a
/// field only the worker's own run writes is not reported (the must-not-flag tests failed before the change). Other
/// code that reaches the worker through where it was published still races the run, and so does a handler that runs a
/// worker it did not make or a local that may hold one found elsewhere (the must-flag tests).
/// </summary>
public class RealCodeRound22Tests
{
    private const string Sessions = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class SessionWorker
        {
            private readonly object _sync = new();
            private readonly List<string> _segments = new();
            private int _sequence;
            private int _state;
            private int _phase;

            public void PlayoutUpdated() => _state = 2;

            public string[] Segments()
            {
                lock (_sync)
                    return _segments.ToArray();
            }

            public async Task RunAsync(string channel, CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    RUN
                    await Task.Delay(1000, token);
                }
            }

            MEMBERS
        }

        public sealed class SessionRegistry
        {
            private readonly ConcurrentDictionary<string, SessionWorker> _workers = new();

            public void Add(string channel, SessionWorker worker) => _workers[channel] = worker;

            public SessionWorker Get(string channel) => _workers.TryGetValue(channel, out var worker) ? worker : null;
        }

        public sealed class SessionHandlers
        {
            private static SessionWorker s_latest;
            private readonly SessionRegistry _registry = new();
            private readonly ConcurrentDictionary<string, SessionWorker> _workers = new();

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Start(string channel)
            {
                var worker = new SessionWorker();
                PUBLISH;
                _ = worker.RunAsync(channel, CancellationToken.None);
            }

            HANDLERS
        }
        """;

    private static Test For(string run, string handlers = "", string members = "", string publish = "_registry.Add(channel, worker)") =>
        new(Sessions.Replace("RUN", run).Replace("HANDLERS", handlers).Replace("MEMBERS", members).Replace("PUBLISH", publish));

    [Theory]
    // Registered with a method of the compilation that keeps it where other requests find it.
    [InlineData("_registry.Add(channel, worker)")]
    // Added to a library collection the shared handler object holds.
    [InlineData("_workers.TryAdd(channel, worker)")]
    // Stored in a static.
    [InlineData("s_latest = worker")]
    // Published, then handed to a library call by value (which replaces nothing).
    [InlineData("_registry.Add(channel, worker); System.Console.WriteLine(worker)")]
    public Task A_counter_only_the_run_of_a_worker_the_request_made_changes_is_not_reported(string publish) =>
        For("""
            _sequence++;
            """, publish: publish).RunAsync();

    [Fact]
    public Task A_phase_only_the_run_of_a_worker_the_request_made_tests_and_sets_is_not_reported() =>
        For("""
            if (_phase == 1)
                _phase = 0;
            Advance();
            """, members: """
            public void Advance() => _phase++;
            """).RunAsync();

    [Fact]
    public Task A_state_another_request_sets_on_the_published_worker_is_reported() =>
        For("""
            if (_state == 1)
                {|EXG010:_state = 0|};
            """, """
            [RequestHandler(PartitionBy = nameof(channel))]
            public void Update(string channel) => _registry.Get(channel)?.PlayoutUpdated();
            """).RunAsync();

    [Fact]
    public Task A_counter_of_a_worker_the_local_was_given_from_the_registry_after_publishing_is_reported() =>
        For("""
            {|EXG001:_sequence++|};
            """, publish: "_registry.Add(channel, worker); worker = _registry.Get(channel)").RunAsync();

    // Get or make: on one branch the local holds a worker another request made and may be running.
    [Fact]
    public Task A_counter_of_a_worker_found_or_made_is_reported() =>
        For("""
            {|EXG001:_sequence++|};
            """, publish: "worker = _registry.Get(channel); if (worker == null) { worker = new SessionWorker(); _registry.Add(channel, worker); }").RunAsync();

    [Fact]
    public Task A_counter_of_a_worker_the_request_found_and_runs_again_is_reported() =>
        For("""
            {|EXG001:_sequence++|};
            """, """
            [RequestHandler(PartitionBy = nameof(channel))]
            public void Restart(string channel) => _ = _registry.Get(channel)?.RunAsync(channel, CancellationToken.None);
            """).RunAsync();
}
