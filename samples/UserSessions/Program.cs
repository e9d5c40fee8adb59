using ExecutorGen;
using UserSessions;

// Pushes login → updates → logout for many users through the generated executor, shows it live (a terminal
// dashboard, or plain progress lines when output is redirected), then checks that every user's requests ran in
// order. Exit code 0 only when they did.
const int Users = 2_000;
const int UpdatesPerUser = 3;
int total = Users * (UpdatesPerUser + 2);

var handlers = new SessionHandlers();
var options = new ExecutorOptions { WorkerCount = 8, Capacity = 1_000 };
await using var executor = new SessionHandlersExecutor(handlers, options);
var dashboard = new Dashboard(executor, total + 1, live: !Console.IsOutputRedirected);

Console.WriteLine($"UserSessions: {Users:N0} users, {total:N0} requests, {options.WorkerCount} workers, capacity {options.Capacity:N0}");
var workload = RunWorkloadAsync(executor);
await dashboard.RunAsync(workload);
int entries = await workload;
Console.WriteLine($"InvokeAsync returned: user-0 now has {entries} history entries");

var report = await executor.ShutdownAsync(ShutdownMode.Drain);
var metrics = executor.GetMetrics();
Console.WriteLine(Dashboard.PlainLine(metrics, total + 1));
Console.WriteLine($"Shutdown: completed {report.Completed:N0}, unprocessed {report.Unprocessed.Count}, timed out {report.TimedOut}");
Console.WriteLine($"Queue time p50 {metrics.QueueTime.P50.TotalMilliseconds:F2} ms, p99 {metrics.QueueTime.P99.TotalMilliseconds:F2} ms; " +
                  $"processing p99 {metrics.ProcessingTime.P99.TotalMilliseconds:F2} ms");

var expected = new List<string> { "login" };
expected.AddRange(Enumerable.Range(1, UpdatesPerUser).Select(i => "update " + i));
expected.Add("logout");
int outOfOrder = 0;
for (int user = 0; user < Users; user++)
{
    var history = handlers.History["user-" + user];
    var required = user == 0 ? expected.Append("update " + (UpdatesPerUser + 1)) : expected;
    if (!history.SequenceEqual(required))
    {
        if (outOfOrder++ < 5)
            Console.WriteLine($"  user-{user} ran out of order: {string.Join(" → ", history)}");
    }
}

bool ok = outOfOrder == 0 && metrics.Completed == total + 1 && metrics.DeadLettered == 0;
Console.WriteLine(ok
    ? $"OK: all {Users:N0} users' requests ran in order (login → {UpdatesPerUser} updates → logout)."
    : $"FAILED: {outOfOrder} users out of order; completed {metrics.Completed:N0} of {total + 1:N0}.");
return ok ? 0 : 1;

// Interleave users so that many keys are in flight at once; each user's own requests stay in order.
static async Task<int> RunWorkloadAsync(SessionHandlersExecutor executor)
{
    for (int round = 0; round < UpdatesPerUser + 2; round++)
    {
        for (int user = 0; user < Users; user++)
        {
            string userId = "user-" + user;
            if (round == 0)
                await executor.SubmitAsync(userId);
            else if (round <= UpdatesPerUser)
                await executor.SubmitAsync(new UpdateRequest(userId, round, "change " + round));
            else
                await executor.SubmitAsync(new LogoutRequest(userId));
        }
    }

    // InvokeAsync waits for the handler and returns its result.
    return await executor.InvokeAsync(new UpdateRequest("user-0", UpdatesPerUser + 1, "after logout"));
}
