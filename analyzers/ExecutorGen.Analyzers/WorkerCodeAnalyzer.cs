using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The rules about code running on worker threads: EXG001 unguarded shared state and EXG010, its stores of a whole value
/// and reads, off by default (<see cref="SharedStateRule"/>), EXG004 blocking waits (<see cref="BlockingWaitRule"/>) and
/// EXG006 stop flags (<see cref="StopFlagRule"/>).
/// </summary>
/// <remarks>
/// All of them read the compilation's <see cref="ConcurrencyModel"/>: each member's body is summarized once (shared with
/// EXG002 and EXG003), and at the end of the compilation the summaries are composed: which code runs on which worker,
/// through calls into any type, with which locks its callers hold.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkerCodeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnguardedSharedState, DiagnosticDescriptors.BlockingWaitWithoutTimeout, DiagnosticDescriptors.UnsynchronizedStopFlag,
        DiagnosticDescriptors.UnsynchronizedSharedValue);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start => ConcurrencyModel.Register(start, (model, end) =>
        {
            var composition = model.Compose();
            SharedStateRule.Report(composition, end); // [GuardedBy] applies to all code, with or without workers
            if (composition.Entries.Count == 0)
                return;
            BlockingWaitRule.Report(composition, end);
            StopFlagRule.Report(composition, end);
        }));
    }
}
