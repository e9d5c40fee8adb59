using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What the code's author declared and inference cannot see: <c>[GuardedBy(nameof(_sync))]</c> on a field,
/// <c>[ThreadConfined]</c> on a field, property, method or type. Recognized by the attribute's name in any namespace (the
/// runtime package's <c>ExecutorGen.GuardedByAttribute</c> and <c>ExecutorGen.ThreadConfinedAttribute</c>, or a project's
/// own). Looked up once per symbol, at the end of the compilation.
/// </summary>
internal sealed class Intent
{
    private readonly Dictionary<ISymbol, string?> _guardedBy = new(SymbolEqualityComparer.Default);
    private readonly Dictionary<ISymbol, bool> _confined = new(SymbolEqualityComparer.Default);

    /// <summary>The name of the lock <paramref name="target"/> is declared guarded by, or null.</summary>
    public string? GuardedBy(ISymbol target)
    {
        if (target is not IFieldSymbol)
            return null;
        if (!_guardedBy.TryGetValue(target, out string? name))
        {
            foreach (var attribute in target.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "GuardedByAttribute" && attribute.ConstructorArguments.Length == 1
                    && attribute.ConstructorArguments[0].Value is string lockName)
                {
                    name = lockName;
                }
            }
            _guardedBy[target] = name;
        }
        return name;
    }

    /// <summary>Whether the access to <paramref name="target"/> made in <paramref name="function"/> is declared confined to one thread.</summary>
    public bool IsConfined(FunctionSummary function, ISymbol target) =>
        IsMarked(target) || IsMarked(function.Symbol) || IsMarked(function.Member)
        || function.Member.ContainingType is { } type && IsMarked(type)
        || target.ContainingType is { } owner && IsMarked(owner);

    /// <summary>Whether <paramref name="symbol"/> itself is declared <c>[ThreadConfined]</c>.</summary>
    public bool IsMarked(ISymbol symbol)
    {
        if (!_confined.TryGetValue(symbol, out bool marked))
        {
            foreach (var attribute in symbol.GetAttributes())
            {
                if (attribute.AttributeClass?.Name == "ThreadConfinedAttribute")
                    marked = true;
            }
            _confined[symbol] = marked;
        }
        return marked;
    }
}
