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
        // Each link of a fluent chain asks for its receiver's ownership, one level deeper (quadratic in the chain's length,
        // so bounded); builders on real code run to 20 links (ErsatzTV's FFmpeg process builder).
        if (depth > 32)
            return Ownership.NotOwn;
        switch (Operations.WithoutConversions(value))
        {
            case IObjectCreationOperation or IArrayCreationOperation or IAnonymousObjectCreationOperation:
            case ILiteralOperation or IDefaultValueOperation or IThrowOperation: // null, a constant, x ?? throw …: no object anyone has
            // The object an initializer sets up (new Item { Name = n }, new List<T> { x }, record with { Id = i }): a new
            // object, which nobody else has until the expression ends.
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ImplicitReceiver }:
                return Ownership.Own;
            case IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance }:
                return Ownership.IfThisOwn; // this, and through it its fields (order.Lines below): own where this is
            case IParameterReferenceOperation parameter when _lambdaParameters is not null && _lambdaParameters.TryGetValue(parameter.Parameter, out var given):
                return given; // in a lambda a library method calls, what the call hands it (LambdaResult)
            case IParameterReferenceOperation parameter when CapturedByType(parameter.Parameter):
                return Ownership.IfThisOwn; // class Cache(Store store) { … store.Find(k) … }: a field of this, in all but name
            // Own where the caller gives it its own (decided by the caller's reach); not a parameter the member stores to
            // (existing = other; return existing;), which may hold something else by then.
            case IParameterReferenceOperation parameter when HoldsObjects(parameter.Parameter.Type) && ParameterRoot(parameter) is var slot and >= 0
                && !StoredInMember(parameter).Contains(parameter.Parameter.Name):
                return Ownership.IfParameterOwn(slot);
            case IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda }:
                return LambdaResult(lambda, depth);
            case IAnonymousFunctionOperation lambda:
                return LambdaResult(lambda, depth);
            case ILocalReferenceOperation local:
                return _ownedLocals is not null && _ownedLocals.TryGetValue(local.Local, out var held) ? held : Ownership.NotOwn;
            case IAwaitOperation awaited:
                return OwnershipOf(awaited.Operation, depth + 1);
            case IConditionalAccessOperation conditional:
                return OwnershipOf(conditional.WhenNotNull, depth + 1); // cipher?.GetAttachments(): as cipher.GetAttachments(), or null
            case ICoalesceOperation coalesce:
                return OwnershipOf(coalesce.Value, depth + 1).And(OwnershipOf(coalesce.WhenNull, depth + 1));
            case IConditionalOperation { WhenFalse: { } whenFalse } conditional:
                return OwnershipOf(conditional.WhenTrue, depth + 1).And(OwnershipOf(whenFalse, depth + 1));
            case ISwitchExpressionOperation choice:
                // order.Kind switch { Kind.A => new A(…), Kind.B => Factory.B(…), _ => throw … }: what every arm gives
                var arms = Ownership.Own;
                foreach (var arm in choice.Arms)
                {
                    arms = arms.And(OwnershipOf(arm.Value, depth + 1));
                    if (!arms.MayBeOwn)
                        break;
                }
                return arms;
            case IPropertyReferenceOperation { Instance: null, Property: { IsIndexer: false, SetMethod: null, Type.IsValueType: true } property } when !_symbols.IsOwn(property):
            case IFieldReferenceOperation { Instance: null, Field: { IsReadOnly: true, Type.IsValueType: true } field } when !_symbols.IsOwn(field):
                return Ownership.Own; // Option<T>.None, ImmutableArray<T>.Empty: a library's value, a copy with nothing of anyone's in it
            case IPropertyReferenceOperation { Instance: { } instance, Property.IsIndexer: false }:
                return OwnershipOf(Operations.AccessedInstance(instance), depth + 1); // order.Lines: reached from an own object, own (RacerD's owned prefix)
            case IFieldReferenceOperation { Instance: { } instance }:
                return OwnershipOf(Operations.AccessedInstance(instance), depth + 1);
            // _items[i], buffer[i]: an element of a collection of the function's own is its own, as what a library call takes
            // from one is (LibraryResult); a library's indexer that hands back no element (a type it fixes) a new value.
            case IPropertyReferenceOperation { Instance: { } collection, Property: { IsIndexer: true } indexer } when !_symbols.IsOwn(indexer):
                return TypeParameters.In(indexer.OriginalDefinition.Type) is null ? Ownership.Own : OwnershipOf(Operations.AccessedInstance(collection), depth + 1);
            case IArrayElementReferenceOperation element:
                return OwnershipOf(element.ArrayReference, depth + 1);
            case IInvocationOperation invocation:
                var method = Operations.Callee(invocation.TargetMethod);
                if (method.MethodKind == MethodKind.DelegateInvoke)
                    return Ownership.NotOwn; // a callback: anything
                if (!_symbols.IsOwn(method))
                    return LibraryResult(invocation, method, depth);
                // A method that hands back what it was given (ToCipher(existing) { …; return existing; }) returns that
                // argument, known here from its declaration, as a factory (Builder(plan) => new(plan)) is, so that calls
                // on the result (builder.Add(x), which returns this) know their receiver now; any other method, when composed.
                if (_symbols.ReturnedParameter(method) is var returnedParameter and >= 0)
                {
                    foreach (var argument in invocation.Arguments)
                    {
                        if (argument.Parameter?.Ordinal == returnedParameter)
                            return OwnershipOf(argument.Value, depth + 1);
                    }
                    return Ownership.NotOwn;
                }
                // A fluent method (builder.With(x) { …; return this; }) returns the object it was called on, so a chain
                // of them, or a local reassigned from one (builder = builder.WithScaling(size)), holds that object.
                if (_symbols.ReturnsThis(method) && invocation.Instance is { } receiver)
                    return OwnershipOf(Operations.AccessedInstance(receiver), depth + 1);
                return _symbols.ReturnsOnlyNew(method)
                    ? Ownership.Own
                    : Ownership.IfReturnsOwn(method, CalledOnOf(invocation, depth), ArgumentOwnership(invocation, depth));
            default:
                return Ownership.NotOwn;
        }
    }

    /// <summary>
    /// A parameter of a primary constructor read in another member of its type (<c>class Cache(Store store) { Item Get(k)
    /// => store.Find(k); }</c>): the compiler keeps it in a field of the object, so it is what that object holds.
    /// </summary>
    private bool CapturedByType(IParameterSymbol parameter) =>
        parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.Constructor } constructor
        && !SymbolEqualityComparer.Default.Equals(constructor, _function.Member)
        && constructor.DeclaringSyntaxReferences.Length == 1 && constructor.DeclaringSyntaxReferences[0].GetSyntax() is Microsoft.CodeAnalysis.CSharp.Syntax.TypeDeclarationSyntax;

    /// <summary>A type whose values are, or carry, objects: a class or interface, or a generic struct (<c>Option&lt;T&gt;</c>, <c>KeyValuePair&lt;K, V&gt;</c>).</summary>
    private static bool HoldsObjects(ITypeSymbol type) =>
        type.IsReferenceType && type.SpecialType != SpecialType.System_String || type is INamedTypeSymbol { IsValueType: true, IsGenericType: true };

    /// <summary>
    /// What each argument of a call of a method of the compilation holds (by ordinal; default where the parameter is no
    /// object, or past the first 32): what the result is where the method returns what a parameter holds or reaches.
    /// </summary>
    private ImmutableArray<Ownership> ArgumentOwnership(IInvocationOperation invocation, int depth)
    {
        ImmutableArray<Ownership>.Builder? given = null;
        foreach (var argument in invocation.Arguments)
        {
            if (argument.Parameter is not { Ordinal: < CapturedSlots, RefKind: RefKind.None } parameter || !HoldsObjects(parameter.Type)
                || argument.ArgumentKind != ArgumentKind.Explicit)
            {
                continue;
            }
            var ownership = OwnershipOf(argument.Value, depth + 1);
            if (!ownership.MayBeOwn)
                continue;
            given ??= ImmutableArray.CreateBuilder<Ownership>(invocation.TargetMethod.Parameters.Length);
            while (given.Count <= parameter.Ordinal)
                given.Add(Ownership.NotOwn);
            given[parameter.Ordinal] = ownership;
        }
        return given?.ToImmutable() ?? default;
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
        // _cache.Find(k), store.Find(k) of a primary constructor: on what this holds, as own as this is
        return OwnershipOf(Operations.AccessedInstance(invocation.Instance), depth + 1) switch
        {
            { IsOwn: true } => CalledOn.Own,
            { OnlyWhereThisIs: true } => CalledOn.This,
            _ => CalledOn.Other,
        };
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
        return TypeParameters.In(returned) is { } mentioned
            ? OwnershipOfSources(invocation, mentioned, except: null, depth + 1, out _, out _)
            : Ownership.Own;
    }

    /// <summary>
    /// Whether every source of values of the type parameters <paramref name="mentioned"/> among the call's object and
    /// arguments (<see cref="NextSource"/>) holds an object of the caller's own (own when there is none), with how many
    /// there are and the one when there is one.
    /// </summary>
    private Ownership OwnershipOfSources(IInvocationOperation invocation, List<ITypeParameterSymbol> mentioned, IArgumentOperation? except,
        int depth, out int count, out IOperation? single)
    {
        var ownership = Ownership.Own;
        (count, single) = (0, null);
        for (int position = -1; NextSource(invocation, mentioned, except, ref position) is { } source;)
        {
            single = ++count == 1 ? source : null;
            if (ownership.MayBeOwn)
                ownership = ownership.And(OwnershipOf(source, depth));
        }
        return ownership;
    }

    /// <summary>
    /// The next of the call's object (<paramref name="position"/> -1) and arguments (but <paramref name="except"/>) that
    /// holds values of the type parameters <paramref name="mentioned"/>, what a library method can hand back, hand out or
    /// hand a callback (<c>list.Find(…)</c>'s list, <c>Select</c>'s source for its selector's element); null after the
    /// last. A delegate argument counts by what it returns (<c>Select</c>'s selector; not <c>Where</c>'s test).
    /// </summary>
    private static IOperation? NextSource(IInvocationOperation invocation, List<ITypeParameterSymbol> mentioned, IArgumentOperation? except, ref int position)
    {
        if (position < 0)
        {
            position = 0;
            if (invocation.Instance is { } instance && mentioned.Exists(p => p.TypeParameterKind == TypeParameterKind.Type))
                return Operations.AccessedInstance(instance);
        }
        while (position < invocation.Arguments.Length)
        {
            var argument = invocation.Arguments[position++];
            if (argument != except && argument.Parameter is { } parameter && TypeParameters.Yields(parameter.OriginalDefinition.Type, mentioned))
                return argument.Value;
        }
        return null;
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

    /// <summary>
    /// <c>var parser = new Parser();</c>, <c>var order = await _orders.GetAsync(id);</c>: what the local holds (<see cref="OwnershipOf"/>).
    /// A local declared without a value (<c>Template sql;</c>, given one in each branch that follows) holds no object yet,
    /// as one set to <c>null</c>: the stores to it decide (<see cref="StoredToLocal"/>).
    /// </summary>
    private void OwnedLocal(IVariableDeclaratorOperation declarator)
    {
        if (declarator.Initializer?.Value is { } value)
        {
            RecordHeld(declarator.Symbol, OwnershipOf(value));
            RootOfLocal(declarator.Symbol, value);
            if (ClockReadings.IsReading(value))
                (_clockLocals ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(declarator.Symbol);
        }
        else if (declarator.Parent is IVariableDeclarationOperation { Initializer: null })
            RecordHeld(declarator.Symbol, Ownership.Own);
    }

    /// <summary>The local an <c>out</c> argument stores to (<c>out order</c>, <c>out var order</c>); or null.</summary>
    private static ILocalSymbol? OutLocal(IOperation value) => Operations.WithoutConversions(value) switch
    {
        ILocalReferenceOperation local => local.Local,
        IDeclarationExpressionOperation { Expression: ILocalReferenceOperation local } => local.Local,
        _ => null,
    };

    /// <summary>
    /// What a library method hands out through <paramref name="output"/>, as <see cref="LibraryResult"/> decides for a
    /// result: typed by a type parameter of the call's object or of an argument (<c>TryGetValue(key, out value)</c>), it
    /// is what they hold; of a type the library fixes (<c>Uri.TryCreate(s, kind, out uri)</c>), a new object.
    /// </summary>
    private Ownership LibraryOutput(IInvocationOperation invocation, IArgumentOperation output) =>
        output.Parameter is { } parameter && TypeParameters.In(parameter.OriginalDefinition.Type) is { } mentioned
            ? OwnershipOfSources(invocation, mentioned, except: output, 0, out _, out _)
            : Ownership.Own;

    /// <summary>
    /// <c>if (Activator.CreateInstance(type) is Video video)</c>, <c>case Order { } order:</c>: the local a pattern declares
    /// holds the value tested (of an <c>is</c> or a <c>switch</c>).
    /// </summary>
    private void OwnedPatternLocal(IPatternOperation pattern)
    {
        var declared = pattern switch
        {
            IDeclarationPatternOperation declaration => declaration.DeclaredSymbol,
            IRecursivePatternOperation recursive => recursive.DeclaredSymbol,
            _ => null,
        };
        if (declared is not ILocalSymbol local)
            return;
        var tested = pattern.Parent switch
        {
            IIsPatternOperation test => test.Value,
            IPatternCaseClauseOperation { Parent: ISwitchCaseOperation { Parent: ISwitchOperation @switch } } => @switch.Value,
            ISwitchExpressionArmOperation { Parent: ISwitchExpressionOperation expression } => expression.Value,
            _ => null,
        };
        if (tested is not null)
        {
            RecordHeld(local, OwnershipOf(tested));
            RootOfLocal(local, tested);
        }
    }

    /// <summary>
    /// What a lambda or local function sees of the locals of the function around it that it captures: the ones that hold
    /// an object of that function's own where it is declared (<c>var cipher = await Load(id); Upload(stream =>
    /// Save(stream, cipher));</c>), when the member stores to them nowhere but in their declaration (a later store could
    /// hand the lambda, which may run later, another object).
    /// </summary>
    private Dictionary<ILocalSymbol, Ownership>? CapturedOwned(Dictionary<ILocalSymbol, Ownership>? around, IOperation aroundRoot)
    {
        if (around is null || around.Count == 0)
            return null;
        var stored = StoredInMember(aroundRoot);
        Dictionary<ILocalSymbol, Ownership>? captured = null;
        foreach (var pair in around)
        {
            if (!stored.Contains(pair.Key.Name))
                (captured ??= new Dictionary<ILocalSymbol, Ownership>(SymbolEqualityComparer.Default))[pair.Key] = pair.Value;
        }
        return captured;
    }

    /// <summary>The names stored to in the member <paramref name="inside"/> is part of (<see cref="StoredNames.In"/>), read once per member.</summary>
    private HashSet<string> StoredInMember(IOperation inside)
    {
        if (_storedNames is null)
        {
            var top = inside;
            while (top.Parent is { } parent)
                top = parent;
            _storedNames = StoredNames.In(top.Syntax);
        }
        return _storedNames;
    }

    /// <summary>What a local now holds, where it may be an object of the function's own.</summary>
    private void RecordHeld(ILocalSymbol local, Ownership ownership)
    {
        if (ownership.MayBeOwn)
            (_ownedLocals ??= new Dictionary<ILocalSymbol, Ownership>(SymbolEqualityComparer.Default))[local] = ownership;
    }

    /// <summary>A local stored to (assigned, passed by reference, deconstructed into) no longer holds for sure what the function made.</summary>
    private void ForgetMade(IOperation store)
    {
        switch (store)
        {
            case IAssignmentOperation { Target: ILocalReferenceOperation target }:
                _madeLocals!.Remove(target.Local);
                break;
            case IArgumentOperation { Parameter.RefKind: not RefKind.None, Value: ILocalReferenceOperation passed }:
                _madeLocals!.Remove(passed.Local);
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var local in deconstruction.Target.Descendants().OfType<ILocalReferenceOperation>())
                    _madeLocals!.Remove(local.Local);
                break;
        }
    }

    /// <summary>
    /// <c>foreach (var order in await _orders.ListAsync())</c>: the elements of a collection of the function's own are its
    /// own, as a library call's result taken from one is (<see cref="LibraryResult"/>).
    /// </summary>
    private void OwnedElements(IForEachLoopOperation loop)
    {
        if (loop.LoopControlVariable is IVariableDeclaratorOperation declarator)
        {
            RecordHeld(declarator.Symbol, OwnershipOf(loop.Collection));
            RootOfLocal(declarator.Symbol, loop.Collection);
        }
        else if (loop.LoopControlVariable is not null)
        {
            // foreach (var (child, key) in playlist.Children): each part of an element of one's own is one's own
            var elements = OwnershipOf(loop.Collection);
            foreach (var part in loop.LoopControlVariable.DescendantsAndSelf().OfType<ILocalReferenceOperation>())
                RecordHeld(part.Local, elements);
        }
    }

    /// <summary>
    /// <c>order = other;</c>, <c>order ??= other;</c>: a local of the function's own stays so only if what is stored in it
    /// is too; one set by a call (<c>TryGet(key, out order)</c>) or a deconstruction holds what the code cannot see.
    /// </summary>
    private void StoredToLocal(IOperation store)
    {
        if (_madeLocals is not null)
            ForgetMade(store);
        if (store is IArgumentOperation { Parameter.RefKind: RefKind.Out } output && OutLocal(output.Value) is { } declared)
        {
            // dictionary.TryGetValue(key, out var value): what a library call hands out is what it would return
            _ownedLocals?.Remove(declared);
            if (output.Parent is IInvocationOperation invocation)
            {
                RecordHeld(declared, OutputOf(invocation, output));
                RootOfOutLocal(declared, invocation, output);
            }
            return;
        }
        if (store is ISimpleAssignmentOperation { Target: ILocalReferenceOperation assigned } simple)
        {
            RootOfLocal(assigned.Local, simple.Value);
            if (Replaces(simple, assigned.Local))
            {
                Replace(assigned.Local, OwnershipOf(simple.Value));
                return;
            }
        }
        else if (store is ISimpleAssignmentOperation { Target: IParameterReferenceOperation { Parameter.RefKind: RefKind.None } reassigned } other)
            RootOfLocal(reassigned.Parameter, other.Value);
        if (_ownedLocals is null)
            return;
        switch (store)
        {
            case ISimpleAssignmentOperation or ICoalesceAssignmentOperation when store is IAssignmentOperation { Target: ILocalReferenceOperation target } assignment
                && _ownedLocals.TryGetValue(target.Local, out var held):
                _ownedLocals[target.Local] = held.And(OwnershipOf(assignment.Value));
                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.Ref, Value: ILocalReferenceOperation passed }: // out: above
                _ownedLocals.Remove(passed.Local);
                break;
            case IDeconstructionAssignmentOperation deconstruction:
                foreach (var local in deconstruction.Target.Descendants().OfType<ILocalReferenceOperation>())
                    _ownedLocals.Remove(local.Local);
                break;
        }
    }

    /// <summary>
    /// Whether the statement <c>local = value;</c> replaces what the local held for the code that follows it, as a
    /// declaration does: it runs whenever that code does (a statement of its own, in no loop the local outlives, where the
    /// next time round would see the value of the time before), and the value does not read the local (whose calls are
    /// recorded after this store). <c>if (!_cache.TryGetValue(day, out stats)) { stats = new Stats(); stats.Merge(…); }</c>:
    /// <c>Merge</c> runs on the new object, whatever the cache held. Where branches meet, the local holds what any of them
    /// left (<see cref="JoinBranches"/>).
    /// </summary>
    private static bool Replaces(ISimpleAssignmentOperation assignment, ILocalSymbol local)
    {
        if (assignment.Parent is not IExpressionStatementOperation statement)
            return false;
        if (local.DeclaringSyntaxReferences.Length != 1)
            return false;
        var declared = local.DeclaringSyntaxReferences[0].Span;
        for (var node = statement.Syntax.Parent; node is not null && !node.Span.Contains(declared); node = node.Parent)
        {
            if (node is Microsoft.CodeAnalysis.CSharp.Syntax.WhileStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.DoStatementSyntax
                or Microsoft.CodeAnalysis.CSharp.Syntax.ForStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.CommonForEachStatementSyntax
                or Microsoft.CodeAnalysis.CSharp.Syntax.LabeledStatementSyntax or Microsoft.CodeAnalysis.CSharp.Syntax.MemberDeclarationSyntax)
            {
                return false; // a loop (or a label a goto returns to) the local outlives
            }
        }
        foreach (var read in assignment.Value.DescendantsAndSelf())
        {
            if (read is ILocalReferenceOperation reference && SymbolEqualityComparer.Default.Equals(reference.Local, local))
                return false;
        }
        return true;
    }

    /// <summary>The local now holds <paramref name="ownership"/>, whatever it held before (<see cref="Replaces"/>).</summary>
    private void Replace(ILocalSymbol local, Ownership ownership)
    {
        var before = _ownedLocals is not null && _ownedLocals.TryGetValue(local, out var held) ? held : Ownership.NotOwn;
        (_replacedLocals ??= new List<(ILocalSymbol, Ownership)>()).Add((local, before));
        if (ownership.MayBeOwn)
            (_ownedLocals ??= new Dictionary<ILocalSymbol, Ownership>(SymbolEqualityComparer.Default))[local] = ownership;
        else
            _ownedLocals?.Remove(local);
    }

    /// <summary>
    /// Where branches meet (after an <c>if</c>, at each <c>catch</c> of a <c>try</c>, between the sections of a
    /// <c>switch</c>): a local replaced in a branch since <paramref name="mark"/> (a count of <see cref="_replacedLocals"/>)
    /// holds the function's own only if it does both with what it held before and with what it holds now; and it holds an
    /// object the function made (<see cref="_madeLocals"/>) only where it did not change in a branch.
    /// </summary>
    private void JoinBranches(int mark)
    {
        if (_replacedLocals is null)
            return;
        for (int i = mark; i < _replacedLocals.Count; i++)
        {
            var (local, before) = _replacedLocals[i];
            _madeLocals?.Remove(local);
            var now = _ownedLocals is not null && _ownedLocals.TryGetValue(local, out var held) ? held : Ownership.NotOwn;
            if (now.AsksAllOf(before))
                continue;
            var joined = now.And(before);
            if (joined.MayBeOwn)
                _ownedLocals![local] = joined;
            else
                _ownedLocals?.Remove(local);
        }
    }

    /// <summary>A branch the code after it does not follow (it ends in a jump): what it replaces holds only inside it.</summary>
    private void Branch(IOperation branch)
    {
        int mark = _replacedLocals?.Count ?? 0;
        Statement(branch);
        JoinBranches(mark);
    }

    /// <summary>
    /// What a call hands out through <paramref name="output"/>: a library method's, as it would return it
    /// (<see cref="LibraryOutput"/>); a method of the compilation's, its caller's own where every store the method makes to
    /// that parameter is (decided when the summaries are composed, <see cref="FunctionSummary.OutStores"/>).
    /// </summary>
    private Ownership OutputOf(IInvocationOperation invocation, IArgumentOperation output)
    {
        var method = Operations.Callee(invocation.TargetMethod);
        if (!_symbols.IsOwn(method))
            return LibraryOutput(invocation, output);
        return output.Parameter is { } parameter && method.MethodKind != MethodKind.DelegateInvoke
            ? Ownership.IfOutOwn(method.Parameters[parameter.Ordinal])
            : Ownership.NotOwn;
    }

    /// <summary>
    /// <c>rules = new RateRules(root);</c>, <c>TryParse(text, out rules, out _)</c>: what the function stores to one of its
    /// own <c>out</c> parameters (<see cref="FunctionSummary.OutStores"/>).
    /// </summary>
    private void StoredToOutParameter(IOperation store)
    {
        Ownership stored;
        IParameterSymbol parameter;
        switch (store)
        {
            case ISimpleAssignmentOperation { Target: IParameterReferenceOperation { Parameter: { RefKind: RefKind.Out } target } } assignment:
                (parameter, stored) = (target, OwnershipOf(assignment.Value));
                break;
            case IArgumentOperation { Parameter.RefKind: RefKind.Out, Value: IParameterReferenceOperation { Parameter: { RefKind: RefKind.Out } passed }, Parent: IInvocationOperation invocation } output:
                (parameter, stored) = (passed, OutputOf(invocation, output));
                break;
            default:
                return;
        }
        if (!SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol))
            return; // a lambda storing to its member's out parameter cannot (CS1628); a local function's own are its
        OutRoot(parameter.Ordinal, store is ISimpleAssignmentOperation simple ? simple.Value : store);
        var stores = _function.OutStores ??= new Dictionary<int, Ownership>();
        stores[parameter.Ordinal] = stores.TryGetValue(parameter.Ordinal, out var before) ? before.And(stored) : stored;
    }

    /// <summary>
    /// Where a value the function holds is handed on, so that others may reach it (escape): stored in a field, property
    /// or element of an object (<c>_workers[id] = worker</c>), added to a library collection (<c>_sessions.TryAdd(id,
    /// worker)</c>), or given to a method of the compilation that may keep it (<c>_registry.Add(id, worker)</c>). From
    /// there on, a local holding it is the function's own only where that object is, or where the method keeps it
    /// nowhere but in an object of the caller's own (<see cref="Ownership.IfNotKept"/>); for a parameter, the function's
    /// summary says where it keeps it (<see cref="FunctionSummary.KeptIn"/>). Calls made on it before are left as they
    /// were: until it is handed on, no other thread has it.
    /// </summary>
    private void Published(IOperation store)
    {
        var value = store switch
        {
            ISimpleAssignmentOperation assignment => assignment.Value,
            IArgumentOperation { Parameter.RefKind: RefKind.None } argument => argument.Value,
            _ => null,
        };
        // _sessions.AddOrUpdate(id, _ => worker, (_, _) => worker): a factory the collection calls gives it what it returns
        if (value is not null && Operations.WithoutConversions(value) is IDelegateCreationOperation { Target: IAnonymousFunctionOperation { Body.Operations: { Length: 1 } body } }
            && body[0] is IReturnOperation { ReturnedValue: { } returned })
        {
            value = returned;
        }
        if (value?.Type is not { IsReferenceType: true, SpecialType: not SpecialType.System_String })
            return;
        // Only a local that may hold the function's own object, or one of its parameters, has anything to lose: the
        // container is asked for after that test (it is asked of every store and argument the walk meets).
        switch (Operations.WithoutConversions(value))
        {
            case ILocalReferenceOperation local when _ownedLocals is not null && _ownedLocals.TryGetValue(local.Local, out var held):
                if (KeptIn(store) is not { } keptIn)
                    return;
                KeptRoot(local.Local, store);
                if (_madeLocals is null || !_madeLocals.ContainsKey(local.Local))
                    (_madeLocals ??= new Dictionary<ILocalSymbol, Ownership>(SymbolEqualityComparer.Default))[local.Local] = held;
                if (held.And(keptIn) is { MayBeOwn: true } still)
                    _ownedLocals[local.Local] = still;
                else
                    _ownedLocals.Remove(local.Local);
                break;
            case IParameterReferenceOperation { Parameter: var parameter } when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol):
                if (KeptIn(store) is not { } where)
                    return;
                var kept = _function.KeptIn ??= new Dictionary<int, Ownership>();
                kept[parameter.Ordinal] = kept.TryGetValue(parameter.Ordinal, out var before) ? before.And(where) : where;
                break;
        }
    }

    /// <summary>Where a store or an argument puts its value (<see cref="Container"/>, <see cref="KeptBy"/>); null where nowhere others reach.</summary>
    private Ownership? KeptIn(IOperation store) => store switch
    {
        ISimpleAssignmentOperation { Target: var target } => Container(target),
        IArgumentOperation { Parameter: { } parameter } argument => KeptBy(argument, parameter),
        _ => null,
    };

    /// <summary>The object whose state a store goes to (<c>_current = x</c>, <c>other.Item = x</c>, <c>_map[k] = x</c>); null for a local or parameter.</summary>
    private Ownership? Container(IOperation target) => target switch
    {
        IFieldReferenceOperation { Instance: null } or IPropertyReferenceOperation { Instance: null } => Ownership.NotOwn, // a static
        IFieldReferenceOperation { Instance: { } instance } => OwnershipOf(Operations.AccessedInstance(instance)),
        IPropertyReferenceOperation { Instance: { } instance } => OwnershipOf(Operations.AccessedInstance(instance)),
        IArrayElementReferenceOperation element => OwnershipOf(element.ArrayReference),
        _ => null,
    };

    /// <summary>
    /// Where a call keeps an argument: a method or constructor of the compilation, as its summary says (decided when the
    /// summaries are composed); a library's generic collection (<c>Add(T)</c>, <c>TryAdd(TKey, TValue)</c>,
    /// <c>Enqueue(T)</c>: a parameter typed by its type's parameters), in itself; <c>Interlocked.Exchange(ref _current,
    /// x)</c>, in the variable passed by reference. Null where it keeps nothing (a logger, a serializer, a query).
    /// </summary>
    private Ownership? KeptBy(IArgumentOperation argument, IParameterSymbol parameter)
    {
        switch (argument.Parent)
        {
            case IObjectCreationOperation { Constructor: { } constructor } when _symbols.IsOwn(constructor):
                return Ownership.IfNotKept(constructor, CalledOn.Own, parameter.Ordinal);
            case IInvocationOperation invocation when Operations.Callee(invocation.TargetMethod) is var callee && _symbols.IsOwn(callee):
                return callee.MethodKind == MethodKind.DelegateInvoke ? null : Ownership.IfNotKept(callee, CalledOnOf(invocation, 0), parameter.Ordinal);
            case IInvocationOperation { Instance: { } collection, TargetMethod: { IsStatic: false } method }
                when method.ContainingType.IsGenericType && IsCollection(method.ContainingType)
                && TypeParameters.In(parameter.OriginalDefinition.Type) is { } mentioned && mentioned.Exists(p => p.TypeParameterKind == TypeParameterKind.Type):
                return OwnershipOf(Operations.AccessedInstance(collection));
            case IInvocationOperation invocation:
                foreach (var other in invocation.Arguments)
                {
                    if (other.Parameter?.RefKind == RefKind.Ref)
                        return Container(Operations.WithoutConversions(other.Value)) ?? Ownership.Own;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// A collection of the framework's (<c>System.Collections…</c>, a channel): what is added to it stays there for others.
    /// Not a unit of work's set (<c>DbSet&lt;T&gt;.Add</c>), which tracks an entity for the request that added it.
    /// </summary>
    private bool IsCollection(INamedTypeSymbol type) =>
        _lists.NamespaceOf(type) is var space && (space.StartsWith("System.Collections", System.StringComparison.Ordinal) || space == "System.Threading.Channels");

    /// <summary>
    /// The parameters (bit by ordinal, the first 64) given an object of the caller's own at this call, those given the
    /// result of a method of the compilation (<see cref="OwnershipOf"/>), those given one of the caller's own
    /// parameters or what it reaches (<see cref="ParameterRoot"/>), and those given the caller's <c>this</c>.
    /// </summary>
    private (ulong Owned, List<(int Ordinal, Ownership From)>? From, List<(int Ordinal, int CallerParameter)>? Passed, ulong ThisGiven,
        List<(int Ordinal, SharedRoot Root)>? Shared) OwnedArguments(ImmutableArray<IArgumentOperation> arguments)
    {
        ulong owned = 0, thisGiven = 0;
        List<(int, Ownership)>? from = null;
        List<(int, int)>? passed = null;
        List<(int, SharedRoot)>? shared = null;
        foreach (var argument in arguments)
        {
            if (argument.Parameter is not { Ordinal: < 64, RefKind: RefKind.None } parameter || argument.ArgumentKind != ArgumentKind.Explicit
                || parameter.Ordinal >= CapturedSlots && parameter.ContainingSymbol is IMethodSymbol { MethodKind: MethodKind.LocalFunction or MethodKind.AnonymousFunction })
            {
                continue; // a local function's bits past its first 32 parameters are what it captures
            }
            var ownership = OwnershipOf(argument.Value);
            if (!ownership.IsOwn && ParameterRoot(argument.Value) < 0 && SharedRootOf(argument.Value, ownership) is { } root) // a parameter: ArgumentParameters
                (shared ??= new List<(int, SharedRoot)>()).Add((parameter.Ordinal, root));
            if (Given(parameter.Ordinal, ownership, ref owned, ref from))
                continue;
            if (ParameterRoot(argument.Value) is var callerParameter and >= 0)
                (passed ??= new List<(int, int)>()).Add((parameter.Ordinal, callerParameter));
            else if (Operations.WithoutConversions(argument.Value) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance })
                thisGiven |= 1UL << parameter.Ordinal; // _manager.Report(this): owned along this call where the caller's this is
        }
        return (owned, from, passed, thisGiven, shared);
    }

    /// <summary>
    /// What a library method hands a lambda it is given (<c>ciphers.Where(c => c.HasAttachments())</c>,
    /// <c>list.ForEach(x => …)</c>): a parameter typed by the method's type parameters holds what the call's object and
    /// arguments of those types hold, the caller's own where they are (as <see cref="LibraryResult"/> decides for a
    /// result). A parameter of a type fixed by the library (an <c>HttpContext</c>, an options object) is the library's.
    /// </summary>
    private (ulong Owned, List<(int Ordinal, Ownership From)>? From, List<(int Ordinal, int CallerParameter)>? Passed) ElementsGiven(
        IAnonymousFunctionOperation lambda)
    {
        if (LibraryCallGiven(lambda, out var given, out var invoke) is not { } invocation)
            return default;
        ulong owned = 0;
        List<(int, Ownership)>? from = null;
        List<(int, int)>? passed = null;
        foreach (var parameter in lambda.Symbol.Parameters)
        {
            if (parameter.Ordinal >= CapturedSlots || GivenTypes(invoke, parameter) is not { } mentioned)
                continue;
            var ownership = OwnershipOfSources(invocation, mentioned, given, 0, out int count, out var single);
            if (count == 1 && ParameterRoot(single) is var root and >= 0)
                (passed ??= new List<(int, int)>()).Add((parameter.Ordinal, root));
            else if (count > 0)
                Given(parameter.Ordinal, ownership, ref owned, ref from);
        }
        return (owned, from, passed);
    }

    /// <summary>
    /// Records what the callee's parameter <paramref name="ordinal"/> is given: an object of the caller's own (a bit of
    /// <paramref name="owned"/>), or one if methods of the compilation return their caller's own (<paramref name="from"/>).
    /// False when it is neither.
    /// </summary>
    private static bool Given(int ordinal, Ownership ownership, ref ulong owned, ref List<(int, Ownership)>? from)
    {
        if (ownership.IsOwn)
            owned |= 1UL << ordinal;
        else if (ownership.MayBeOwn)
            (from ??= new List<(int, Ownership)>()).Add((ordinal, ownership));
        return ownership.MayBeOwn;
    }

    /// <summary>
    /// What a lambda that a library method calls returns (<c>items.Select(i => new Dto(i))</c>, <c>groups.Select(g =>
    /// g.First())</c>): the caller's own where every value it returns is, its parameters holding what the call hands them
    /// (<see cref="ElementsGiven"/>).
    /// </summary>
    private Ownership LambdaResult(IAnonymousFunctionOperation lambda, int depth)
    {
        if (LibraryCallGiven(lambda, out var given, out var invoke) is not { } invocation)
            return Ownership.NotOwn;
        foreach (var parameter in lambda.Symbol.Parameters)
        {
            if (GivenTypes(invoke, parameter) is { } mentioned
                && OwnershipOfSources(invocation, mentioned, given, depth + 1, out int count, out _) is { MayBeOwn: true } ownership && count > 0)
                (_lambdaParameters ??= new Dictionary<IParameterSymbol, Ownership>(SymbolEqualityComparer.Default))[parameter] = ownership;
        }
        Ownership? result = null; // none returned yet
        foreach (var returned in lambda.Body.Descendants())
        {
            if (returned is not IReturnOperation { ReturnedValue: { } value } || Nested(returned, lambda))
                continue;
            var ownership = OwnershipOf(value, depth + 1);
            result = result is { } before ? before.And(ownership) : ownership;
            if (!result.Value.MayBeOwn)
                break;
        }
        foreach (var parameter in lambda.Symbol.Parameters)
            _lambdaParameters?.Remove(parameter);
        return result ?? Ownership.NotOwn;

        // A return of a lambda or local function inside this one.
        static bool Nested(IOperation operation, IAnonymousFunctionOperation lambda)
        {
            for (var parent = operation.Parent; parent is not null && parent != lambda; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                    return true;
            }
            return false;
        }
    }

    /// <summary>The library method <paramref name="lambda"/> is handed to, with the argument and the delegate type's <c>Invoke</c>; or null.</summary>
    private IInvocationOperation? LibraryCallGiven(IAnonymousFunctionOperation lambda, out IArgumentOperation given, out IMethodSymbol invoke)
    {
        (given, invoke) = (null!, null!);
        var parent = UseOf(lambda);
        if (parent is not IArgumentOperation { Parameter: { } parameter, Parent: IInvocationOperation invocation } argument
            || _symbols.IsOwn(invocation.TargetMethod)
            || parameter.OriginalDefinition.Type is not INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } method })
        {
            return null;
        }
        (given, invoke) = (argument, method);
        return invocation;
    }

    /// <summary>
    /// The type parameters of the library method's delegate parameter that the lambda's <paramref name="parameter"/>
    /// takes (what the call hands it, <see cref="NextSource"/>); null for a parameter of a type the library fixes, or a value.
    /// </summary>
    private static List<ITypeParameterSymbol>? GivenTypes(IMethodSymbol invoke, IParameterSymbol parameter) =>
        parameter.Ordinal < invoke.Parameters.Length && !(parameter.Type.IsValueType && parameter.Type is not INamedTypeSymbol { IsGenericType: true })
            ? TypeParameters.In(invoke.Parameters[parameter.Ordinal].Type)
            : null;

    /// <summary>
    /// The ordinal (the first 64) of the function's own parameter that <paramref name="value"/> is, or reaches through
    /// fields and properties (<c>model</c>, <c>model.Seats</c>), else -1: where that parameter holds an object of the
    /// caller's own, so does what is reached from it (RacerD: an access path with an owned prefix is owned). In a lambda
    /// or local function, its own parameters are the first 32 and a parameter of the member it is declared in that it
    /// captures is 32 + that parameter's ordinal (<see cref="CapturedSlots"/>): <c>_retry.Execute(() => Save(order))</c>.
    /// </summary>
    private int ParameterRoot(IOperation? value)
    {
        if (value is null || AccessPathRoot(value, indexers: true) is not IParameterReferenceOperation { Parameter: { RefKind: RefKind.None } parameter })
            return -1;
        if (SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, _function.Symbol))
            return parameter.Ordinal < (_function.Enclosing is null ? 64 : CapturedSlots) ? parameter.Ordinal : -1;
        return _function.Enclosing is not null && parameter.Ordinal < CapturedSlots && SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, TopLevel(_function).Symbol)
            ? CapturedSlots + parameter.Ordinal
            : -1;
    }

    /// <summary><c>this</c>, or what it reaches through instance fields and properties (<c>_items</c>, <c>Options.Retry</c>).</summary>
    private static bool ReachedFromThis(IOperation value) =>
        AccessPathRoot(value, indexers: false) is IInstanceReferenceOperation { ReferenceKind: InstanceReferenceKind.ContainingTypeInstance };

    /// <summary>
    /// Where an access path starts (<c>model.Seats.Count</c>: <c>model</c>), through instance fields and properties (and
    /// indexers, with <paramref name="indexers"/>), at most 8 steps; null for a longer one.
    /// </summary>
    private static IOperation? AccessPathRoot(IOperation value, bool indexers)
    {
        var current = Operations.WithoutConversions(Operations.AccessedInstance(value));
        for (int depth = 0; depth < 8; depth++)
        {
            switch (current)
            {
                case IPropertyReferenceOperation { Instance: { } inner } property when indexers || !property.Property.IsIndexer:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                case IFieldReferenceOperation { Instance: { } inner }:
                    current = Operations.WithoutConversions(Operations.AccessedInstance(inner));
                    continue;
                default:
                    return current;
            }
        }
        return null;
    }

    /// <summary>The parameter bits (see <see cref="ParameterRoot"/>) a lambda or local function keeps for its own parameters; the rest are its member's it captures.</summary>
    public const int CapturedSlots = 32;

    private static FunctionSummary TopLevel(FunctionSummary function)
    {
        while (function.Enclosing is { } enclosing)
            function = enclosing;
        return function;
    }

    /// <summary>A value the function returns: whether its callers get an object of their own (<see cref="FunctionSummary.ReturnsShared"/>).</summary>
    private void Returned(IOperation operation)
    {
        if (((IReturnOperation)operation).ReturnedValue is { } returned)
            ReturnedRoot(returned);
        if (_function.ReturnsShared)
            return;
        if (operation.Kind == OperationKind.YieldReturn)
        {
            _function.ReturnsShared = true; // an iterator: its elements are whatever it reads
            return;
        }
        if (((IReturnOperation)operation).ReturnedValue is not { } value)
            return;
        if (ReachedFromThis(value))
        {
            // return this; (a fluent builder), return _items; (what this object holds): its caller's own where the
            // object called on is (RacerD: owned if formal 0 is)
            _function.ReturnsThis = true;
            return;
        }
        var ownership = OwnershipOf(value);
        if (!ownership.MayBeOwn)
            _function.ReturnsShared = true;
        else if (!ownership.IsOwn)
            (_function.ReturnsOwnIf ??= new List<Ownership>()).Add(ownership);
    }
}
