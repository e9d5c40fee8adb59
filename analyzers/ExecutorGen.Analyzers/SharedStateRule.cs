using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// EXG001, for one type: writes and read-modify-writes of shared state in worker code that no <c>lock</c>,
/// <c>Monitor</c>, <c>Lock</c> or <c>SemaphoreSlim</c> region guards (static fields in any worker code; fields of
/// <c>this</c> and captured variables in code that runs on several threads at once), and reads without a lock of a
/// field that is accessed under a lock elsewhere (inconsistent locking). Run by <see cref="WorkerCodeAnalyzer"/>.
/// </summary>
internal sealed class SharedStateRule
{
    private static readonly HashSet<string> s_mutators = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "TryAdd", "Sort", "Reverse", "UnionWith", "ExceptWith", "IntersectWith",
        "AddFirst", "AddLast", "RemoveFirst", "RemoveLast", "Append", "EnsureCapacity", "TrimExcess",
    };

    private const string StaticField = "Static field";

    private readonly ConcurrencySymbols _symbols;
    private readonly INamedTypeSymbol _type;
    private readonly INamedTypeSymbol? _threadStatic;

    /// <summary>Shared variables modified under a lock, with the lock (a field of the type) when it is one.</summary>
    private readonly RecordedMap<IFieldSymbol?> _locked = new();
    private readonly RecordedList<(ISymbol Region, ISymbol Target, string Kind, Location Location, string? Interlocked)> _writes = new();

    /// <summary>Fields of the type written outside constructors, guarded or not, and where.</summary>
    private readonly RecordedList<(ISymbol Region, IFieldSymbol Field)> _mutations = new();

    /// <summary>Plain reads of mutable fields of the type, checked at the end against the fields accessed under a lock.</summary>
    private readonly RecordedList<(ISymbol Region, IFieldSymbol Field, IFieldReferenceOperation Read)> _reads = new();

    public SharedStateRule(ConcurrencySymbols symbols, INamedTypeSymbol type, INamedTypeSymbol? threadStatic)
    {
        _symbols = symbols;
        _type = type;
        _threadStatic = threadStatic;
    }

    public void Visit(IOperation operation, ISymbol region, ISymbol member)
    {
        // Dispatch on the kind first: most operations are of no interest, and testing each for six interfaces costs more.
        switch (operation.Kind)
        {
            case OperationKind.FieldReference or OperationKind.Increment or OperationKind.Decrement or OperationKind.CompoundAssignment
                or OperationKind.CoalesceAssignment or OperationKind.SimpleAssignment or OperationKind.Invocation:
                break;
            default:
                return;
        }
        // Constructors and initializers run before the object is shared; lambdas started from them are regions of their own.
        if (WorkerRegions.IsInitialization(member) && SymbolEqualityComparer.Default.Equals(region, member))
            return;
        IOperation? target = null;
        string? interlocked = null;
        switch (operation)
        {
            case IFieldReferenceOperation reference:
                VisitFieldReference(reference, region);
                return;
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
        if (target is null || Shared(Operations.WithoutConversions(target), region) is not { } shared)
            return;
        if (Locks.Guarded(operation, _symbols))
        {
            _locked.TryAdd(shared.Symbol, GuardingLock(operation), operation.Syntax.GetLocation());
            return;
        }
        if (interlocked is not null && (operation.Parent is not IExpressionStatementOperation || shared.Symbol is not IFieldSymbol
            || Operations.WithoutConversions(target).Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)))
        {
            interlocked = null;
        }
        _writes.Add((region, shared.Symbol, shared.Kind, operation.Syntax.GetLocation(), interlocked));
    }

    /// <summary>Records a write of a field of the type (any field, guarded or not), or a plain read worth checking at the end.</summary>
    private void VisitFieldReference(IFieldReferenceOperation reference, ISymbol region)
    {
        var field = reference.Field;
        if (field.IsConst || field.IsReadOnly || !SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, _type)
            || !(field.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }))
        {
            return;
        }
        field = field.OriginalDefinition;
        var parent = Operations.ParentWithoutConversions(reference);
        switch (parent)
        {
            case IAssignmentOperation assignment when Operations.WithoutConversions(assignment.Target) == reference:
            case ICoalesceAssignmentOperation coalesce when Operations.WithoutConversions(coalesce.Target) == reference:
            case IIncrementOrDecrementOperation:
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out }:
                _mutations.Add((region, field));
                return;
            case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
            case ILockOperation:
            case IArgumentOperation { Parent: IInvocationOperation call } when ConcurrencySymbols.Is(call.TargetMethod.ContainingType, _symbols.Monitor):
                return; // Volatile.Read(ref x), lock (x), Monitor.Enter(x): not a plain read of the value
        }
        if (field.IsVolatile || IsThreadSafe(field.Type) || UsedForThreadSafeMember(reference, parent))
            return;
        _reads.Add((region, field, reference));
    }

    /// <summary><c>_cts.Cancel()</c>, <c>_tcs.TrySetResult(x)</c>: one atomic read of the reference, then a thread-safe member.</summary>
    private static bool UsedForThreadSafeMember(IOperation reference, IOperation? parent)
    {
        var member = parent switch
        {
            IInvocationOperation invocation when invocation.Instance is { } instance && Operations.WithoutConversions(instance) == reference => invocation.TargetMethod,
            IMemberReferenceOperation access when access.Instance is { } instance && Operations.WithoutConversions(instance) == reference => access.Member,
            _ => null,
        };
        return member?.ContainingType is { } type && (IsThreadSafe(type) || InNamespace(type, "Tasks", "Threading", "System") || InNamespace(type, "Threading", "System"));
    }

    /// <summary>The shared variable an operation names, or null: locals, fields of other objects, thread-local and thread-safe state are not shared.</summary>
    private (ISymbol Symbol, string Kind)? Shared(IOperation target, ISymbol region)
    {
        switch (target)
        {
            case IFieldReferenceOperation { Field: var field } reference:
                if (field.IsConst || IsThreadSafe(field.Type) || field.GetAttributes().Any(a => ConcurrencySymbols.Is(a.AttributeClass, _threadStatic)))
                    return null;
                if (field.IsStatic)
                    return (field.OriginalDefinition, StaticField);
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

    /// <summary>Concurrent, immutable and channel types, thread-local holders. Compares namespace names without building strings.</summary>
    private static bool IsThreadSafe(ITypeSymbol? type)
    {
        if (type is null)
            return true;
        return InNamespace(type, "Concurrent", "Collections", "System") || InNamespace(type, "Immutable", "Collections", "System")
            || InNamespace(type, "Channels", "Threading", "System")
            || type.Name is "ThreadLocal" or "AsyncLocal" && InNamespace(type, "Threading", "System")
            || type.Name.StartsWith("Concurrent", System.StringComparison.Ordinal)
            || type.Name.StartsWith("Immutable", System.StringComparison.Ordinal);
    }

    private static bool IsUnsafeCollection(ITypeSymbol? type) =>
        type is not null && (InNamespace(type, "Generic", "Collections", "System") || InNamespace(type, "Collections", "System")) && !IsThreadSafe(type);

    /// <summary>Whether <paramref name="type"/> is declared directly in the namespace whose names, innermost first, are <paramref name="names"/>.</summary>
    private static bool InNamespace(ITypeSymbol type, params string[] names)
    {
        var current = type.ContainingNamespace;
        foreach (string name in names)
        {
            if (current is null || current.Name != name)
                return false;
            current = current.ContainingNamespace;
        }
        return current is { IsGlobalNamespace: true };
    }

    /// <summary>The field of the type locked by the innermost enclosing <c>lock</c> or <c>Monitor.Enter</c>, for the code fix to reuse.</summary>
    private IFieldSymbol? GuardingLock(IOperation operation)
    {
        for (var current = operation.Parent; current is not null; current = current.Parent)
        {
            if (current is IAnonymousFunctionOperation or ILocalFunctionOperation)
                return null;
            if (current is ILockOperation @lock)
                return OwnLock(Locks.Field(@lock.LockedValue), @lock.LockedValue);
            if (current is IBlockOperation block)
            {
                foreach (var statement in block.Operations)
                {
                    if (statement.Syntax.SpanStart >= operation.Syntax.SpanStart)
                        break;
                    foreach (var acquire in statement.DescendantsAndSelf())
                    {
                        if (Locks.Acquired(acquire, _symbols, withSemaphores: false) is { } value)
                            return OwnLock(Locks.Field(value), value);
                    }
                }
            }
        }
        return null;
    }

    /// <summary>A lock field of this type reached through <c>this</c> or statically: one a fix in this type can name.</summary>
    private IFieldSymbol? OwnLock(IFieldSymbol? field, IOperation lockedValue) =>
        field is not null && SymbolEqualityComparer.Default.Equals(field.ContainingType?.OriginalDefinition, _type)
        && (field.IsStatic || Operations.WithoutConversions(lockedValue) is IFieldReferenceOperation { Instance: IInstanceReferenceOperation })
            ? field
            : null;

    public void Report(SymbolAnalysisContext context, WorkerRegions regions)
    {
        var entries = regions.WorkerEntries();
        var concurrent = regions.ConcurrentRegions();
        foreach (var write in _writes.OrderBy(w => w.Location.SourceSpan.Start))
        {
            if (!entries.TryGetValue(write.Region, out string? entry))
                continue;
            // A static field is shared by every thread; a field of this or a captured variable only by code running several times at once.
            if (write.Kind != StaticField && !concurrent.Contains(write.Region))
                continue;
            _locked.TryGetValue(write.Target, out var lockField);
            bool inconsistent = _locked.ContainsKey(write.Target);
            var properties = ImmutableDictionary<string, string?>.Empty;
            // Interlocked does not exclude a lock holder's read-modify-write: where a lock guards the field elsewhere, the fix takes that lock.
            if (write.Interlocked is not null && !inconsistent)
                properties = properties.Add(DiagnosticDescriptors.InterlockedProperty, write.Interlocked);
            if (lockField is not null)
                properties = properties.Add(DiagnosticDescriptors.LockProperty, lockField.Name);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedSharedState, write.Location, properties,
                write.Kind, write.Target.Name, "modified", entry, inconsistent ? "; elsewhere it is modified under a lock (inconsistent locking)" : ""));
        }
        ReportReads(context, entries, concurrent);
    }

    /// <summary>
    /// A plain read in worker code of a field that is written outside constructors and accessed under a lock elsewhere,
    /// when a write can run at the same time: the read's code runs on several threads at once, the field is static, or a
    /// write happens in code not reached from the read's entry point. Reported once per field and region.
    /// </summary>
    private void ReportReads(SymbolAnalysisContext context, Dictionary<ISymbol, string> entries, HashSet<ISymbol> concurrent)
    {
        if (_reads.IsEmpty || _mutations.IsEmpty)
            return;
        var writers = new Dictionary<IFieldSymbol, List<ISymbol>>(SymbolEqualityComparer.Default);
        foreach (var (region, field) in _mutations)
        {
            if (!writers.TryGetValue(field, out var list))
                writers[field] = list = new List<ISymbol>();
            list.Add(region);
        }
        var locked = new Dictionary<IFieldSymbol, (bool, IFieldSymbol?)>(SymbolEqualityComparer.Default);
        var reported = new HashSet<(ISymbol, ISymbol)>();
        foreach (var (region, field, read) in _reads.OrderBy(r => r.Read.Syntax.GetLocation(), SourceOrder.Comparer))
        {
            if (!entries.TryGetValue(region, out string? entry) || !writers.TryGetValue(field, out var writerRegions)
                || !IsLocked(field, locked, out var lockField) || reported.Contains((field, region)) || Locks.Guarded(read, _symbols))
            {
                continue;
            }
            bool racing = field.IsStatic || concurrent.Contains(region)
                || writerRegions.Any(w => !entries.TryGetValue(w, out string? writerEntry) || writerEntry != entry);
            if (!racing || field.GetAttributes().Any(a => ConcurrencySymbols.Is(a.AttributeClass, _threadStatic)) || IsLazyInitialization(read, field))
                continue;
            reported.Add((field, region));
            var properties = lockField is null
                ? ImmutableDictionary<string, string?>.Empty
                : ImmutableDictionary<string, string?>.Empty.Add(DiagnosticDescriptors.LockProperty, lockField.Name);
            context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.UnguardedSharedState, read.Syntax.GetLocation(), properties,
                field.IsStatic ? StaticField : "Field", field.Name, "read", entry, "; elsewhere it is accessed under a lock (inconsistent locking)"));
        }
    }

    /// <summary>Modified under a lock (seen while walking), or read under one (checked here, once per field).</summary>
    private bool IsLocked(IFieldSymbol field, Dictionary<IFieldSymbol, (bool Locked, IFieldSymbol? Lock)> cache, out IFieldSymbol? lockField)
    {
        if (!cache.TryGetValue(field, out var state))
        {
            if (_locked.TryGetValue(field, out var written))
            {
                state = (true, written);
            }
            else
            {
                var guarded = _reads.Where(r => SymbolEqualityComparer.Default.Equals(r.Field, field) && Locks.Guarded(r.Read, _symbols))
                    .OrderBy(r => r.Read.Syntax.GetLocation(), SourceOrder.Comparer).FirstOrDefault().Read;
                state = (guarded is not null, guarded is null ? null : GuardingLock(guarded));
            }
            cache[field] = state;
        }
        lockField = state.Lock;
        return state.Locked;
    }

    /// <summary>
    /// Double-checked lazy initialization of a reference: <c>if (_x == null) { lock (_sync) { if (_x == null) _x = ...; } } return _x;</c>
    /// (or <c>_x ??= ...</c> inside the lock): a check of the field whose true branch takes a lock that uses it again.
    /// The reference is written once and .NET publishes object references safely, so its reads in that method are not reported.
    /// </summary>
    private static bool IsLazyInitialization(IOperation read, IFieldSymbol field)
    {
        if (field.Type.IsValueType)
            return false;
        var root = read;
        while (root.Parent is not null and not IAnonymousFunctionOperation and not ILocalFunctionOperation)
            root = root.Parent;
        return root.Descendants().OfType<IConditionalOperation>().Any(check => References(check.Condition, field)
            && check.WhenTrue.DescendantsAndSelf().OfType<ILockOperation>().Any(inner => References(inner.Body, field)));
    }

    private static bool References(IOperation operation, IFieldSymbol field) =>
        operation.DescendantsAndSelf().Any(o => o is IFieldReferenceOperation r && SymbolEqualityComparer.Default.Equals(r.Field.OriginalDefinition, field));
}
