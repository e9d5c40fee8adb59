namespace ExecutorGen.Tests;

/// <summary>Requests whose handler holds its worker until the test opens that request's own gate (by id).</summary>
internal sealed class Gates
{
    private readonly TaskCompletionSource[] _gates;

    public Gates(int count) =>
        _gates = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();

    public Work Work(string? key, int id) => Engines.Work(key, id, async (w, _) =>
    {
        await _gates[w.Id].Task;
        return w.Id;
    });

    public void Open(int id) => _gates[id].TrySetResult();

    public void OpenAll()
    {
        foreach (var gate in _gates)
            gate.TrySetResult();
    }
}
