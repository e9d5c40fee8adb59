using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-seventh round of issue 14 (docs/analyzers-on-real-code.md, "Round 27"), read first on Opserver: 42 EXG001
/// reports, all judged false, were lazy initializations of shared poll caches (<c>_zones ??= GetCache(…)</c>) kept
/// reported because the cache class is <c>IDisposable</c>, taken for a timer or a connection that a racing copy leaks.
/// Its disposal releases nothing (<c>public void Dispose() { Owner = null; }</c>): a dropped copy is garbage. The
/// must-not-flag tests failed before the change; the companions, whose disposal does release something (or may), stay
/// reported.
/// </summary>
public class RealCodeRound27Tests
{
    private const string Monitor = """
        using System;
        using System.Threading;
        using ExecutorGen;

        CACHE

        public sealed class Zones
        {
            private PollCache _zones;

            private PollCache Current => {|EXG001:_zones ??= new PollCache(TimeSpan.FromMinutes(5))|};

            [RequestHandler(PartitionBy = nameof(zone))]
            public string Show(string zone) => Current.Describe(zone);
        }
        """;

    private static Test Reported(string cache) => new(Monitor.Replace("CACHE", cache));

    private static Test Silent(string cache) => new(Monitor.Replace("CACHE", cache)
        .Replace("{|EXG001:_zones ??= new PollCache(TimeSpan.FromMinutes(5))|}", "_zones ??= new PollCache(TimeSpan.FromMinutes(5))"));

    [Fact]
    public Task A_lazily_made_disposable_whose_dispose_releases_nothing_is_idempotent() =>
        Silent("""
            public abstract class Cache : IDisposable
            {
                public object Owner { get; private set; } = new object();
                public void Dispose() => Owner = null;
            }

            public sealed class PollCache : Cache
            {
                private readonly TimeSpan _duration;
                public PollCache(TimeSpan duration) => _duration = duration;
                public string Describe(string zone) => zone + _duration;
            }
            """).RunAsync();

    [Fact]
    public Task One_whose_dispose_only_suppresses_finalization_and_calls_its_base_is_idempotent() =>
        Silent("""
            public class Cache : IDisposable
            {
                private bool _disposed;
                public virtual void Dispose() { _disposed = true; GC.SuppressFinalize(this); }
            }

            public sealed class PollCache : Cache, IAsyncDisposable
            {
                private readonly TimeSpan _duration;
                public PollCache(TimeSpan duration) => _duration = duration;
                public string Describe(string zone) => zone + _duration;
                public override void Dispose() => base.Dispose();
                System.Threading.Tasks.ValueTask IAsyncDisposable.DisposeAsync() { Dispose(); return default; }
            }
            """).RunAsync();

    // A copy made by a racing thread keeps its timer running: reported.
    [Fact]
    public Task One_whose_dispose_releases_a_timer_is_reported() =>
        Reported("""
            public sealed class PollCache : IDisposable
            {
                private readonly Timer _timer;
                public PollCache(TimeSpan duration) => _timer = new Timer(_ => { }, null, duration, duration);
                public string Describe(string zone) => zone;
                public void Dispose() => _timer.Dispose();
            }
            """).RunAsync();

    [Fact]
    public Task One_with_a_finalizer_is_reported() =>
        Reported("""
            public sealed class PollCache : IDisposable
            {
                public PollCache(TimeSpan duration) { }
                ~PollCache() { }
                public string Describe(string zone) => zone;
                public void Dispose() { }
            }
            """).RunAsync();

    // A class made from PollCache may override the disposal and release something.
    [Fact]
    public Task One_whose_virtual_dispose_a_derived_class_may_override_is_reported() =>
        Reported("""
            public class PollCache : IDisposable
            {
                public PollCache(TimeSpan duration) { }
                public string Describe(string zone) => zone;
                public virtual void Dispose() { }
            }
            """).RunAsync();

    // A base class the compilation does not declare (Component disposes its site and raises Disposed): reported.
    [Fact]
    public Task One_whose_disposal_a_library_base_class_declares_is_reported() =>
        Reported("""
            public sealed class PollCache : System.ComponentModel.Component
            {
                public PollCache(TimeSpan duration) { }
                public string Describe(string zone) => zone;
            }
            """).RunAsync();
}
