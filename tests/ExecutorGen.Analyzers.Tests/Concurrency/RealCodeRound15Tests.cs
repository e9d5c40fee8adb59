using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The fifteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 15"): a lock held through the disposable a
/// call returns, for the body of a <c>using</c>: <c>using (_rw.GetWriteLock())</c> (Smartstore's reader-writer lock
/// extensions), <c>using (await _mutex.LockAsync())</c> (Nito.AsyncEx's <c>AsyncLock</c>, Jellyfin's semaphore
/// extension), a <c>using</c> declaration of one, and a static keyed lock (<c>AsyncLock.KeyedAsync(key)</c>). Before the
/// change EXG001 said "without lock" inside them. Each must-not-flag test failed before the change; the must-flag tests
/// show where the scope ends, that a disposable of anything else is no lock, and that a write under such a lock is
/// evidence against another write of the field made without it. And, found through it on Jellyfin (a real report the
/// first version lost): a lambda added to an event under a lock runs when the event is raised, not under that lock.
/// Then, from the round's first read (Blog.Core): EXG004 on a task a shared object starts while it is made.
/// </summary>
public class RealCodeRound15Tests
{
    private const string Locks = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public static class LockExtensions
        {
            public static IDisposable GetWriteLock(this ReaderWriterLockSlim rwLock)
            {
                rwLock.EnterWriteLock();
                return new Releaser(rwLock.ExitWriteLock);
            }

            public static IDisposable GetReadLock(this ReaderWriterLockSlim rwLock)
            {
                rwLock.EnterReadLock();
                return new Releaser(rwLock.ExitReadLock);
            }
        }

        public sealed class Releaser : IDisposable
        {
            private readonly Action _release;
            public Releaser(Action release) => _release = release;
            public void Dispose() => _release();
        }

        public sealed class AsyncLock
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);

            public async Task<IDisposable> LockAsync()
            {
                await _gate.WaitAsync().ConfigureAwait(false);
                return new Releaser(() => _gate.Release());
            }

            public static Task<IDisposable> KeyedAsync(string key) => new AsyncLock().LockAsync();
        }

        public sealed class Pipeline
        {
            public IDisposable Block() => new Releaser(() => { });
            public IDisposable Begin() => new Releaser(() => { });
        }

        public sealed class Settings
        {
            private readonly ReaderWriterLockSlim _rw = new ReaderWriterLockSlim();
            private readonly AsyncLock _mutex = new AsyncLock();
            private readonly Pipeline _pipeline = new Pipeline();
            private string _name = "";
            private int _count;
        private int _total;
            private bool _released;

        MEMBERS
        }
        """;

    private static Task Verify(string members) => new Test(Locks.Replace("MEMBERS", members)).RunAsync();

    [Fact]
    public Task A_reader_writer_lock_held_through_a_disposable_guards_the_using_body() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public void Rename(string user, string name)
            {
                using (_rw.GetWriteLock())
                {
                    _name = name;
                    _count++;
                }
            }

            [RequestHandler(PartitionBy = nameof(user))]
            public string Read(string user)
            {
                using (_rw.GetReadLock())
                    return _name;
            }
        """);

    [Fact]
    public Task An_async_lock_awaited_as_the_using_resource_guards_the_body() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public async Task Bump(string user)
            {
                using (await _mutex.LockAsync().ConfigureAwait(false))
                {
                    _count++;
                }
            }
        """);

    [Fact]
    public Task A_using_declaration_of_an_async_lock_guards_the_rest_of_the_block() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public async Task Bump(string user)
            {
                using var held = await _mutex.LockAsync();
                _count++;
            }
        """);

    [Fact]
    public Task A_static_keyed_lock_guards_the_using_body() => Verify("""
            [RequestHandler(PartitionBy = nameof(path))]
            public async Task Release(string path)
            {
                using (await AsyncLock.KeyedAsync("lockfile." + path))
                {
                    if (_released)
                        return;
                    _released = true;
                }
            }
        """);

    [Fact]
    public Task A_write_after_the_using_is_not_guarded_by_it() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public void Rename(string user, string name)
            {
                using (_rw.GetWriteLock())
                {
                    _name = name;
                }
                {|EXG001:_count++|};
            }
        """);

    [Fact]
    public Task A_disposable_that_names_no_lock_guards_nothing() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public void Run(string user)
            {
                using (_pipeline.Block())
                {
                    {|EXG001:_count++|};
                }
                using (_pipeline.Begin())
                {
                    {|EXG001:_total++|};
                }
            }
        """);

    [Fact]
    public Task A_write_without_the_lock_that_another_write_takes_is_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(user))]
            public void Rename(string user, string name)
            {
                using (_rw.GetWriteLock())
                    _name = name;
            }

            [RequestHandler(PartitionBy = nameof(user))]
            public void Reset(string user) => {|EXG010:_name = ""|};
        """);

    // Jellyfin's transcoding: a request starts the encoder under the transcoding lock and subscribes to its exit; the exit
    // handler disposes the job (its kill timer, which the job's other methods change under the job's timer lock) on the
    // process's thread, long after the request let go of its lock.
    private const string Exited = """
        using System;
        using System.Diagnostics;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Releaser : IDisposable { public void Dispose() { } }

        public sealed class Job : IDisposable
        {
            private readonly object _timerLock = new object();
            private Timer? _killTimer;
            public void StartKillTimer() { lock (_timerLock) { _killTimer = new Timer(_ => { }); } }
            public void Dispose() { _killTimer?.Dispose(); {|EXG010:_killTimer = null|}; }
        }

        public sealed class Transcoder
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            public async Task<IDisposable> LockAsync(string path) { await _gate.WaitAsync(); return new Releaser(); }

            public Job Start(Process process)
            {
                var job = new Job();
                process.Exited += (_, _) => OnExited(job);
                job.StartKillTimer();
                return job;
            }

            private void OnExited(Job job) => job.Dispose();
        }

        public sealed class Streams
        {
            private static readonly Transcoder s_transcoder = new Transcoder();

            [RequestHandler(PartitionBy = nameof(path))]
            public async Task Get(string path)
            {
                LOCKED
                {
                    s_transcoder.Start(new Process());
                }
            }
        }
        """;

    [Fact]
    public Task An_event_handler_subscribed_under_a_scope_lock_does_not_run_under_it() =>
        new Test(Exited.Replace("LOCKED", "using (await s_transcoder.LockAsync(path))")).RunAsync();

    [Fact]
    public Task An_event_handler_subscribed_inside_a_lock_statement_does_not_run_under_it() =>
        new Test(Exited.Replace("LOCKED", "lock (s_transcoder)")).RunAsync();

    // Blog.Core's job scheduler service: the constructor starts getting the scheduler and keeps the task; every method
    // waits on it (_scheduler.Result). A singleton is made once, so the task has run since startup (or the first use).
    private const string Scheduler = """
        using System.Threading.Tasks;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        public interface IScheduler { Task Start(); bool IsStarted { get; } }

        public static class SchedulerFactory { public static Task<IScheduler> GetScheduler() => Task.FromResult<IScheduler>(null!); }

        public interface ISchedulerCenter { Task StartAsync(); }

        public sealed class SchedulerCenter : ISchedulerCenter
        {
            private Task<IScheduler> _scheduler;

            public SchedulerCenter() => _scheduler = GetSchedulerAsync();

            private Task<IScheduler> GetSchedulerAsync() => _scheduler = SchedulerFactory.GetScheduler();

            public async Task StartAsync()
            {
                if (!WAIT.IsStarted)
                    await WAIT.Start();
            }
            RESTART
        }

        public sealed class TasksController
        {
            [ThreadConfined] private readonly ISchedulerCenter _center;

            public TasksController(ISchedulerCenter center) => _center = center;

            [RequestHandler(PartitionBy = nameof(id))]
            public Task Start(string id) => _center.StartAsync();
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => REGISTER;
        }
        """;

    private static string SchedulerSource(string wait, string register, string restart = "") =>
        Scheduler.Replace("WAIT", wait).Replace("REGISTER", register).Replace("RESTART", restart) + "\n" + RealCodeRound10Tests.Registrations;

    [Fact]
    public Task A_task_a_singleton_starts_in_its_constructor_is_not_reported_where_it_is_waited_on() =>
        new WaitTest(SchedulerSource("_scheduler.Result", "services.AddSingleton<ISchedulerCenter, SchedulerCenter>()")).RunAsync();

    [Fact]
    public Task A_task_a_scoped_service_starts_in_its_constructor_is_waited_on_by_every_request() =>
        new WaitTest(SchedulerSource("{|EXG004:_scheduler.Result|}", "services.AddScoped<ISchedulerCenter, SchedulerCenter>()")).RunAsync();

    [Fact]
    public Task A_task_a_singleton_starts_again_after_construction_is_reported() =>
        new WaitTest(SchedulerSource("{|EXG004:_scheduler.Result|}", "services.AddSingleton<ISchedulerCenter, SchedulerCenter>()",
            "public void Restart() => _scheduler = SchedulerFactory.GetScheduler();")).RunAsync();
}
