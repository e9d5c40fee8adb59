using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG003 when two locks (fields, static or not, named by their symbol) are taken nested in one order in
/// one place and in the opposite order in another, anywhere in the compilation.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class LockOrderAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.LockOrderInversion);

    private sealed class Nesting
    {
        public Nesting(IFieldSymbol outer, IFieldSymbol inner, Location location, string method) =>
            (Outer, Inner, Location, Method) = (outer, inner, location, method);

        public IFieldSymbol Outer { get; }
        public IFieldSymbol Inner { get; }
        public Location Location { get; }
        public string Method { get; }

        public bool Is(IFieldSymbol outer, IFieldSymbol inner) =>
            SymbolEqualityComparer.Default.Equals(Outer, outer) && SymbolEqualityComparer.Default.Equals(Inner, inner);
    }

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var nestings = new ConcurrentBag<Nesting>();
            start.RegisterOperationAction(c => Collect(c, nestings), OperationKind.Lock);
            start.RegisterCompilationEndAction(end => Report(end, nestings));
        });
    }

    private static void Collect(OperationAnalysisContext context, ConcurrentBag<Nesting> nestings)
    {
        var inner = (ILockOperation)context.Operation;
        if (LockField(inner) is not { } innerField)
            return;
        for (var current = inner.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return; // runs later, not while the outer lock is held
            if (current is ILockOperation outer && LockField(outer) is { } outerField
                && !SymbolEqualityComparer.Default.Equals(outerField, innerField))
            {
                nestings.Add(new Nesting(outerField, innerField, inner.LockedValue.Syntax.GetLocation(), context.ContainingSymbol.Name));
            }
        }
    }

    private static IFieldSymbol? LockField(ILockOperation operation) =>
        Operations.WithoutConversions(operation.LockedValue) is IFieldReferenceOperation reference ? reference.Field.OriginalDefinition : null;

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<Nesting> nestings)
    {
        if (nestings.IsEmpty)
            return;
        var ordered = nestings.OrderBy(n => n.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(n => n.Location.SourceSpan.Start).ToList();
        var reported = new List<Nesting>();
        foreach (var first in ordered)
        {
            if (reported.Any(r => r.Is(first.Outer, first.Inner) || r.Is(first.Inner, first.Outer)))
                continue;
            var opposite = ordered.FirstOrDefault(n => n.Is(first.Inner, first.Outer));
            if (opposite is null)
                continue;
            reported.Add(first);
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.LockOrderInversion,
                first.Location,
                new[] { opposite.Location },
                Name(first.Outer), Name(first.Inner), first.Method, opposite.Method));
        }
    }

    private static string Name(IFieldSymbol field) => field.IsStatic ? $"{field.ContainingType.Name}.{field.Name}" : field.Name;
}
