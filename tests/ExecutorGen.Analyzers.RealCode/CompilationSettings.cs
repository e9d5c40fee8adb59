using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// How the one compilation of a source tree is made: references, language version, define constants, nullable context
/// and global usings, taken from the projects given (see <see cref="MsBuildProject"/>) and the command line.
/// </summary>
/// <param name="References">One reference per assembly name (the highest version when several provide it).</param>
/// <param name="ParseOptions">Language version (the highest of the projects') and preprocessor symbols (all of theirs).</param>
/// <param name="CompilationOptions">A library; nullable context of the first project; unsafe code if any project allows it;
/// the projects' <c>NoWarn</c> ids suppressed.</param>
/// <param name="Generators">The analyzer assemblies whose source generators run (one per assembly name, the highest version).</param>
/// <param name="GlobalUsings">The projects' <c>global using</c> directives, as a source file; null when there are none.</param>
/// <param name="Projects">The projects, as evaluated.</param>
/// <param name="Problems">What could not be resolved (a failed restore, a missing targeting pack...).</param>
public sealed record CompilationSettings(
    ImmutableArray<MetadataReference> References,
    CSharpParseOptions ParseOptions,
    CSharpCompilationOptions CompilationOptions,
    IReadOnlyList<string> Generators,
    string? GlobalUsings,
    IReadOnlyList<MsBuildProject> Projects,
    IReadOnlyList<string> Problems)
{
    /// <summary>The framework assumed without a project: .NET 10, whose reference assemblies come with this tool.</summary>
    public static readonly TargetFramework DefaultFramework = new(TargetFramework.CoreApp, new Version(10, 0));

    /// <summary>Evaluates and, where needed, restores the projects of <paramref name="options"/>, then resolves everything.</summary>
    public static CompilationSettings Create(EvaluationOptions options)
    {
        var problems = new List<string>();
        var projects = options.Projects.Select(p => MsBuildProject.Load(p, options.TargetFramework, problems)).ToList();
        var symbols = (projects.Count == 0 ? DefaultFramework.PreprocessorSymbols().Append("TRACE").Append("RELEASE") : projects.SelectMany(p => p.DefineConstants))
            .Concat(options.Defines).Distinct().ToList();
        var languageVersion = projects.Count == 0 ? LanguageVersion.Latest : projects.Select(p => ParseLanguageVersion(p, problems)).Max();
        var nullable = projects.FirstOrDefault()?.Nullable.ToLowerInvariant() switch
        {
            null or "enable" => NullableContextOptions.Enable,
            "warnings" => NullableContextOptions.Warnings,
            "annotations" => NullableContextOptions.Annotations,
            _ => NullableContextOptions.Disable,
        };
        var usings = projects.SelectMany(p => p.GlobalUsings).Distinct().ToList();
        return new CompilationSettings(
            ResolveReferences(options, projects, problems),
            new CSharpParseOptions(languageVersion, preprocessorSymbols: symbols).WithFeatures(Interceptors(projects)),
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: nullable,
                allowUnsafe: projects.Count == 0 || projects.Any(p => p.AllowUnsafeBlocks),
                // What the build suppresses is not a compile error (an [Experimental] API the project opts into, say).
                specificDiagnosticOptions: projects.SelectMany(p => p.NoWarn).Select(CompilerId).Distinct()
                    .Select(id => KeyValuePair.Create(id, ReportDiagnostic.Suppress))),
            options.RunGenerators ? ResolveGenerators(options, projects) : [],
            usings.Count == 0 ? null : string.Join("\n", usings) + "\n",
            projects,
            problems);
    }

    /// <summary>The projects' framework and package reference assemblies and <c>--ref</c>; the .NET 10 ones when there are no framework ones.</summary>
    private static ImmutableArray<MetadataReference> ResolveReferences(EvaluationOptions options, IReadOnlyList<MsBuildProject> projects, ICollection<string> problems)
    {
        var references = new Dictionary<string, (MetadataReference Reference, Version Version)>(StringComparer.OrdinalIgnoreCase);
        void Add(MetadataReference reference, string name, Version version)
        {
            if (!references.TryGetValue(name, out var known) || known.Version < version)
                references[name] = (reference, version);
        }
        void AddFile(string path)
        {
            if (Identity(File.OpenRead(path)) is var (name, version))
                Add(MetadataReference.CreateFromFile(path), name, version);
        }
        foreach (var project in projects)
        {
            if (project.Assets is null)
                continue;
            var missing = new List<string>();
            foreach (var path in project.Assets.FrameworkAssemblies(project.Framework, missing).Concat(project.Assets.CompileAssemblies(project.Framework)))
                AddFile(path);
            foreach (var name in missing)
                problems.Add($"{project.Path}: no reference assemblies of {name} for {project.Framework.ShortName}");
        }
        foreach (var path in options.References)
        {
            foreach (var file in Directory.Exists(path) ? Directory.EnumerateFiles(path, "*.dll") : [path])
                AddFile(file);
        }
        if (!references.ContainsKey("System.Runtime") && !references.ContainsKey("netstandard") && !references.ContainsKey("mscorlib"))
        {
            // No project, or its framework's targeting pack is missing: the .NET 10 reference assemblies.
            foreach (var info in Net100.ReferenceInfos.All)
            {
                if (Identity(new MemoryStream(info.ImageBytes)) is var (name, version))
                    Add(info.Reference, name, version);
            }
        }
        return references.Values.Select(r => r.Reference).ToImmutableArray();
    }

    /// <summary>
    /// The analyzer assemblies of the projects' packages and frameworks, and <c>--generator</c>, one per name (the highest
    /// version), less those every project leaves off (<see cref="MsBuildProject.DisabledGenerators"/>).
    /// </summary>
    private static IReadOnlyList<string> ResolveGenerators(EvaluationOptions options, IReadOnlyList<MsBuildProject> projects)
    {
        var generators = new Dictionary<string, (string Path, Version Version)>(StringComparer.OrdinalIgnoreCase);
        var found = projects.Where(p => p.Assets is not null)
            .SelectMany(p => p.Assets!.AnalyzerAssemblies(p.Framework, SourceGenerators.Compiler))
            .Concat(options.Generators ?? []);
        foreach (var path in found)
        {
            if (Identity(File.OpenRead(path)) is var (name, version)
                && (!generators.TryGetValue(name, out var known) || known.Version < version)
                && (projects.Count == 0 || !projects.All(p => p.DisabledGenerators.Contains(name))))
                generators[name] = (path, version);
        }
        return generators.Values.Select(g => g.Path).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>The compiler feature flags that let generated interceptors in the projects' allowed namespaces compile.</summary>
    private static IEnumerable<KeyValuePair<string, string>> Interceptors(IEnumerable<MsBuildProject> projects)
    {
        string namespaces = string.Join(";", projects.SelectMany(p => p.InterceptorsNamespaces).Distinct());
        return namespaces.Length == 0
            ? []
            : [KeyValuePair.Create("InterceptorsNamespaces", namespaces), KeyValuePair.Create("InterceptorsPreviewNamespaces", namespaces)];
    }

    /// <summary>A <c>NoWarn</c> entry as a diagnostic id: <c>1591</c> is the compiler's <c>CS1591</c>.</summary>
    private static string CompilerId(string noWarn) => noWarn.All(char.IsAsciiDigit) ? "CS" + noWarn.PadLeft(4, '0') : noWarn;

    private static LanguageVersion ParseLanguageVersion(MsBuildProject project, ICollection<string> problems)
    {
        if (LanguageVersionFacts.TryParse(project.LangVersion, out var version))
            return version;
        problems.Add($"{project.Path}: LangVersion {project.LangVersion} is unknown to this compiler; using preview");
        return LanguageVersion.Preview;
    }

    /// <summary>The name and version of an assembly image; null when it is not a .NET assembly. Closes the stream.</summary>
    private static (string Name, Version Version)? Identity(Stream image)
    {
        using var pe = new PEReader(image);
        try
        {
            if (!pe.HasMetadata || pe.GetMetadataReader() is not { IsAssembly: true } reader)
                return null;
            var assembly = reader.GetAssemblyDefinition();
            return (reader.GetString(assembly.Name), assembly.Version);
        }
        catch (BadImageFormatException)
        {
            return null;
        }
    }
}
