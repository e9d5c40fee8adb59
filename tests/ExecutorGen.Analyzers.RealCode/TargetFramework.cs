using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>A target framework (<c>net8.0</c>, <c>netstandard2.0</c>, <c>net462</c>): what the SDK derives from it.</summary>
/// <param name="Identifier"><c>.NETCoreApp</c>, <c>.NETStandard</c> or <c>.NETFramework</c> (or another, which gets no symbols).</param>
/// <param name="Version">Its version (<c>4.6.2</c> for <c>net462</c>).</param>
public sealed record TargetFramework(string Identifier, Version Version)
{
    public const string CoreApp = ".NETCoreApp";
    public const string Standard = ".NETStandard";
    public const string Framework = ".NETFramework";

    /// <summary>The short name, as in a project file: <c>net8.0</c>, <c>netcoreapp3.1</c>, <c>netstandard2.0</c>, <c>net462</c>.</summary>
    public string ShortName => Identifier switch
    {
        CoreApp when Version.Major >= 5 => $"net{Version.Major}.{Version.Minor}",
        CoreApp => $"netcoreapp{Version.Major}.{Version.Minor}",
        Standard => $"netstandard{Version.Major}.{Version.Minor}",
        Framework => "net" + Version.ToString().Replace(".", "", StringComparison.Ordinal),
        _ => $"{Identifier},Version=v{Version}",
    };

    /// <summary>
    /// Parses a short name (<c>net8.0</c>, <c>net8.0-windows</c>: the platform is dropped) or the long one of an assets
    /// file (<c>.NETCoreApp,Version=v8.0</c>); null when it is neither.
    /// </summary>
    public static TargetFramework? Parse(string name)
    {
        if (name.Split(",Version=v") is [var identifier, var version] && Version.TryParse(version.Split('/')[0], out var v))
            return new TargetFramework(identifier, v);
        string shortName = name.Split('-')[0].ToLowerInvariant();
        foreach (var (prefix, id) in new[] { ("netcoreapp", CoreApp), ("netstandard", Standard), ("net", CoreApp) })
        {
            if (!shortName.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            string rest = shortName[prefix.Length..];
            if (rest.Contains('.', StringComparison.Ordinal))
                return Version.TryParse(rest, out var dotted) ? new TargetFramework(id, dotted) : null;
            // net462, net48: .NET Framework, one digit per version part.
            return prefix == "net" && rest.Length >= 2 && rest.All(char.IsAsciiDigit)
                ? new TargetFramework(Framework, Version.Parse(string.Join('.', rest.Select(c => c.ToString()))))
                : null;
        }
        return null;
    }

    /// <summary>
    /// How much a build for this framework is worth evaluating: .NET (newest first), then .NET Standard, then .NET
    /// Framework, whose reference assemblies are least likely to be on a Linux machine.
    /// </summary>
    public int Preference => (Identifier switch { CoreApp => 3, Standard => 2, Framework => 1, _ => 0 }) * 10_000
        + Version.Major * 100 + Math.Max(0, Version.Minor) * 10 + Math.Max(0, Version.Build);

    /// <summary>The preprocessor symbols the SDK defines for it (<c>NET</c>, <c>NET8_0</c>, <c>NET6_0_OR_GREATER</c>, ...).</summary>
    public IReadOnlyList<string> PreprocessorSymbols()
    {
        var symbols = new List<string>();
        string Underscored(Version v) => $"{v.Major}_{v.Minor}";
        switch (Identifier)
        {
            case CoreApp:
                symbols.Add("NETCOREAPP");
                if (Version.Major >= 5)
                {
                    symbols.Add("NET");
                    symbols.Add($"NET{Underscored(Version)}");
                    symbols.AddRange(Enumerable.Range(5, Version.Major - 4).Select(m => $"NET{m}_0_OR_GREATER"));
                }
                else
                {
                    symbols.Add($"NETCOREAPP{Underscored(Version)}");
                }
                symbols.AddRange(s_coreAppVersions.Where(v => v <= Version).Select(v => $"NETCOREAPP{Underscored(v)}_OR_GREATER"));
                break;
            case Standard:
                symbols.Add("NETSTANDARD");
                symbols.Add($"NETSTANDARD{Underscored(Version)}");
                symbols.AddRange(s_standardVersions.Where(v => v <= Version).Select(v => $"NETSTANDARD{Underscored(v)}_OR_GREATER"));
                break;
            case Framework:
                symbols.Add("NETFRAMEWORK");
                symbols.Add(ShortName.ToUpperInvariant());
                symbols.AddRange(s_frameworkVersions.Where(v => v <= Version)
                    .Select(v => $"NET{v.ToString().Replace(".", "", StringComparison.Ordinal)}_OR_GREATER"));
                break;
        }
        return symbols;
    }

    /// <summary>The language version a project gets when it does not set <c>LangVersion</c>.</summary>
    public string DefaultLanguageVersion => Identifier switch
    {
        CoreApp when Version.Major >= 5 => (Version.Major + 4).ToString(CultureInfo.InvariantCulture), // net5.0: C# 9 ... net10.0: C# 14
        CoreApp when Version.Major == 3 => "8",
        Standard when Version >= new Version(2, 1) => "8",
        _ => "7.3",
    };

    private static readonly Version[] s_coreAppVersions = [new(1, 0), new(1, 1), new(2, 0), new(2, 1), new(2, 2), new(3, 0), new(3, 1)];
    private static readonly Version[] s_standardVersions = [new(1, 0), new(1, 1), new(1, 2), new(1, 3), new(1, 4), new(1, 5), new(1, 6), new(2, 0), new(2, 1)];
    private static readonly Version[] s_frameworkVersions =
        [new(2, 0), new(3, 0), new(3, 5), new(4, 0), new(4, 5), new(4, 5, 1), new(4, 5, 2), new(4, 6), new(4, 6, 1), new(4, 6, 2),
         new(4, 7), new(4, 7, 1), new(4, 7, 2), new(4, 8), new(4, 8, 1)];
}
