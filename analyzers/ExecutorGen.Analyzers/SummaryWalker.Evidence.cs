using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>What the walk records of where objects come from, as evidence that other requests have them (<see cref="SharedRoot"/>).</summary>
internal sealed partial class SummaryWalker
{
    /// <summary>
    /// Where each local's object comes from, where that is evidence (<c>var indexer = _manager.Get(name);</c>); and each
    /// parameter's that the function stores to (<c>existing = other;</c>), which then holds that instead.
    /// </summary>
    private Dictionary<ISymbol, SharedRoot>? _localRoots;

    /// <summary>Walking a lambda or local function handed out to run later (stored, queued, started), not run in place.</summary>
    private bool _published;

    /// <summary>The body of the member being walked, around its lambdas and local functions.</summary>
    private IOperation? _memberRoot;

    /// <summary>
    /// Where an object comes from (<see cref="SharedRoot"/>): through fields, properties and array elements, awaits, a
    /// library call's object or first argument (<c>_cache.Get(key)</c>, <c>items.First()</c>, <c>Volatile.Read(ref _x)</c>),
    /// to a static, <c>this</c>, a local's recorded root or the call of a method of the compilation; or, for any other
    /// value that is own exactly where <c>this</c> is (<paramref name="ownership"/>), <c>this</c> by a path not known.
    /// Null for no evidence.
    /// </summary>
    private SharedRoot? SharedRootOf(IOperation value, Ownership ownership = default)
    {
        var current = Operations.WithoutConversions(Operations.AccessedInstance(value));
        for (int depth = 0; depth < 12 && current is not null; depth++)
        {
            switch (current)
            {
                case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                    return SharedRoot.This;
                case IFieldReferenceOperation { Instance: null }:
                case IPropertyReferenceOperation { Instance: null }:
                    return SharedRoot.Static;
                case IFieldReferenceOperation { Instance: { } inner }:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                // A getter with code (or an interface's): what it returns, followed by the composition through the object it is
                // called on (a scoped service's state is the request's, whatever holds the service).
                case IPropertyReferenceOperation { Instance: not null, Property: { IsIndexer: false } property } getter when GetterCalled(property):
                    return SharedRoot.ResultOf(getter.Syntax);
                case IPropertyReferenceOperation { Instance: { } inner }:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                case IArrayElementReferenceOperation element:
                    current = Operations.WithoutConversions(element.ArrayReference);
                    continue;
                // _state ??= new State(), _cache = Load(): what the field holds from then on (a lazy getter's result).
                case ICoalesceAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } lazy:
                    current = Operations.WithoutConversions(lazy.Target);
                    continue;
                case ISimpleAssignmentOperation { Target: IFieldReferenceOperation or IPropertyReferenceOperation } stored:
                    current = Operations.WithoutConversions(stored.Target);
                    continue;
                case IAwaitOperation awaited:
                    current = Operations.WithoutConversions(awaited.Operation);
                    continue;
                case IConditionalAccessOperation conditional:
                    current = Operations.WithoutConversions(conditional.WhenNotNull);
                    continue;
                case ILocalReferenceOperation local when _localRoots is not null && _localRoots.TryGetValue(local.Local, out var root):
                    return root;
                case ILocalReferenceOperation local when _function.Symbol is IMethodSymbol { MethodKind: MethodKind.AnonymousFunction } lambda
                    && IsCaptured(local.Local, lambda):
                    return _published ? SharedRoot.Published : StoredLater(local.Local);
                case IParameterReferenceOperation parameter when _localRoots is not null && _localRoots.TryGetValue(parameter.Parameter, out var stored):
                    return stored;
                case IParameterReferenceOperation when ParameterRoot(current) is var slot and >= 0:
                    return SharedRoot.OfParameter(slot);
                case ISwitchExpressionOperation choice:
                    foreach (var arm in choice.Arms)
                    {
                        if (SharedRootOf(arm.Value) is { } armRoot)
                            return armRoot;
                    }
                    return null;
                case ICoalesceOperation coalesce:
                    return SharedRootOf(coalesce.Value) ?? SharedRootOf(coalesce.WhenNull);
                case IConditionalOperation { WhenFalse: { } whenFalse } choice:
                    return SharedRootOf(choice.WhenTrue) ?? SharedRootOf(whenFalse);
                case IInvocationOperation invocation when Operations.Callee(invocation.TargetMethod) is var method && method.MethodKind != MethodKind.DelegateInvoke:
                    if (_symbols.IsOwn(method))
                        return SharedRoot.ResultOf(invocation.Syntax);
                    // A library call hands out what its object, or its first argument, holds.
                    current = invocation.Instance is { } instance ? Operations.WithoutConversions(Operations.AccessedInstance(instance))
                        : invocation.Arguments.Length > 0 ? Operations.WithoutConversions(invocation.Arguments[0].Value) : null;
                    continue;
            }
            break;
        }
        return ownership.OnlyWhereThisIs ? SharedRoot.This : null;
    }

    /// <summary>
    /// For a local a lambda run in place captures, where the first store of the member that shows anything puts its object
    /// from: the lambda may run after stores the walk has not met yet (<c>Action set = () => data.Size = size; data =
    /// _last; set();</c>).
    /// </summary>
    private SharedRoot? StoredLater(ILocalSymbol local)
    {
        if (_memberRoot is null || _storedLater)
            return null; // not a store of a captured local that another captured local is stored from (a = b; b = a;)
        _storedLater = true;
        try
        {
            foreach (var operation in _memberRoot.Descendants())
            {
                if (operation is ISimpleAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                    && SymbolEqualityComparer.Default.Equals(target.Local, local) && SharedRootOf(assignment.Value) is { } root)
                {
                    return root;
                }
            }
            return null;
        }
        finally
        {
            _storedLater = false;
        }
    }

    private bool _storedLater;

    /// <summary>
    /// Records where a local's object comes from (<paramref name="value"/>), where that is evidence and the local has none
    /// yet: the first store with evidence decides, so that a local reassigned from a call on itself (<c>builder =
    /// builder.Seats(10);</c>, whose calls the walk records after the store) keeps where the object came from.
    /// </summary>
    private void RootOfLocal(ISymbol local, IOperation value)
    {
        if (!HasRoot(local))
            RecordRoot(local, SharedRootOf(value));
    }

    private bool HasRoot(ISymbol local) => _localRoots is not null && _localRoots.ContainsKey(local);

    /// <summary>Records <paramref name="root"/> (where not null) as where <paramref name="local"/>'s object comes from, unless it has a root already.</summary>
    private void RecordRoot(ISymbol local, SharedRoot? root)
    {
        if (root is { } known && !HasRoot(local))
            (_localRoots ??= new Dictionary<ISymbol, SharedRoot>(SymbolEqualityComparer.Default))[local] = known;
    }

    /// <summary>
    /// Records where the object a call hands out through an <c>out</c> argument comes from: a method of the compilation's,
    /// what it stores there (<see cref="SharedRoot.ResultOf"/>); a library call's, what its object holds
    /// (<c>_workers.TryGetValue(id, out var worker)</c>).
    /// </summary>
    private void RootOfOutLocal(ILocalSymbol local, IInvocationOperation call, IArgumentOperation output)
    {
        if (!HasRoot(local))
            RecordRoot(local, OutputRoot(call, output));
    }

    /// <summary>
    /// Where what a call hands out through its <c>out</c> argument <paramref name="output"/> comes from: for a library call,
    /// what its object (or first argument) holds; for a method of the compilation, what it stores there.
    /// </summary>
    private SharedRoot? OutputRoot(IInvocationOperation call, IArgumentOperation output)
    {
        if (_symbols.IsOwn(Operations.Callee(call.TargetMethod)))
            return output.Parameter is { } parameter ? SharedRoot.ResultOf(call.Syntax, parameter.Ordinal) : null;
        var holder = call.Instance ?? (call.Arguments.Length > 0 && call.Arguments[0] != output ? call.Arguments[0].Value : null);
        return holder is null ? null : SharedRootOf(holder);
    }

    /// <summary>
    /// What a library method hands a lambda it is given from objects others have (<c>_recent.Count(c => c.Check())</c>:
    /// the elements of a list this object holds), by the lambda's parameter ordinal: the first source of its type
    /// (<see cref="NextSource"/>) that shows where it comes from.
    /// </summary>
    private List<(int Ordinal, SharedRoot Root)>? SharedElementsGiven(IAnonymousFunctionOperation lambda)
    {
        if (LibraryCallGiven(lambda, out var given, out var invoke) is not { } invocation)
            return null;
        List<(int, SharedRoot)>? shared = null;
        foreach (var parameter in lambda.Symbol.Parameters)
        {
            if (parameter.Ordinal >= CapturedSlots || GivenTypes(invoke, parameter) is not { } mentioned)
                continue;
            for (int position = -1; NextSource(invocation, mentioned, given, ref position) is { } source;)
            {
                if (ParameterRoot(source) < 0 && SharedRootOf(source) is { } root) // a parameter: the lambda's ArgumentParameters
                {
                    (shared ??= new List<(int, SharedRoot)>()).Add((parameter.Ordinal, root));
                    break;
                }
            }
        }
        return shared;
    }

    /// <summary>What a returned value shows of what callers get (<see cref="FunctionSummary.ReturnedRoots"/>).</summary>
    private void ReturnedRoot(IOperation value)
    {
        if (SharedRootOf(value) is { } root)
            (_function.ReturnedRoots ??= new HandedRoots()).Add(root);
    }

    /// <summary>
    /// What a store to an <c>out</c> parameter of the function shows of what callers get (<see cref="FunctionSummary.OutRoots"/>):
    /// the value stored, or what a call that <paramref name="value"/>'s argument is handed to hands out there.
    /// </summary>
    private void OutRoot(int ordinal, IOperation value)
    {
        if ((value is IArgumentOperation { Parent: IInvocationOperation call } output ? OutputRoot(call, output) : SharedRootOf(value)) is not { } root)
            return;
        var roots = _function.OutRoots ??= new Dictionary<int, HandedRoots>();
        if (!roots.TryGetValue(ordinal, out var handed))
            roots[ordinal] = handed = new HandedRoots();
        handed.Add(root);
    }

    /// <summary>
    /// Where a store or an argument hands a local's object on to (<see cref="Published"/>), as where the object comes from,
    /// from then on: the variable stored to (<c>_current = worker</c>, <c>Interlocked.Exchange(ref s_current, worker)</c>), a
    /// library collection added to (<c>_workers.TryAdd(id, worker)</c>), or a method of the compilation that keeps it
    /// (<see cref="SharedRoot.KeptBy"/>).
    /// </summary>
    private void KeptRoot(ILocalSymbol local, IOperation store)
    {
        if (HasRoot(local))
            return;
        RecordRoot(local, store switch
        {
            ISimpleAssignmentOperation { Target: not ILocalReferenceOperation } assignment => SharedRootOf(assignment.Target),
            IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation invocation } when _symbols.IsOwn(Operations.Callee(invocation.TargetMethod)) =>
                SharedRoot.KeptBy(invocation.Syntax, parameter.Ordinal),
            IArgumentOperation { Parent: IInvocationOperation { Instance: { } collection } } => SharedRootOf(collection),
            IArgumentOperation { Parent: IInvocationOperation invocation } => RefArgument(invocation) is { } variable ? SharedRootOf(variable) : null,
            _ => null,
        });
    }

    private static IOperation? RefArgument(IInvocationOperation invocation)
    {
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter?.RefKind == RefKind.Ref)
                return argument.Value;
        }
        return null;
    }
}
