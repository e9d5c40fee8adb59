using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The eighteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 18"): lazy initializations EXG001 did not
/// recognise. C# 14's <c>field</c> keyword: Miniblog.Core's <c>Folder =&gt; field ??= Path.Combine(...)</c> and
/// Smartstore's <c>Options =&gt; field ??= CreateDefaultOptions()</c> were reported as races on a field named
/// <c>&lt;Folder&gt;k__BackingField</c>, a name nobody wrote. IoTSharp's broker settings: a certificate loaded under
/// <c>if (_certificate == null &amp;&amp; EnableTls)</c>. Each must-not-flag test failed before the change; the must-flag
/// companions keep what a racing initialization does break.
/// </summary>
public class RealCodeRound18Tests
{
    private const string Blog = """
        using System.Collections.Generic;
        using System.IO;
        using System.Security.Cryptography.X509Certificates;
        using System.Threading;
        using ExecutorGen;

        public sealed class Blog
        {
            private readonly string _root;

            public Blog(string root) => _root = root;

            MEMBER

            [RequestHandler(PartitionBy = nameof(slug))]
            public string Show(string slug)
            {
                BODY
            }
        }
        """;

    private static string Source(string member, string body) => Blog.Replace("MEMBER", member).Replace("BODY", body);

    [Fact]
    public Task A_lazy_initialization_through_the_field_keyword_is_idempotent() =>
        new Test(Source("private string Folder => field ??= Path.Combine(_root, \"posts\");", "return Path.Combine(Folder, slug);")).RunAsync();

    [Fact]
    public Task A_lazy_initialization_under_a_null_test_of_the_field_keyword_is_idempotent() =>
        new Test(Source("""
            private string Folder
            {
                get
                {
                    if (field is null)
                        field = Path.Combine(_root, "posts");
                    return field;
                }
            }
            """, "return Path.Combine(Folder, slug);")).RunAsync();

    // The message names the property: "Backing field of property 'NextTicket'", not '<NextTicket>k__BackingField'.
    [Fact]
    public Task A_read_modify_write_in_an_accessor_is_reported_by_its_property_name()
    {
        var test = new Test(Source("private int NextTicket => ++field;", "return slug + NextTicket;"));
        test.ExpectedDiagnostics.Add(new DiagnosticResult("EXG001", DiagnosticSeverity.Info).WithSpan(13, 31, 13, 38)
            .WithArguments("Backing field of property", "NextTicket", "modified", "handler 'Show'", ""));
        return test.RunAsync();
    }

    // IoTSharp's MQTT broker settings: loaded by whichever request asks first, under a test that the field is null and
    // TLS is on.
    private const string Certificate = """
        private string _name;

        private string Name
        {
            get
            {
                if (_name == null && _root.Length > 0)
                    _name = Path.GetFileName(_root);
                return _name;
            }
        }
        """;

    [Fact]
    public Task A_store_under_a_null_test_joined_by_and_is_a_lazy_initialization() =>
        new Test(Source(Certificate, "return Name + slug;")).RunAsync();

    // One that reads the field in its other condition keeps one request's value for the next: reported.
    [Fact]
    public Task A_store_under_a_test_joined_by_and_that_reads_the_field_again_is_reported() =>
        new Test(Source(Certificate.Replace("_root.Length > 0", "_name != _root").Replace("_name = Path.GetFileName(_root)", "{|EXG010:_name = Path.GetFileName(_root)|}"),
            "return Name + slug;")).RunAsync();

    [Fact]
    public Task A_certificate_loaded_lazily_is_idempotent() =>
        new Test(Source("""
            private X509Certificate2 _certificate;

            private X509Certificate2 Certificate
            {
                get
                {
                    if (_certificate == null && File.Exists(_root))
                        _certificate = X509Certificate2.CreateFromPemFile(_root);
                    return _certificate;
                }
            }
            """, "return Certificate.Subject + slug;")).RunAsync();

    // A timer made twice keeps running twice: still reported.
    [Fact]
    public Task A_timer_made_lazily_is_reported() =>
        new Test(Source("""
            private Timer _timer;

            private Timer Ticker
            {
                get
                {
                    if (_timer == null && _root.Length > 0)
                        {|EXG010:_timer = new Timer(_ => { }, null, 1000, 1000)|};
                    return _timer;
                }
            }
            """, "return Ticker.GetHashCode() + slug;")).RunAsync();

    // Technitium DNS Server's QUIC connection: a semaphore waited for with a timeout, the function leaving when it is not
    // taken; and the same wait tested the other way round.
    private const string Connection = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Connection
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private int _opened;

            [RequestHandler(PartitionBy = nameof(key))]
            public async Task<int> Open(string key, CancellationToken token)
            {
                BODY
            }
        }
        """;

    [Fact]
    public Task What_follows_a_timed_semaphore_wait_whose_failure_leaves_holds_the_semaphore() =>
        new Test(Connection.Replace("BODY", """
            if (!await _gate.WaitAsync(1000, token))
                    return -1;
                try
                {
                    return ++_opened;
                }
                finally
                {
                    _gate.Release();
                }
            """)).RunAsync();

    [Fact]
    public Task The_true_branch_of_a_timed_semaphore_wait_holds_the_semaphore() =>
        new Test(Connection.Replace("BODY", """
            if (await _gate.WaitAsync(1000, token))
                {
                    try { return ++_opened; } finally { _gate.Release(); }
                }
                return -1;
            """)).RunAsync();

    [Fact]
    public Task A_timed_semaphore_wait_whose_failure_goes_on_guards_nothing() =>
        new Test(Connection.Replace("BODY", """
            bool taken = await _gate.WaitAsync(1000, token);
                return {|EXG001:++_opened|};
            """)).RunAsync();

    // ShokoServer's SignalR hub (found once hubs stood in for handlers): the queue's Pause does its work synchronously and
    // returns Task.CompletedTask, so waiting for it blocks on nothing (EXG004).
    private const string Queue = """
        using System.Threading.Tasks;
        using ExecutorGen;

        public class QueueHandler
        {
            private bool _paused;

            PAUSE

            public async Task Drain() => await Task.Delay(1000);
        }

        public sealed class QueueHub
        {
            private readonly QueueHandler _queue = new QueueHandler();

            [RequestHandler(PartitionBy = nameof(paused))]
            public void ChangeState(bool paused)
            {
                WAIT;
            }
        }
        """;

    private static string Queued(string pause, string wait) => Queue.Replace("PAUSE", pause).Replace("WAIT", wait);

    [Theory]
    [InlineData("public Task Pause() { _paused = true; return Task.CompletedTask; }", "_queue.Pause().GetAwaiter().GetResult()")]
    [InlineData("public Task Pause() { _paused = true; return Task.CompletedTask; }", "_queue.Pause().ConfigureAwait(false).GetAwaiter().GetResult()")]
    [InlineData("public Task<bool> Pause() => Task.FromResult(_paused = true);", "_ = _queue.Pause().Result")]
    [InlineData("public ValueTask Pause() { if (_paused) return default; _paused = true; return ValueTask.CompletedTask; }", "_queue.Pause().GetAwaiter().GetResult()")]
    public Task Waiting_for_a_method_that_returns_only_completed_tasks_blocks_on_nothing(string pause, string wait) =>
        new BlockingWaitTest(Queued(pause, wait)).RunAsync();

    // The companions: a task that may still run, and a method an override could replace.
    [Theory]
    [InlineData("public Task Pause() { _paused = true; return Task.CompletedTask; }", "{|EXG004:_queue.Drain().GetAwaiter().GetResult()|}")]
    [InlineData("public Task Pause() { if (_paused) return Task.CompletedTask; return Drain(); }", "{|EXG004:_queue.Pause().GetAwaiter().GetResult()|}")]
    [InlineData("public virtual Task Pause() { _paused = true; return Task.CompletedTask; }", "{|EXG004:_queue.Pause().GetAwaiter().GetResult()|}")]
    public Task Waiting_for_a_task_that_may_still_run_is_reported(string pause, string wait) =>
        new BlockingWaitTest(Queued(pause, wait)).RunAsync();
}
