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
}
