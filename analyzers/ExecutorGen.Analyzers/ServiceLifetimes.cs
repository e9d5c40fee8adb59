using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The lifetimes the compilation registers its classes with in <c>Microsoft.Extensions.DependencyInjection</c>
/// (<c>services.AddScoped&lt;ICurrentContext, CurrentContext&gt;()</c>) or Autofac
/// (<c>builder.RegisterType&lt;TaxService&gt;().As&lt;ITaxService&gt;().InstancePerLifetimeScope()</c>), and another container's
/// generic registration that names a scoped lifetime (<c>Register&lt;IFoo, Foo&gt;(Lifestyle.Scoped)</c>): a class registered
/// only as scoped gets a new object per scope (per request), so its fields are that request's, not state the requests
/// share (EXG001); one registered only as a singleton is every request's, whatever holds it. Recorded as the summaries
/// see each registration call; read once they are all made.
/// </summary>
/// <remarks>
/// Scoped only, not transient: the container refuses to hand a scoped service to a singleton (scope validation, on by
/// default in Development), so no singleton (the executor's handler object is one) keeps a scoped object for all
/// requests; a transient object it may keep, legally, for as long as it lives. A class is per request only where every
/// registration the compilation makes of it is scoped: one also registered otherwise, or handed over as a made object
/// (<c>AddSingleton&lt;IClock&gt;(new Clock())</c>), is shared. A class the compilation never registers is not known to be
/// per request (its objects may come from anywhere). Not seen: a registration whose class only a factory lambda names
/// (<c>AddSingleton&lt;IFoo&gt;(sp =&gt; new Foo())</c>), so a class registered scoped in one place and made by a
/// singleton factory in another counts as per request.
/// </remarks>
internal sealed class ServiceLifetimes
{
    private const int Transient = 1, PerScope = 2, Singleton = 4;
    private const string Namespace = "Microsoft.Extensions.DependencyInjection";

    private readonly ConcurrentDictionary<INamedTypeSymbol, int> _lifetimes = new(SymbolEqualityComparer.Default);
    // Set by the first registration: ConcurrentDictionary.IsEmpty takes every lock of the dictionary (30-50 ns here), and
    // the reach asks for every call it follows.
    private volatile bool _any;

    /// <summary>Records the class a registration call registers, with its lifetime; nothing for any other call.</summary>
    public void Record(IInvocationOperation invocation)
    {
        var method = invocation.TargetMethod;
        if (AutofacLifetimeOf(method) is { } chosen)
        {
            RecordAutofac(invocation, chosen);
            return;
        }
        if (ScopedByArgument(invocation))
        {
            Add(method.TypeArguments[method.TypeArguments.Length - 1], PerScope);
            return;
        }
        if (LifetimeOf(method.Name) is not { } lifetime || method.ContainingNamespace?.ToDisplayString() is not { } ns
            || !ns.StartsWith(Namespace, System.StringComparison.Ordinal))
        {
            return;
        }
        // The implementation: the last type argument (AddScoped<TService, TImplementation>), else the last typeof argument
        // (AddScoped(typeof(IService), typeof(Service))); an object made in the call is shared whatever the name says.
        if (method.TypeArguments.Length > 0)
            Add(method.TypeArguments[method.TypeArguments.Length - 1], lifetime);
        ITypeSymbol? typeOf = null;
        foreach (var argument in invocation.Arguments)
        {
            switch (Operations.WithoutConversions(argument.Value))
            {
                case ITypeOfOperation { TypeOperand: var operand }:
                    typeOf = operand;
                    break;
                case IObjectCreationOperation { Type: var made }:
                    Add(made, Singleton);
                    break;
            }
        }
        if (method.TypeArguments.Length == 0 && typeOf is not null)
            Add(typeOf, lifetime);
    }

    /// <summary>Whether the compilation registers no class (most do not, and then nothing is per request).</summary>
    public bool IsEmpty => !_any;

    /// <summary>Whether every registration of <paramref name="type"/> is scoped (and there is one).</summary>
    public bool PerRequest(INamedTypeSymbol type) =>
        _lifetimes.TryGetValue(type.OriginalDefinition, out int lifetimes) && lifetimes == PerScope;

    /// <summary>Every class registered, whether all its registrations are scoped, and whether all are singletons.</summary>
    public IEnumerable<(INamedTypeSymbol Type, bool PerRequest, bool Singleton)> Registered
    {
        get
        {
            foreach (var pair in _lifetimes)
                yield return (pair.Key, pair.Value == PerScope, pair.Value == Singleton);
        }
    }

    /// <summary>Every class registered as a singleton at least once: one object that every request reaches.</summary>
    public IEnumerable<INamedTypeSymbol> Singletons
    {
        get
        {
            foreach (var pair in _lifetimes)
            {
                if ((pair.Value & Singleton) != 0)
                    yield return pair.Key;
            }
        }
    }

    private void Add(ITypeSymbol? type, int lifetime)
    {
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false } named)
        {
            _lifetimes.AddOrUpdate(named.OriginalDefinition, lifetime, (_, known) => known | lifetime);
            _any = true;
        }
    }

    /// <summary>
    /// Autofac's: the lifetime call ends a registration chain that starts at <c>RegisterType&lt;T&gt;()</c>,
    /// <c>RegisterType(typeof(T))</c> or <c>RegisterGeneric(typeof(T&lt;&gt;))</c> (<c>.As&lt;I&gt;()</c>, <c>.Keyed&lt;I&gt;(k)</c> and the
    /// like between); an instance handed over (<c>RegisterInstance(x)</c>) is one object whatever the chain says.
    /// </summary>
    private void RecordAutofac(IInvocationOperation lifetimeCall, int lifetime)
    {
        IOperation? link = lifetimeCall;
        for (int depth = 0; depth < 16 && link is IInvocationOperation call; depth++)
        {
            switch (call.TargetMethod.Name)
            {
                case "RegisterType" when call.TargetMethod.TypeArguments.Length == 1:
                    Add(call.TargetMethod.TypeArguments[0], lifetime);
                    return;
                case "RegisterType" or "RegisterGeneric":
                    foreach (var argument in call.Arguments)
                    {
                        if (Operations.WithoutConversions(argument.Value) is ITypeOfOperation { TypeOperand: var registered })
                            Add(registered, lifetime);
                    }
                    return;
                case "RegisterInstance":
                    return;
            }
            link = Operations.Receiver(call);
            link = link is null ? null : Operations.WithoutConversions(link);
        }
    }

    /// <summary>
    /// Another container's generic registration that names a scoped lifetime in its arguments: Cofoundry's
    /// <c>Register&lt;IUserSessionService, InMemoryUserSessionService&gt;(RegistrationOptions.Scoped())</c>, Simple Injector's
    /// <c>Register&lt;IFoo, Foo&gt;(Lifestyle.Scoped)</c>, DryIoc's <c>Register&lt;IFoo, Foo&gt;(Reuse.Scoped)</c>; the class is
    /// the last type argument. Only scoped: what such a registration means without one (transient or a singleton) is each
    /// container's own default.
    /// </summary>
    private static bool ScopedByArgument(IInvocationOperation invocation) =>
        invocation.TargetMethod is { TypeArguments.Length: > 0 } method && method.Name.StartsWith("Register", System.StringComparison.Ordinal)
        && invocation.Arguments.Any(argument => argument.Value.Syntax.DescendantNodesAndSelf()
            .Any(node => node is Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax { Identifier.ValueText: "Scoped" }));

    /// <summary>
    /// The lifetime an Autofac lifetime call gives (<c>InstancePerLifetimeScope</c>, <c>InstancePerRequest</c>;
    /// <c>SingleInstance</c>; <c>InstancePerDependency</c>), or null for any other method.
    /// </summary>
    private static int? AutofacLifetimeOf(IMethodSymbol method)
    {
        int? lifetime = method.Name switch
        {
            "InstancePerLifetimeScope" or "InstancePerRequest" or "InstancePerMatchingLifetimeScope" => PerScope,
            "SingleInstance" => Singleton,
            "InstancePerDependency" => Transient,
            _ => null,
        };
        return lifetime is not null && method.ContainingNamespace?.ToDisplayString() is { } ns && ns.StartsWith("Autofac", System.StringComparison.Ordinal)
            ? lifetime
            : null;
    }

    /// <summary>
    /// The lifetime a registration method's name gives (<c>AddScoped</c>, <c>TryAddScoped</c>, <c>ServiceDescriptor.Scoped</c>,
    /// <c>AddKeyedScoped</c>; <c>AddSingleton</c>, <c>AddTransient</c>, <c>AddHostedService</c>), or null for any other method.
    /// </summary>
    private static int? LifetimeOf(string name)
    {
        if (name.EndsWith("Singleton", System.StringComparison.Ordinal) || name == "AddHostedService")
            return Singleton;
        if (name.EndsWith("Transient", System.StringComparison.Ordinal))
            return Transient;
        if (name.EndsWith("Scoped", System.StringComparison.Ordinal))
            return name.StartsWith("Add", System.StringComparison.Ordinal) || name.StartsWith("TryAdd", System.StringComparison.Ordinal) || name == "Scoped" ? PerScope : null;
        return null;
    }
}
