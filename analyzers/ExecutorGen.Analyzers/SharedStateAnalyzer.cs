using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Reports EXG001 on writes and read-modify-writes of shared state in worker code that no <c>lock</c>,
/// <c>Monitor</c> or <c>SemaphoreSlim</c> region guards: static fields in any worker code; fields of <c>this</c>
/// and captured variables in code that runs on several threads at once (handlers, parallel bodies, bodies
/// started in a loop, and what they call).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class SharedStateAnalyzer : DiagnosticAnalyzer
{
    private static readonly ImmutableHashSet<string> s_mutators = ImmutableHashSet.Create(
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "TryAdd", "Sort", "Reverse", "UnionWith", "ExceptWith", "IntersectWith",
        "AddFirst", "AddLast", "RemoveFirst", "RemoveLast", "Append", "EnsureCapacity", "TrimExcess");

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(DiagnosticDescriptors.UnguardedSharedState);

    private sealed class Facts
    {
        public readonly ConcurrentDictionary<ISymbol, byte> Locked = new(SymbolEqualityComparer.Default);
        public readonly ConcurrentBag<(ISymbol Region, ISymbol Target, string Kind, Location Location, string? Interlocked)> Writes = new();
    }

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
                var facts = new Facts();
                typeStart.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is not IMethodSymbol method || method.MethodKind is MethodKind.Constructor or MethodKind.StaticConstructor)
                        return;
                    foreach (var root in block.OperationBlocks)
                        regions.Walk(method, root, (operation, region) => Visit(operation, region, symbols, threadStatic, facts));
                });
                typeStart.RegisterSymbolEndAction(end => Report(end, regions, facts));
            }, SymbolKind.NamedType);
        });
    }

    private static void Visit(IOperation operation, ISymbol region, ConcurrencySymbols symbols, INamedTypeSymbol? threadStatic, Facts facts)
    {
        IOperation? target = null;
        string? interlocked = null;
        switch (operation)
        {
            case IIncrementOrDecrementOperation step:
                target = step.Target;
                interlocked = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                break;
            case ICompoundAssignmentOperation compound:
                target = compound.Target;
                interlocked = compound.OperatorKind switch
                {
                    BinaryOperatorKind.Add => "Add",
                    BinaryOperatorKind.Subtract => "Subtract",
                    _ => null,
                };
                break;
            case ICoalesceAssignmentOperation coalesce:
                target = coalesce.Target;
                break;
            case ISimpleAssignmentOperation assignment when assignment.Parent is not IObjectOrCollectionInitializerOperation:
                target = assignment.Target;
                // A plain store to a volatile field is published safely; x = x + 1 still races.
                if (Operations.WithoutConversions(target) is IFieldReferenceOperation { Field: { IsVolatile: true } stored }
                    && !assignment.Value.DescendantsAndSelf().Any(o => o is IFieldReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Field, stored)))
                {
                    return;
                }
                if (target is IPropertyReferenceOperation { Property.IsIndexer: true, Instance: { } collection } && IsUnsafeCollection(collection.Type))
                    target = collection;
                break;
            case IInvocationOperation { Instance: { } receiver } invocation
                when s_mutators.Contains(invocation.TargetMethod.Name) && IsUnsafeCollection(receiver.Type):
                target = receiver;
                break;
        }
        if (target is null || Shared(Operations.WithoutConversions(target), region, threadStatic) is not { } shared)
            return;
        if (Guarded(operation, symbols))
        {
            facts.Locked.TryAdd(shared.Symbol, 0);
            return;
        }
        if (interlocked is not null && (operation.Parent is not IExpressionStatementOperation || shared.Symbol is not IFieldSymbol
            || Operations.WithoutConversions(target).Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)))
        {
            interlocked = null;
        }
        facts.Writes.Add((region, shared.Symbol, shared.Kind, operation.Syntax.GetLocation(), interlocked));
    }

    /// <summary>The shared variable an operation names, or null: locals, fields of other objects, thread-local and thread-safe state are not shared.</summary>
    private static (ISymbol Symbol, string Kind)? Shared(IOperation target, ISymbol region, INamedTypeSymbol? threadStatic)
    {
        switch (target)
        {
            case IFieldReferenceOperation { Field: var field } reference:
                if (field.IsConst || IsThreadSafe(field.Type) || field.GetAttributes().Any(a => ConcurrencySymbols.Is(a.AttributeClass, threadStatic)))
                    return null;
                if (field.IsStatic)
                    return (field.OriginalDefinition, "Static field");
                return reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }
                    ? (field.OriginalDefinition, "Field")
                    : null;
            case ILocalReferenceOperation { Local: var local } when region is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda && IsCaptured(local, lambda):
                return IsThreadSafe(local.Type) ? null : (local, "Captured variable");
            case IParameterReferenceOperation { Parameter: var parameter } when region is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
                && !SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, lambda) && parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction }:
                return IsThreadSafe(parameter.Type) ? null : (parameter, "Captured variable");
            default:
                return null;
        }
    }

    /// <summary>Declared outside the lambda: its declaration does not lie inside the lambda's syntax.</summary>
    private static bool IsCaptured(ILocalSymbol local, IMethodSymbol lambda)
    {
        var declaration = local.DeclaringSyntaxReferences.FirstOrDefault();
        var body = lambda.DeclaringSyntaxReferences.FirstOrDefault();
        return declaration is not null && body is not null
            && (declaration.SyntaxTree != body.SyntaxTree || !body.Span.Contains(declaration.Span));
    }

    private static bool IsThreadSafe(ITypeSymbol? type)
    {
        if (type is null)
            return true;
        string ns = type.ContainingNamespace?.ToDisplayString() ?? "";
        return ns is "System.Collections.Concurrent" or "System.Collections.Immutable" or "System.Threading.Channels"
            || type.Name is "ThreadLocal" or "AsyncLocal" && ns == "System.Threading"
            || type.Name.StartsWith("Concurrent", System.StringComparison.Ordinal)
            || type.Name.StartsWith("Immutable", System.StringComparison.Ordinal);
    }

    private static bool IsUnsafeCollection(ITypeSymbol? type) =>
        type is not null && (type.ContainingNamespace?.ToDisplayString() is "System.Collections.Generic" or "System.Collections") && !IsThreadSafe(type);

    /// <summary>Inside a lock, after a Monitor.Enter/SemaphoreSlim.Wait in an enclosing block, or in a try whose finally releases one.</summary>
    private static bool Guarded(IOperation operation, ConcurrencySymbols symbols)
    {
        var child = operation;
        for (var current = operation.Parent; current is not null; child = current, current = current.Parent)
        {
            switch (current)
            {
                case ILockOperation:
                    return true;
                case IAnonymousFunctionOperation or ILocalFunctionOperation:
                    return false;
                case ITryOperation { Finally: { } @finally } when @finally.Descendants().Any(o => IsRelease(o, symbols)):
                    return true;
                case IBlockOperation block:
                    foreach (var statement in block.Operations)
                    {
                        if (statement == child)
                            break;
                        if (statement.DescendantsAndSelf().Any(o => IsAcquire(o, symbols)))
                            return true;
                    }
                    break;
            }
        }
        return false;
    }

    private static bool IsAcquire(IOperation operation, ConcurrencySymbols symbols) => operation is IInvocationOperation invocation
        && (invocation.TargetMethod.Name is "Enter" or "TryEnter" && ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, symbols.Monitor)
            || invocation.TargetMethod.Name is "Wait" or "WaitAsync" && ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, symbols.SemaphoreSlim));

    private static bool IsRelease(IOperation operation, ConcurrencySymbols symbols) => operation is IInvocationOperation invocation
        && (invocation.TargetMethod.Name == "Exit" && ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, symbols.Monitor)
            || invocation.TargetMethod.Name == "Release" && ConcurrencySymbols.Is(invocation.TargetMethod.ContainingType, symbols.SemaphoreSlim));

    private static void Report(SymbolAnalysisContext context, WorkerRegions regions, Facts facts)
    {
        if (facts.Writes.IsEmpty)
            return;
        var entries = regions.WorkerEntries();
        var concurrent = regions.ConcurrentRegions();
        foreach (var write in facts.Writes.OrderBy(w => w.Location.SourceSpan.Start))
        {
            if (!entries.TryGetValue(write.Region, out string? entry))
                continue;
            // A static field is shared by every thread; a field of this or a captured variable only by code running several times at once.
            if (write.Kind != "Static field" && !concurrent.Contains(write.Region))
                continue;
            string inconsistent = facts.Locked.ContainsKey(write.Target) ? "; elsewhere it is modified under a lock (inconsistent locking)" : "";
            var properties = write.Interlocked is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.InterlockedProperty, write.Interlocked);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedSharedState, write.Location, properties, write.Kind, write.Target.Name, entry, inconsistent));
        }
    }
}
