using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The fourteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 14"): in a handler's code, EXG001 reports a
/// field only where the compilation shows that objects which have it can be shared between requests (RacerD's evidence
/// of concurrency): a static; an object held by a static, by a container singleton, by the handler object, or by what
/// those hold, through collections and interfaces; or a class that takes a lock. An object that the ownership inference
/// only failed to prove the request's own (an entity a store hands out, a builder made behind an interface) is not
/// reported any more. Each must-not-flag test failed before the change; each must-flag test is a real report of the
/// round-12 and round-13 applications in small, which the gate must keep.
/// </summary>
public class RealCodeRound14Tests
{
    // A web application's action (a stand-in handler: its own fields are each request's) that reaches an indexer through
    // a manager that hands out an element of its dictionary: the inference cannot tell whether the manager is shared,
    // so it could not prove the indexer the request's own (Jackett's indexers, Smartstore's per-call helpers).
    private const string App = """
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        public interface IIndexer { void Search(); }

        public abstract class BaseIndexer : IIndexer
        {
            private int _errors;
            public void Search() => MARK;
        }

        public sealed class TorrentIndexer : BaseIndexer { }

        public interface IIndexerManager { IIndexer Get(string name); }

        public sealed class IndexerManager : IIndexerManager
        {
            private readonly Dictionary<string, IIndexer> _indexers = new Dictionary<string, IIndexer>();
            public IIndexer Get(string name) => _indexers[name];
        }

        public sealed class SearchController
        {
            [ThreadConfined] private readonly IIndexerManager _indexers;

            public SearchController(IIndexerManager indexers) => _indexers = indexers;

            [RequestHandler(PartitionBy = nameof(indexer))]
            public void Search(string indexer) => _indexers.Get(indexer).Search();
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services)
            {
                REGISTER;
            }
        }
        """;

    private static string Source(string indexer, string register) => App.Replace("MARK", indexer).Replace("REGISTER", register) + "\n" + RealCodeRound10Tests.Registrations;

    [Fact]
    public Task An_indexer_of_a_manager_that_nothing_shared_holds_is_not_reported() =>
        new Test(Source("_errors++", "services.AddTransient<IIndexerManager, IndexerManager>()")).RunAsync();

    [Fact]
    public Task An_indexer_held_by_a_registered_singleton_through_an_interface_is_reported() =>
        new Test(Source("{|EXG001:_errors++|}", "services.AddSingleton<IIndexerManager, IndexerManager>()")).RunAsync();

    [Fact]
    public Task An_indexer_kept_in_a_static_list_is_reported() =>
        new Test(Source("{|EXG001:_errors++|}", "services.AddTransient<IIndexerManager, IndexerManager>()")
            .Replace("public sealed class TorrentIndexer", "public static class Indexers { public static readonly List<BaseIndexer> All = new List<BaseIndexer>(); }\n\npublic sealed class TorrentIndexer"))
            .RunAsync();

    [Fact]
    public Task An_indexer_whose_class_takes_a_lock_is_reported() =>
        new Test(Source("{|EXG001:_errors++|}", "services.AddTransient<IIndexerManager, IndexerManager>()")
            .Replace("private int _errors;", "private int _errors;\n    public int Errors() { lock (this) { return _errors; } }"))
            .RunAsync();

    [Fact]
    public Task A_confined_field_of_a_singleton_holds_nothing_for_others() =>
        new Test(Source("_errors++", "services.AddSingleton<IIndexerManager, IndexerManager>()")
            .Replace("private readonly Dictionary<string, IIndexer> _indexers", "[ThreadConfined] private readonly Dictionary<string, IIndexer> _indexers"))
            .RunAsync();

    // Jackett's controllers keep the indexer of the request in an auto-property; the stand-in marks the property, not the
    // field the compiler makes for it.
    [Fact]
    public Task A_confined_auto_property_holds_nothing_for_others() =>
        new Test(Source("_errors++", "services.AddTransient<IIndexerManager, IndexerManager>()")
            .Replace("public void Search(string indexer) => _indexers.Get(indexer).Search();",
                "public void Search(string indexer) { Current = _indexers.Get(indexer); Current.Search(); }\n\n    [ThreadConfined] public IIndexer Current { get; set; }"))
            .RunAsync();

    // The executor's own handler object is shared among its workers: what it holds is every request's.
    [Fact]
    public Task What_a_handler_object_holds_is_shared() =>
        new Test(Source("{|EXG001:_errors++|}", "services.AddTransient<IIndexerManager, IndexerManager>()")
            .Replace("[ThreadConfined] private readonly IIndexerManager _indexers;", "private readonly IIndexerManager _indexers;"))
            .RunAsync();

    // EXG004, smtp4dev's IMAP server start (a first read of round 14): the index Task.WaitAny returned, kept in a local and
    // tested in an if, says which task is complete.
    private const string StartWaiter = """
        using System;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Servers
        {
            [RequestHandler(PartitionBy = nameof(name))]
            public string Start(string name)
            {
                var started = new TaskCompletionSource<string>();
                var failed = new TaskCompletionSource<Exception>();
                Begin(name, started, failed);
                var startedTask = started.Task;
                var failedTask = failed.Task;
                int index = Task.WaitAny(new[] { startedTask, (Task)failedTask, Task.Delay(TimeSpan.FromSeconds(30)) });
                STORE
                if (index == 1)
                    return failedTask.Result.Message;
                return "started";
            }

            private static void Begin(string name, TaskCompletionSource<string> started, TaskCompletionSource<Exception> failed) => started.SetResult(name);
        }
        """;

    [Fact]
    public Task Result_of_the_task_whose_index_a_local_holds_is_not_reported() =>
        new WaitTest(StartWaiter.Replace("STORE", "")).RunAsync();

    // The companions: the index of the other task, and a local changed after WaitAny, say nothing of this one.
    [Fact]
    public Task Result_of_a_task_whose_index_the_local_does_not_hold_is_reported() =>
        new WaitTest(StartWaiter.Replace("STORE", "").Replace("if (index == 1)", "if (index == 0)").Replace("return failedTask.Result.Message;", "return {|EXG004:failedTask.Result|}.Message;")).RunAsync();

    [Fact]
    public Task Result_after_the_index_local_is_changed_is_reported() =>
        new WaitTest(StartWaiter.Replace("STORE", "index++;").Replace("return failedTask.Result.Message;", "return {|EXG004:failedTask.Result|}.Message;")).RunAsync();

    // EXG004, smtp4dev's task queue (a first read of round 14): work a request hands to the application's background
    // queue runs on the queue's worker, later; the request awaits the task the queue hands back. A wait in it blocks
    // the worker, not the request.
    private const string TaskQueue = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ExecutorGen;

        public interface ITaskQueue { Task QueueTask(Action action); }

        public sealed class TaskQueue : ITaskQueue
        {
            private readonly BlockingCollection<Action> _work = new BlockingCollection<Action>();

            public Task QueueTask(Action action)
            {
                var done = new TaskCompletionSource<object?>();
                Action wrapper = () =>
                {
                    try { action(); done.SetResult(null); }
                    catch (Exception e) { done.SetException(e); }
                };
                _work.Add(wrapper);
                return done.Task;
            }
        }

        public sealed class Messages
        {
            private readonly ITaskQueue _queue;
            public Messages(ITaskQueue queue) => _queue = queue;

            [RequestHandler(PartitionBy = nameof(mailbox))]
            public Task MarkAllRead(string mailbox) => _queue.QueueTask(() =>
            {
                Save(mailbox);
                WAIT;
            });

            private static void Save(string mailbox) { }

            private static Task NotifyAsync(string mailbox) => Task.Delay(1);
        }
        """;

    [Fact]
    public Task A_wait_in_work_handed_to_the_application_s_queue_is_not_reported() =>
        new WaitTest(TaskQueue.Replace("WAIT", "NotifyAsync(mailbox).Wait()")).RunAsync();

    // ASP.NET Core's documented background queue: the work item is written to a channel a hosted service reads.
    [Fact]
    public Task A_wait_in_work_written_to_a_channel_is_not_reported() =>
        new WaitTest(TaskQueue.Replace("WAIT", "NotifyAsync(mailbox).Wait()")
            .Replace("private readonly BlockingCollection<Action> _work = new BlockingCollection<Action>();",
                "private readonly System.Threading.Channels.Channel<Action> _work = System.Threading.Channels.Channel.CreateUnbounded<Action>();")
            .Replace("_work.Add(wrapper);", "_work.Writer.TryWrite(new Action(wrapper));")).RunAsync();

    // The companions: a helper that runs the work in place, directly or through a lambda run in place, keeps the wait on
    // the request's thread.
    [Fact]
    public Task A_wait_in_work_a_helper_runs_in_place_is_reported() =>
        new WaitTest(TaskQueue.Replace("WAIT", "{|EXG004:NotifyAsync(mailbox).Wait()|}")
            .Replace("_work.Add(wrapper);", "_work.Add(wrapper);\n        action();")).RunAsync();

    [Fact]
    public Task A_wait_in_work_a_lambda_run_in_place_calls_is_reported() =>
        new WaitTest(TaskQueue.Replace("WAIT", "{|EXG004:NotifyAsync(mailbox).Wait()|}")
            .Replace("_work.Add(wrapper);", "new List<int> { 1 }.ForEach(_ => wrapper());")).RunAsync();
}
