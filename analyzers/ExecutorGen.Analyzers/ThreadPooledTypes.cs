using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// Classes whose instances are pooled per thread (EXG001): the class keeps them in <c>[ThreadStatic]</c> fields of its own
/// type (<c>[ThreadStatic] static FastCloneState? s_cached;</c>, <c>[ThreadStatic] static State[]? s_pool;</c>), and no
/// field a thread shares holds one (of the type, an array or a collection of it: a shared <c>ConcurrentBag</c> of them
/// returns them to any thread), here or elsewhere in the compilation. Such an object stays with the thread that took
/// it, so a call on one is a call on an object no other thread has, whatever expression it is made through (a
/// parameter, a local set from a static getter). The pattern of .NET's <c>StringBuilderCache</c> and of cloners and
/// serializers that reuse their state per thread.
/// </summary>
internal sealed class ThreadPooledTypes
{
    private readonly ConcurrencySymbols _symbols;
    private readonly System.Lazy<List<INamedTypeSymbol>> _types;
    private readonly Dictionary<INamedTypeSymbol, bool> _known = new(SymbolEqualityComparer.Default);

    /// <param name="types">The compilation's types with code (whose fields could hold an instance): listed only if a class has a thread pool.</param>
    public ThreadPooledTypes(ConcurrencySymbols symbols, System.Func<List<INamedTypeSymbol>> types)
    {
        _symbols = symbols;
        _types = new System.Lazy<List<INamedTypeSymbol>>(types, System.Threading.LazyThreadSafetyMode.None);
    }

    /// <summary>Whether <paramref name="type"/>'s instances are pooled per thread. Not thread-safe: asked while the composition is made.</summary>
    public bool Contains(INamedTypeSymbol type)
    {
        type = type.OriginalDefinition;
        if (!_known.TryGetValue(type, out bool pooled))
            _known[type] = pooled = type.TypeKind == TypeKind.Class && HasThreadPool(type) && !SharedAnywhere(type);
        return pooled;
    }

    /// <summary>The class has a static field of its own type, and every such field is <c>[ThreadStatic]</c>.</summary>
    private bool HasThreadPool(INamedTypeSymbol type)
    {
        bool pool = false;
        foreach (var member in type.GetMembers())
        {
            if (member is not IFieldSymbol { IsStatic: true } field || !Holds(field, type))
                continue;
            if (!_symbols.IsThreadLocal(field))
                return false;
            pool = true;
        }
        return pool;
    }

    /// <summary>A field that is not <c>[ThreadStatic]</c> holds an instance somewhere: threads may share it.</summary>
    private bool SharedAnywhere(INamedTypeSymbol type)
    {
        foreach (var holder in _types.Value)
        {
            foreach (var member in holder.GetMembers())
            {
                if (member is IFieldSymbol field && Holds(field, type) && !_symbols.IsThreadLocal(field))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Whether the field can hold an instance: of the type, an array of it, or a collection of it (<c>ConcurrentBag&lt;T&gt;</c>).</summary>
    private static bool Holds(IFieldSymbol field, INamedTypeSymbol type) => Holds(field.Type, type, depth: 0);

    private static bool Holds(ITypeSymbol held, INamedTypeSymbol type, int depth) => held switch
    {
        INamedTypeSymbol named => SymbolEqualityComparer.Default.Equals(named.OriginalDefinition, type)
            || depth < 2 && named.TypeKind != TypeKind.Delegate && named.TypeArguments.Any(argument => Holds(argument, type, depth + 1)), // a Func<object, T, object> holds no T
        IArrayTypeSymbol { ElementType: var element } => Holds(element, type, depth + 1),
        _ => false,
    };
}
