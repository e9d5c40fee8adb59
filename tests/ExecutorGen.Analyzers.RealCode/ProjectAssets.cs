using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// What <c>dotnet restore</c> resolved for a project (its <c>obj/project.assets.json</c>): the frameworks it targets, the
/// compile-time assemblies of its packages and the framework references (<c>Microsoft.AspNetCore.App</c>...) it needs.
/// </summary>
public sealed class ProjectAssets
{
    private readonly JsonElement _root;
    private readonly IReadOnlyList<string> _packageFolders;

    private ProjectAssets(JsonElement root)
    {
        _root = root;
        _packageFolders = root.TryGetProperty("packageFolders", out var folders)
            ? folders.EnumerateObject().Select(f => f.Name).ToList()
            : [];
    }

    /// <summary>Reads an assets file.</summary>
    public static ProjectAssets Read(string path) => new(JsonDocument.Parse(File.ReadAllBytes(path)).RootElement);

    /// <summary>The frameworks the project was restored for (runtime-specific targets left out).</summary>
    public IReadOnlyList<TargetFramework> Frameworks => _root.GetProperty("targets").EnumerateObject()
        .Where(t => !t.Name.Contains('/', StringComparison.Ordinal))
        .Select(t => TargetFramework.Parse(t.Name))
        .OfType<TargetFramework>()
        .ToList();

    /// <summary>
    /// The full paths of the compile-time assemblies of every package restored for <paramref name="framework"/>, as
    /// the build passes them to the compiler (<c>_._</c> placeholders and project references left out: the projects'
    /// sources are in the compilation); plus the reference assemblies that <c>NETStandard.Library</c> (netstandard2.0)
    /// and <c>Microsoft.NETFramework.ReferenceAssemblies</c> bring through build files rather than compile assets.
    /// </summary>
    public IEnumerable<string> CompileAssemblies(TargetFramework framework)
    {
        foreach (var library in Target(framework).EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() != "package" || Library(library.Name) is not { } folder)
                continue;
            if (library.Value.TryGetProperty("compile", out var compile))
            {
                foreach (var asset in compile.EnumerateObject())
                {
                    if (asset.Name.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                        yield return Path.Combine(folder.Path, asset.Name);
                }
            }
            string name = library.Name.Split('/')[0];
            string? buildReferences = name.Equals("NETStandard.Library", StringComparison.OrdinalIgnoreCase) ? $"build/{framework.ShortName}/ref/"
                : name.StartsWith("Microsoft.NETFramework.ReferenceAssemblies.", StringComparison.OrdinalIgnoreCase) ? "build/.NETFramework/"
                : null;
            if (buildReferences is null)
                continue;
            foreach (var file in folder.Files)
            {
                if (file.StartsWith(buildReferences, StringComparison.OrdinalIgnoreCase) && file.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
                    yield return Path.Combine(folder.Path, file);
            }
        }
    }

    /// <summary>
    /// The reference assemblies of the shared frameworks the project and its packages reference for
    /// <paramref name="framework"/> (<c>Microsoft.NETCore.App</c>, <c>Microsoft.AspNetCore.App</c>...), from the
    /// targeting packs restore downloaded or, for this SDK's own frameworks, those that came with it; the names of
    /// those found nowhere are added to <paramref name="missing"/>.
    /// </summary>
    public IEnumerable<string> FrameworkAssemblies(TargetFramework framework, ICollection<string> missing) =>
        FrameworkPacks(framework, missing).SelectMany(pack => Directory.EnumerateFiles(Path.Combine(pack, "ref", framework.ShortName), "*.dll"));

    /// <summary>
    /// The analyzer assemblies a build hands the compiler for <paramref name="framework"/>, where the source generators
    /// are: those of the packages (<c>analyzers/dotnet[/roslynX.Y][/cs]</c>, of the highest Roslyn version this compiler
    /// can load) and of the shared frameworks' targeting packs.
    /// </summary>
    public IEnumerable<string> AnalyzerAssemblies(TargetFramework framework, Version compiler)
    {
        foreach (var library in Target(framework).EnumerateObject())
        {
            if (library.Value.GetProperty("type").GetString() != "package" || Library(library.Name) is not { } folder)
                continue;
            var candidates = folder.Files
                .Where(f => f.StartsWith("analyzers/dotnet/", StringComparison.Ordinal) && f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
                    && !f.EndsWith(".resources.dll", StringComparison.OrdinalIgnoreCase))
                .Select(f => (File: f, Parts: f.Split('/')[2..^1]))
                .Where(c => c.Parts.All(p => p == "cs" || p.StartsWith("roslyn", StringComparison.Ordinal)))
                .Select(c => (c.File, Roslyn: c.Parts.Where(p => p.StartsWith("roslyn", StringComparison.Ordinal))
                    .Select(p => Version.TryParse(p["roslyn".Length..], out var v) ? v : null).FirstOrDefault()))
                .ToList();
            var roslyn = candidates.Where(c => c.Roslyn is not null && c.Roslyn <= compiler).Select(c => c.Roslyn).Max();
            foreach (var (file, version) in candidates)
            {
                if (version == roslyn || (version is null && candidates.All(c => c.Roslyn is null)))
                    yield return Path.Combine(folder.Path, file);
            }
        }
        foreach (var pack in FrameworkPacks(framework, new List<string>()))
        {
            string analyzers = Path.Combine(pack, "analyzers", "dotnet", "cs");
            if (Directory.Exists(analyzers))
            {
                foreach (var dll in Directory.EnumerateFiles(analyzers, "*.dll"))
                    yield return dll;
            }
        }
    }

    /// <summary>The folders of the targeting packs of the shared frameworks the project and its packages use.</summary>
    private IEnumerable<string> FrameworkPacks(TargetFramework framework, ICollection<string> missing)
    {
        var names = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        if (ProjectFramework(framework) is { } project && project.TryGetProperty("frameworkReferences", out var references))
            names.UnionWith(references.EnumerateObject().Select(r => r.Name));
        foreach (var library in Target(framework).EnumerateObject())
        {
            if (library.Value.TryGetProperty("frameworkReferences", out var fromPackage))
                names.UnionWith(fromPackage.EnumerateArray().Select(r => r.GetString()!));
        }
        foreach (var name in names)
        {
            if (TargetingPack(name + ".Ref", framework) is { } folder)
                yield return folder;
            else
                missing.Add(name);
        }
    }

    /// <summary>The folder of a targeting pack with a <c>ref/&lt;tfm&gt;</c> folder, restored as a download dependency or in the SDK's packs folder.</summary>
    private string? TargetingPack(string pack, TargetFramework framework)
    {
        var candidates = new List<string>();
        if (ProjectFramework(framework) is { } project && project.TryGetProperty("downloadDependencies", out var downloads))
        {
            foreach (var download in downloads.EnumerateArray())
            {
                if (!string.Equals(download.GetProperty("name").GetString(), pack, StringComparison.OrdinalIgnoreCase))
                    continue;
                // "[8.0.21, 8.0.21]": an exact version, written as a range.
                string version = download.GetProperty("version").GetString()!.Trim('[', ']', '(', ')').Split(',')[0].Trim();
                candidates.AddRange(_packageFolders.Select(f => Path.Combine(f, pack.ToLowerInvariant(), version)));
            }
        }
        string packs = Path.Combine(DotnetRoot, "packs", pack);
        if (Directory.Exists(packs))
            candidates.AddRange(Directory.EnumerateDirectories(packs).OrderByDescending(v => Version.TryParse(Path.GetFileName(v).Split('-')[0], out var parsed) ? parsed : null));
        return candidates.FirstOrDefault(c => Directory.Exists(Path.Combine(c, "ref", framework.ShortName)));
    }

    /// <summary>The folder the running .NET came from (<c>dotnet</c>, <c>packs</c>, <c>shared</c>...).</summary>
    public static string DotnetRoot => Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root
        ? root
        : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    private JsonElement Target(TargetFramework framework) => _root.GetProperty("targets").EnumerateObject()
        .First(t => TargetFramework.Parse(t.Name) == framework).Value;

    private JsonElement? ProjectFramework(TargetFramework framework) =>
        _root.GetProperty("project").GetProperty("frameworks").EnumerateObject()
            .Where(f => TargetFramework.Parse(f.Name) == framework).Select(f => (JsonElement?)f.Value).FirstOrDefault();

    /// <summary>Where a package (<c>Name/Version</c>) lies, and its files; null when it is in no package folder.</summary>
    private (string Path, IReadOnlyList<string> Files)? Library(string nameAndVersion)
    {
        var library = _root.GetProperty("libraries").GetProperty(nameAndVersion);
        string relative = library.GetProperty("path").GetString()!;
        string? folder = _packageFolders.Select(f => Path.Combine(f, relative)).FirstOrDefault(Directory.Exists);
        if (folder is null)
            return null;
        var files = library.TryGetProperty("files", out var list) ? list.EnumerateArray().Select(f => f.GetString()!).ToList() : [];
        return (folder, files);
    }
}
