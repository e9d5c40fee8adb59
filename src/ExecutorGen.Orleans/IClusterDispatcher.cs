using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace ExecutorGen.Orleans;

/// <summary>
/// Calls one handler class's handlers on a silo. Generated for every handler class
/// (<c>{Class}ClusterExecutor.Dispatcher</c>) and registered by the generated <c>services.Add{Class}ClusterHandlers()</c>.
/// </summary>
public interface IClusterDispatcher
{
    /// <summary>Calls a handler.</summary>
    /// <param name="handler">The handler's index in its class, in declaration order.</param>
    /// <param name="arguments">Its arguments, without the cancellation token.</param>
    /// <param name="cancellationToken">Passed to handlers that take one.</param>
    /// <returns>The handler's result, or <see langword="null"/> for a handler without one.</returns>
    ValueTask<object?> DispatchAsync(int handler, object?[] arguments, CancellationToken cancellationToken);

    // The batch members: a class without batch handlers (RequestHandlerAttribute.MaxBatchSize) implements neither.

    /// <summary>The most requests the handler takes in one call; 0 for a handler of single requests.</summary>
    /// <param name="handler">The handler's index in its class.</param>
    int GetMaxBatchSize(int handler) => 0;

    /// <summary>
    /// Calls a batch handler once with the items of several requests (each request's arguments are its one item), in
    /// submission order. The handler may keep the list it is given.
    /// </summary>
    /// <param name="handler">The batch handler's index in its class.</param>
    /// <param name="arguments">The requests' arguments, oldest first.</param>
    /// <param name="cancellationToken">Passed to handlers that take one.</param>
    ValueTask DispatchBatchAsync(int handler, IReadOnlyList<object?[]> arguments, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("The dispatcher has no batch handlers.");
}
