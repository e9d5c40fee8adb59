using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// Analyzer options with the concurrency rules widened to all code (<c>executorgen.concurrency_scope = all</c>; by default
/// they report on the code handlers reach only), for code that runs the analyzers itself: the real-code evaluation
/// measures what the rules infer, and the test harnesses that build their own options exercise it. Linked into the test
/// projects.
/// </summary>
internal static class WidenedScope
{
    public const string Key = "executorgen.concurrency_scope";

    /// <summary>The same switch as a <c>.globalconfig</c> file, for the analyzer testing library.</summary>
    public const string GlobalConfig = "is_global = true\n" + Key + " = all\n";

    /// <summary>Options with no additional files and the switch on for every syntax tree.</summary>
    public static AnalyzerOptions On { get; } = new(ImmutableArray<AdditionalText>.Empty, new SwitchedOn());

    private sealed class SwitchedOn : AnalyzerConfigOptionsProvider
    {
        private static readonly Options s_options = new();

        public override AnalyzerConfigOptions GlobalOptions => s_options;

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => s_options;

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) => s_options;
    }

    private sealed class Options : AnalyzerConfigOptions
    {
        private static readonly Dictionary<string, string> s_values = new() { [Key] = "all" };

        public override bool TryGetValue(string key, out string value) => s_values.TryGetValue(key, out value!);
    }
}
