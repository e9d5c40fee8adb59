using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Writes a handler's typed members (<c>Submit{H}Async</c>, <c>TrySubmit{H}</c>, <c>Invoke{H}Async</c>, and the plain
    /// overloads when its signature is unique) for both executors, in-process and cluster: they differ only in the
    /// request expression handed to <c>this._engine</c> and in a few words of documentation.
    /// </summary>
    internal static class HandlerMembersWriter
    {
        private const string Tasks = "global::System.Threading.Tasks.";
        private const string CancellationTokenType = "global::System.Threading.CancellationToken";

        /// <param name="w">The writer, inside the executor class.</param>
        /// <param name="handler">The handler.</param>
        /// <param name="contract">Whether the plain <c>SubmitAsync</c>/<c>TrySubmit</c>/<c>InvokeAsync</c> overloads are written too.</param>
        /// <param name="request">The C# expression of the request passed to the engine.</param>
        /// <param name="invokeSummaryEnd">How the <c>Invoke</c> summary ends ("run", "run on the cluster").</param>
        /// <param name="faultDoc">How the <c>Invoke</c> returns doc describes a failure.</param>
        public static void Write(IndentedWriter w, HandlerModel handler, bool contract, string request, string invokeSummaryEnd, string faultDoc)
        {
            string parameters = string.Join(", ", handler.Parameters.Select(p => p.Type + " " + Parser.Escape(p.Name)));
            string token = Emitter.TokenParameterName(handler);
            string tokenParameter = $"{CancellationTokenType} {token} = default";
            string withToken = parameters.Length == 0 ? tokenParameter : parameters + ", " + tokenParameter;
            string invokeReturn = handler.ReturnsValue ? $"{Tasks}Task<{handler.ResultType}>" : Tasks + "Task";
            string invokeCall = handler.ReturnsValue ? $"InvokeAsync<{handler.ResultType}>" : "InvokeAsync";

            foreach (var name in Names(contract, $"Submit{handler.BaseName}Async", "SubmitAsync"))
            {
                w.WriteLine();
                w.WriteLine($"/// <summary>Queues a request for <c>{handler.Name}</c>; while the executor is full under <see cref=\"global::ExecutorGen.QueueFullMode.Wait\"/>, waits for room.</summary>");
                WriteParamDocs(w, handler);
                w.WriteLine($"/// <param name=\"{token}\">Stops waiting for room; it does not cancel a queued request.</param>");
                w.WriteLine("/// <returns>A task that completes when the request has been queued.</returns>");
                w.WriteLine("/// <exception cref=\"global::ExecutorGen.RequestRejectedException\">The executor is full under <see cref=\"global::ExecutorGen.QueueFullMode.Reject\"/>, or shutting down.</exception>");
                w.WriteLine($"{handler.Accessibility} {Tasks}ValueTask {name}({withToken}) => this._engine.SubmitAsync({request}, {token});");
            }

            foreach (var name in Names(contract, $"TrySubmit{handler.BaseName}", "TrySubmit"))
            {
                w.WriteLine();
                w.WriteLine($"/// <summary>Queues a request for <c>{handler.Name}</c> if that needs no waiting.</summary>");
                WriteParamDocs(w, handler);
                w.WriteLine("/// <returns><see langword=\"true\"/> when the request was queued; <see langword=\"false\"/> when the executor is full or shutting down.</returns>");
                w.WriteLine($"{handler.Accessibility} bool {name}({parameters}) => this._engine.TrySubmit({request});");
            }

            foreach (var name in Names(contract, $"Invoke{handler.BaseName}Async", "InvokeAsync"))
            {
                w.WriteLine();
                w.WriteLine($"/// <summary>Queues a request for <c>{handler.Name}</c> and waits for the handler to {invokeSummaryEnd}.</summary>");
                WriteParamDocs(w, handler);
                w.WriteLine($"/// <param name=\"{token}\">Stops waiting for room in the queue; it does not cancel a queued request.</param>");
                w.WriteLine(handler.ReturnsValue
                    ? $"/// <returns>The handler's result; {faultDoc}.</returns>"
                    : $"/// <returns>A task that completes when the handler has run; {faultDoc}.</returns>");
                w.WriteLine($"{handler.Accessibility} {invokeReturn} {name}({withToken}) => this._engine.{invokeCall}({request}, {token});");
            }
        }

        private static string[] Names(bool contract, string named, string plain) => contract ? new[] { named, plain } : new[] { named };

        private static void WriteParamDocs(IndentedWriter w, HandlerModel handler)
        {
            foreach (var parameter in handler.Parameters)
                w.WriteLine($"/// <param name=\"{parameter.Name}\">The handler's <c>{parameter.Name}</c> argument.</param>");
        }
    }
}
