using ExecutorGen.Benchmarks.Peers;

namespace ExecutorGen.Benchmarks.Workload;

/// <summary>Submits a request stream from one producer and waits until every request was handled.</summary>
public static class Driver
{
    /// <summary>Arms <paramref name="work"/>'s countdown, submits <paramref name="requests"/> in order, waits for the last completion.</summary>
    public static async Task RunAsync(IBenchExecutor executor, Work work, BenchRequest[] requests)
    {
        work.Countdown.Reset(requests);
        foreach (var request in requests)
        {
            var accepted = executor.SubmitAsync(request);
            if (!accepted.IsCompletedSuccessfully)
                await accepted.ConfigureAwait(false);
        }
        await work.Countdown.WhenDone.ConfigureAwait(false);
    }
}
