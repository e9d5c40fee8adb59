using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Writes the DI registration of an executor, for projects that reference ExecutorGen.Hosting: the executor
    /// implements <c>ExecutorGen.Hosting.IHostedExecutor</c> (its members already exist), and, for a top-level
    /// handler class, a static class <c>{Executor}ServiceCollectionExtensions</c> holds <c>Add{Class}Executor</c>,
    /// a thin call into the hand-written <c>ExecutorGen.Hosting.ExecutorHosting.AddExecutor</c>.
    /// </summary>
    internal static class HostingEmitter
    {
        public const string MarkerMetadataName = "ExecutorGen.Hosting.ExecutorHostingMarker";

        /// <summary>
        /// Only top-level handler classes get a registration method: an extension method must live in a top-level
        /// static class, which cannot see a handler nested in a private type, nor close an open generic container.
        /// A nested executor still implements <c>IHostedExecutor</c>, so it registers by hand with <c>ExecutorHosting.AddExecutor</c>.
        /// </summary>
        internal static bool CanRegister(ExecutorModel executor) =>
            executor.Class.ContainingTypes.Length == 0 && executor.Class.Accessibility is "public" or "internal";

        public static string HintName(ExecutorModel executor) => Emitter.HintName(executor, ".Hosting");

        public static string Emit(ExecutorModel executor) =>
            Emitter.EmitFile(
                executor,
                w =>
                {
                    w.OpenBrace($"partial class {executor.ExecutorName} : global::ExecutorGen.Hosting.IHostedExecutor");
                    w.CloseBrace();
                },
                CanRegister(executor) ? w => WriteRegistration(w, executor) : null);

        private static void WriteRegistration(IndentedWriter w, ExecutorModel executor)
        {
            var handlerClass = executor.Class;
            string executorType = Emitter.SiblingType(handlerClass, executor.ExecutorName);
            string name = handlerClass.Name;
            string registers = handlerClass.IsStatic
                ? $"Registers <see cref=\"{executorType}\"/> as a singleton, a hosted service that starts it"
                : $"Registers <see cref=\"{handlerClass.FullyQualifiedName}\"/> (unless already registered) and <see cref=\"{executorType}\"/> as singletons, a hosted service that starts the executor";
            RegistrationWriter.Write(w, executor,
                className: executor.ExecutorName + "ServiceCollectionExtensions",
                classSummary: $"Registers <see cref=\"{executorType}\"/> with a service collection.",
                methodSummary: $"{registers} with the host and drains it when the host stops, and a health check named <c>{name}</c>. Options bind from the configuration section <c>Executors:{name}</c>; <paramref name=\"configure\"/> then has the last word.",
                servicesDoc: "The service collection.",
                method: $"Add{name}Executor",
                extraParameters: new[] { ($"{TypeNames.Action}<{TypeNames.ExecutorOptions}>? configure = null", "configure", "Adjusts the executor's options after configuration binding; optional.") },
                register: $"global::ExecutorGen.Hosting.ExecutorHosting.AddExecutor(services, \"{name}\", configure,",
                factory: $"static (provider, options) => new {executorType}(",
                factoryArguments: "options");
        }
    }
}
