using ExecutorGen.Generators.Model;

namespace ExecutorGen.Generators;

public sealed partial class ExecutorGenerator
{
    /// <summary>
    /// Writes the <c>IServiceCollection</c> extension class of a top-level handler class, for the Hosting and the
    /// Orleans packages alike: a static class with one method that registers the handler instance (unless the class is
    /// static) and hands a factory to the package's hand-written registration.
    /// </summary>
    internal static class RegistrationWriter
    {
        /// <param name="w">The writer, in the handler class's namespace.</param>
        /// <param name="executor">The executor.</param>
        /// <param name="className">The extension class's name.</param>
        /// <param name="classSummary">The extension class's summary.</param>
        /// <param name="methodSummary">The method's summary (it may be long: it is wrapped).</param>
        /// <param name="servicesDoc">The doc of the <c>services</c> parameter.</param>
        /// <param name="method">The method's name.</param>
        /// <param name="extraParameters">The method's parameters after <c>services</c>: declaration, name and doc.</param>
        /// <param name="register">The registering call up to its last argument, a factory (<c>Add(services, "Name",</c>).</param>
        /// <param name="factory">The factory lambda up to its arguments (<c>static provider => new Dispatcher(</c>).</param>
        /// <param name="factoryArguments">What the factory passes after the handler instance (<c>options</c>), or nothing.</param>
        public static void Write(IndentedWriter w, ExecutorModel executor, string className, string classSummary, string methodSummary,
            string servicesDoc, string method, (string Declaration, string Name, string Doc)[] extraParameters, string register, string factory, string factoryArguments)
        {
            var handlerClass = executor.Class;
            w.WriteLine();
            w.WriteDoc($"<summary>{classSummary}</summary>");
            w.WriteLine(Emitter.GeneratedCodeAttribute);
            w.OpenBrace($"{handlerClass.Accessibility} static class {className}");
            w.WriteDoc($"<summary>{methodSummary}</summary>");
            w.WriteDoc($"<param name=\"services\">{servicesDoc}</param>");
            var parameters = new System.Collections.Generic.List<string> { $"this {TypeNames.ServiceCollection} services" };
            foreach (var (declaration, name, doc) in extraParameters)
            {
                w.WriteDoc($"<param name=\"{name}\">{doc}</param>");
                parameters.Add(declaration);
            }
            w.WriteDoc("<returns><paramref name=\"services\"/>, for chaining.</returns>");
            w.WriteList($"public static {TypeNames.ServiceCollection} {method}", parameters, "");
            w.WriteLine("{");
            w.Indent();
            if (!handlerClass.IsStatic)
            {
                w.WriteLine(TypeNames.ServiceCollectionDescriptorExtensions);
                w.WriteLine($"    .TryAddSingleton<{handlerClass.FullyQualifiedName}>(services);");
            }
            w.WriteLine("return " + register);
            w.Indent();
            if (handlerClass.IsStatic)
            {
                w.WriteLine(factory + factoryArguments + "));");
            }
            else
            {
                // The handler instance comes from the container (the long extension class names get lines of their own).
                w.WriteLine(factory);
                w.Indent();
                w.WriteLine(TypeNames.ServiceProviderServiceExtensions);
                w.WriteLine($"    .GetRequiredService<{handlerClass.FullyQualifiedName}>(provider){(factoryArguments.Length == 0 ? "));" : ",")}");
                if (factoryArguments.Length > 0)
                    w.WriteLine(factoryArguments + "));");
                w.Unindent();
            }
            w.Unindent();
            w.CloseBrace();
            w.CloseBrace();
        }
    }
}
