namespace ExecutorGen.Tests;

public sealed record UpdateRequest(int UserId, int Sequence);

public readonly record struct LogoutRequest(int UserId, string Reason);

/// <summary>Three request types, one key space: a user's login, updates and logout must run in that order.</summary>
public sealed class SessionHandlers
{
    private readonly List<string>[] _history;
    private readonly int[] _running;
    private int _overlaps;

    public SessionHandlers(int users)
    {
        _history = Enumerable.Range(0, users).Select(_ => new List<string>()).ToArray();
        _running = new int[users];
    }

    public IReadOnlyList<List<string>> History => _history;

    public int Overlaps => Volatile.Read(ref _overlaps);

    [RequestHandler(PartitionBy = nameof(userId))]
    public async Task Login(int userId, CancellationToken cancellationToken)
    {
        Enter(userId);
        if (userId % 16 == 0)
            await Task.Yield();
        Leave(userId, "login");
    }

    [RequestHandler(PartitionBy = nameof(UpdateRequest.UserId))]
    public ValueTask<int> Update(UpdateRequest request)
    {
        Enter(request.UserId);
        Leave(request.UserId, "update " + request.Sequence);
        return new ValueTask<int>(_history[request.UserId].Count);
    }

    [RequestHandler(PartitionBy = nameof(LogoutRequest.UserId))]
    public void Logout(LogoutRequest request)
    {
        Enter(request.UserId);
        Leave(request.UserId, "logout");
    }

    [RequestHandler]
    public static string Echo(string text) => text;

    private void Enter(int userId)
    {
        if (Interlocked.Exchange(ref _running[userId], 1) != 0)
            Interlocked.Increment(ref _overlaps);
    }

    private void Leave(int userId, string step)
    {
        _history[userId].Add(step);
        Volatile.Write(ref _running[userId], 0);
    }
}

public static class Pairs
{
    [RequestHandler(PartitionBy = nameof(left))]
    public static int Add(int left, int right) => left + right;
}

public readonly record struct ShipRequest(int OrderId, string Method);

/// <summary>A handler that holds its worker until its token is cancelled.</summary>
public sealed class GatedHandlers
{
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Shipped { get; private set; }

    [RequestHandler(PartitionBy = nameof(order))]
    public async Task Hold(int order, CancellationToken cancellationToken)
    {
        Started.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [RequestHandler(PartitionBy = nameof(ShipRequest.OrderId))]
    public void Ship(ShipRequest request)
    {
        if (request.Method == "fail")
            throw new InvalidOperationException("cannot ship");
        Shipped++;
    }
}

public class GeneratedExecutorTests
{
    [Theory]
    [InlineData(Ordering.PerKey)]
    [InlineData(Ordering.PerPartition)]
    public async Task Login_update_logout_of_each_user_run_in_order_across_handlers(Ordering ordering)
    {
        const int Users = 1_000, Updates = 98; // 100 requests per user, 100,000 in all
        var handlers = new SessionHandlers(Users);
        var executor = new SessionHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 8, Ordering = ordering });

        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(async () =>
        {
            for (int user = p; user < Users; user += 4)
                await executor.SubmitAsync(user);
            for (int sequence = 1; sequence <= Updates; sequence++)
            {
                for (int user = p; user < Users; user += 4)
                {
                    if (!executor.TrySubmit(new UpdateRequest(user, sequence)))
                        await executor.SubmitAsync(new UpdateRequest(user, sequence));
                }
            }
            for (int user = p; user < Users; user += 4)
                await executor.SubmitAsync(new LogoutRequest(user, "done"));
        })).ToArray();
        await Task.WhenAll(producers);
        var report = await executor.ShutdownAsync();
        var metrics = executor.GetMetrics();

        var expected = new[] { "login" }.Concat(Enumerable.Range(1, Updates).Select(i => "update " + i)).Append("logout").ToArray();
        Assert.All(handlers.History, history => Assert.Equal(expected, history));
        Assert.Equal(0, handlers.Overlaps);
        Assert.Equal(Users * (Updates + 2), metrics.Completed);
        Assert.Equal(metrics.Submitted, metrics.Completed);
        Assert.Empty(report.Unprocessed);
    }

    [Fact]
    public async Task InvokeAsync_returns_the_handlers_result_for_each_return_shape()
    {
        await using var executor = new SessionHandlersExecutor(new SessionHandlers(4), new ExecutorOptions { WorkerCount = 2 });
        await executor.InvokeAsync(1);
        Assert.Equal(2, await executor.InvokeAsync(new UpdateRequest(1, 1)));
        await executor.InvokeAsync(new LogoutRequest(1, "bye"));
        Assert.Equal("hello", await executor.InvokeAsync("hello"));
    }

    [Fact]
    public async Task A_generated_executor_pauses_and_resumes()
    {
        var handlers = new SessionHandlers(4);
        await using var executor = new SessionHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 2 });
        executor.Pause();
        await executor.SubmitAsync(1);
        var update = executor.InvokeAsync(new UpdateRequest(1, 1));
        await Task.Delay(50);

        Assert.False(update.IsCompleted);
        Assert.Equal(ExecutorState.Paused, executor.GetMetrics().State);
        executor.Resume();
        Assert.Equal(2, await update);
    }

    [Fact]
    public async Task A_generated_executor_sets_its_worker_count()
    {
        var handlers = new SessionHandlers(4);
        await using var executor = new SessionHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 2 });

        executor.SetWorkerCount(5);
        await executor.SubmitAsync(1);

        Assert.Equal(5, executor.GetMetrics().WorkerCount);
        Assert.Equal(2, await executor.InvokeAsync(new UpdateRequest(1, 1)));
        executor.SetWorkerCount(1);
        Assert.Equal(1, executor.GetMetrics().WorkerCount);
        Assert.Equal("workerCount", Assert.Throws<ArgumentOutOfRangeException>(() => executor.SetWorkerCount(0)).ParamName);
    }

    [Fact]
    public async Task A_static_handler_class_gets_an_executor_without_an_instance()
    {
        await using var executor = new PairsExecutor(new ExecutorOptions { WorkerCount = 2 });
        Assert.Equal(5, await executor.InvokeAsync(2, 3));
    }

    [Fact]
    public async Task Cancel_shutdown_cancels_the_running_handler_and_reports_queued_ones_with_key_and_arguments()
    {
        var handlers = new GatedHandlers();
        var executor = new GatedHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 1 });
        var held = executor.InvokeAsync(1);
        await handlers.Started.Task;
        await executor.SubmitAsync(new ShipRequest(1, "express"));
        var report = await executor.ShutdownAsync(ShutdownMode.Cancel);

        var unprocessed = Assert.Single(report.Unprocessed);
        Assert.Equal("Ship", unprocessed.Handler);
        Assert.Equal(1, unprocessed.Key);
        Assert.Equal(new ShipRequest(1, "express"), Assert.Single(unprocessed.Arguments));
        Assert.True(held.IsCanceled);
        var metrics = executor.GetMetrics();
        Assert.Equal(1, metrics.Cancelled);
        Assert.Equal(0, handlers.Shipped);
    }

    [Fact]
    public async Task A_null_request_whose_member_is_the_key_is_refused_by_parameter_name()
    {
        await using var executor = new SessionHandlersExecutor(new SessionHandlers(1), new ExecutorOptions { WorkerCount = 1, Capacity = 1 });
        var error = await Assert.ThrowsAsync<ArgumentNullException>(async () => await executor.SubmitAsync((UpdateRequest)null!));
        Assert.Equal("request", error.ParamName);
        Assert.Throws<ArgumentNullException>(() => executor.TrySubmit((UpdateRequest)null!));
        Assert.Equal(0, executor.GetMetrics().Submitted);
        Assert.True(executor.TrySubmitLogin(0)); // the refused requests took no capacity
    }

    [Fact]
    public async Task A_generated_executor_pauses_a_failed_key_and_resumes_it_by_its_typed_key()
    {
        var handlers = new GatedHandlers();
        var executor = new GatedHandlersExecutor(handlers, new ExecutorOptions { WorkerCount = 1, DeadLetterPolicy = DeadLetterPolicy.PauseKey });
        await Assert.ThrowsAsync<InvalidOperationException>(() => executor.InvokeShipAsync(new ShipRequest(4, "fail")));
        await executor.SubmitAsync(new ShipRequest(4, "later"));
        Assert.Equal(1, executor.GetMetrics().PausedKeys);
        Assert.Equal(0, handlers.Shipped);

        Assert.True(executor.ResumeKey(4));
        await executor.ShutdownAsync();
        Assert.Equal(1, handlers.Shipped);
    }

    [Fact]
    public void A_null_handler_instance_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new SessionHandlersExecutor(null!));
        Assert.Equal("handlers", error.ParamName);
    }
}
