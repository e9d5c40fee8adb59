using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The type arguments a path into a generic method gives its method type parameters, for the reach to follow them:
/// <c>_events.PublishEvent(new ConfigSavedEvent())</c> runs <c>PublishEvent&lt;TEvent&gt;</c> with TEvent =
/// <c>ConfigSavedEvent</c>, so its <c>handler.Handle(@event)</c> on an <c>IHandle&lt;TEvent&gt;</c> runs the handlers of
/// that event, not every <c>IHandle&lt;&gt;</c> implementation (the event aggregator of Sonarr, Radarr, Lidarr and
/// Prowlarr, whose start-up handlers were reached from requests that publish other events). Only what the call writes
/// down: a type parameter nothing on the path binds (<c>ProviderUpdatedEvent&lt;TProvider&gt;</c> published by a generic
/// class) matches any type, and a call that binds nothing known leaves the reach as wide as before.
/// </summary>
internal sealed class TypeBinding
{
    private readonly Dictionary<ITypeParameterSymbol, ITypeSymbol> _types;

    private TypeBinding(Dictionary<ITypeParameterSymbol, ITypeSymbol> types, string key)
    {
        _types = types;
        Key = key;
    }

    /// <summary>Tells bindings apart where the reach records what it has seen (a method reached with two event types is followed for both).</summary>
    public string Key { get; }

    /// <summary>
    /// What <paramref name="target"/> gets along <paramref name="call"/> from a caller with <paramref name="callerBinding"/>:
    /// a lambda or local function of the caller's member runs with the caller's binding; a generic method with the call's
    /// type arguments (where one mentions a type parameter nothing binds, as in <c>ProviderUpdatedEvent&lt;TProvider&gt;</c>
    /// inside a generic class, that part matches anything); anything else, or a call that binds nothing known, with none.
    /// </summary>
    public static TypeBinding? Into(ISymbol target, CallSite call, FunctionSummary caller, FunctionSummary? callee, TypeBinding? callerBinding)
    {
        if (callee?.Enclosing is not null)
            return SymbolEqualityComparer.Default.Equals(callee.Member, caller.Member) ? callerBinding : null;
        if (target is not IMethodSymbol { IsGenericMethod: true, TypeParameters: var parameters } || call.TypeArguments.IsDefaultOrEmpty
            || call.TypeArguments.Length != parameters.Length)
        {
            return null;
        }
        var types = new Dictionary<ITypeParameterSymbol, ITypeSymbol>(SymbolEqualityComparer.Default);
        bool known = false;
        for (int i = 0; i < parameters.Length; i++)
        {
            var bound = Substitute(call.TypeArguments[i], callerBinding);
            known |= bound is not ITypeParameterSymbol;
            types[parameters[i]] = bound;
        }
        return known ? new TypeBinding(types, string.Join(",", types.Values.Select(type => type.ToDisplayString()))) : null;
    }

    /// <summary>
    /// The interface a call on <paramref name="receiver"/> (its type as written, <c>IHandle&lt;TEvent&gt;</c>) is made on
    /// under <paramref name="binding"/> (<c>IHandle&lt;ConfigSavedEvent&gt;</c>), for <see cref="Composition.Targets"/> to
    /// keep the implementations for an interface that can be it (<see cref="Matches"/>); null where the binding says
    /// nothing, the receiver is no generic interface, or the interface's type parameters are variant (an
    /// <c>IHandle&lt;in T&gt;</c> of a base type also takes it).
    /// </summary>
    public static INamedTypeSymbol? Receiver(TypeBinding? binding, INamedTypeSymbol? receiver) =>
        binding is null || receiver is not { TypeKind: TypeKind.Interface }
        || receiver.OriginalDefinition.TypeParameters.Any(parameter => parameter.Variance != VarianceKind.None)
            ? null
            : Substitute(receiver, binding) as INamedTypeSymbol;

    /// <summary>Whether <paramref name="type"/> mentions a type parameter of a method (what a binding can give a value to).</summary>
    public static bool MentionsMethodTypeParameter(ITypeSymbol type) => type switch
    {
        ITypeParameterSymbol { TypeParameterKind: TypeParameterKind.Method } => true,
        INamedTypeSymbol { IsGenericType: true } named => named.TypeArguments.Any(MentionsMethodTypeParameter),
        _ => false,
    };

    /// <summary>
    /// <paramref name="type"/> with the bound type parameters replaced; an unbound one stays, and matches anything
    /// (<see cref="Matches"/>). A nested type of a generic type is left as it is.
    /// </summary>
    private static ITypeSymbol Substitute(ITypeSymbol type, TypeBinding? binding)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return binding is not null && binding._types.TryGetValue(parameter, out var bound) ? bound : parameter;
            case INamedTypeSymbol { IsGenericType: true, ContainingType: not { IsGenericType: true } } named:
                var arguments = new ITypeSymbol[named.TypeArguments.Length];
                for (int i = 0; i < arguments.Length; i++)
                    arguments[i] = Substitute(named.TypeArguments[i], binding);
                return named.OriginalDefinition.Construct(arguments);
            default:
                return type;
        }
    }

    /// <summary>Whether <paramref name="actual"/> can be <paramref name="pattern"/>, whose type parameters match any type.</summary>
    public static bool Matches(ITypeSymbol pattern, ITypeSymbol actual) => pattern switch
    {
        ITypeParameterSymbol => true,
        _ when actual is ITypeParameterSymbol => true, // a generic class's IHandle<T>: any event
        INamedTypeSymbol { IsGenericType: true } named => actual is INamedTypeSymbol { IsGenericType: true } other
            && SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, other.OriginalDefinition)
            && named.TypeArguments.Length == other.TypeArguments.Length
            && named.TypeArguments.Zip(other.TypeArguments, Matches).All(match => match),
        IArrayTypeSymbol array => actual is IArrayTypeSymbol { Rank: var rank } otherArray && rank == array.Rank && Matches(array.ElementType, otherArray.ElementType),
        _ => SymbolEqualityComparer.Default.Equals(pattern, actual),
    };
}
