namespace ExecutorGen.Tests;

/// <summary>An engine with one worker held busy by a first request until <see cref="Release"/>.</summary>
internal sealed class BlockedEngine
{
    private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BlockedEngine(ExecutorOptions options) => Engine = Engines.Create(options);

    public ExecutorGen.Runtime.ExecutorEngine<string, Work, WorkDispatcher> Engine { get; }

    public async Task BlockAsync()
    {
        await Engine.SubmitAsync(Engines.Work("blocker", -1, async (w, _) =>
        {
            _started.SetResult();
            await _gate.Task;
            return w.Id;
        }), default);
        await _started.Task;
    }

    public void Release() => _gate.TrySetResult();
}
