using System.ComponentModel;
using System.Threading.Tasks;

namespace ExecutorGen.Runtime;

/// <summary>
/// Helpers that generated dispatchers use to hand a handler's outcome to the caller of
/// <c>InvokeAsync</c>, for each supported handler return type. Completed tasks take no async path.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dispatch
{
    /// <summary>A void handler returned.</summary>
    public static ValueTask Completed(IRequestCompletion? completion)
    {
        (completion as RequestCompletion<VoidResult>)?.TrySetHandlerResult(default);
        return default;
    }

    /// <summary>A handler returned <paramref name="result"/>.</summary>
    public static ValueTask Completed<TResult>(IRequestCompletion? completion, TResult result)
    {
        (completion as RequestCompletion<TResult>)?.TrySetHandlerResult(result);
        return default;
    }

    /// <summary>A handler returned a <see cref="Task"/>.</summary>
    public static ValueTask Await(Task task, IRequestCompletion? completion)
    {
        if (task.Status == TaskStatus.RanToCompletion)
            return Completed(completion);
        return AwaitSlow(task, completion);

        static async ValueTask AwaitSlow(Task task, IRequestCompletion? completion)
        {
            await task.ConfigureAwait(false);
            (completion as RequestCompletion<VoidResult>)?.TrySetHandlerResult(default);
        }
    }

    /// <summary>A handler returned a <see cref="Task{TResult}"/>.</summary>
    public static ValueTask Await<TResult>(Task<TResult> task, IRequestCompletion? completion)
    {
        if (task.Status == TaskStatus.RanToCompletion)
            return Completed(completion, task.Result);
        return AwaitSlow(task, completion);

        static async ValueTask AwaitSlow(Task<TResult> task, IRequestCompletion? completion)
        {
            var result = await task.ConfigureAwait(false);
            (completion as RequestCompletion<TResult>)?.TrySetHandlerResult(result);
        }
    }

    /// <summary>A handler returned a <see cref="ValueTask"/>.</summary>
    public static ValueTask Await(ValueTask task, IRequestCompletion? completion)
    {
        if (task.IsCompletedSuccessfully)
        {
            task.GetAwaiter().GetResult(); // consume it: a pooled ValueTask source must be observed once
            return Completed(completion);
        }
        return AwaitSlow(task, completion);

        static async ValueTask AwaitSlow(ValueTask task, IRequestCompletion? completion)
        {
            await task.ConfigureAwait(false);
            (completion as RequestCompletion<VoidResult>)?.TrySetHandlerResult(default);
        }
    }

    /// <summary>A handler returned a <see cref="ValueTask{TResult}"/>.</summary>
    public static ValueTask Await<TResult>(ValueTask<TResult> task, IRequestCompletion? completion)
    {
        if (task.IsCompletedSuccessfully)
            return Completed(completion, task.Result);
        return AwaitSlow(task, completion);

        static async ValueTask AwaitSlow(ValueTask<TResult> task, IRequestCompletion? completion)
        {
            var result = await task.ConfigureAwait(false);
            (completion as RequestCompletion<TResult>)?.TrySetHandlerResult(result);
        }
    }
}
