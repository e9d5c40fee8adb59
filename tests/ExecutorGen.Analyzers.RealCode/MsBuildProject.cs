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
/// <param name="GlobalUsings">The <c>global using</c> directives of its <c>Using</c> items (the SDK's implicit usings among them).</param>
public sealed record MsBuildProject(
    string Path,
    TargetFramework Framework,
    ProjectAssets? Assets,
    string LangVersion,
    string Nullable,
    bool AllowUnsafeBlocks,
    IReadOnlyList<string> DefineConstants,
    IReadOnlyList<string> GlobalUsings)
{
    private static readonly string[] s_properties =
        ["TargetFramework", "TargetFrameworks", "ProjectAssetsFile", "LangVersion", "Nullable", "AllowUnsafeBlocks", "DefineConstants"];

    /// <summary>
    /// Evaluates <paramref name="path"/> in the Release configuration, restores it when it has no assets file yet, and
    /// takes <paramref name="framework"/> (or, when null, the most preferred of its frameworks: see
    /// <see cref="TargetFramework.Preference"/>) from a multi-targeting project. Problems are added to <paramref name="log"/>.
    /// </summary>
    public static MsBuildProject Load(string path, string? framework, ICollection<string> log)
    {
        var outer = Evaluate(path, null);
        string assetsFile = outer.Properties["ProjectAssetsFile"];
        if (!File.Exists(assetsFile))
        {
            // Warnings are not errors here: a repository that builds warning-free with its own package source may get a
            // slightly different version from this one (NU1603), which changes nothing for binding its code.
            var (exitCode, output, _) = Dotnet("restore", path, "-p:TreatWarningsAsErrors=false", "-p:WarningsAsErrors=");
            if (exitCode != 0)
                log.Add($"dotnet restore {path} failed ({exitCode}): {string.Join(" | ", output.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)).Take(3))}");
        }
        var assets = File.Exists(assetsFile) ? ProjectAssets.Read(assetsFile) : null;

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

        var inner = outer.Properties["TargetFramework"] == name ? outer : Evaluate(path, name);
        var properties = inner.Properties;
        var defines = properties["DefineConstants"].Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(chosen.PreprocessorSymbols()).Distinct().ToList();
        return new MsBuildProject(
            path,
            chosen,
            assets,
            properties["LangVersion"] is { Length: > 0 } version ? version : chosen.DefaultLanguageVersion,
            properties["Nullable"],
            string.Equals(properties["AllowUnsafeBlocks"], "true", StringComparison.OrdinalIgnoreCase),
            defines,
            inner.Usings);
    }

    private sealed record Evaluation(IReadOnlyDictionary<string, string> Properties, IReadOnlyList<string> Usings);

    private static Evaluation Evaluate(string path, string? framework)
    {
        var args = new List<string> { "msbuild", path, "-nologo", "-p:Configuration=Release", "-getItem:Using" };
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
        return new Evaluation(properties, usings);
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
