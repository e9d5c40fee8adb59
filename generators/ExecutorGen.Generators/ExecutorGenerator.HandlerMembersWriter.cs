using System.Collections.Generic;
using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Writes a handler's typed members (<c>Submit{H}Async</c>, <c>TrySubmit{H}</c>, <c>Invoke{H}Async</c>, and the plain
    /// overloads when its request types are its own) for both executors, in-process and cluster: they differ only in the
    /// request expression handed to <c>this._engine</c> and in a few words of documentation. The plain overloads inherit
    /// the documentation of the named members.
    /// </summary>
    internal static class HandlerMembersWriter
    {
        /// <param name="w">The writer, inside the executor class.</param>
        /// <param name="executor">The executor, whose other handlers decide how a named member is referred to.</param>
        /// <param name="handler">The handler.</param>
        /// <param name="request">The C# expression of the request passed to the engine.</param>
        /// <param name="invokeSummaryEnd">How the <c>Invoke</c> summary ends ("run", "run on the cluster").</param>
        /// <param name="faultDoc">How the <c>Invoke</c> returns doc describes a failure.</param>
        /// <param name="invokeExceptionDoc">An <c>exception</c> doc element the <c>Invoke</c> members add, if any.</param>
        public static void Write(IndentedWriter w, ExecutorModel executor, HandlerModel handler, string request, string invokeSummaryEnd, string faultDoc,
            string? invokeExceptionDoc = null)
        {
            var parameters = handler.Parameters.Select(p => p.Type + " " + p.Identifier).ToList();
            string token = Emitter.TokenParameterName(handler);
            var withToken = parameters.Concat(new[] { $"{TypeNames.CancellationToken} {token} = default" }).ToList();
            string invokeReturn = handler.ReturnsValue ? $"{TypeNames.Task}<{handler.ResultType}>" : TypeNames.Task;
            string invokeCall = handler.ReturnsValue ? $"InvokeAsync<{handler.ResultType}>" : "InvokeAsync";
            // A named member is overloaded where two handlers share a base name (Update(A), Update(B)): a cref then needs the types.
            bool overloaded = executor.Handlers.Count(h => h.BaseName == handler.BaseName) > 1;

            var submit = new NamedMember($"Submit{handler.BaseName}Async", "SubmitAsync", takesToken: true, overloaded);
            submit.Write(w, handler, () =>
            {
                w.WriteDoc($"<summary>Queues a request for <c>{handler.Name}</c>; while the executor is full under <see cref=\"{TypeNames.ExecutorGen}QueueFullMode.Wait\"/>, waits for room.</summary>");
                WriteParamDocs(w, handler);
                w.WriteDoc($"<param name=\"{token}\">Stops waiting for room; it does not cancel a queued request.</param>");
                w.WriteDoc("<returns>A task that completes when the request has been queued.</returns>");
                w.WriteDoc($"<exception cref=\"{TypeNames.ExecutorGen}RequestRejectedException\">The executor is full under <see cref=\"{TypeNames.ExecutorGen}QueueFullMode.Reject\"/>, or shutting down.</exception>");
            }, name => w.WriteExpressionMember($"{handler.Accessibility} {TypeNames.ValueTask} {name}", withToken, "this._engine.SubmitAsync", new[] { request, token }));

            var trySubmit = new NamedMember($"TrySubmit{handler.BaseName}", "TrySubmit", takesToken: false, overloaded);
            trySubmit.Write(w, handler, () =>
            {
                w.WriteDoc($"<summary>Queues a request for <c>{handler.Name}</c> if that needs no waiting.</summary>");
                WriteParamDocs(w, handler);
                w.WriteDoc("<returns><see langword=\"true\"/> when the request was queued; <see langword=\"false\"/> when the executor is full or shutting down.</returns>");
            }, name => w.WriteExpressionMember($"{handler.Accessibility} bool {name}", parameters, "this._engine.TrySubmit", new[] { request }));

            var invoke = new NamedMember($"Invoke{handler.BaseName}Async", "InvokeAsync", takesToken: true, overloaded);
            invoke.Write(w, handler, () =>
            {
                w.WriteDoc($"<summary>Queues a request for <c>{handler.Name}</c> and waits for the handler to {invokeSummaryEnd}.</summary>");
                WriteParamDocs(w, handler);
                w.WriteDoc($"<param name=\"{token}\">Stops waiting for room in the queue; it does not cancel a queued request.</param>");
                w.WriteDoc(handler.ReturnsValue
                    ? $"<returns>The handler's result; {faultDoc}.</returns>"
                    : handler.IsBatch
                        ? $"<returns>A task that completes when the batch holding the request has run; {faultDoc}.</returns>"
                        : $"<returns>A task that completes when the handler has run; {faultDoc}.</returns>");
                if (invokeExceptionDoc is not null)
                    w.WriteDoc(invokeExceptionDoc);
            }, name => w.WriteExpressionMember($"{handler.Accessibility} {invokeReturn} {name}", withToken, "this._engine." + invokeCall, new[] { request, token }));
        }

        private static void WriteParamDocs(IndentedWriter w, HandlerModel handler)
        {
            if (handler.IsBatch)
            {
                w.WriteDoc($"<param name=\"{handler.Parameters[0].Name}\">One item of the list <c>{handler.Name}</c> is called with: it runs in a batch of up to {handler.MaxBatchSize} queued requests of its key, in submission order.</param>");
                return;
            }
            foreach (var parameter in handler.Parameters)
                w.WriteDoc($"<param name=\"{parameter.Name}\">The handler's <c>{parameter.Name}</c> argument.</param>");
        }

        /// <summary>A named member (<c>SubmitLoginAsync</c>) and, where the handler has them, its plain overload (<c>SubmitAsync</c>).</summary>
        private readonly struct NamedMember
        {
            private readonly string _named;
            private readonly string _plain;
            private readonly bool _withToken;
            private readonly bool _overloaded;

            public NamedMember(string named, string plain, bool takesToken, bool overloaded)
            {
                _named = named;
                _plain = plain;
                _withToken = takesToken;
                _overloaded = overloaded;
            }

            /// <summary>Writes the named member with its documentation, then the plain overload inheriting it.</summary>
            public void Write(IndentedWriter w, HandlerModel handler, System.Action writeDocs, System.Action<string> writeMember)
            {
                w.WriteLine();
                writeDocs();
                writeMember(_named);
                if (!handler.HasPlainOverloads)
                    return;
                w.WriteLine();
                if (Cref(handler) is { } cref)
                    w.WriteDoc($"<inheritdoc cref=\"{cref}\"/>");
                else
                    writeDocs();
                writeMember(_plain);
            }

            /// <summary>
            /// How the plain overload's documentation refers to the named member: by name, or with its parameter types
            /// where the name is overloaded; <see langword="null"/> where a type cannot be written in a cref (a tuple).
            /// </summary>
            private string? Cref(HandlerModel handler)
            {
                if (!_overloaded)
                    return _named;
                IEnumerable<string> types = handler.Parameters.Select(p => p.SignatureType);
                if (_withToken)
                    types = types.Concat(new[] { TypeNames.CancellationToken });
                var list = types.ToList();
                return list.Any(t => t.Contains("(")) ? null : Emitter.Cref($"{_named}({string.Join(", ", list)})");
            }
        }
    }
}
