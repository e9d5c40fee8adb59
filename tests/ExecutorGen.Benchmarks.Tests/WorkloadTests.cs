using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Tests;

public class WorkloadTests
{
    [Fact]
    public void The_countdown_completes_with_the_last_request_of_the_run_and_not_before()
    {
        var requests = RequestSet.Create(1_000, 100);
        var countdown = new Countdown();
        countdown.Reset(requests);

        foreach (var request in requests.Skip(1))
            countdown.Signal(request.Key);
        Assert.False(countdown.WhenDone.IsCompleted);

        countdown.Signal(requests[0].Key);
        Assert.True(countdown.WhenDone.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_reset_countdown_waits_for_the_new_run()
    {
        var countdown = new Countdown();
        countdown.Reset([]);
        Assert.True(countdown.WhenDone.IsCompleted);

        countdown.Reset([new BenchRequest(5, 0)]);
        Assert.False(countdown.WhenDone.IsCompleted);
    }

    [Fact]
    public void Request_sets_number_each_keys_requests_from_zero_in_submission_order()
    {
        var requests = RequestSet.Create(5_000, 50);

        Assert.Equal(50, requests.Select(r => r.Key).Distinct().Count());
        foreach (var key in requests.GroupBy(r => r.Key))
            Assert.Equal(Enumerable.Range(0, key.Count()), key.Select(r => r.Sequence));
    }

    [Fact]
    public void Request_sets_refuse_an_empty_size()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RequestSet.Create(0, 10));
        Assert.Equal("count", e.ParamName);
    }
}
