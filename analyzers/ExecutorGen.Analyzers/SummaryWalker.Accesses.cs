using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>What the walk records of shared state: fields, bool auto-properties and captured variables, classified by use.</summary>
internal sealed partial class SummaryWalker
{
    private void FieldReference(IFieldReferenceOperation reference)
    {
        var field = reference.Field;
        // Most references are to fields no rule can report on: of other assemblies (string.Empty, a library's options),
        // constants, readonly values. Those go first: this runs for every field reference of the compilation.
        if (field.IsConst || !_symbols.IsOwn(field))
            return;
        if (field.Type.TypeKind == TypeKind.Delegate)
            DelegateHolder(field.OriginalDefinition, reference);
        else if (field.IsReadOnly && !IsUnsafeCollection(field.Type))
            return; // its value never changes after construction, and it holds no collection that could
        Receiver owner;
        if (field.IsStatic)
            owner = Receiver.Static;
        else if (reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
            owner = Receiver.This;
        else if (reference.Instance is not null && IsSharedObject(reference.Instance))
            owner = Receiver.Shared; // _presence.LastSeen: the field of an object this one shares
        else
            return; // a field of an object made or looked up here (partition-confined state, a new object): not shared
        if (IsThreadSafe(field.Type) || _symbols.IsThreadLocal(field))
            return;
        Record(field.OriginalDefinition, reference, owner, collection: IsUnsafeCollection(field.Type), readOnly: field.IsReadOnly,
            writesOnly: owner == Receiver.Shared && !IsUnsafeCollection(field.Type),
            throughParameter: reference.Instance is { } instance && Operations.WithoutConversions(instance) is IParameterReferenceOperation,
            parameter: owner == Receiver.Shared ? ParameterRoot(reference.Instance) : -1,
            root: owner == Receiver.Shared && reference.Instance is { } held ? SharedRootOf(held) : null);
    }

    /// <summary>An object reached through a field of this object (or a static one), or a parameter: other threads may have it too.</summary>
    private static bool IsSharedObject(IOperation instance) => Operations.WithoutConversions(instance) switch
    {
        IFieldReferenceOperation { Field.IsStatic: true } => true,
        IFieldReferenceOperation { Instance: IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance } } => true,
        IParameterReferenceOperation => true,
        _ => false,
    };

    /// <summary>A bool auto-property of the compilation: a stop flag may be one (<c>while (IsRunning)</c>).</summary>
    private void PropertyReference(IPropertyReferenceOperation reference)
    {
        var property = reference.Property;
        if (property.Name == "Result" && ConcurrencySymbols.Is(property.ContainingType, _symbols.TaskOfT) && reference.Instance is { } task
            && !WaitIsBounded(task, reference))
        {
            Wait("Task.Result", property, reference, task);
        }
        if (property.Type.SpecialType == SpecialType.System_Boolean && !property.IsIndexer && _symbols.IsAutoProperty(property)
            && (property.IsStatic || reference.Instance is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }))
        {
            Record(property.OriginalDefinition, reference, property.IsStatic ? Receiver.Static : Receiver.This, collection: false, readOnly: false);
            return;
        }
        if (property.Type.TypeKind == TypeKind.Delegate && _symbols.IsAutoProperty(property))
        {
            DelegateHolder(property.OriginalDefinition, reference); // new Thread(item.Work), _next = item.Work
            return;
        }
        // A property with code of its own: a call. Which accessor runs depends on where the reference stands.
        bool set = Operations.ParentWithoutConversions(reference) is IAssignmentOperation assignment && Operations.WithoutConversions(assignment.Target) == reference;
        var accessor = (set ? property.SetMethod : property.GetMethod)?.OriginalDefinition;
        if (accessor is not null && RunsCode(accessor))
            Call(accessor, ReceiverOf(reference.Instance, property.IsStatic, out var from), reference, receiverFrom: from);
        if (accessor is not null && _symbols.HasBody(accessor))
            Throws(reference, accessor, sure: false);
        else if (!set && ThrowingGet(property))
            Throws(reference, null, sure: true, waitedTask: Operations.WaitedTask(reference));
    }

    /// <summary>
    /// Whether calling <paramref name="accessor"/> runs code of the compilation: its own, or, for an interface's or abstract
    /// property of the compilation, its implementations' (as for a method).
    /// </summary>
    private bool RunsCode(IMethodSymbol accessor) => _symbols.HasBody(accessor) || _symbols.IsDispatchedOwn(accessor);

    /// <summary>Whether reading <paramref name="property"/> calls a getter of the compilation (<see cref="RunsCode"/>): a call whose result the composition follows.</summary>
    private bool GetterCalled(IPropertySymbol property) => property.GetMethod?.OriginalDefinition is { } getter && RunsCode(getter);

    /// <summary>A read or write of a local or parameter in a lambda that captured it from the code around.</summary>
    private void Captured(IOperation reference)
    {
        if (_function.Enclosing is null || _function.Symbol is not IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda)
            return;
        ISymbol symbol;
        ITypeSymbol type;
        switch (reference)
        {
            case ILocalReferenceOperation local when IsCaptured(local.Local, lambda):
                (symbol, type) = (local.Local, local.Local.Type);
                break;
            case IParameterReferenceOperation parameter when !SymbolEqualityComparer.Default.Equals(parameter.Parameter.ContainingSymbol, lambda)
                && parameter.Parameter.ContainingSymbol is IMethodSymbol { MethodKind: not MethodKind.AnonymousFunction }:
                (symbol, type) = (parameter.Parameter, parameter.Parameter.Type);
                break;
            default:
                return;
        }
        if (IsThreadSafe(type))
            return;
        Record(symbol, reference, Receiver.Shared, collection: IsUnsafeCollection(type), readOnly: false, writesOnly: true);
    }

    /// <summary>Declared outside the lambda: its declaration does not lie inside the lambda's syntax.</summary>
    private static bool IsCaptured(ILocalSymbol local, IMethodSymbol lambda)
    {
        var declaration = local.DeclaringSyntaxReferences.FirstOrDefault();
        var body = lambda.DeclaringSyntaxReferences.FirstOrDefault();
        return declaration is not null && body is not null
            && (declaration.SyntaxTree != body.SyntaxTree || !body.Span.Contains(declaration.Span));
    }

    /// <summary>Classifies a reference to a variable by what the code around does with it, and records the access.</summary>
    private void Record(ISymbol target, IOperation reference, Receiver owner, bool collection, bool readOnly, bool writesOnly = false,
        bool throughParameter = false, int parameter = -1, SharedRoot? root = null)
    {
        var parent = Operations.ParentWithoutConversions(reference);
        AccessKind kind;
        string? interlocked = null;
        SyntaxNode syntax = reference.Syntax;
        switch (parent)
        {
            case IIncrementOrDecrementOperation step:
                kind = AccessKind.ReadModifyWrite;
                interlocked = step.Kind == OperationKind.Increment ? "Increment" : "Decrement";
                syntax = step.Syntax;
                break;
            case ICompoundAssignmentOperation compound when Operations.WithoutConversions(compound.Target) == reference:
                kind = AccessKind.ReadModifyWrite;
                interlocked = compound.OperatorKind switch { BinaryOperatorKind.Add => "Add", BinaryOperatorKind.Subtract => "Subtract", _ => null };
                syntax = compound.Syntax;
                break;
            case ICoalesceAssignmentOperation coalesce when Operations.WithoutConversions(coalesce.Target) == reference:
                kind = AccessKind.ReadModifyWrite;
                syntax = coalesce.Syntax;
                break;
            case ISimpleAssignmentOperation assignment when Operations.WithoutConversions(assignment.Target) == reference:
                if (assignment.Parent is IObjectOrCollectionInitializerOperation)
                    return;
                kind = References(assignment.Value, target) ? AccessKind.ReadModifyWrite : AccessKind.Write;
                syntax = assignment.Syntax;
                break;
            case IArgumentOperation { Parameter.RefKind: not RefKind.None }:
                kind = AccessKind.Atomic;
                break;
            case ILockOperation:
                return;
            case IArgumentOperation { Parent: IInvocationOperation monitor } when ConcurrencySymbols.Is(monitor.TargetMethod.ContainingType, _symbols.Monitor):
                return;
            case IInvocationOperation call when call.Instance is { } instance && Operations.WithoutConversions(instance) == reference:
                if (!collection)
                {
                    kind = AccessKind.Read;
                    if (UsesThreadSafeMember(call.TargetMethod))
                        return;
                    break;
                }
                kind = Mutators.Contains(call.TargetMethod.Name) ? AccessKind.Mutate : AccessKind.ReadCollection;
                syntax = call.Syntax;
                break;
            case IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: true } extension when collection
                && extension.Arguments.Length > 0 && Operations.WithoutConversions(extension.Arguments[0].Value) == reference:
                kind = AccessKind.ReadCollection;
                syntax = extension.Syntax;
                break;
            case IArgumentOperation { Parent: IInvocationOperation { Instance: null, TargetMethod.IsExtensionMethod: true } extension } argument
                when collection && extension.Arguments[0] == argument:
                kind = AccessKind.ReadCollection;
                syntax = extension.Syntax;
                break;
            case IPropertyReferenceOperation property when property.Instance is { } instance && Operations.WithoutConversions(instance) == reference:
                if (!collection)
                {
                    if (UsesThreadSafeMember(property.Property))
                        return;
                    kind = AccessKind.Read;
                    break;
                }
                if (property.Property.Name is "Count" or "Length" or "IsEmpty" or "Capacity")
                {
                    kind = AccessKind.Read; // one word of the collection: a stale value, never a torn one or a corrupted table
                    break;
                }
                bool stored = property.Property.IsIndexer && Operations.ParentWithoutConversions(property) is IAssignmentOperation store
                    && Operations.WithoutConversions(store.Target) == property;
                kind = stored ? AccessKind.Mutate : AccessKind.ReadCollection;
                syntax = stored ? Operations.ParentWithoutConversions(property)!.Syntax : property.Syntax;
                break;
            case IForEachLoopOperation when collection:
                kind = AccessKind.ReadCollection;
                break;
            case IInvalidOperation invalid when collection && InvalidMutation(invalid, reference):
                kind = AccessKind.Mutate;
                syntax = invalid.Syntax;
                break;
            default:
                kind = AccessKind.Read;
                break;
        }
        if (readOnly && kind is AccessKind.Read or AccessKind.Write or AccessKind.ReadModifyWrite or AccessKind.Atomic)
            return; // a readonly field's value never changes after construction; its contents may (collections)
        if (writesOnly && kind is AccessKind.Read or AccessKind.ReadCollection or AccessKind.Atomic)
            return;
        if (interlocked is not null && (Operations.ParentWithoutConversions(reference)?.Parent is not IExpressionStatementOperation || target is not IFieldSymbol
            || Operations.WithoutConversions(reference).Type?.SpecialType is not (SpecialType.System_Int32 or SpecialType.System_Int64)))
        {
            interlocked = null;
        }
        _function.Accesses.Add(new Access(target, kind, owner, _held, syntax, interlocked, _inLoopCondition && kind == AccessKind.Read, _inCondition && kind == AccessKind.Read)
        {
            ThroughParameter = throughParameter,
            Parameter = parameter,
            Root = root,
            StoresConstant = kind == AccessKind.Write && parent is ISimpleAssignmentOperation { Value.ConstantValue.HasValue: true },
            StoresClock = kind == AccessKind.Write && parent is ISimpleAssignmentOperation { Value: var value } && StoresClockReading(value),
        });
    }

    /// <summary>
    /// A reading of the clock (<see cref="ClockReadings"/>), or a local declared with one that the member never stores to
    /// again (<c>var now = DateTime.UtcNow; if (now - _last &lt; period) return; _last = now;</c>).
    /// </summary>
    private bool StoresClockReading(IOperation value) =>
        ClockReadings.IsReading(value)
        || Operations.WithoutConversions(value) is ILocalReferenceOperation { Local: var local } && _clockLocals is not null && _clockLocals.Contains(local)
            && !StoredInMember(value).Contains(local.Name);

    /// <summary><c>list.Add(Make(x))</c> with <c>Make</c> unknown: half-typed code, still a mutation of <c>list</c>.</summary>
    private static bool InvalidMutation(IInvalidOperation invalid, IOperation receiver) =>
        invalid.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.InvocationExpressionSyntax
        {
            Expression: Microsoft.CodeAnalysis.CSharp.Syntax.MemberAccessExpressionSyntax access
        }
        && access.Expression == receiver.Syntax && Mutators.Contains(access.Name.Identifier.ValueText);

    private static bool References(IOperation operation, ISymbol target)
    {
        foreach (var inner in operation.DescendantsAndSelf())
        {
            if (Operations.VariableOf(inner) is { } referenced && SymbolEqualityComparer.Default.Equals(referenced, target))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A store to a field declared as a collection interface (<c>IDictionary&lt;K, V&gt; _cache = new
    /// ConcurrentDictionary&lt;K, V&gt;()</c>), with the type of what is stored (<see cref="FunctionSummary.CollectionStores"/>);
    /// any other store to such a field (through <c>ref</c>, a deconstruction, <c>??=</c>) with no type, which keeps it unsafe.
    /// </summary>
    private void StoredToCollectionField(IOperation store)
    {
        switch (store)
        {
            case IFieldInitializerOperation { InitializedFields: var fields, Value: var value }:
                foreach (var field in fields)
                    StoredToCollectionField(field, value);
                break;
            case ISimpleAssignmentOperation { Target: IFieldReferenceOperation { Field: var field }, Value: var value }:
                StoredToCollectionField(field, value);
                break;
            case IAssignmentOperation { Target: IFieldReferenceOperation { Field: var field } }:
                StoredToCollectionField(field, null);
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var part in deconstruction.Target.DescendantsAndSelf().OfType<IFieldReferenceOperation>())
                    StoredToCollectionField(part.Field, null);
                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref or RefKind.Out, Value: IFieldReferenceOperation { Field: var field } }:
                StoredToCollectionField(field, null);
                break;
        }
    }

    private void StoredToCollectionField(IFieldSymbol field, IOperation? value)
    {
        if (field.Type.TypeKind != TypeKind.Interface || !IsUnsafeCollection(field.Type))
            return;
        if (value is not null && Operations.WithoutConversions(value) is { ConstantValue: { HasValue: true, Value: null } })
            return; // _keys = null: no collection at all
        (_function.CollectionStores ??= new()).Add((field.OriginalDefinition, value is null ? null : Operations.WithoutConversions(value).Type));
    }

    /// <summary><c>_cts.Cancel()</c>, <c>_tcs.TrySetResult(x)</c>: one atomic read of the reference, then a thread-safe member.</summary>
    private static bool UsesThreadSafeMember(ISymbol member) =>
        member.ContainingType is { } type && (IsThreadSafe(type) || InNamespace(type, "Tasks", "Threading", "System") || InNamespace(type, "Threading", "System"));



    private static readonly HashSet<string> Mutators = new()
    {
        "Add", "AddRange", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll", "RemoveRange", "RemoveWhere", "Clear",
        "Enqueue", "Dequeue", "TryDequeue", "Push", "Pop", "TryPop", "TryAdd", "Sort", "Reverse", "UnionWith", "ExceptWith", "IntersectWith",
        "SymmetricExceptWith", "AddFirst", "AddLast", "RemoveFirst", "RemoveLast", "Append", "EnsureCapacity", "TrimExcess", "Set", "SetAll",
    };

    /// <summary>Concurrent, immutable and channel types, thread-local holders. Compares namespace names without building strings.</summary>
    public static bool IsThreadSafe(ITypeSymbol? type)
    {
        if (type is null)
            return true;
        return InNamespace(type, "Concurrent", "Collections", "System") || InNamespace(type, "Immutable", "Collections", "System")
            || InNamespace(type, "Channels", "Threading", "System")
            || type.Name is "ThreadLocal" or "AsyncLocal" && InNamespace(type, "Threading", "System")
            || type.Name.StartsWith("Concurrent", System.StringComparison.Ordinal)
            || type.Name.StartsWith("Immutable", System.StringComparison.Ordinal);
    }

    public static bool IsUnsafeCollection(ITypeSymbol? type) =>
        type is not null && (InNamespace(type, "Generic", "Collections", "System") || InNamespace(type, "Collections", "System")) && !IsThreadSafe(type)
        && type.TypeKind != TypeKind.Interface || type is { TypeKind: TypeKind.Interface } && InNamespace(type, "Generic", "Collections", "System")
        && type.Name is "IList" or "IDictionary" or "ICollection" or "ISet";

    /// <summary>Whether <paramref name="type"/> is declared directly in the namespace whose names, innermost first, are <paramref name="names"/>.</summary>
    /// <summary>Whether <paramref name="type"/> is declared in <c>outer.inner</c> (names innermost first; no array per call: this runs for every access).</summary>
    public static bool InNamespace(ITypeSymbol type, string inner, string outer) =>
        type.ContainingNamespace is { } first && first.Name == inner
        && first.ContainingNamespace is { } second && second.Name == outer && second.ContainingNamespace is { IsGlobalNamespace: true };

    /// <summary>Whether <paramref name="type"/> is declared in <c>outer.middle.inner</c> (names innermost first).</summary>
    public static bool InNamespace(ITypeSymbol type, string inner, string middle, string outer) =>
        type.ContainingNamespace is { } first && first.Name == inner
        && first.ContainingNamespace is { } second && second.Name == middle
        && second.ContainingNamespace is { } third && third.Name == outer && third.ContainingNamespace is { IsGlobalNamespace: true };
}
