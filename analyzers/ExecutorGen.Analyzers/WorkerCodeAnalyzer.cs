using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The rules about code running on worker threads: EXG001 unguarded shared state (<see cref="SharedStateRule"/>),
/// EXG004 blocking waits (<see cref="BlockingWaitRule"/>) and EXG006 stop flags (<see cref="StopFlagRule"/>).
/// </summary>
/// <remarks>
/// One analyzer rather than three, for speed: all three need to know which code of a type is worker code, and that
/// needs a walk over every operation of every member. The type is walked once, each operation is offered to the three
/// rules, and the worker classification (entry points, what they call, what runs concurrently) is computed once at the
/// end of the type. A type with no handler and no word that could start a worker is not walked at all.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkerCodeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnguardedSharedState, DiagnosticDescriptors.BlockingWaitWithoutTimeout, DiagnosticDescriptors.UnsynchronizedStopFlag);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new ConcurrencySymbols(start.Compilation);
            var threadStatic = start.Compilation.GetTypeByMetadataName("System.ThreadStaticAttribute");
            start.RegisterSymbolStartAction(typeStart =>
            {
                if (typeStart.Symbol is not INamedTypeSymbol type || !WorkerCandidates.MayHaveWorkerCode(type, symbols, typeStart.CancellationToken))
                    return;
                var regions = new WorkerRegions(type, symbols);
                var sharedState = new SharedStateRule(symbols, type, threadStatic);
                var blockingWait = new BlockingWaitRule(symbols);
                var stopFlag = new StopFlagRule(type);
                typeStart.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol method)
                        return;
                    foreach (var root in block.OperationBlocks)
                    {
                        regions.Walk(method, root, (operation, region) =>
                        {
                            sharedState.Visit(operation, region, method);
                            blockingWait.Visit(operation, region);
                            stopFlag.Visit(operation, region, method);
                        });
                    }
                });
                typeStart.RegisterSymbolEndAction(end =>
                {
                    if (!regions.HasEntries)
                        return;
                    sharedState.Report(end, regions);
                    blockingWait.Report(end, regions);
                    stopFlag.Report(end, regions);
                });
            }, SymbolKind.NamedType);
        });
    }
}
