using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// The classes and structs of the compilation whose objects it shows to be shared between requests: the evidence EXG001
/// asks for before it reports a field that a handler's code changes. An object is shared when something every request
/// reaches holds it: a static field or property, an object the container registers as a singleton, the handler object
/// the executor shares among its workers, or, from there, any field or property of an object already shared (what a
/// singleton holds is every request's too), through collections and other generic holders
/// (<c>Dictionary&lt;string, IIndexer&gt;</c> holds every class that implements <c>IIndexer</c>).
/// </summary>
/// <remarks>
/// Infer's RacerD reports only where the code gives evidence that it runs concurrently (a class declared thread-safe,
/// or one that takes locks). On real web applications most of EXG001's false reports were on per-call objects (entities
/// loaded per request, builders, options objects) that the ownership inference failed to prove the request's own
/// somewhere along a path (docs/analyzers-on-real-code.md, rounds 13 and 14). Whether anything shared can hold the
/// object's class at all is a question about types, answered once per compilation; it removes the reports on classes
/// nothing shared holds, not those on a class that one static somewhere holds while every request also makes its own
/// (evidence about classes, not objects). A field or property marked <c>[ThreadConfined]</c> holds nothing for others.
/// </remarks>
internal sealed class SharedTypes
{
    private readonly HashSet<INamedTypeSymbol> _shared = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<INamedTypeSymbol, List<INamedTypeSymbol>> _subtypes = new(SymbolEqualityComparer.Default);
    private readonly Stack<INamedTypeSymbol> _pending = new();
    private readonly Intent _intent;

    /// <param name="symbols">The compilation's own types (every one whose static members may hold objects), and <c>[ThreadStatic]</c>.</param>
    /// <param name="intent">What is declared <c>[ThreadConfined]</c>.</param>
    /// <param name="roots">Classes whose objects are shared however they are reached: singletons, handler classes.</param>
    public SharedTypes(ConcurrencySymbols symbols, Intent intent, IEnumerable<INamedTypeSymbol> roots)
    {
        _intent = intent;
        var types = new List<INamedTypeSymbol>();
        Collect(symbols.Assembly.GlobalNamespace, types);
        foreach (var type in types)
        {
            foreach (var @interface in type.AllInterfaces)
                AddSubtype(@interface.OriginalDefinition, type);
            for (var @base = type.BaseType; @base is { SpecialType: not SpecialType.System_Object }; @base = @base.BaseType)
                AddSubtype(@base.OriginalDefinition, type);
        }
        foreach (var root in roots)
            Mark(root.OriginalDefinition);
        foreach (var type in types)
        {
            foreach (var member in type.GetMembers())
            {
                if (member.IsStatic && HeldType(member) is { } held && !(member is IFieldSymbol field && symbols.IsThreadLocal(field)))
                    Hold(held);
            }
        }
        while (_pending.Count > 0)
        {
            var type = _pending.Pop();
            foreach (var member in type.GetMembers())
            {
                if (!member.IsStatic && HeldType(member) is { } held)
                    Hold(held);
            }
        }
    }

    /// <summary>Whether an object whose class declares <paramref name="type"/>'s fields can be shared between requests.</summary>
    public bool Contains(INamedTypeSymbol type) => _shared.Contains(type.OriginalDefinition);

    /// <summary>The type of what a field or property holds (not a constant, an indexer or a confined member); else null.</summary>
    private ITypeSymbol? HeldType(ISymbol member) => member switch
    {
        IFieldSymbol { IsConst: false } field when !_intent.IsMarked(field.AssociatedSymbol ?? field) => field.Type, // an auto-property's mark is on the property
        IPropertySymbol { IsIndexer: false } property when !_intent.IsMarked(property) => property.Type,
        _ => null,
    };

    /// <summary>
    /// Marks what a holder of static type <paramref name="type"/> can hold: the compilation's class, struct or interface
    /// itself and every type of the compilation derived from it or implementing it; the type arguments of a generic one
    /// and the elements of an array, of the compilation or not (<c>List&lt;Session&gt;</c>, <c>Lazy&lt;Registry&gt;</c>).
    /// </summary>
    private void Hold(ITypeSymbol type)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                Hold(array.ElementType);
                break;
            case INamedTypeSymbol named:
                foreach (var argument in named.TypeArguments)
                    Hold(argument);
                var definition = named.OriginalDefinition;
                Mark(definition);
                if (_subtypes.TryGetValue(definition, out var subtypes))
                {
                    foreach (var subtype in subtypes)
                        Mark(subtype);
                }
                break;
        }
    }

    /// <summary>Marks a type of the compilation shared, with its base classes (whose fields its objects have), and queues what it holds.</summary>
    private void Mark(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.Locations.Length > 0 && current.Locations[0].IsInSource; current = current.BaseType?.OriginalDefinition)
        {
            if (!_shared.Add(current))
                return;
            _pending.Push(current);
        }
    }

    private void AddSubtype(INamedTypeSymbol supertype, INamedTypeSymbol type)
    {
        if (!_subtypes.TryGetValue(supertype, out var list))
            _subtypes[supertype] = list = new List<INamedTypeSymbol>();
        list.Add(type);
    }

    private static void Collect(INamespaceOrTypeSymbol container, List<INamedTypeSymbol> types)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceSymbol @namespace)
            {
                Collect(@namespace, types);
            }
            else if (member is INamedTypeSymbol type)
            {
                types.Add(type.OriginalDefinition);
                Collect(type, types);
            }
        }
    }
}
