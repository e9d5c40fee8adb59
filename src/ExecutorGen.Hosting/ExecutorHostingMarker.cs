namespace ExecutorGen.Hosting;

/// <summary>
/// Present in every compilation that references ExecutorGen.Hosting: the ExecutorGen generator looks for this
/// type and, when it finds it, also emits <c>services.Add{Class}Executor(...)</c> for each executor.
/// </summary>
public static class ExecutorHostingMarker
{
}
