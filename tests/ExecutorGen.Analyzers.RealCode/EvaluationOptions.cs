using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>What to evaluate and how: the command line of the real-code evaluation, parsed.</summary>
/// <param name="Root">The folder whose <c>.cs</c> files make the one compilation.</param>
/// <param name="Projects">Project files whose references, language settings and define constants the compilation takes.</param>
/// <param name="Excludes">Path substrings (case-insensitive, <c>/</c>-separated, relative to <paramref name="Root"/>) of files left out.</param>
/// <param name="DefaultExcludes">Whether folders that look like tests, benchmarks, samples or examples are left out.</param>
/// <param name="References">Extra reference assemblies: files, or folders whose <c>.dll</c> files are all taken.</param>
/// <param name="Defines">Extra preprocessor symbols.</param>
/// <param name="AnalyzersPath">Another build of the analyzer assembly to run; null for the one this tool was built with.</param>
/// <param name="Rules">Only these rule ids (and only analyzers that report one of them); empty for all.</param>
/// <param name="Runs">Measured rounds (the medians are over these).</param>
/// <param name="Warmup">Rounds run first and not measured (the JIT is still tiering the compiler up in them).</param>
/// <param name="TsvPath">Where to write the diagnostics as tab-separated values; null for nowhere.</param>
/// <param name="TargetFramework">The target framework to take from multi-targeting projects; null for the newest .NET one.</param>
/// <param name="Parallel">Bind and analyze on all cores, as a build does, instead of on one (see <see cref="Measurement"/>).</param>
/// <param name="Generators">Extra source generator assemblies to run (a project's own generator, built).</param>
/// <param name="RunGenerators">Whether the source generators of the projects' packages and frameworks run.</param>
/// <param name="ShowReferences">Print the path of every reference (to see why something does not bind).</param>
/// <param name="Shipped">Run the analyzers with the options they ship with (the concurrency rules on the code handlers
/// reach only), as a user gets them, instead of widened to all code.</param>
/// <param name="StandInHandlers">Mark a web application's controller actions and message handlers as <c>[RequestHandler]</c>
/// methods (<see cref="RealCode.StandInHandlers"/>), to measure the rules as shipped on what such entry points reach.</param>
/// <param name="Enable">Rules that are off by default (EXG010) to run as suggestions, as a project that enables them does.</param>
public sealed record EvaluationOptions(
    string Root,
    IReadOnlyList<string> Projects,
    IReadOnlyList<string> Excludes,
    bool DefaultExcludes,
    IReadOnlyList<string> References,
    IReadOnlyList<string> Defines,
    string? AnalyzersPath,
    IReadOnlyList<string> Rules,
    int Runs,
    int Warmup,
    string? TsvPath,
    string? TargetFramework,
    bool Parallel,
    IReadOnlyList<string>? Generators = null,
    bool RunGenerators = true,
    bool ShowReferences = false,
    bool Shipped = false,
    bool StandInHandlers = false,
    IReadOnlyList<string>? Enable = null)
{
    /// <summary>The command line, for the usage message.</summary>
    public const string Usage =
        "usage: <source-root> [--project X.csproj]... [--exclude <path-substring>]... [--no-default-excludes] "
        + "[--ref dll-or-dir]... [--define SYM]... [--tfm net8.0] [--generator dll]... [--no-generators] [--analyzers path/to/ExecutorGen.Analyzers.dll] "
        + "[--rules EXG001,EXG002] [--runs N] [--warmup N] [--parallel] [--tsv out.tsv] [--show-references] [--shipped] [--stand-in-handlers] [--enable EXG010]";

    /// <summary>Options for <paramref name="root"/> with every other setting at its default.</summary>
    public static EvaluationOptions For(string root) =>
        new(Path.GetFullPath(root), [], [], true, [], [], null, [], 3, 1, null, null, false);

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with the problem when it is wrong.</summary>
    public static EvaluationOptions Parse(IReadOnlyList<string> args)
    {
        string? root = null;
        var projects = new List<string>();
        var excludes = new List<string>();
        var references = new List<string>();
        var defines = new List<string>();
        var rules = new List<string>();
        var generators = new List<string>();
        var enable = new List<string>();
        var options = For(".");
        for (int i = 0; i < args.Count; i++)
        {
            string Value() => ++i < args.Count ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value");
            int Count() => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out int n)
                ? n : throw new ArgumentException($"{args[i - 1]} needs a whole number");
            switch (args[i])
            {
                case "--project": projects.Add(Path.GetFullPath(Value())); break;
                case "--exclude": excludes.Add(Value()); break;
                case "--no-default-excludes": options = options with { DefaultExcludes = false }; break;
                case "--ref": references.Add(Path.GetFullPath(Value())); break;
                case "--define": defines.Add(Value()); break;
                case "--generator": generators.Add(Path.GetFullPath(Value())); break;
                case "--no-generators": options = options with { RunGenerators = false }; break;
                case "--tfm": options = options with { TargetFramework = Value() }; break;
                case "--analyzers": options = options with { AnalyzersPath = Path.GetFullPath(Value()) }; break;
                case "--rules": rules.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--runs": options = options with { Runs = Math.Max(1, Count()) }; break;
                case "--warmup": options = options with { Warmup = Count() }; break;
                case "--parallel": options = options with { Parallel = true }; break;
                case "--show-references": options = options with { ShowReferences = true }; break;
                case "--shipped": options = options with { Shipped = true }; break;
                case "--stand-in-handlers": options = options with { StandInHandlers = true }; break;
                case "--enable": enable.AddRange(Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)); break;
                case "--tsv": options = options with { TsvPath = Path.GetFullPath(Value()) }; break;
                case var arg when arg.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"unknown option {arg}");
                case var arg when root is null: root = arg; break;
                default: throw new ArgumentException($"one source root only: {root}, then {args[i]}");
            }
        }
        if (root is null)
            throw new ArgumentException("no source root given");
        if (!Directory.Exists(root))
            throw new ArgumentException($"no such folder: {root}");
        return options with
        {
            Root = Path.GetFullPath(root),
            Projects = projects,
            Excludes = excludes,
            References = references,
            Defines = defines,
            Rules = rules,
            Generators = generators,
            Enable = enable,
        };
    }
}
