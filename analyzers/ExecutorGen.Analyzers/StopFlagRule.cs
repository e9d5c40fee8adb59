using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG006, for one type: a plain <c>bool</c> field of the type read in a loop condition of worker code and written in
/// another method, when no access to it uses <c>Volatile</c>, <c>Interlocked</c> or a <c>lock</c>. Run by
/// <see cref="WorkerCodeAnalyzer"/>.
/// </summary>
internal sealed class StopFlagRule
{
    private readonly INamedTypeSymbol _type;
    private readonly RecordedMap<bool> _synchronized = new();
    private readonly RecordedList<(IFieldSymbol Field, ISymbol Region, string Method)> _writes = new();
    private readonly RecordedList<(IFieldSymbol Field, ISymbol Region, Location Location)> _loopReads = new();

    public StopFlagRule(INamedTypeSymbol type) => _type = type;

    public void Visit(IOperation operation, ISymbol region, ISymbol member)
    {
        if (operation.Kind != OperationKind.FieldReference || operation is not IFieldReferenceOperation reference || !IsCandidate(reference.Field, _type))
            return;
        var field = reference.Field.OriginalDefinition;
        var parent = Operations.ParentWithoutConversions(reference);
        if (parent is IArgumentOperation { Parameter.RefKind: not RefKind.None } || InsideLock(reference))
        {
            _synchronized.TryAdd(field, true);
            return;
        }
        if (parent is IAssignmentOperation assignment && assignment.Target == reference)
        {
            if (!WorkerRegions.IsInitialization(member))
                _writes.Add((field, region, member.Name));
            return;
        }
        if (InLoopCondition(reference))
            _loopReads.Add((field, region, reference.Syntax.GetLocation()));
    }

    public void Report(SymbolAnalysisContext context, WorkerRegions regions)
    {
        if (_loopReads.IsEmpty || _writes.IsEmpty)
            return;
        var entries = regions.WorkerEntries();
        var reported = new HashSet<IFieldSymbol>(SymbolEqualityComparer.Default);
        foreach (var (field, region, location) in _loopReads.OrderBy(r => r.Location, SourceOrder.Comparer))
        {
            if (_synchronized.ContainsKey(field) || !entries.TryGetValue(region, out string? entry) || reported.Contains(field))
                continue;
            // A write from another thread: another region, not reached from the same entry point.
            var writer = _writes.Where(w => SymbolEqualityComparer.Default.Equals(w.Field, field)
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
