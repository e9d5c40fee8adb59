using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG006 on a plain <c>bool</c> field of the type read in a loop condition of worker code and written in
/// another method, when no access to it uses <c>Volatile</c>, <c>Interlocked</c> or a <c>lock</c>.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class StopFlagAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnsynchronizedStopFlag);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var symbols = new ConcurrencySymbols(start.Compilation);
            start.RegisterSymbolStartAction(typeStart =>
            {
                if (typeStart.Symbol is not INamedTypeSymbol type)
                    return;
                var regions = new WorkerRegions(type, symbols);
                var facts = new Facts();
                typeStart.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol method)
                        return;
                    foreach (var root in block.OperationBlocks)
                        regions.Walk(method, root, (operation, region) => Visit(operation, region, method, type, facts));
                });
                typeStart.RegisterSymbolEndAction(end => Report(end, regions, facts));
            }, SymbolKind.NamedType);
        });
    }

    private sealed class Facts
    {
        public readonly ConcurrentDictionary<IFieldSymbol, bool> Synchronized = new(SymbolEqualityComparer.Default);
        public readonly ConcurrentBag<(IFieldSymbol Field, ISymbol Region, string Method)> Writes = new();
        public readonly ConcurrentBag<(IFieldSymbol Field, ISymbol Region, Location Location)> LoopReads = new();
    }

    private static void Visit(IOperation operation, ISymbol region, IMethodSymbol method, INamedTypeSymbol type, Facts facts)
    {
        if (operation is not IFieldReferenceOperation reference || !IsCandidate(reference.Field, type))
            return;
        var field = reference.Field.OriginalDefinition;
        var parent = Operations.ParentWithoutConversions(reference);
        if (parent is IArgumentOperation { Parameter.RefKind: not RefKind.None } || InsideLock(reference))
        {
            facts.Synchronized[field] = true;
            return;
        }
        if (parent is IAssignmentOperation assignment && assignment.Target == reference)
        {
            if (method.MethodKind is not (MethodKind.Constructor or MethodKind.StaticConstructor))
                facts.Writes.Add((field, region, method.Name));
            return;
        }
        if (InLoopCondition(reference))
            facts.LoopReads.Add((field, region, reference.Syntax.GetLocation()));
    }

    private static void Report(SymbolAnalysisContext context, WorkerRegions regions, Facts facts)
    {
        if (facts.LoopReads.IsEmpty || facts.Writes.IsEmpty)
            return;
        var entries = regions.WorkerEntries();
        var reported = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var (field, region, location) in facts.LoopReads.OrderBy(r => r.Location.SourceSpan.Start))
        {
            if (facts.Synchronized.ContainsKey(field) || !entries.TryGetValue(region, out string? entry) || reported.Contains(field))
                continue;
            // A write from another thread: another region, not reached from the same entry point.
            var writer = facts.Writes.Where(w => SymbolEqualityComparer.Default.Equals(w.Field, field)
                    && !SymbolEqualityComparer.Default.Equals(w.Region, region)
                    && !(entries.TryGetValue(w.Region, out string? writerEntry) && writerEntry == entry))
                .Select(w => w.Method)
                .OrderBy(m => m, System.StringComparer.Ordinal)
                .FirstOrDefault();
            if (writer is null)
                continue;
            reported.Add(field);
            var declaration = field.Locations.FirstOrDefault(l => l.IsInSource);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.UnsynchronizedStopFlag,
                location,
                declaration is null ? null : new[] { declaration },
                field.Name,
                writer,
                entry));
        }
    }

    private static bool IsCandidate(IFieldSymbol field, INamedTypeSymbol type) =>
        field.Type.SpecialType == SpecialType.System_Boolean && !field.IsVolatile && !field.IsConst && !field.IsReadOnly
        && SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, type.OriginalDefinition);

    private static bool InsideLock(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is ILockOperation)
                return true;
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return false;
        }
        return false;
    }

    private static bool InLoopCondition(IOperation operation)
    {
        var child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case IWhileLoopOperation loop:
                    return loop.Condition == child;
                case IForLoopOperation loop:
                    return loop.Condition == child;
                case IAnonymousFunctionOperation or ILocalFunctionOperation or IBlockOperation:
                    return false;
            }
        }
        return false;
    }
}
