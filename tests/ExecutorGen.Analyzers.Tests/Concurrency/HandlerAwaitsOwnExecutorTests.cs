using System.Threading.Tasks;
using Xunit;
using FixTest = ExecutorGen.Analyzers.Tests.CodeFixTest<
    ExecutorGen.Analyzers.HandlerAwaitsOwnExecutorAnalyzer,
    ExecutorGen.CodeFixes.SubmitInsteadOfInvokeCodeFixProvider>;
using Test = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.HandlerAwaitsOwnExecutorAnalyzer>;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>EXG009. The generated executors are stood in for by hand-written classes of the same names.</summary>
public class HandlerAwaitsOwnExecutorTests
{
    private const string Executors = """

        public sealed class SessionsExecutor
        {
            public Task InvokeAsync(string userId, CancellationToken cancellationToken = default) => Task.CompletedTask;
            public Task<int> InvokeCountAsync(string userId, CancellationToken cancellationToken = default) => Task.FromResult(0);
            public ValueTask SubmitAsync(string userId, CancellationToken cancellationToken = default) => default;
            public ValueTask SubmitCountAsync(string userId, CancellationToken cancellationToken = default) => default;
        }

        public sealed class SessionsClusterExecutor
        {
            public Task InvokeAsync(string userId, CancellationToken cancellationToken = default) => Task.CompletedTask;
        }

        public sealed class AuditExecutor
        {
            public Task InvokeAsync(string line, CancellationToken cancellationToken = default) => Task.CompletedTask;
        }
        """;

    private static Task Verify(string members) => new Test($$"""
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public class Sessions
        {
            private readonly SessionsExecutor _executor = new();
            private readonly SessionsClusterExecutor _cluster = new();
            private readonly AuditExecutor _audit = new();

        {{members}}
        }
        {{Executors}}
        """).RunAsync();

    // Must flag.

    [Fact]
    public Task An_awaited_invoke_of_the_own_executor() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId) => await {|EXG009:_executor.InvokeAsync(userId)|};
        """);

    [Fact]
    public Task An_awaited_named_invoke_through_ConfigureAwait_whose_result_is_used() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task<int> Login(string userId)
            {
                await Task.Yield();
                return await {|EXG009:_executor.InvokeCountAsync(userId)|}.ConfigureAwait(false);
            }
        """);

    [Theory]
    [InlineData(".GetAwaiter().GetResult()")]
    [InlineData(".Wait()")]
    [InlineData(".Result")]
    public Task A_blocking_wait_on_an_invoke(string wait) => Verify($$"""
            [RequestHandler(PartitionBy = nameof(userId))]
            public void Login(string userId) => _ = {|EXG009:_executor.InvokeCountAsync(userId)|}{{wait}};
        """.Replace("_ = {|EXG009:_executor.InvokeCountAsync(userId)|}.Wait()", "{|EXG009:_executor.InvokeCountAsync(userId)|}.Wait()"));

    [Fact]
    public Task An_awaited_invoke_of_the_own_cluster_executor() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId) => await {|EXG009:_cluster.InvokeAsync(userId)|};
        """);

    // Must not flag.

    [Fact]
    public Task A_submit_an_invoke_of_another_classes_executor_and_a_task_passed_on() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId)
            {
                await _executor.SubmitAsync(userId);
                await _audit.InvokeAsync(userId);
                var pending = _executor.InvokeAsync(userId);
                Keep(pending);
            }

            private static void Keep(Task task) { }
        """);

    [Fact]
    public Task An_invoke_in_a_lambda_or_outside_a_handler() => Verify("""
            [RequestHandler(PartitionBy = nameof(userId))]
            public void Login(string userId) => Task.Run(async () => await _executor.InvokeAsync(userId));

            public async Task NotAHandler(string userId) => await _executor.InvokeAsync(userId);
        """);

    // Code fix.

    [Fact]
    public Task An_awaited_statement_becomes_a_submit() => new FixTest($$"""
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public class Sessions
        {
            private readonly SessionsExecutor _executor = new();

            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId)
            {
                await {|EXG009:_executor.InvokeCountAsync(userId)|}.ConfigureAwait(false);
                await {|EXG009:_executor.InvokeAsync(userId)|};
            }
        }
        {{Executors}}
        """, $$"""
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public class Sessions
        {
            private readonly SessionsExecutor _executor = new();

            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId)
            {
                await _executor.SubmitCountAsync(userId).ConfigureAwait(false);
                await _executor.SubmitAsync(userId);
            }
        }
        {{Executors}}
        """).RunAsync();

    [Fact]
    public Task No_fix_where_the_result_is_used()
    {
        const string Source = $$"""
            using System.Threading;
            using System.Threading.Tasks;
            using ExecutorGen;

            public class Sessions
            {
                private readonly SessionsExecutor _executor = new();

                [RequestHandler(PartitionBy = nameof(userId))]
                public async Task<int> Login(string userId) => await {|EXG009:_executor.InvokeCountAsync(userId)|} + 1;
            }
            {{Executors}}
            """;
        return new FixTest(Source, Source).RunAsync();
    }
}
