using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What the walk records of ownership (Infer's RacerD): which values are objects of the function's own, no other thread
/// having them, for the receivers and arguments of its calls and for what it returns.
/// </summary>
internal sealed partial class SummaryWalker
{
    /// <summary>
    /// Whether <paramref name="value"/> is an object of the function's own: a new object, a local holding one, the result of
    /// a library method (which RacerD also takes for the caller's own: a deserialized, mapped or queried object), unless
    /// it may be something the call was handed or reads from (<see cref="LibraryResult"/>); or the result of a method of
    /// the compilation, decided when the summaries are composed.
    /// </summary>
    private Ownership OwnershipOf(IOperation value, int depth = 0)
    {
        if (depth > 8)
            return Ownership.NotOwn; // a fluent chain that long is not worth following
        switch (Operations.WithoutConversions(value))
        {
            case IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation:
            case ILiteralOperation or IDefaultValueOperation or IThrowOperation: // null, a constant, x ?? throw …: no object anyone has
                return Ownership.Own;
            case ILocalReferenceOperation local:
                return _ownedLocals is not null && _ownedLocals.TryGetValue(local.Local, out var held) ? held : Ownership.NotOwn;
            case IAwaitOperation awaited:
                return OwnershipOf(awaited.Operation, depth + 1);
            case ICoalesceOperation coalesce:
                return OwnershipOf(coalesce.Value, depth + 1).And(OwnershipOf(coalesce.WhenNull, depth + 1));
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return OwnershipOf(conditional.WhenTrue, depth + 1).And(OwnershipOf(whenFalse, depth + 1));
            case IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false }:
                return OwnershipOf(Operations.AccessedInstance(instance), depth + 1); // order.Lines: reached from an own object, own (RacerD's owned prefix)
            case IFieldReferenceOperation { Instance: { } instance }:
                return OwnershipOf(Operations.AccessedInstance(instance), depth + 1);
            case IInvocationOperation invocation:
                var method = (invocation.TargetMethod.ReducedFrom ?? invocation.TargetMethod).OriginalDefinition;
                if (method.MethodKind == MethodKind.DelegateInvoke)
                    return Ownership.NotOwn; // a callback: anything
                if (!_symbols.IsOwn(method))
                    return LibraryResult(invocation, method, depth);
                // A factory (Builder(plan) => new(plan)) is known here, from its declaration, so that calls on its result
                // (builder.Add(x), which returns this) know their receiver now; any other method, when composed.
                return _symbols.ReturnsOnlyNew(method)
                    ? Ownership.Own
                    : Ownership.IfReturnsOwn(method.PartialImplementationPart ?? method, CalledOnOf(invocation, depth));
            default:
                return Ownership.NotOwn;
        }
    }

    /// <summary>What a call of a method of the compilation is made on: for one that returns <c>this</c>, its result is that object.</summary>
    private CalledOn CalledOnOf(IInvocationOperation invocation, int depth)
    {
        if (invocation.TargetMethod.IsStatic)
            return CalledOn.Other;
        if (invocation.Instance is null
            || Operations.WithoutConversions(invocation.Instance) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        {
            return invocation.Instance?.Syntax is Microsoft.CodeAnalysis.CSharp.Syntax.BaseExpressionSyntax ? CalledOn.Base : CalledOn.This;
        }
        return OwnershipOf(Operations.AccessedInstance(invocation.Instance), depth + 1).IsOwn ? CalledOn.Own : CalledOn.Other;
    }

    /// <summary>
    /// What a library method returns is the caller's own (RacerD's assumption for code without a summary), except what it
    /// may take from its object or arguments: a result whose type is a type parameter of the call's object or of an
    /// argument (<c>list.Find(…)</c>, <c>items.First()</c>, <c>dictionary.GetOrAdd(…)</c>, <c>Task.FromResult(x)</c>) is
    /// owned only if they are (a query's results are new objects); a container's service may be a singleton; and a value
    /// read through a reference (<c>Volatile.Read(ref _x)</c>, <c>Interlocked.Exchange</c>) is a field's.
    /// </summary>
    private Ownership LibraryResult(IInvocationOperation invocation, IMethodSymbol method, int depth)
    {
        var returned = method.ReturnType;
        if (returned.SpecialType == SpecialType.System_String || returned.IsValueType && returned is not INamedTypeSymbol { IsGenericType: true })
            return Ownership.Own; // a value: no object to share
        if (ConcurrencySymbols.IsOrImplements(method.ContainingType, _symbols.ServiceProvider))
            return Ownership.NotOwn;
        foreach (var parameter in method.Parameters)
        {
            if (parameter.RefKind != RefKind.None || ConcurrencySymbols.IsOrImplements(parameter.Type, _symbols.ServiceProvider))
                return Ownership.NotOwn;
        }
        if (Queried(invocation))
            return Ownership.Own;
        var mentioned = TypeParameters.In(returned);
        if (mentioned is null)
            return Ownership.Own;
        var result = Ownership.Own;
        if (invocation.Instance is { } instance && mentioned.Exists(p => p.TypeParameterKind == TypeParameterKind.Type))
            result = result.And(OwnershipOf(Operations.AccessedInstance(instance), depth + 1));
        foreach (var argument in invocation.Arguments)
        {
            if (!result.MayBeOwn)
                break;
            if (argument.Parameter is { } parameter && TypeParameters.Yields(parameter.OriginalDefinition.Type, mentioned))
                result = result.And(OwnershipOf(argument.Value, depth + 1));
        }
        return result;
    }

    /// <summary>A call on or over a query (<c>db.Orders.FindAsync(id)</c>, <c>query.FirstOrDefaultAsync()</c>): its results are new objects.</summary>
    private bool Queried(IInvocationOperation invocation)
    {
        if (_symbols.Queryable is null)
            return false;
        if (invocation.Instance is { } instance && ConcurrencySymbols.IsOrImplements(instance.Type, _symbols.Queryable))
            return true;
        return invocation.Arguments.Length > 0 && invocation.TargetMethod.IsExtensionMethod
            && ConcurrencySymbols.IsOrImplements(invocation.TargetMethod.Parameters[0].Type, _symbols.Queryable);
    }

    /// <summary><c>var parser = new Parser();</c>, <c>var order = await _orders.GetAsync(id);</c>: what the local holds (<see cref="OwnershipOf"/>).</summary>
    private void OwnedLocal(IVariableDeclaratorOperation declarator)
    {
        if (declarator.Initializer?.Value is { } value)
            RecordHeld(declarator.Symbol, OwnershipOf(value));
    }

    /// <summary>What a local now holds, where it may be an object of the function's own.</summary>
    private void RecordHeld(ILocalSymbol local, Ownership ownership)
    {
        if (ownership.MayBeOwn)
            (_ownedLocals ??= new Dictionary<ILocalSymbol, Ownership>(SymbolEqualityComparer.Default))[local] = ownership;
    }

    /// <summary>
    /// <c>foreach (var order in await _orders.ListAsync())</c>: the elements of a collection of the function's own are its
    /// own, as a library call's result taken from one is (<see cref="LibraryResult"/>).
    /// </summary>
    private void OwnedElements(IForEachLoopOperation loop)
    {
        if (loop.LoopControlVariable is IVariableDeclaratorOperation declarator)
            RecordHeld(declarator.Symbol, OwnershipOf(loop.Collection));
    }

    /// <summary>
    /// <c>order = other;</c>, <c>order ??= other;</c>: a local of the function's own stays so only if what is stored in it
    /// is too; one set by a call (<c>TryGet(key, out order)</c>) or a deconstruction holds what the code cannot see.
    /// </summary>
    private void StoredToLocal(IOperation store)
    {
        if (_ownedLocals is null)
            return;
        switch (store)
        {
            case ISimpleAssignmentOperation or ICoalesceAssignmentOperation when store is IAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                && _ownedLocals.TryGetValue(target.Local, out var held):
                _ownedLocals[target.Local] = held.And(OwnershipOf(assignment.Value));
                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.Out or RefKind.Ref, Value: ILocalReferenceOperation passed }:
                _ownedLocals.Remove(passed.Local);
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var local in deconstruction.Target.Descendants().OfType<ILocalReferenceOperation>())
                    _ownedLocals.Remove(local.Local);
                break;
        }
    }

    /// <summary>
    /// The parameters (bit by ordinal, the first 64) given an object of the caller's own at this call, those given the
    /// result of a method of the compilation (<see cref="OwnershipOf"/>), and those given one of the caller's own
    /// parameters or what it reaches (<see cref="ParameterRoot"/>).
    /// </summary>
    private (ulong Owned, List<(int Ordinal, Ownership From)>? From, List<(int Ordinal, int CallerParameter)>? Passed) OwnedArguments(
        ImmutableArray<IArgumentOperation> arguments)
    {
        ulong owned = 0;
        List<(int, Ownership)>? from = null;
        List<(int, int)>? passed = null;
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not { Ordinal: < 64, RefKind: RefKind.None } parameter || argument.ArgumentKind != ArgumentKind.Explicit)
                continue;
            var ownership = OwnershipOf(argument.Value);
            if (ownership.IsOwn)
                owned |= 1UL << parameter.Ordinal;
            else if (ownership.MayBeOwn)
                (from ??= new List<(int, Ownership)>()).Add((parameter.Ordinal, ownership));
            else if (ParameterRoot(argument.Value) is var root and >= 0)
                (passed ??= new List<(int, int)>()).Add((parameter.Ordinal, root));
        }
        return (owned, from, passed);
    }

    /// <summary>
    /// The ordinal (the first 64) of the function's own parameter that <paramref name="value"/> is, or reaches through
    /// fields and properties (<c>model</c>, <c>model.Seats</c>), else -1: where that parameter holds an object of the
    /// caller's own, so does what is reached from it (RacerD: an access path with an owned prefix is owned).
    /// </summary>
    private int ParameterRoot(IOperation? value)
    {
        var current = value is null ? null : Operations.WithoutConversions(Operations.AccessedInstance(value));
        for (int depth = 0; depth < 8 && current is not null; depth++)
        {
            switch (current)
            {
                case IParameterReferenceOperation { Parameter: { Ordinal: < 64, RefKind: RefKind.None } parameter }
                    when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol):
                    return parameter.Ordinal;
                case IPropertyReferenceOperation { Instance: { } inner }:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                case IFieldReferenceOperation { Instance: { } inner }:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                default:
                    return -1;
            }
        }
        return -1;
    }

    /// <summary>A value the function returns: whether its callers get an object of their own (<see cref="FunctionSummary.ReturnsShared"/>).</summary>
    private void Returned(IOperation operation)
    {
        if (_function.ReturnsShared)
            return;
        if (operation.Kind == OperationKind.YieldReturn)
        {
            _function.ReturnsShared = true; // an iterator: its elements are whatever it reads
            return;
        }
        if (((IReturnOperation)operation).ReturnedValue is not { } value)
            return;
        if (Operations.WithoutConversions(value) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
        {
            _function.ReturnsThis = true; // return this; (a fluent builder)
            return;
        }
        var ownership = OwnershipOf(value);
        if (!ownership.MayBeOwn)
            _function.ReturnsShared = true;
        else if (!ownership.IsOwn)
            (_function.ReturnsOwnIf ??= new List<Ownership>()).Add(ownership);
    }
}
