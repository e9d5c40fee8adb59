using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG006 over the composed summaries: a plain <c>bool</c> field (or auto-property, <c>bool IsRunning { get; private set; }</c>)
/// read in a loop condition of worker code and written by code that does not run on that worker, when no access to it
/// uses <c>volatile</c>, <c>Volatile</c>, <c>Interlocked</c> or a lock.
/// </summary>
internal static class StopFlagRule
{
    public static void Report(Composition composition, CompilationAnalysisContext context)
    {
        foreach (var pair in composition.Accesses)
        {
            var target = pair.Key;
            if (!IsCandidate(target))
                continue;
            var accesses = pair.Value;
            if (!accesses.Any(a => a.Access.InLoopCondition) || accesses.Any(a => a.Access.Kind == AccessKind.Atomic || composition.Held(a.Function, a.Access.Held) is not null))
                continue;
            foreach (var (function, read) in accesses.Where(a => a.Access.InLoopCondition).OrderBy(a => a.Access.Syntax.GetLocation(), SourceOrder.Comparer))
            {
                var reached = composition.ReachedFrom(function)
                    .FirstOrDefault(r => (r.ThisShared || target.IsStatic) && composition.InScope(read.Syntax.SyntaxTree, r.Entry));
                if (reached.Entry is null || composition.Intent.IsConfined(function, target))
                    continue;
                // A write from another thread: another function, not reached from the same entry point.
                string? writer = accesses
                    .Where(w => w.Access.Kind == AccessKind.Write && !w.Access.InitializesIn(w.Function)
                        && !SymbolEqualityComparer.Default.Equals(w.Function.Symbol, function.Symbol)
                        && !composition.ReachedFrom(w.Function).Any(r => ReferenceEquals(r.Entry, reached.Entry)))
                    .Select(w => w.Function.Member.Name)
                    .OrderBy(name => name, System.StringComparer.Ordinal)
                    .FirstOrDefault();
                if (writer is null)
                    continue;
                var declaration = target.Locations.FirstOrDefault(l => l.IsInSource);
                // A field can be made volatile (the code fix); an auto-property cannot: no fix is offered for one.
                var properties = target is IFieldSymbol
                    ? ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.VolatileFixableProperty, "true")
                    : ImmutableDictionary<string, string?>.Empty;
                context.ReportDiagnostic(Diagnostic.Create(
                    DiagnosticDescriptors.UnsynchronizedStopFlag,
                    read.Syntax.GetLocation(),
                    declaration is null ? null : new[] { declaration },
                    properties,
                    target.Name,
                    writer,
                    reached.Entry.Description));
                break;
            }
        }
    }

    private static bool IsCandidate(ISymbol target) => target switch
    {
        IFieldSymbol field => field.Type.SpecialType == SpecialType.System_Boolean && !field.IsVolatile && !field.IsConst && !field.IsReadOnly,
        IPropertySymbol property => property.Type.SpecialType == SpecialType.System_Boolean,
        _ => false,
    };
}
