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
/// needs every operation of every member. The analyzer walks nothing itself: it takes the operations it needs from the
/// driver's one walk over each body (which every operation action of the build shares), offers each to the three rules
/// with its region, and computes the worker classification (entry points, what they call, what runs concurrently) once
/// at the end of the type. A type with no handler and no word that could start a worker is not looked at.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class WorkerCodeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnguardedSharedState, DiagnosticDescriptors.BlockingWaitWithoutTimeout, DiagnosticDescriptors.UnsynchronizedStopFlag);

    /// <summary>
    /// The operations the rules and the worker regions look at: field accesses and writes (EXG001, EXG006), calls (EXG001
    /// mutators, EXG004 waits, calls within the type), <c>.Result</c> (EXG004), delegates handed to starters.
    /// </summary>
    private static readonly ImmutableArray<OperationKind> s_kinds = ImmutableArray.Create(
        OperationKind.FieldReference, OperationKind.Increment, OperationKind.Decrement, OperationKind.CompoundAssignment,
        OperationKind.CoalesceAssignment, OperationKind.SimpleAssignment, OperationKind.Invocation, OperationKind.PropertyReference,
        OperationKind.AnonymousFunction, OperationKind.MethodReference);

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
                if (typeStart.Symbol is not INamedTypeSymbol type)
                    return;
                var regions = new WorkerRegions(type, symbols);
                regions.AddHandlers();
                if (!regions.HasEntries && !WorkerCandidates.MayStartWorkers(type, symbols, typeStart.CancellationToken))
                    return;
                var sharedState = new SharedStateRule(symbols, type, threadStatic);
                var blockingWait = new BlockingWaitRule(symbols);
                var stopFlag = new StopFlagRule(type);
                typeStart.RegisterOperationAction(operationContext =>
                {
                    // A method, or a field, property or event whose initializer this is (constructor code, but a delegate it
                    // hands to a starter, such as a static timer's callback, is worker code like any other).
                    var member = operationContext.ContainingSymbol;
                    var operation = operationContext.Operation;
                    var region = regions.RegionOf(operation, member);
                    regions.Record(operation, region, member);
                    sharedState.Visit(operation, region, member);
                    blockingWait.Visit(operation, region);
                    stopFlag.Visit(operation, region, member);
                }, s_kinds);
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
