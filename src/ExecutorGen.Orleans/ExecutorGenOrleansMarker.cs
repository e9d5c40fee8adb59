namespace ExecutorGen.Orleans;

/// <summary>
/// Present in every compilation that references ExecutorGen.Orleans: the ExecutorGen generator looks for this type
/// and, when it finds it, also emits <c>{Class}ClusterExecutor</c> and <c>services.Add{Class}ClusterHandlers()</c>.
/// </summary>
public static class ExecutorGenOrleansMarker
{
}
