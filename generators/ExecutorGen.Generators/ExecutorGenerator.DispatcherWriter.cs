using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>Writes the executor's private <c>Dispatcher</c> struct: key extraction and the dispatch switch.</summary>
    private sealed class DispatcherWriter
    {
        private const string DispatchType = "global::ExecutorGen.Runtime.Dispatch";
        private const string OutOfRange = "throw new global::System.ArgumentOutOfRangeException(nameof(envelope))";

        private readonly IndentedWriter _w;
        private readonly ExecutorModel _executor;

        public DispatcherWriter(IndentedWriter writer, ExecutorModel executor)
        {
            _w = writer;
            _executor = executor;
        }

        public void Write()
        {
            var handlerClass = _executor.Class;
            _w.WriteLine("/// <summary>Reads keys from envelopes and calls their handlers.</summary>");
            _w.OpenBrace($"private readonly struct Dispatcher : global::ExecutorGen.Runtime.IRequestDispatcher<{_executor.KeyType}, Envelope>");
            if (!handlerClass.IsStatic)
            {
                _w.WriteLine($"private readonly {handlerClass.FullyQualifiedName} _handlers;");
                _w.WriteLine();
                _w.WriteLine($"public Dispatcher({handlerClass.FullyQualifiedName} handlers) => this._handlers = handlers;");
                _w.WriteLine();
            }
            WriteTryGetKey();
            _w.WriteLine();
            WriteDispatchAsync();
            _w.WriteLine();
            WriteGetHandlerName();
            _w.WriteLine();
            WriteGetArguments();
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
                    var parameter = _executor.Handlers[i].Parameters[key.ParameterIndex];
                    string source = KeyExpression(key, parameter, "envelope." + Emitter.FieldName(i, parameter));
                    _w.WriteLine($"case {i}:");
                    _w.Indent();
                    _w.WriteLine($"key = {source};");
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
        /// Reads a handler's key from the expression holding its key parameter, refusing a null request (or a null step
        /// of a dotted path) with an exception that names the parameter. Shared with the cluster executor.
        /// </summary>
        internal static string KeyExpression(KeyModel key, ParameterModel parameter, string parameterSource)
        {
            string source = parameterSource;
            if (key.GuardParameterNull)
                source = $"({source} ?? throw new global::System.ArgumentNullException(\"{parameter.Name}\"))";
            // A dotted path checks each reference-typed step before reading the next member from it.
            string readable = parameter.Name;
            for (int step = 0; step < key.Path.Length; step++)
            {
                source += "." + Parser.Escape(key.Path[step].Name);
                readable += "." + key.Path[step].Name;
                if (key.Path[step].MayBeNull && step < key.Path.Length - 1)
                    source = $"({source} ?? throw new global::System.ArgumentException(\"{readable} is null, so the partition key cannot be read.\", \"{parameter.Name}\"))";
            }
            return key.SuppressKeyNull ? source + "!" : source;
        }

        private void WriteDispatchAsync()
        {
            _w.OpenBrace("public global::System.Threading.Tasks.ValueTask DispatchAsync(in Envelope envelope, global::ExecutorGen.Runtime.IRequestCompletion? completion, global::System.Threading.CancellationToken cancellationToken)");
            _w.OpenBrace("switch (envelope.Handler)");
            for (int i = 0; i < _executor.Handlers.Length; i++)
            {
                var handler = _executor.Handlers[i];
                _w.WriteLine($"case {i}:");
                _w.Indent();
                string call = Call(i, handler);
                switch (handler.ReturnKind)
                {
                    case ReturnKind.Void:
                        _w.WriteLine(call + ";");
                        _w.WriteLine($"return {DispatchType}.Completed(completion);");
                        break;
                    case ReturnKind.Task or ReturnKind.ValueTask:
                        _w.WriteLine($"return {DispatchType}.Await({call}, completion);");
                        break;
                    case ReturnKind.Value:
                        _w.WriteLine($"return {DispatchType}.Completed<{handler.ResultType}>(completion, {call});");
                        break;
                    default:
                        _w.WriteLine($"return {DispatchType}.Await<{handler.ResultType}>({call}, completion);");
                        break;
                }
                _w.Unindent();
            }
            _w.WriteLine("default:");
            _w.Indent();
            _w.WriteLine(OutOfRange + ";");
            _w.Unindent();
            _w.CloseBrace();
            _w.CloseBrace();
        }

        private string Call(int index, HandlerModel handler)
        {
            string target = handler.IsStatic ? _executor.Class.FullyQualifiedName : "this._handlers";
            var arguments = handler.Parameters.Select(p => "envelope." + Emitter.FieldName(index, p));
            if (handler.TakesCancellationToken)
                arguments = arguments.Concat(new[] { "cancellationToken" });
            return $"{target}.{Parser.Escape(handler.Name)}({string.Join(", ", arguments)})";
        }

        private void WriteGetHandlerName()
        {
            _w.OpenBrace("public string GetHandlerName(in Envelope envelope) => envelope.Handler switch");
            for (int i = 0; i < _executor.Handlers.Length; i++)
                _w.WriteLine($"{i} => \"{_executor.Handlers[i].Name}\",");
            _w.WriteLine($"_ => {OutOfRange},");
            _w.CloseBrace(";");
        }

        private void WriteGetArguments()
        {
            _w.OpenBrace("public object?[] GetArguments(in Envelope envelope) => envelope.Handler switch");
            for (int i = 0; i < _executor.Handlers.Length; i++)
            {
                var parameters = _executor.Handlers[i].Parameters;
                string arguments = parameters.Length == 0
                    ? "global::System.Array.Empty<object?>()"
                    : "new object?[] { " + string.Join(", ", parameters.Select(p => "envelope." + Emitter.FieldName(i, p))) + " }";
                _w.WriteLine($"{i} => {arguments},");
            }
            _w.WriteLine($"_ => {OutOfRange},");
            _w.CloseBrace(";");
        }
    }
}
