namespace ExecutorGen.Generators;

/// <summary>
/// The names generated code uses for framework, ExecutorGen and Microsoft.Extensions types, each written once.
/// All are <c>global::</c>-qualified: generated code sits in the user's namespace, where a type named <c>System</c>,
/// <c>Task</c> or <c>ExecutorGen</c> would otherwise capture the name.
/// </summary>
internal static class TypeNames
{
    public const string Tasks = "global::System.Threading.Tasks.";
    public const string Task = Tasks + "Task";
    public const string ValueTask = Tasks + "ValueTask";
    public const string CancellationToken = "global::System.Threading.CancellationToken";
    public const string TimeSpan = "global::System.TimeSpan";
    public const string Action = "global::System.Action";
    public const string EventHandler = "global::System.EventHandler";
    public const string AsyncDisposable = "global::System.IAsyncDisposable";
    public const string ArgumentException = "global::System.ArgumentException";
    public const string ArgumentNullException = "global::System.ArgumentNullException";
    public const string InvalidOperationException = "global::System.InvalidOperationException";
    public const string ArgumentOutOfRangeException = "global::System.ArgumentOutOfRangeException";
    public const string NoArguments = "global::System.Array.Empty<object?>()";
    public const string ReadOnlySpan = "global::System.ReadOnlySpan";
    public const string IReadOnlyList = "global::System.Collections.Generic.IReadOnlyList";

    /// <summary>The public namespace of the runtime package, with a trailing dot.</summary>
    public const string ExecutorGen = "global::ExecutorGen.";
    public const string ExecutorOptions = ExecutorGen + "ExecutorOptions";
    public const string ShutdownMode = ExecutorGen + "ShutdownMode";
    public const string ShutdownReport = ExecutorGen + "ShutdownReport";

    /// <summary>The engine's namespace (public for generated code, not for users), with a trailing dot.</summary>
    public const string Runtime = "global::ExecutorGen.Runtime.";
    public const string NoPartitionKey = Runtime + "NoPartitionKey";

    /// <summary>The Orleans adapter's namespace, with a trailing dot.</summary>
    public const string Orleans = "global::ExecutorGen.Orleans.";

    public const string ServiceCollection = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";
    public const string ServiceCollectionDescriptorExtensions =
        "global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions";
    public const string ServiceProviderServiceExtensions =
        "global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions";
}
