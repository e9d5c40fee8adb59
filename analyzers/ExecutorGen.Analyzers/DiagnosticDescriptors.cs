using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>Every diagnostic the ExecutorGen analyzers report, in one place.</summary>
internal static class DiagnosticDescriptors
{
    /// <summary>The category of rules about misusing ExecutorGen's attributes (<c>EXG1xx</c>).</summary>
    public const string UsageCategory = "ExecutorGen.Usage";

    private const string HelpLinkBase = "https://github.com/executorgen/executorgen/blob/main/docs/rules/";

    /// <summary>Diagnostic property: the comma-separated names the <c>PartitionBy</c> could have named.</summary>
    public const string CandidatesProperty = "Candidates";

    /// <summary>EXG100: <c>PartitionBy</c> names no parameter of the handler and no member of its request.</summary>
    public static readonly DiagnosticDescriptor PartitionByNotFound = new(
        id: "EXG100",
        title: "PartitionBy names no parameter or member",
        messageFormat: "PartitionBy \"{0}\" on handler '{1}' names no parameter, property or field; it could name: {2}",
        category: UsageCategory,
        defaultSeverity: DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        description: "PartitionBy must name a parameter of the handler, or a readable instance property or field of its single request parameter. A trailing CancellationToken is not a request parameter.",
        helpLinkUri: HelpLinkBase + "EXG100.md");
}
