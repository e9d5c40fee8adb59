using System;

namespace ExecutorGen;

/// <summary>
/// Marks a method as a request handler. The ExecutorGen source generator emits an executor type
/// named <c>{HandlerClass}Executor</c> next to the handler class, with typed <c>SubmitAsync</c>,
/// <c>TrySubmit</c> and <c>InvokeAsync</c> overloads for every handler of the class.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class RequestHandlerAttribute : Attribute
{
    /// <summary>
    /// The name of the handler parameter, or of a property or field of the handler's single request
    /// parameter, whose value is the partition key. Requests with equal keys run one at a time, in
    /// submission order, across all handlers of the class. When <see langword="null"/>, requests to
    /// this handler are unordered.
    /// </summary>
    public string? PartitionBy { get; set; }

    /// <summary>
    /// Makes the handler a batch handler: its request parameter is an <c>IReadOnlyList&lt;T&gt;</c> (optionally followed
    /// by a <see cref="System.Threading.CancellationToken"/>), the executor's members for it take one <c>T</c>, and the
    /// executor hands the handler up to this many queued requests of one key at a time, in submission order, in one
    /// call. It never waits for a batch to fill: a batch is what is queued for the key when the handler is free.
    /// <c>PartitionBy</c> then names a member of <c>T</c>. Zero (the default) means a handler of single requests.
    /// A batch handler returns <see langword="void"/>, <see cref="System.Threading.Tasks.Task"/> or
    /// <see cref="System.Threading.Tasks.ValueTask"/>.
    /// </summary>
    public int MaxBatchSize { get; set; }
}
