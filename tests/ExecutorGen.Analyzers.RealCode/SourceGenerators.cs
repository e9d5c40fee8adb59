using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// Runs the source generators a build of the projects would run (logging, JSON, regular expressions, interop...), once,
/// so that code which calls what they generate binds; their output joins the compilation as generated files.
/// </summary>
public static class SourceGenerators
{
    /// <summary>The version of the compiler this tool runs, which decides which builds of a package's analyzers load.</summary>
    public static Version Compiler { get; } = Version.Parse(
        typeof(CSharpCompilation).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('-', '+')[0]);

    /// <summary>
    /// The syntax trees the generators in <paramref name="assemblies"/> add to <paramref name="compilation"/>; assemblies
    /// that do not load and generators that fail are added to <paramref name="problems"/>.
    /// </summary>
    public static IReadOnlyList<SyntaxTree> Run(IReadOnlyList<string> assemblies, CSharpCompilation compilation, ICollection<string> problems)
    {
        var loader = new Loader();
        var generators = new List<ISourceGenerator>();
        foreach (var path in assemblies)
        {
            var reference = new AnalyzerFileReference(path, loader);
            reference.AnalyzerLoadFailed += (_, e) => problems.Add($"generator assembly {path} did not load: {e.Message}");
            generators.AddRange(reference.GetGenerators(LanguageNames.CSharp));
        }
        if (generators.Count == 0)
            return [];
        var parseOptions = (CSharpParseOptions)compilation.SyntaxTrees.First().Options;
        CSharpGeneratorDriver.Create(generators, parseOptions: parseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var generated, out var diagnostics);
        foreach (var diagnostic in diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Id is "CS8784" or "CS8785"))
            problems.Add(diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        return generated.SyntaxTrees.Skip(compilation.SyntaxTrees.Count()).ToList();
    }

    /// <summary>
    /// Loads each analyzer assembly in a load context of its own, its dependencies from its folder; Roslyn comes from
    /// the default context (this tool's compiler), as in the compiler server.
    /// </summary>
    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath)
        {
            var context = new AssemblyLoadContext("generator:" + fullPath);
            string folder = Path.GetDirectoryName(fullPath)!;
            context.Resolving += (own, name) => Path.Combine(folder, name.Name + ".dll") is var dependency && File.Exists(dependency)
                ? own.LoadFromAssemblyPath(dependency)
                : null;
            return context.LoadFromAssemblyPath(fullPath);
        }
    }
}
