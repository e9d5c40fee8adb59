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
    /// Whether <paramref name="target"/>, one of the implementations of the interface method <paramref name="callee"/>, cannot
    /// run for a call on <paramref name="receiver"/> (the receiver's type as written, <c>IHandle&lt;TEvent&gt;</c>) under
    /// <paramref name="binding"/>: its class implements the interface only for other type arguments. A class that implements
    /// it for arguments that may be those (or by inheritance, or for an interface whose type parameters are variant) stays.
    /// </summary>
    public static bool Excludes(TypeBinding? binding, INamedTypeSymbol? receiver, IMethodSymbol callee, ISymbol target)
    {
        if (binding is null || receiver is not { TypeKind: TypeKind.Interface } || target.ContainingType is not { } declaring
            || receiver.OriginalDefinition.TypeParameters.Any(parameter => parameter.Variance != VarianceKind.None))
        {
            return false;
        }
        var wanted = Substitute(receiver, binding);
        bool implementsOther = false;
        foreach (var implemented in declaring.AllInterfaces)
        {
            if (!SymbolEqualityComparer.Default.Equals(implemented.OriginalDefinition, receiver.OriginalDefinition))
                continue;
            if (!Matches(wanted, implemented))
            {
                implementsOther = true;
                continue;
            }
            var member = implemented.GetMembers(callee.Name).FirstOrDefault(m => SymbolEqualityComparer.Default.Equals(m.OriginalDefinition, callee.OriginalDefinition));
            if (member is null || declaring.FindImplementationForInterfaceMember(member) is not { } implementation
                || SymbolEqualityComparer.Default.Equals(implementation.OriginalDefinition, target.OriginalDefinition))
            {
                return false;
            }
            implementsOther = true;
        }
        return implementsOther;
    }

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
    private static bool Matches(ITypeSymbol pattern, ITypeSymbol actual) => pattern switch
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
