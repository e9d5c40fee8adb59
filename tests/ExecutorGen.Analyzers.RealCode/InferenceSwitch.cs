using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers.RealCode;

/// <summary>
/// Analyzer options with EXG001's inference switched on (<c>executorgen.infer_unguarded_state = true</c>, off by
/// default), for code that runs the analyzers itself: the real-code evaluation measures the inference, and the test
/// harnesses that build their own options exercise it. Linked into the test projects.
/// </summary>
internal static class InferenceSwitch
{
    public const string Key = "executorgen.infer_unguarded_state";

    /// <summary>The same switch as a <c>.globalconfig</c> file, for the analyzer testing library.</summary>
    public const string GlobalConfig = "is_global = true\n" + Key + " = true\n";

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
        private static readonly Dictionary<string, string> s_values = new() { [Key] = "true" };

        public override bool TryGetValue(string key, out string value) => s_values.TryGetValue(key, out value!);
    }
}
