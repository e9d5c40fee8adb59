using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// A project file as MSBuild evaluates it (<c>dotnet msbuild -getProperty</c>), so that what <c>Directory.Build.props</c>,
/// imports and conditions set counts as in a build: the settings that change how its sources bind.
/// </summary>
/// <param name="Path">The project file.</param>
/// <param name="Framework">The target framework evaluated.</param>
/// <param name="Assets">What restore resolved for it; null when restore failed.</param>
/// <param name="LangVersion">The <c>LangVersion</c> property, or the framework's default when it is empty.</param>
/// <param name="Nullable">The <c>Nullable</c> property (<c>enable</c>, <c>disable</c>, <c>warnings</c>, <c>annotations</c>), or empty.</param>
/// <param name="AllowUnsafeBlocks">The <c>AllowUnsafeBlocks</c> property.</param>
/// <param name="DefineConstants">The <c>DefineConstants</c> property, plus the framework's own symbols (<c>NET8_0_OR_GREATER</c>...).</param>
/// <param name="NoWarn">The <c>NoWarn</c> property: diagnostic ids the build suppresses.</param>
/// <param name="GlobalUsings">The <c>global using</c> directives of its <c>Using</c> items (the SDK's implicit usings among them).</param>
/// <param name="DisabledGenerators">Generator assemblies (by name) the build leaves out unless a property turns them on.</param>
/// <param name="InterceptorsNamespaces">Namespaces whose interceptors the build allows (set by generators' packages and the SDK).</param>
/// <param name="CompileFiles">Full paths of its <c>Compile</c> items: the files a build of it compiles.</param>
public sealed record MsBuildProject(
    string Path,
    TargetFramework Framework,
    ProjectAssets? Assets,
    string LangVersion,
    string Nullable,
    bool AllowUnsafeBlocks,
    IReadOnlyList<string> DefineConstants,
    IReadOnlyList<string> NoWarn,
    IReadOnlyList<string> GlobalUsings,
    IReadOnlyList<string> DisabledGenerators,
    IReadOnlyList<string> InterceptorsNamespaces,
    IReadOnlySet<string> CompileFiles)
{
    private static readonly string[] s_properties =
        ["TargetFramework", "TargetFrameworks", "ProjectAssetsFile", "MSBuildProjectExtensionsPath", "LangVersion", "Nullable", "AllowUnsafeBlocks",
         "DefineConstants", "NoWarn", "InterceptorsNamespaces", "InterceptorsPreviewNamespaces",
         "EnableRequestDelegateGenerator", "EnableConfigurationBindingGenerator"];

    /// <summary>
    /// Generators the SDK removes unless a property turns them on (its "off by default analyzers"): assembly name, property.
    /// </summary>
    private static readonly (string Generator, string Property)[] s_offByDefault =
        [("Microsoft.AspNetCore.Http.RequestDelegateGenerator", "EnableRequestDelegateGenerator"),
         ("Microsoft.Extensions.Configuration.Binder.SourceGeneration", "EnableConfigurationBindingGenerator")];

    /// <summary>
    /// Evaluates <paramref name="path"/> in the Release configuration, takes <paramref name="framework"/> (or, when null,
    /// the most preferred of its frameworks: see <see cref="TargetFramework.Preference"/>) from a multi-targeting
    /// project, and restores it when its assets file is missing or lacks that framework. Problems are added to
    /// <paramref name="log"/>.
    /// </summary>
    public static MsBuildProject Load(string path, string? framework, ICollection<string> log)
    {
        var outer = Evaluate(path, null);
        var declared = (outer.Properties["TargetFrameworks"] is { Length: > 0 } many ? many : outer.Properties["TargetFramework"])
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(name => (Name: name, Parsed: TargetFramework.Parse(name)))
            .Where(f => f.Parsed is not null)
            .ToList();
        var (name, chosen) = framework is not null
            ? declared.FirstOrDefault(f => f.Parsed == TargetFramework.Parse(framework))
            : declared.OrderByDescending(f => f.Parsed!.Preference).FirstOrDefault();
        if (chosen is null)
            throw new InvalidOperationException($"{path}: no target framework {framework} among '{string.Join(";", declared.Select(f => f.Name))}'");

        // ProjectAssetsFile is only set once restore has run.
        string assetsFile = outer.Properties["ProjectAssetsFile"] is { Length: > 0 } file
            ? file
            : System.IO.Path.Combine(outer.Properties["MSBuildProjectExtensionsPath"], "project.assets.json");
        bool Restored() => File.Exists(assetsFile) && ProjectAssets.Read(assetsFile).Frameworks.Contains(chosen);
        // A failed restore still writes what it resolved; for a multi-targeting project, a framework it failed for
        // (a targeting pack of an old .NET that is not served, say) should not cost the chosen one: restore that alone.
        bool restoring = !Restored();
        if (restoring && !Restore(path, null, log) && !Restored())
            Restore(path, name, log);
        var assets = File.Exists(assetsFile) ? ProjectAssets.Read(assetsFile) : null;
        if (assets is not null && !assets.Frameworks.Contains(chosen))
        {
            log.Add($"{path}: restore did not resolve {name}; its packages are not referenced");
            assets = null;
        }

        // After a restore, evaluated again: what the packages' props and targets set (imported once restored) counts too.
        var inner = outer.Properties["TargetFramework"] == name && !restoring ? outer : Evaluate(path, name);
        var properties = inner.Properties;
        var defines = List(properties["DefineConstants"]).Concat(chosen.PreprocessorSymbols()).Distinct().ToList();
        return new MsBuildProject(
            path,
            chosen,
            assets,
            properties["LangVersion"] is { Length: > 0 } version ? version : chosen.DefaultLanguageVersion,
            properties["Nullable"],
            string.Equals(properties["AllowUnsafeBlocks"], "true", StringComparison.OrdinalIgnoreCase),
            defines,
            List(properties["NoWarn"]).ToList(),
            inner.Usings,
            s_offByDefault.Where(g => !string.Equals(properties[g.Property], "true", StringComparison.OrdinalIgnoreCase)).Select(g => g.Generator).ToList(),
            List(properties["InterceptorsNamespaces"]).Concat(List(properties["InterceptorsPreviewNamespaces"])).Distinct().ToList(),
            inner.Compile);
    }

    /// <summary>
    /// Restores the project (for <paramref name="framework"/> alone, when given); false, with the first errors in
    /// <paramref name="log"/>, when restore failed.
    /// </summary>
    private static bool Restore(string path, string? framework, ICollection<string> log)
    {
        // Warnings are not errors here: a repository that builds warning-free with its own package source may get a
        // slightly different version from this one (NU1603), which changes nothing for binding its code. A package
        // source its nuget.config names that cannot be reached is skipped.
        var args = new List<string> { "restore", path, "--ignore-failed-sources", "-p:TreatWarningsAsErrors=false", "-p:WarningsAsErrors=" };
        if (framework is not null)
            args.Add("-p:TargetFrameworks=" + framework);
        var (exitCode, output, _) = Dotnet([.. args]);
        if (exitCode != 0)
        {
            log.Add($"dotnet {string.Join(' ', args)} failed ({exitCode}): "
                + string.Join(" | ", output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Select(l => l.Trim()).Distinct().Take(3)));
        }
        return exitCode == 0;
    }

    /// <summary>The items of a <c>;</c>- or <c>,</c>-separated property.</summary>
    private static IEnumerable<string> List(string property) =>
        property.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The folder of the project file: what its default globs compile lies under it.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    private sealed record Evaluation(IReadOnlyDictionary<string, string> Properties, IReadOnlyList<string> Usings, IReadOnlySet<string> Compile);

    private static Evaluation Evaluate(string path, string? framework)
    {
        var args = new List<string> { "msbuild", path, "-nologo", "-p:Configuration=Release", "-getItem:Using", "-getItem:Compile" };
        args.AddRange(s_properties.Select(p => "-getProperty:" + p));
        if (framework is not null)
            args.Add("-p:TargetFramework=" + framework);
        var (exitCode, output, error) = Dotnet([.. args]);
        if (exitCode != 0)
            throw new InvalidOperationException($"evaluating {path} failed ({exitCode}): {output}{error}");
        // The JSON document, after whatever an SDK resolver may have printed first.
        var json = JsonDocument.Parse(output[Math.Max(0, output.IndexOf('{', StringComparison.Ordinal))..]).RootElement;
        var properties = s_properties.ToDictionary(p => p, p => json.GetProperty("Properties").GetProperty(p).GetString() ?? "");
        var usings = new List<string>();
        if (json.TryGetProperty("Items", out var items) && items.TryGetProperty("Using", out var usingItems))
        {
            foreach (var item in usingItems.EnumerateArray())
            {
                string Metadata(string name) => item.TryGetProperty(name, out var value) ? value.GetString() ?? "" : "";
                string target = "global::" + Metadata("Identity");
                usings.Add(Metadata("Alias") is { Length: > 0 } alias ? $"global using {alias} = {target};"
                    : string.Equals(Metadata("Static"), "true", StringComparison.OrdinalIgnoreCase) ? $"global using static {target};"
                    : $"global using {target};");
            }
        }
        var compile = new HashSet<string>(StringComparer.Ordinal);
        if (json.TryGetProperty("Items", out var all) && all.TryGetProperty("Compile", out var compileItems))
            compile.UnionWith(compileItems.EnumerateArray().Select(item => item.GetProperty("FullPath").GetString()!));
        return new Evaluation(properties, usings, compile);
    }

    /// <summary>
    /// Runs <c>dotnet</c> outside the evaluated repository, so that its <c>global.json</c> cannot ask for an SDK this
    /// machine does not have: the SDK running this tool evaluates and restores every project.
    /// </summary>
    private static (int ExitCode, string Output, string Error) Dotnet(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = System.IO.Path.GetTempPath(),
        };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output, error.Result);
    }
}
