using ExecutorGen.Benchmarks.Peers;
using ExecutorGen.Benchmarks.Runs;
using ExecutorGen.Benchmarks.Workload;

namespace ExecutorGen.Benchmarks.Tests;

public class ContractTests
{
    public static TheoryData<PeerKind, HandlerShape> Peers()
    {
        var data = new TheoryData<PeerKind, HandlerShape>();
        foreach (var kind in Enum.GetValues<PeerKind>())
        {
            data.Add(kind, HandlerShape.Compute);
            data.Add(kind, HandlerShape.Delay);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Peers))]
    public async Task Every_peer_handles_each_request_once_and_in_key_order_through_full_queues(PeerKind kind, HandlerShape shape)
    {
        string? failure = await ContractCheck.CheckAsync(kind, shape, shape == HandlerShape.Compute ? 20_000 : 1_000);

        Assert.Null(failure);
    }

    [Theory]
    [InlineData(PeerKind.PerKey, 1)]
    [InlineData(PeerKind.PerKey, 16)]
    [InlineData(PeerKind.PerKey, 128)]
    [InlineData(PeerKind.PerPartition, 16)]
    public async Task The_batch_handlers_of_W5_handle_each_request_once_and_in_key_order_through_full_queues(PeerKind ordering, int maxBatchSize)
    {
        string? failure = await ContractCheck.CheckBatchesAsync(ordering, maxBatchSize, 20_000);

        Assert.Null(failure);
    }

    [Fact]
    public void The_order_check_counts_a_request_that_overtakes_its_key()
    {
        var work = new Work();
        work.EnableOrderCheck(keyCount: 2);
        work.Countdown.Reset([new BenchRequest(0, 0), new BenchRequest(0, 1), new BenchRequest(1, 0)]);

        work.Compute(new BenchRequest(0, 1));
        work.Compute(new BenchRequest(1, 0));
        work.Compute(new BenchRequest(0, 0));

        Assert.Equal(2, work.OrderViolations); // key 0 ran 1 before 0: both are out of sequence
    }

    [Fact]
    public void Routing_of_the_hand_written_peers_spreads_keys_over_every_partition_and_never_goes_negative()
    {
        var counts = new int[8];
        foreach (int key in new[] { int.MinValue, -1, 0, 1, int.MaxValue }.Concat(Enumerable.Range(0, 10_000)))
            counts[Routing.Partition(key, counts.Length)]++;

        Assert.All(counts, c => Assert.InRange(c, 1_000, 1_600));
    }

    [Fact]
    public async Task The_channels_peer_counts_every_submission_including_those_that_waited_for_room()
    {
        var work = new Work();
        var requests = RequestSet.Create(5_000, 10);
        await using var executor = new ChannelsExecutor<ComputeHandler>(workerCount: 2, capacity: 8, new ComputeHandler(work));

        await Driver.RunAsync(executor, work, requests);

        Assert.Equal(requests.Length, executor.SubmittedCount);
    }
}
