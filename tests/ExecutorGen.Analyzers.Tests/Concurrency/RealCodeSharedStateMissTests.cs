using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// EXG001 misses issue 14 found in real code (must flag): shared state reached across types (a thread started on
/// another class's method, objects created in a worker, a timer mutating another class's collections, a constructor run
/// by concurrent handlers) and findings in half-typed code.
/// </summary>
public class RealCodeSharedStateMissTests
{
    // Issue 14, miss 1
    [Fact]
    public Task Thread_started_on_a_method_of_another_class_is_worker_code()
    {
        var test = new Test("""
            using System;
            using System.Threading;

            public sealed class IngestHost
            {
                private readonly Ingest _ingest = new();

                public void Start()
                {
                    for (int i = 0; i < Environment.ProcessorCount; i++)
                        new Thread(_ingest.Drain) { IsBackground = true }.Start();
                }
            }
            """);
        test.TestState.Sources.Add("""
            using System.Collections.Concurrent;

            public sealed class Ingest
            {
                private static long s_lines;
                private readonly BlockingCollection<string> _lines = new();

                public void Drain()
                {
                    foreach (var line in _lines.GetConsumingEnumerable())
                        {|EXG001:s_lines++|};
                }
            }
            """);
        return test.RunAsync();
    }

    // Issue 14, miss 1
    [Fact]
    public Task Thread_body_creating_an_object_whose_method_bumps_a_static_counter_is_reported()
    {
        var test = new Test("""
            using System.Threading;

            public sealed class Uploader
            {
                public void UploadAll(string[] files)
                {
                    foreach (var file in files)
                        new Thread(() => new Batch(file).Flush()).Start();
                }
            }
            """);
        test.TestState.Sources.Add("""
            using System;

            public sealed class Batch
            {
                private static int s_flushes;
                private readonly string _file;

                public Batch(string file) => _file = file;

                public void Flush()
                {
                    {|EXG001:s_flushes++|};
                    Console.WriteLine(_file);
                }
            }
            """);
        return test.RunAsync();
    }

    // Issue 14, miss 1
    [Fact]
    public Task Timer_in_one_class_mutating_dictionaries_another_class_owns_is_reported()
    {
        var test = new Test("""
            using System;
            using System.Collections.Generic;
            using ExecutorGen;

            public sealed class Presence
            {
                public readonly object Sync = new();
                public readonly Dictionary<string, DateTime> LastSeen = new();
                public readonly Dictionary<string, string> Status = new();

                [RequestHandler(PartitionBy = nameof(user))]
                public void Heartbeat(string user, string status)
                {
                    lock (Sync)
                    {
                        LastSeen[user] = DateTime.UtcNow;
                        Status[user] = status;
                    }
                }
            }
            """);
        test.TestState.Sources.Add("""
            using System;
            using System.Linq;
            using System.Threading;

            public sealed class PresenceSweeper : IDisposable
            {
                private readonly Presence _presence;
                private readonly Timer _timer;

                public PresenceSweeper(Presence presence)
                {
                    _presence = presence;
                    _timer = new Timer(_ => Sweep(), null, 60_000, 60_000);
                }

                private void Sweep()
                {
                    var cutoff = DateTime.UtcNow.AddMinutes(-5);
                    // Enumerating the dictionary while a handler writes it (under the lock) races too.
                    foreach (var user in {|EXG010:_presence.LastSeen.Where(p => p.Value < cutoff)|}.Select(p => p.Key).ToList())
                    {
                        {|EXG001:_presence.LastSeen.Remove(user)|};
                        {|EXG001:_presence.Status.Remove(user)|};
                    }
                }

                public void Dispose() => _timer.Dispose();
            }
            """);
        return test.RunAsync();
    }

    // Issue 14, miss 1
    [Fact]
    public Task Constructor_reached_from_concurrent_handlers_bumping_a_static_id_is_reported()
    {
        var test = new Test("""
            using System.Collections.Concurrent;
            using ExecutorGen;

            public sealed class Listener
            {
                private readonly ConcurrentDictionary<int, Connection> _open = new();

                [RequestHandler]
                public int Accept(string endpoint)
                {
                    var connection = new Connection(endpoint);
                    _open[connection.Id] = connection;
                    return connection.Id;
                }
            }
            """);
        test.TestState.Sources.Add("""
            public sealed class Connection
            {
                private static int s_nextId;

                public Connection(string endpoint)
                {
                    Id = {|EXG001:++s_nextId|};
                    Endpoint = endpoint;
                }

                public int Id { get; }

                public string Endpoint { get; }
            }
            """);
        return test.RunAsync();
    }

    // Issue 14, miss 4
    [Fact]
    public Task Mutation_with_an_unresolved_call_in_its_argument_is_still_reported() => new Test("""
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class AuditTrail
        {
            private readonly List<string> _entries = new();
            private readonly Dictionary<string, int> _perUser = new();

            [RequestHandler(PartitionBy = nameof(userId))]
            public void Record(string userId, string action)
            {
                // Half-typed, as in an IDE: Describe and Count are not written yet.
                {|EXG001:_entries.Add({|CS0103:Describe|}(userId, action))|};
                {|EXG001:_perUser[userId] = {|CS0103:Count|}(userId) + 1|};
            }
        }
        """).RunAsync();
}
