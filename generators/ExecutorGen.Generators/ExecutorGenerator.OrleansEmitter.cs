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

        private const string Tasks = "global::System.Threading.Tasks.";
        private const string CancellationTokenType = "global::System.Threading.CancellationToken";
        private const string Orleans = "global::ExecutorGen.Orleans.";
        private const string ServiceCollection = "global::Microsoft.Extensions.DependencyInjection.IServiceCollection";

        public static string HintName(ExecutorModel executor) => Emitter.HintName(executor, ".Orleans");

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
            string name = handlerClass.Name.Replace("@", "");
            w.WriteLine();
            w.WriteLine($"/// <summary>Registers the handlers of <see cref=\"{handlerClass.FullyQualifiedName}\"/> with an Orleans silo.</summary>");
            w.WriteLine(Emitter.GeneratedCodeAttribute);
            w.OpenBrace($"{handlerClass.Accessibility} static class {ClusterExecutorName(executor)}ServiceCollectionExtensions");
            w.WriteLine("/// <summary>");
            w.WriteLine(handlerClass.IsStatic
                ? $"/// Lets this silo's partition grains run the requests of <see cref=\"{clusterExecutor}\"/>."
                : $"/// Registers <see cref=\"{handlerClass.FullyQualifiedName}\"/> as a singleton (unless already registered) and lets this silo's partition grains run the requests of <see cref=\"{clusterExecutor}\"/>.");
            w.WriteLine($"/// The silo also needs a grain storage named <see cref=\"global::ExecutorGen.Orleans.ClusterHandlers.StorageName\"/> for the de-duplication marks.");
            w.WriteLine("/// </summary>");
            w.WriteLine("/// <param name=\"services\">The silo's service collection.</param>");
            w.WriteLine("/// <returns><paramref name=\"services\"/>, for chaining.</returns>");
            w.OpenBrace($"public static {ServiceCollection} Add{name}ClusterHandlers(this {ServiceCollection} services)");
            if (handlerClass.IsStatic)
            {
                w.WriteLine($"return {Orleans}ClusterHandlers.Add(services, {clusterExecutor}.ExecutorName, static provider => new {clusterExecutor}.Dispatcher());");
            }
            else
            {
                w.WriteLine($"global::Microsoft.Extensions.DependencyInjection.Extensions.ServiceCollectionDescriptorExtensions.TryAddSingleton<{handlerClass.FullyQualifiedName}>(services);");
                w.WriteLine($"return {Orleans}ClusterHandlers.Add(services, {clusterExecutor}.ExecutorName, static provider => new {clusterExecutor}.Dispatcher(");
                w.WriteLine($"    global::Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<{handlerClass.FullyQualifiedName}>(provider)));");
            }
            w.CloseBrace();
            w.CloseBrace();
        }

        /// <summary>Writes the cluster executor class and its dispatcher.</summary>
        private sealed class ClusterExecutorWriter
        {
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
                var unique = Emitter.UniqueSignatures(_executor);
                _w.WriteLine("/// <summary>");
                _w.WriteLine($"/// Runs the request handlers of <see cref=\"{Emitter.Cref(_class.FullyQualifiedName)}\"/> on an Orleans cluster, with the");
                _w.WriteLine("/// members of the in-process executor: a key's requests run one at a time, in submission order, on its partition grain.");
                _w.WriteLine("/// </summary>");
                _w.WriteLine(Emitter.GeneratedCodeAttribute);
                _w.OpenBrace($"{_class.Accessibility} sealed partial class {_name} : global::System.IAsyncDisposable");
                _w.WriteLine("/// <summary>The name the silos register these handlers under; partition grain keys start with it.</summary>");
                _w.WriteLine($"public const string ExecutorName = \"{ExecutorName()}\";");
                _w.WriteLine();
                _w.WriteLine($"private readonly {Orleans}ClusterExecutorEngine _engine;");
                _w.WriteLine();
                _w.WriteLine("/// <summary>Creates the executor.</summary>");
                _w.WriteLine("/// <param name=\"grains\">The cluster client (or a silo's grain factory) to send requests through.</param>");
                _w.WriteLine("/// <param name=\"options\">The executor's options; <see langword=\"null\"/> for the defaults.</param>");
                _w.OpenBrace($"public {_name}(global::Orleans.IGrainFactory grains, {Orleans}ClusterExecutorOptions? options = null)");
                _w.WriteLine($"this._engine = new {Orleans}ClusterExecutorEngine(grains, ExecutorName, options, this);");
                _w.CloseBrace();
                for (int i = 0; i < _executor.Handlers.Length; i++)
                    WriteHandlerMembers(i, _executor.Handlers[i], unique.Contains(Emitter.RequestSignature(_executor.Handlers[i])));
                WriteLifetimeMembers();
                _w.WriteLine();
                WriteDispatcher();
                _w.CloseBrace();
            }

            private string ExecutorName() => Emitter.ScopedName(_class, _class.Name).Replace("@", "").Replace("\"", "");

            private void WriteHandlerMembers(int index, HandlerModel handler, bool contract) =>
                HandlerMembersWriter.Write(_w, handler, contract, request: Call(index, handler),
                    invokeSummaryEnd: "run on the cluster", faultDoc: "faults with the handler's exception");

            /// <summary>The <c>ClusterCall</c> expression: handler index and name, key, boxed arguments.</summary>
            private static string Call(int index, HandlerModel handler)
            {
                string arguments = handler.Parameters.Length == 0
                    ? "global::System.Array.Empty<object?>()"
                    : "new object?[] { " + string.Join(", ", handler.Parameters.Select(p => Parser.Escape(p.Name))) + " }";
                string key = "null";
                if (handler.Key is { } keyModel)
                {
                    var parameter = handler.Parameters[keyModel.ParameterIndex];
                    key = DispatcherWriter.KeyExpression(keyModel, parameter, Parser.Escape(parameter.Name));
                }
                return $"new {Orleans}ClusterCall({index}, \"{handler.Name}\", {(handler.Key is null ? "false" : "true")}, {key}, {arguments})";
            }

            private void WriteLifetimeMembers()
            {
                Emitter.WriteMetricsAndBackpressure(_w, "Takes a snapshot of this client's counters, queue, calls in flight and latencies.");
                _w.WriteLine();
                _w.WriteLine("/// <summary>Redeliveries a grain answered from its de-duplication mark: the request had run, only its reply was lost.</summary>");
                _w.WriteLine("public long Replayed => this._engine.Replayed;");
                _w.WriteLine();
                _w.WriteLine("/// <summary>Stops accepting requests and waits for the accepted ones; a second call returns the same report.</summary>");
                _w.WriteLine("/// <param name=\"mode\"><see cref=\"global::ExecutorGen.ShutdownMode.Drain\"/> sends every accepted request first; <see cref=\"global::ExecutorGen.ShutdownMode.Cancel\"/> returns the ones not yet sent unprocessed.</param>");
                _w.WriteLine("/// <param name=\"timeout\">How long to wait; <see langword=\"null\"/> waits as long as it takes.</param>");
                _w.WriteLine("/// <returns>What completed, and every accepted request that was never sent.</returns>");
                _w.WriteLine($"public {Tasks}Task<global::ExecutorGen.ShutdownReport> ShutdownAsync(global::ExecutorGen.ShutdownMode mode = global::ExecutorGen.ShutdownMode.Drain, global::System.TimeSpan? timeout = null) => this._engine.ShutdownAsync(mode, timeout);");
                _w.WriteLine();
                _w.WriteLine("/// <summary>Shuts down as <see cref=\"ShutdownAsync\"/> with <see cref=\"global::ExecutorGen.ShutdownMode.Drain\"/> and no timeout.</summary>");
                _w.WriteLine($"public {Tasks}ValueTask DisposeAsync() => this._engine.DisposeAsync();");
            }

            private void WriteDispatcher()
            {
                string handlersType = _class.FullyQualifiedName;
                _w.WriteLine("/// <summary>Calls the handlers on a silo: a handler index and its boxed arguments become the typed call.</summary>");
                _w.OpenBrace($"public sealed class Dispatcher : {Orleans}IClusterDispatcher");
                if (!_class.IsStatic)
                {
                    _w.WriteLine($"private readonly {handlersType} _handlers;");
                    _w.WriteLine();
                    _w.WriteLine("/// <summary>Creates the dispatcher.</summary>");
                    _w.WriteLine("/// <param name=\"handlers\">The handler instance every request is dispatched to.</param>");
                    _w.WriteLine($"public Dispatcher({handlersType} handlers) => this._handlers = handlers ?? throw new global::System.ArgumentNullException(nameof(handlers));");
                    _w.WriteLine();
                }
                _w.WriteLine("/// <inheritdoc/>");
                _w.OpenBrace($"public {Tasks}ValueTask<object?> DispatchAsync(int handler, object?[] arguments, {CancellationTokenType} cancellationToken)");
                _w.OpenBrace("switch (handler)");
                for (int i = 0; i < _executor.Handlers.Length; i++)
                {
                    var handler = _executor.Handlers[i];
                    string target = handler.IsStatic ? handlersType : "this._handlers";
                    var arguments = handler.Parameters.Select((p, n) => $"({p.Type})arguments[{n}]!");
                    if (handler.TakesCancellationToken)
                        arguments = arguments.Concat(new[] { "cancellationToken" });
                    string call = $"{target}.{Parser.Escape(handler.Name)}({string.Join(", ", arguments)})";
                    _w.WriteLine($"case {i}:");
                    _w.Indent();
                    switch (handler.ReturnKind)
                    {
                        case ReturnKind.Void:
                            _w.WriteLine(call + ";");
                            _w.WriteLine($"return new {Tasks}ValueTask<object?>((object?)null);");
                            break;
                        case ReturnKind.Value:
                            _w.WriteLine($"return new {Tasks}ValueTask<object?>({call});");
                            break;
                        case ReturnKind.Task or ReturnKind.ValueTask:
                            _w.WriteLine($"return {Orleans}ClusterDispatch.Await({call});");
                            break;
                        default:
                            _w.WriteLine($"return {Orleans}ClusterDispatch.Await<{handler.ResultType}>({call});");
                            break;
                    }
                    _w.Unindent();
                }
                _w.WriteLine("default:");
                _w.Indent();
                _w.WriteLine("throw new global::System.ArgumentOutOfRangeException(nameof(handler));");
                _w.Unindent();
                _w.CloseBrace();
                _w.CloseBrace();
                _w.CloseBrace();
            }
        }
    }
}
