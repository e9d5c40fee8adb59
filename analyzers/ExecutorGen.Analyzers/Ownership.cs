using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Whether a value is the function's own, an object no other thread has (the ownership of Infer's RacerD): for sure (a
/// new object, or what a library method returns), if a method of the compilation returns its caller's own (decided when
/// the summaries are composed, <see cref="Composition.Owned"/>), where the function's <c>this</c> is (what its fields
/// hold, and what a library call hands out of them), or not (a field of another object, a parameter, an element of a
/// shared collection, a service from a container).
/// </summary>
internal readonly struct Ownership
{
    private readonly ImmutableArray<(IMethodSymbol Method, CalledOn CalledOn, ImmutableArray<Ownership> Arguments)> _conditions;
    private readonly ImmutableArray<IParameterSymbol> _outConditions;
    private readonly ImmutableArray<(IMethodSymbol Method, CalledOn CalledOn, int Ordinal)> _handedTo;

    private Ownership(bool isOwn, ImmutableArray<(IMethodSymbol, CalledOn, ImmutableArray<Ownership>)> conditions, bool needsThis = false,
        ImmutableArray<IParameterSymbol> outConditions = default, ImmutableArray<(IMethodSymbol, CalledOn, int)> handedTo = default, ulong parameters = 0)
    {
        IsOwn = isOwn;
        _conditions = conditions;
        NeedsThis = needsThis;
        _outConditions = outConditions;
        _handedTo = handedTo;
        Parameters = parameters;
    }

    public static Ownership Own { get; } = new(isOwn: true, default);

    public static Ownership NotOwn { get; } = default;

    /// <summary>
    /// The caller's own if what <paramref name="method"/> (of the compilation), called on that object, returns is; where
    /// what it returns is its own only if some of its parameters are given the caller's own (<see cref="IfParameterOwn"/>),
    /// <paramref name="arguments"/> (by ordinal) say whether they are.
    /// </summary>
    public static Ownership IfReturnsOwn(IMethodSymbol method, CalledOn calledOn, ImmutableArray<Ownership> arguments = default) =>
        new(isOwn: false, ImmutableArray.Create((method, calledOn, arguments)));

    /// <summary>
    /// Own where the function's parameter <paramref name="slot"/> (its ordinal; in a lambda, as
    /// <see cref="SummaryWalker.CapturedSlots"/> numbers them) is given an object of its caller's own: RacerD's
    /// ownership conditional on a formal (<c>Find(Dictionary&lt;K, Item&gt; items, K key) => items[key]</c>).
    /// </summary>
    public static Ownership IfParameterOwn(int slot) => new(isOwn: false, default, parameters: 1UL << slot);

    /// <summary>The function's parameters (bit by slot) that must hold an object of the caller's own for this value to (<see cref="IfParameterOwn"/>).</summary>
    public ulong Parameters { get; }

    /// <summary>
    /// The function's own where its <c>this</c> is: <c>this</c>, what its fields hold, and what a library call hands out
    /// of them (<c>_dictionary.TryGetValue(key, out var values)</c>). RacerD's owned prefix: an object reached only
    /// through one nobody else has is had by nobody else either.
    /// </summary>
    public static Ownership IfThisOwn { get; } = new(isOwn: false, default, needsThis: true);

    /// <summary>
    /// The caller's own if what a method of the compilation hands out through its <c>out</c> parameter
    /// <paramref name="parameter"/> is (<c>RateRules.TryParse(text, out var rules)</c>), as for a result.
    /// </summary>
    public static Ownership IfOutOwn(IParameterSymbol parameter) => new(isOwn: false, default, outConditions: ImmutableArray.Create(parameter));

    /// <summary>
    /// Own as before, if the method of the compilation it was handed to (as parameter <paramref name="ordinal"/>, called on
    /// that object) keeps it nowhere others can reach it (<c>_registry.Add(id, worker)</c> keeps it in a singleton's
    /// dictionary; <c>Validate(order)</c> keeps it nowhere): decided when the summaries are composed.
    /// </summary>
    public static Ownership IfNotKept(IMethodSymbol method, CalledOn calledOn, int ordinal) =>
        new(isOwn: false, default, handedTo: ImmutableArray.Create((method, calledOn, ordinal)));

    public bool IsOwn { get; }

    /// <summary>
    /// Not known here, but the caller's own if every one of these methods of the compilation, called on that object,
    /// returns its caller's own (<c>c ? builder.A() : builder.B()</c> has two). A method that returns <c>this</c> (a
    /// fluent builder's <c>builder.Add(x)</c>) returns its caller's own only when called on one: RacerD's ownership
    /// conditional on a formal.
    /// </summary>
    public ImmutableArray<(IMethodSymbol Method, CalledOn CalledOn, ImmutableArray<Ownership> Arguments)> Conditions =>
        _conditions.IsDefault ? ImmutableArray<(IMethodSymbol, CalledOn, ImmutableArray<Ownership>)>.Empty : _conditions;

    /// <summary>Own only where the function's <c>this</c> is (<see cref="IfThisOwn"/>), besides <see cref="Conditions"/>.</summary>
    public bool NeedsThis { get; }

    /// <summary>Own exactly where the function's <c>this</c> is: what its fields hold (<see cref="IfThisOwn"/>), and nothing else asked.</summary>
    public bool OnlyWhereThisIs => NeedsThis && _conditions.IsDefaultOrEmpty && _outConditions.IsDefaultOrEmpty && _handedTo.IsDefaultOrEmpty && Parameters == 0;

    /// <summary>The <c>out</c> parameters of methods of the compilation the value came from (<see cref="IfOutOwn"/>): own if what each hands out is.</summary>
    public ImmutableArray<IParameterSymbol> OutConditions => _outConditions.IsDefault ? ImmutableArray<IParameterSymbol>.Empty : _outConditions;

    /// <summary>The methods of the compilation the value was handed to since it was made (<see cref="IfNotKept"/>).</summary>
    public ImmutableArray<(IMethodSymbol Method, CalledOn CalledOn, int Ordinal)> HandedTo =>
        _handedTo.IsDefault ? ImmutableArray<(IMethodSymbol, CalledOn, int)>.Empty : _handedTo;

    /// <summary>
    /// Own, or own on <see cref="Conditions"/>, <see cref="OutConditions"/>, <see cref="NeedsThis"/>, <see cref="HandedTo"/>
    /// and <see cref="Parameters"/>.
    /// </summary>
    public bool MayBeOwn => IsOwn || NeedsThis || !_conditions.IsDefaultOrEmpty || !_outConditions.IsDefaultOrEmpty || !_handedTo.IsDefaultOrEmpty || Parameters != 0;

    /// <summary>Both values the function's own (<c>a ?? b</c>, <c>c ? a : b</c>, a library call and what it reads from).</summary>
    public Ownership And(Ownership other)
    {
        if (IsOwn)
            return other;
        if (other.IsOwn)
            return this;
        if (!MayBeOwn || !other.MayBeOwn
            || Conditions.Length + other.Conditions.Length + OutConditions.Length + other.OutConditions.Length > MaxConditions
            || HandedTo.Length + other.HandedTo.Length > MaxHandedTo)
        {
            return NotOwn;
        }
        return new Ownership(isOwn: false, Conditions.AddRange(other.Conditions), NeedsThis || other.NeedsThis, OutConditions.AddRange(other.OutConditions),
            HandedTo.AddRange(other.HandedTo), Parameters | other.Parameters);
    }

    /// <summary>
    /// Whether this asks at least what <paramref name="other"/> does (<c>a.And(other)</c> would be <c>a</c>): where branches
    /// meet more than once (<see cref="SummaryWalker"/>'s joins), the conditions are not added again.
    /// </summary>
    public bool AsksAllOf(Ownership other)
    {
        if (other.IsOwn)
            return true;
        if (IsOwn || !MayBeOwn || other.NeedsThis && !NeedsThis || (other.Parameters & ~Parameters) != 0)
            return !MayBeOwn;
        foreach (var condition in other.Conditions)
        {
            if (!Conditions.Any(mine => SymbolEqualityComparer.Default.Equals(mine.Method, condition.Method) && mine.CalledOn == condition.CalledOn && mine.Arguments == condition.Arguments))
                return false;
        }
        foreach (var output in other.OutConditions)
        {
            if (!OutConditions.Contains(output, SymbolEqualityComparer.Default))
                return false;
        }
        foreach (var handed in other.HandedTo)
        {
            if (!HandedTo.Any(mine => SymbolEqualityComparer.Default.Equals(mine.Method, handed.Method) && mine.CalledOn == handed.CalledOn && mine.Ordinal == handed.Ordinal))
                return false;
        }
        return true;
    }

    /// <summary>More conditions than this and the value is taken as not own: a choice among that many results is no one object.</summary>
    private const int MaxConditions = 4;

    /// <summary>Handed to more methods than this and the value is taken as not own (request code hands its objects to a few helpers).</summary>
    private const int MaxHandedTo = 16;
}

/// <summary>What a method of the compilation was called on, for a value it returns (<see cref="Ownership.CalledOn"/>).</summary>
internal enum CalledOn
{
    /// <summary>Nothing (a static method), or an object others may have.</summary>
    Other,

    /// <summary>An object of the calling function's own.</summary>
    Own,

    /// <summary>The calling function's <c>this</c>: its own where that is.</summary>
    This,

    /// <summary><c>base.M()</c>: the calling function's <c>this</c>, and that very method, not its overrides.</summary>
    Base,
}

/// <summary>The type parameters a library method's result is made of, and which of its parameters can supply them.</summary>
internal static class TypeParameters
{
    /// <summary>The type parameters <paramref name="type"/> mentions (<c>Task&lt;T&gt;</c>, <c>T[]</c>, <c>KeyValuePair&lt;K, V&gt;</c>), or null for none.</summary>
    public static List<ITypeParameterSymbol>? In(ITypeSymbol type)
    {
        List<ITypeParameterSymbol>? found = null;
        Collect(type, ref found, 0);
        return found;
    }

    /// <summary>
    /// Whether a parameter of type <paramref name="type"/> can hand the result one of <paramref name="mentioned"/>: it
    /// mentions one, and, for a delegate (or an expression of one), its result does (<c>Func&lt;T, bool&gt;</c> only tests).
    /// </summary>
    public static bool Yields(ITypeSymbol type, List<ITypeParameterSymbol> mentioned)
    {
        if (type is INamedTypeSymbol { Name: "Expression", TypeArguments: { Length: 1 } arguments } && arguments[0] is INamedTypeSymbol { TypeKind: TypeKind.Delegate } expressed)
            type = expressed;
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Delegate, DelegateInvokeMethod: { } invoke })
            type = invoke.ReturnType;
        return Mentions(type, mentioned, 0);
    }

    private static bool Mentions(ITypeSymbol type, List<ITypeParameterSymbol> mentioned, int depth)
    {
        if (depth > 6)
            return false;
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return mentioned.Contains(parameter, SymbolEqualityComparer.Default);
            case IArrayTypeSymbol array:
                return Mentions(array.ElementType, mentioned, depth + 1);
            case INamedTypeSymbol { IsGenericType: true } generic:
                foreach (var argument in generic.TypeArguments)
                {
                    if (Mentions(argument, mentioned, depth + 1))
                        return true;
                }
                return false;
            default:
                return false;
        }
    }

    private static void Collect(ITypeSymbol type, ref List<ITypeParameterSymbol>? found, int depth)
    {
        if (depth > 6)
            return;
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                (found ??= new List<ITypeParameterSymbol>()).Add(parameter);
                break;
            case IArrayTypeSymbol array:
                Collect(array.ElementType, ref found, depth + 1);
                break;
            case INamedTypeSymbol { IsGenericType: true } generic:
                foreach (var argument in generic.TypeArguments)
                    Collect(argument, ref found, depth + 1);
                break;
        }
    }
}
