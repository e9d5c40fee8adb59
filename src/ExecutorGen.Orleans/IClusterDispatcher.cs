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
}
