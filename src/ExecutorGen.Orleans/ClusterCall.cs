namespace ExecutorGen.Orleans;

/// <summary>One request as the generated cluster executor hands it to <see cref="ClusterExecutorEngine"/>.</summary>
/// <param name="Handler">The handler's index in its class.</param>
/// <param name="HandlerName">The handler method's name (for dead letters and shutdown reports).</param>
/// <param name="Keyed">Whether the handler has a partition key; unkeyed requests are spread over the client's unordered lanes.</param>
/// <param name="Key">The partition key.</param>
/// <param name="Arguments">The handler's arguments, without the cancellation token.</param>
public readonly record struct ClusterCall(int Handler, string HandlerName, bool Keyed, object? Key, object?[] Arguments);
