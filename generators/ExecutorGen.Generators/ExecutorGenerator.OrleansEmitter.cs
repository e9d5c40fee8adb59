using System.Linq;
using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Writes the Orleans glue of an executor, for projects that reference ExecutorGen.Orleans: <c>{Class}ClusterExecutor</c>
    /// (the in-process executor's members over the hand-written <c>ClusterExecutorEngine</c>), its nested
    /// <c>Dispatcher</c> (handler index and boxed arguments → the handler call, on a silo), and, for a top-level handler
    /// class, <c>services.Add{Class}ClusterHandlers()</c>. Grains and messages are hand-written in ExecutorGen.Orleans:
    /// Orleans' own code generator does not see this generator's output.
    /// </summary>
    internal static class OrleansEmitter
    {
        public const string MarkerMetadataName = "ExecutorGen.Orleans.ExecutorGenOrleansMarker";

        public static string HintName(ExecutorModel executor) => Emitter.HintName(executor, ".Orleans");

        private const string ClusterCallsType = "ClusterCalls";

        public static string ClusterExecutorName(ExecutorModel executor) => executor.Class.Name + "ClusterExecutor";

        public static string Emit(ExecutorModel executor) =>
            Emitter.EmitFile(
                executor,
                w => new ClusterExecutorWriter(w, executor).Write(),
                HostingEmitter.CanRegister(executor) ? w => WriteRegistration(w, executor) : null);

        private static void WriteRegistration(IndentedWriter w, ExecutorModel executor)
        {
            var handlerClass = executor.Class;
            string clusterExecutor = Emitter.SiblingType(handlerClass, ClusterExecutorName(executor));
            string lets = $"lets this silo's partition grains run the requests of <see cref=\"{clusterExecutor}\"/>.";
            RegistrationWriter.Write(w, executor,
                className: ClusterExecutorName(executor) + "ServiceCollectionExtensions",
                classSummary: $"Registers the handlers of <see cref=\"{handlerClass.FullyQualifiedName}\"/> with an Orleans silo.",
                methodSummary: (handlerClass.IsStatic
                        ? "L" + lets.Substring(1)
                        : $"Registers <see cref=\"{handlerClass.FullyQualifiedName}\"/> as a singleton (unless already registered) and {lets}")
                    + $" The silo also needs a grain storage named <see cref=\"{TypeNames.Orleans}ClusterHandlers.StorageName\"/> for the de-duplication marks.",
                servicesDoc: "The silo's service collection.",
                method: $"Add{handlerClass.Name}ClusterHandlers",
                extraParameters: System.Array.Empty<(string, string, string)>(),
                register: $"{TypeNames.Orleans}ClusterHandlers.Add(services, {clusterExecutor}.ExecutorName,",
                factory: $"static provider => new {clusterExecutor}.Dispatcher(",
                factoryArguments: "");
        }

        /// <summary>Writes the cluster executor class and its dispatcher.</summary>
        private sealed class ClusterExecutorWriter
        {
            private static readonly HandlerCalls.Returns s_returns = new(
                AfterVoidCall: $"return new {TypeNames.ValueTask}<object?>((object?)null);",
                Value: new($"return new {TypeNames.ValueTask}<object?>"),
                Task: new($"return {TypeNames.Orleans}ClusterDispatch.Await"),
                TaskOfT: new($"return {TypeNames.Orleans}ClusterDispatch.Await<{{0}}>"));

            private readonly IndentedWriter _w;
            private readonly ExecutorModel _executor;
            private readonly HandlerClassModel _class;
            private readonly string _name;

            public ClusterExecutorWriter(IndentedWriter writer, ExecutorModel executor)
            {
                _w = writer;
                _executor = executor;
                _class = executor.Class;
                _name = ClusterExecutorName(executor);
            }

            public void Write()
            {
                _w.WriteDoc($"<summary>Runs the request handlers of <see cref=\"{Emitter.Cref(_class.FullyQualifiedName)}\"/> on an Orleans cluster, with the members of the in-process executor: a key's requests run one at a time, in submission order, on its partition grain.</summary>");
                _w.WriteLine(Emitter.GeneratedCodeAttribute);
                _w.OpenBrace($"{_class.Accessibility} sealed partial class {_name} : {TypeNames.AsyncDisposable}");
                _w.WriteDoc("<summary>The name the silos register these handlers under; partition grain keys start with it.</summary>");
                _w.WriteLine($"public const string ExecutorName = \"{Emitter.DisplayName(_class, _class.Name)}\";");
                _w.WriteLine();
                _w.WriteLine($"private readonly {TypeNames.Orleans}ClusterExecutorEngine _engine;");
                _w.WriteLine();
                _w.WriteDoc("<summary>Creates the executor.</summary>");
                _w.WriteDoc("<param name=\"grains\">The cluster client (or a silo's grain factory) to send requests through.</param>");
                _w.WriteDoc("<param name=\"options\">The executor's options; <see langword=\"null\"/> for the defaults.</param>");
                _w.WriteList($"public {_name}", new[] { "global::Orleans.IGrainFactory grains", $"{TypeNames.Orleans}ClusterExecutorOptions? options = null" }, "");
                _w.WriteLine("{");
                _w.Indent();
                _w.WriteLine($"this._engine = new {TypeNames.Orleans}ClusterExecutorEngine(grains, ExecutorName, options, this);");
                _w.CloseBrace();
                foreach (var handler in _executor.Handlers)
                    WriteHandlerMembers(handler);
                WriteLifetimeMembers();
                _w.WriteLine();
                HandlerIds.Write(_w, _executor);
                _w.WriteLine();
                WriteClusterCalls();
                _w.WriteLine();
                WriteDispatcher();
                _w.CloseBrace();
            }

            private void WriteHandlerMembers(HandlerModel handler)
            {
                string calls = Emitter.NestedType(_executor, handler, _name, ClusterCallsType);
                string arguments = string.Join(", ", handler.Parameters.Select(p => p.Identifier));
                HandlerMembersWriter.Write(_w, _executor, handler, request: $"{calls}.For{handler.BaseName}({arguments})",
                    invokeSummaryEnd: "run on the cluster", faultDoc: "faults with the handler's exception");
            }

            /// <summary>
            /// The <c>ClusterCalls</c> class: a factory per handler of the <c>ClusterCall</c> the engine sends (handler id
            /// and name, key, boxed arguments), as the in-process executor's envelope has one per handler.
            /// </summary>
            private void WriteClusterCalls()
            {
                _w.WriteDoc("<summary>The calls the engine sends to the cluster, one factory per handler.</summary>");
                _w.OpenBrace($"private static class {ClusterCallsType}");
                for (int i = 0; i < _executor.Handlers.Length; i++)
                {
                    var handler = _executor.Handlers[i];
                    var arguments = new[]
                    {
                        $"(int){Emitter.NestedType(_executor, handler, _name, HandlerIds.TypeName)}.{handler.Id}",
                        $"\"{handler.Name}\"",
                        handler.Key is null ? "Keyed: false" : "Keyed: true",
                        handler.Key is { } key ? HandlerCalls.KeyExpression(handler, handler.Parameters[key.ParameterIndex].Identifier) : "null",
                        handler.Parameters.Length == 0
                            ? TypeNames.NoArguments
                            : "new object?[] { " + string.Join(", ", handler.Parameters.Select(p => p.Identifier)) + " }",
                    };
                    if (i > 0)
                        _w.WriteLine();
                    _w.WriteExpressionMember($"public static {TypeNames.Orleans}ClusterCall For{handler.BaseName}",
                        handler.Parameters.Select(p => p.Type + " " + p.Identifier).ToList(), "new", arguments);
                }
                HandlerCalls.WriteKeyReaders(_w, _executor);
                _w.CloseBrace();
            }

            private void WriteLifetimeMembers()
            {
                Emitter.WriteMetricsAndBackpressure(_w, "Takes a snapshot of this client's counters, queue, calls in flight and latencies.");
                _w.WriteLine();
                _w.WriteDoc("<summary>Redeliveries a grain answered from its de-duplication mark: the request had run, only its reply was lost.</summary>");
                _w.WriteLine("public long Replayed => this._engine.Replayed;");
                Emitter.WritePauseAndResume(_w, "calls under way finish, and no request is sent to the cluster");
                Emitter.WriteShutdown(_w,
                    "Stops accepting requests and waits for the accepted ones; a second call returns the same report.",
                    $"<see cref=\"{TypeNames.ShutdownMode}.Drain\"/> sends every accepted request first; <see cref=\"{TypeNames.ShutdownMode}.Cancel\"/> returns the ones not yet sent unprocessed.",
                    "How long to wait; <see langword=\"null\"/> waits as long as it takes.",
                    "What completed, and every accepted request that was never sent.");
            }

            private void WriteDispatcher()
            {
                string handlersType = _class.FullyQualifiedName;
                _w.WriteDoc("<summary>Calls the handlers on a silo: a handler id and its boxed arguments become the typed call.</summary>");
                _w.OpenBrace($"public sealed class Dispatcher : {TypeNames.Orleans}IClusterDispatcher");
                if (!_class.IsStatic)
                {
                    _w.WriteLine($"private readonly {handlersType} _handlers;");
                    _w.WriteLine();
                    _w.WriteDoc("<summary>Creates the dispatcher.</summary>");
                    _w.WriteDoc("<param name=\"handlers\">The handler instance every request is dispatched to.</param>");
                    _w.WriteExpressionMember("public Dispatcher", new[] { $"{handlersType} handlers" },
                        $"this._handlers = handlers ?? throw new {TypeNames.ArgumentNullException}(nameof(handlers))");
                    _w.WriteLine();
                }
                _w.WriteDoc("<inheritdoc/>");
                _w.WriteList($"public {TypeNames.ValueTask}<object?> DispatchAsync",
                    new[] { "int handler", "object?[] arguments", $"{TypeNames.CancellationToken} cancellationToken" }, "");
                _w.WriteLine("{");
                _w.Indent();
                HandlerCalls.WriteDispatchSwitch(_w, _executor, "handler", "handler", id => $"(int){HandlerIds.TypeName}.{id}",
                    (_, handler) => handler.Parameters.Select((p, n) => $"({p.Type})arguments[{n}]!"), s_returns);
                _w.CloseBrace();
                WriteBatchMembers();
                _w.CloseBrace();
            }

            /// <summary>
            /// The batch handlers' limits and their batch call (a list of the requests' one item each), which the grain
            /// uses for consecutive requests of one batch handler in a call; nothing for a class without batch handlers
            /// (the interface's defaults say so).
            /// </summary>
            private void WriteBatchMembers()
            {
                var batchHandlers = _executor.Handlers.Where(h => h.IsBatch).ToList();
                if (batchHandlers.Count == 0)
                    return;
                _w.WriteLine();
                _w.WriteDoc("<inheritdoc/>");
                _w.OpenBrace("public int GetMaxBatchSize(int handler) => handler switch");
                foreach (var handler in batchHandlers)
                    _w.WriteLine($"(int){HandlerIds.TypeName}.{handler.Id} => {handler.MaxBatchSize},");
                _w.WriteLine("_ => 0,");
                _w.CloseBrace(";");
                _w.WriteLine();
                _w.WriteDoc("<inheritdoc/>");
                _w.WriteList($"public {TypeNames.ValueTask} DispatchBatchAsync",
                    new[] { "int handler", $"{TypeNames.IReadOnlyList}<object?[]> arguments", $"{TypeNames.CancellationToken} cancellationToken" }, "");
                _w.WriteLine("{");
                _w.Indent();
                _w.OpenBrace("switch (handler)");
                foreach (var handler in batchHandlers)
                {
                    _w.WriteLine($"case (int){HandlerIds.TypeName}.{handler.Id}:");
                    _w.WriteLine("{");
                    _w.Indent();
                    string itemType = handler.Parameters[0].Type;
                    _w.WriteLine($"var items = new {itemType}[arguments.Count];");
                    _w.OpenBrace("for (int i = 0; i < items.Length; i++)");
                    _w.WriteLine($"items[i] = ({itemType})arguments[i][0]!;");
                    _w.CloseBrace();
                    // A batch handler returns void, Task or ValueTask (EXG112).
                    string call = HandlerCalls.Call(_executor, handler, new[] { "items" }, argumentIsList: true);
                    switch (handler.ReturnKind)
                    {
                        case ReturnKind.Void:
                            _w.WriteLine(call + ";");
                            _w.WriteLine("return default;");
                            break;
                        case ReturnKind.Task:
                            _w.WriteLine($"return new {TypeNames.ValueTask}({call});");
                            break;
                        default:
                            _w.WriteLine($"return {call};");
                            break;
                    }
                    _w.CloseBrace();
                }
                _w.WriteLine("default:");
                _w.Indent();
                _w.WriteLine($"throw new {TypeNames.ArgumentOutOfRangeException}(nameof(handler));");
                _w.Unindent();
                _w.CloseBrace();
                _w.CloseBrace();
            }
        }
    }
}
