using System.Collections;
using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace ExecutorGen.Analyzers;

/// <summary>
/// What a rule records while the driver analyzes the members of one type or compilation, several at once: a list
/// behind a lock, made on first use, read once every member is done (at the symbol or compilation end).
/// </summary>
/// <remarks>
/// Not a <c>ConcurrentBag</c>: these exist per type and rule, mostly empty or with a few items, and each bag makes a
/// finalizable <c>ThreadLocal</c> and a queue per adding thread. The driver's end action runs after every member
/// action has finished, so reading needs no lock. The instance is never handed outside the rule that owns it, so it is
/// its own lock (one object fewer per type).
/// </remarks>
internal sealed class RecordedList<T> : IEnumerable<T>
{
    private static readonly List<T> s_none = new();
    private List<T>? _items;

    public void Add(T item)
    {
        lock (this)
            (_items ??= new List<T>()).Add(item);
    }

    public bool IsEmpty => _items is null;

    public List<T>.Enumerator GetEnumerator() => (_items ?? s_none).GetEnumerator();

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// A map from symbols, kept like <see cref="RecordedList{T}"/>: behind a lock, made on first use; read when every
/// member is done. When several places record a value for one symbol, the one earliest in the source stays (see
/// <see cref="TryAdd"/>): what is reported must not depend on the order the driver happened to analyze the code in.
/// </summary>
internal sealed class RecordedMap<TValue> : IEnumerable<KeyValuePair<ISymbol, TValue>>
{
    private static readonly Dictionary<ISymbol, TValue> s_none = new(SymbolEqualityComparer.Default);
    private Dictionary<ISymbol, TValue>? _items;
    private Dictionary<ISymbol, Location>? _places;

    /// <summary>
    /// Records <paramref name="value"/> for <paramref name="key"/>, found at <paramref name="where"/>. A value recorded
    /// for the key already stays, unless this one was found earlier in the source (by file path, then position). Without
    /// <paramref name="where"/> (a set, or a key only one place can record), the first value stays.
    /// </summary>
    public void TryAdd(ISymbol key, TValue value, Location? where = null)
    {
        lock (this)
        {
            _items ??= new Dictionary<ISymbol, TValue>(SymbolEqualityComparer.Default);
            if (_items.ContainsKey(key) && (where is null || _places is null || !_places.TryGetValue(key, out var kept) || SourceOrder.Compare(where, kept) >= 0))
                return;
            _items[key] = value;
            if (where is not null)
                (_places ??= new Dictionary<ISymbol, Location>(SymbolEqualityComparer.Default))[key] = where;
        }
    }

    /// <summary>The value recorded for <paramref name="key"/>, made by <paramref name="create"/> on first use.</summary>
    public TValue GetOrAdd(ISymbol key, System.Func<TValue> create)
    {
        lock (this)
        {
            _items ??= new Dictionary<ISymbol, TValue>(SymbolEqualityComparer.Default);
            if (!_items.TryGetValue(key, out var value))
                _items.Add(key, value = create());
            return value;
        }
    }

    public bool IsEmpty => _items is null;

    public bool ContainsKey(ISymbol key) => _items is not null && _items.ContainsKey(key);

    public bool TryGetValue(ISymbol key, out TValue value)
    {
        if (_items is not null && _items.TryGetValue(key, out value!))
            return true;
        value = default!;
        return false;
    }

    public Dictionary<ISymbol, TValue>.Enumerator GetEnumerator() => (_items ?? s_none).GetEnumerator();

    IEnumerator<KeyValuePair<ISymbol, TValue>> IEnumerable<KeyValuePair<ISymbol, TValue>>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>
/// Source order (file path, then position), to choose among findings the analysis order would otherwise choose: the
/// driver analyzes members on several threads, in any order.
/// </summary>
internal static class SourceOrder
{
    public static int Compare(Location? x, Location? y)
    {
        int byPath = string.CompareOrdinal(x?.SourceTree?.FilePath, y?.SourceTree?.FilePath);
        return byPath != 0 ? byPath : (x?.SourceSpan.Start ?? -1).CompareTo(y?.SourceSpan.Start ?? -1);
    }

    public static IComparer<Location?> Comparer { get; } = Comparer<Location?>.Create(Compare);

    /// <summary>Where a symbol is declared first, for ordering symbols.</summary>
    public static Location? Of(ISymbol symbol) => symbol.Locations.IsEmpty ? null : symbol.Locations[0];
}
