using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>Writes the executor's private <c>Dispatcher</c> struct: key extraction and the dispatch switch.</summary>
    private sealed class DispatcherWriter
    {
        private const string Dispatch = TypeNames.Runtime + "Dispatch";

        private static readonly HandlerCalls.Returns s_returns = new(
            AfterVoidCall: $"return {Dispatch}.Completed(completion);",
            Value: new($"return {Dispatch}.Completed<{{0}}>", Before: "completion"),
            Task: new($"return {Dispatch}.Await", After: "completion"),
            TaskOfT: new($"return {Dispatch}.Await<{{0}}>", After: "completion"));

        private readonly IndentedWriter _w;
        private readonly ExecutorModel _executor;
        private readonly EnvelopeLayout _layout;

        public DispatcherWriter(IndentedWriter writer, ExecutorModel executor, EnvelopeLayout layout)
        {
            _w = writer;
            _executor = executor;
            _layout = layout;
        }

        public void Write()
        {
            var handlerClass = _executor.Class;
            _w.WriteDoc("<summary>Reads keys from envelopes and calls their handlers.</summary>");
            _w.OpenBrace($"private readonly struct Dispatcher : {TypeNames.Runtime}IRequestDispatcher<{_executor.KeyType}, Envelope>");
            if (!handlerClass.IsStatic)
            {
                _w.WriteLine($"private readonly {handlerClass.FullyQualifiedName} _handlers;");
                _w.WriteLine();
                _w.WriteLine($"public Dispatcher({handlerClass.FullyQualifiedName} handlers) => this._handlers = handlers;");
                _w.WriteLine();
            }
            WriteTryGetKey();
            _w.WriteLine();
            _w.WriteList($"public {TypeNames.ValueTask} DispatchAsync",
                new[] { "in Envelope envelope", $"{TypeNames.Runtime}IRequestCompletion? completion", $"{TypeNames.CancellationToken} cancellationToken" }, "");
            _w.WriteLine("{");
            _w.Indent();
            HandlerCalls.WriteDispatchSwitch(_w, _executor, "envelope.Handler", "envelope", id => $"{HandlerIds.TypeName}.{id}",
                (i, handler) => handler.Parameters.Select((_, p) => "envelope." + _layout.Field(i, p)), s_returns);
            _w.CloseBrace();
            _w.WriteLine();
            WriteBatchMembers();
            WriteGetHandlerName();
            _w.WriteLine();
            WriteGetArguments();
            HandlerCalls.WriteKeyReaders(_w, _executor);
            _w.CloseBrace();
        }

        private void WriteTryGetKey()
        {
            _w.OpenBrace($"public bool TryGetKey(in Envelope envelope, out {_executor.KeyType} key)");
            if (_executor.Handlers.Any(h => h.Key is not null))
            {
                _w.OpenBrace("switch (envelope.Handler)");
                for (int i = 0; i < _executor.Handlers.Length; i++)
                {
                    if (_executor.Handlers[i].Key is not { } key)
                        continue;
                    _w.WriteLine($"case {HandlerIds.TypeName}.{_executor.Handlers[i].Id}:");
                    _w.Indent();
                    _w.WriteLine($"key = {HandlerCalls.KeyExpression(_executor.Handlers[i], "envelope." + _layout.Field(i, key.ParameterIndex))};");
                    _w.WriteLine("return true;");
                    _w.Unindent();
                }
                _w.CloseBrace();
            }
            _w.WriteLine("key = default!;");
            _w.WriteLine("return false;");
            _w.CloseBrace();
        }

        /// <summary>
        /// What the engine asks about batch handlers, and the batch call of each (a list of the items' arguments); nothing
        /// for a class without batch handlers (the interface's defaults say so).
        /// </summary>
        private void WriteBatchMembers()
        {
            var batchHandlers = _executor.Handlers.Select((handler, index) => (handler, index)).Where(h => h.handler.IsBatch).ToList();
            if (batchHandlers.Count == 0)
                return;
            _w.WriteLine("public bool HasBatchHandlers => true;");
            _w.WriteLine();
            _w.OpenBrace("public int GetMaxBatchSize(in Envelope envelope) => envelope.Handler switch");
            foreach (var (handler, _) in batchHandlers)
                _w.WriteLine($"{HandlerIds.TypeName}.{handler.Id} => {handler.MaxBatchSize},");
            _w.WriteLine("_ => 0,");
            _w.CloseBrace(";");
            _w.WriteLine();
            _w.WriteLine("public bool IsSameHandler(in Envelope first, in Envelope second) => first.Handler == second.Handler;");
            _w.WriteLine();
            _w.WriteList($"public {TypeNames.ValueTask} DispatchBatchAsync",
                new[] { $"{TypeNames.ReadOnlySpan}<Envelope> batch", $"{TypeNames.CancellationToken} cancellationToken" }, "");
            _w.WriteLine("{");
            _w.Indent();
            _w.OpenBrace("switch (batch[0].Handler)");
            foreach (var (handler, index) in batchHandlers)
            {
                _w.WriteLine($"case {HandlerIds.TypeName}.{handler.Id}:");
                _w.WriteLine("{");
                _w.Indent();
                _w.WriteLine($"var items = new {handler.Parameters[0].Type}[batch.Length];");
                _w.OpenBrace("for (int i = 0; i < items.Length; i++)");
                _w.WriteLine($"items[i] = batch[i].{_layout.Field(index, 0)};");
                _w.CloseBrace();
                // A batch handler returns void, Task or ValueTask (EXG112); the engine completes its callers.
                string call = HandlerCalls.Call(_executor, handler, new[] { "items" }, argumentIsList: true);
                if (handler.ReturnKind == ReturnKind.Void)
                {
                    _w.WriteLine(call + ";");
                    _w.WriteLine("return default;");
                }
                else
                {
                    _w.WriteLine($"return {Dispatch}.Await({call}, null);");
                }
                _w.CloseBrace();
            }
            _w.WriteLine("default:");
            _w.Indent();
            _w.WriteLine($"throw new {TypeNames.ArgumentOutOfRangeException}(nameof(batch));");
            _w.Unindent();
            _w.CloseBrace();
            _w.CloseBrace();
            _w.WriteLine();
        }

        private void WriteGetHandlerName()
        {
            _w.OpenBrace("public string GetHandlerName(in Envelope envelope) => envelope.Handler switch");
            for (int i = 0; i < _executor.Handlers.Length; i++)
                _w.WriteLine($"{HandlerIds.TypeName}.{_executor.Handlers[i].Id} => \"{_executor.Handlers[i].Name}\",");
            _w.WriteLine($"_ => throw new {TypeNames.ArgumentOutOfRangeException}(nameof(envelope)),");
            _w.CloseBrace(";");
        }

        private void WriteGetArguments()
        {
            _w.OpenBrace("public object?[] GetArguments(in Envelope envelope) => envelope.Handler switch");
            for (int i = 0; i < _executor.Handlers.Length; i++)
            {
                var parameters = _executor.Handlers[i].Parameters;
                string arguments = parameters.Length == 0
                    ? TypeNames.NoArguments
                    : "new object?[] { " + string.Join(", ", parameters.Select((_, p) => "envelope." + _layout.Field(i, p))) + " }";
                _w.WriteLine($"{HandlerIds.TypeName}.{_executor.Handlers[i].Id} => {arguments},");
            }
            _w.WriteLine($"_ => throw new {TypeNames.ArgumentOutOfRangeException}(nameof(envelope)),");
            _w.CloseBrace(";");
        }
    }
}
