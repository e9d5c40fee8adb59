using System.Threading.Tasks;

namespace ExecutorGen.Orleans;

/// <summary>Adapts handler return types to <see cref="IClusterDispatcher.DispatchAsync"/>; called by generated dispatchers.</summary>
public static class ClusterDispatch
{
    /// <summary>Waits for a <see cref="Task"/> handler; no result.</summary>
    /// <param name="task">The handler's task.</param>
    public static async ValueTask<object?> Await(Task task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    /// <summary>Waits for a <see cref="ValueTask"/> handler; no result.</summary>
    /// <param name="task">The handler's task.</param>
    public static async ValueTask<object?> Await(ValueTask task)
    {
        await task.ConfigureAwait(false);
        return null;
    }

    /// <summary>Waits for a <see cref="Task{TResult}"/> handler and boxes its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The handler's task.</param>
    public static async ValueTask<object?> Await<T>(Task<T> task) => await task.ConfigureAwait(false);

    /// <summary>Waits for a <see cref="ValueTask{TResult}"/> handler and boxes its result.</summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="task">The handler's task.</param>
    public static async ValueTask<object?> Await<T>(ValueTask<T> task) => await task.ConfigureAwait(false);
}
