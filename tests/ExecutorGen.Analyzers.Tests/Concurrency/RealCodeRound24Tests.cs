using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-fourth round of issue 14 (docs/analyzers-on-real-code.md, "Round 24"): what a handler's path shows of the
/// object whose own field it changes. Since round 17 a field of <c>this</c> in a handler's code was reported where the
/// path showed the object shared, or wherever its class takes a lock itself (RacerD's evidence of intent). The lock says
/// that some object of the class is used by several threads, not that the one this request reached is: on the 33 web
/// applications, the reports that rested on the lock alone were 5 real of 35 judged (the false ones: a per-run options
/// object, zones, a bot's farmer). Now the path decides for <c>this</c>, except for an object the request made and
/// handed on (a session's worker it registers and runs), where the lock is for whoever it was handed to; the lock still
/// counts for a field of another object the code reaches through one of its own (a singleton handed to a helper it
/// makes). And a method that returns what it found in its own dictionary (<c>return _map.TryGetValue(key, out var
/// value) ? value : null;</c>) now shows that: the walk read the returned value before the call that sets the local.
/// The must-not-flag test and the first two return cases failed before the change; the made-and-handed-on test fails
/// without its exception, and the other object's field without the lock counting there.
/// </summary>
public class RealCodeRound24Tests
{
    // duplicati's per-run options: each request has its own, made by a factory the handler was given; the class locks
    // around one of its methods.
    private const string Options = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + RealCodeRound10Tests.Registrations + """
        public sealed class RunOptions
        {
            private readonly object _sync = new();
            private readonly Dictionary<string, string> _values = new();

            public void Set(string name, string value) => MARK;

            public string Get(string name)
            {
                lock (_sync)
                    return _values.TryGetValue(name, out var value) ? value : null;
            }
        }

        public sealed class Settings
        {
            public RunOptions Defaults { get; } = new RunOptions();
        }

        public sealed class RunHandlers
        {
            private readonly Settings _settings;
            private readonly Func<RunOptions> _newOptions;

            public RunHandlers(Settings settings, Func<RunOptions> newOptions) => (_settings, _newOptions) = (settings, newOptions);

            [RequestHandler(PartitionBy = nameof(id))]
            public void Run(int id)
            {
                BODY;
            }
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<Settings, Settings>();
        }
        """;

    private static Test ForOptions(string body, bool reported) => new(Options.Replace("BODY", body)
        .Replace("MARK", reported ? "{|EXG001:_values[name] = value|}" : "_values[name] = value"));

    [Fact]
    public Task A_class_that_takes_a_lock_is_not_reported_where_the_path_does_not_show_its_object_shared() =>
        ForOptions("var options = _newOptions(); options.Set(\"id\", id.ToString())", reported: false).RunAsync();

    // The companion: the same class, reached through the singleton that holds one for every request.
    [Fact]
    public Task A_class_that_takes_a_lock_is_reported_where_the_path_shows_its_object_shared() =>
        ForOptions("_settings.Defaults.Set(\"id\", id.ToString())", reported: true).RunAsync();

    // ShokoServer's configuration service: the singleton makes a validator per call and hands it itself; the validator
    // changes the service's maps, which the service otherwise changes under its lock.
    [Fact]
    public Task A_field_of_another_object_whose_class_takes_a_lock_is_still_reported() =>
        new Test("""
            using System.Collections.Generic;
            using ExecutorGen;

            public sealed class ConfigurationService
            {
                private readonly object _sync = new();
                internal readonly Dictionary<string, string> Pending = new();

                [RequestHandler(PartitionBy = nameof(id))]
                public void Save(string id, string json) => new Validator(this, id).Validate(json);

                public void Clear()
                {
                    lock (_sync)
                        Pending.Clear();
                }
            }

            public sealed class Validator
            {
                private readonly ConfigurationService _service;
                private readonly string _id;

                public Validator(ConfigurationService service, string id) => (_service, _id) = (service, id);

                public void Validate(string json) => {|EXG001:_service.Pending[_id] = json|};
            }
            """).RunAsync();

    // ErsatzTV's HLS session: the request makes the session's worker, whose class locks around its segments, hands it to
    // a registry where other requests find it, and runs it; another request sets its state. Here the registry comes from
    // a factory the handler was given, so the path cannot show the worker shared, only that the request made it and
    // handed it on: for such an object the lock still counts.
    private const string Session = """
        using System;
        using System.Collections.Concurrent;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class SessionWorker
        {
            private readonly object _sync = new();
            private int _state;
            private int _segments;

            public void PlayoutUpdated() => _state = 2;

            public int Segments()
            {
                LOCKED
            }

            public async Task RunAsync(CancellationToken token)
            {
                while (!token.IsCancellationRequested)
                {
                    if (_state == 2)
                        MARK;
                    await Task.Delay(1000, token);
                }
            }
        }

        public sealed class Registry
        {
            private readonly ConcurrentDictionary<string, SessionWorker> _workers = new();

            public void Add(string channel, SessionWorker worker) => _workers[channel] = worker;

            public SessionWorker Get(string channel) => _workers.TryGetValue(channel, out var worker) ? worker : null;
        }

        public sealed class Channels
        {
            private readonly Func<Registry> _registry;

            public Channels(Func<Registry> registry) => _registry = registry;

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Start(string channel)
            {
                var worker = new SessionWorker();
                _registry().Add(channel, worker);
                _ = worker.RunAsync(CancellationToken.None);
            }

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Update(string channel) => _registry().Get(channel)?.PlayoutUpdated();
        }
        """;

    [Fact]
    public Task A_worker_the_request_made_and_handed_on_whose_class_takes_a_lock_is_reported_where_another_request_sets_its_state() =>
        new Test(Session.Replace("LOCKED", "lock (_sync) return _segments;").Replace("MARK", "{|EXG010:_state = 0|}")).RunAsync();

    // The companion: the same worker with no lock in its class. Nothing shows that it is shared (round 22's rule).
    [Fact]
    public Task A_worker_the_request_made_and_handed_on_is_not_reported_where_nothing_shows_it_shared() =>
        new Test(Session.Replace("LOCKED", "return _segments;").Replace("MARK", "_state = 0")).RunAsync();

    // ErsatzTV's segmenter service: the request asks the singleton for the channel's worker, which the singleton finds in
    // its own dictionary; the worker's class takes no lock, so only the path can show it shared. Failed before the walk
    // read a returned value before the return.
    private const string Registry = """
        using System.Collections.Concurrent;
        using ExecutorGen;

        public sealed class Worker
        {
            private int _restarts;

            public void Restart() => {|EXG001:_restarts++|};
        }

        public sealed class Registry
        {
            private readonly ConcurrentDictionary<string, Worker> _workers = new();

            public void Add(string channel) => _workers.TryAdd(channel, new Worker());

            public Worker Get(string channel) GET
        }

        public sealed class Channels
        {
            private readonly Registry _registry = new();

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Restart(string channel) => _registry.Get(channel)?.Restart();
        }
        """;

    [Theory]
    [InlineData("=> _workers.TryGetValue(channel, out var worker) ? worker : null;")]
    [InlineData("{ return _workers.TryGetValue(channel, out var worker) ? worker : null; }")]
    [InlineData("{ _workers.TryGetValue(channel, out var worker); return worker; }")]
    public Task What_a_method_returns_of_its_own_dictionary_through_an_out_local_is_shown_shared(string get) =>
        new Test(Registry.Replace("GET", get)).RunAsync();
}
