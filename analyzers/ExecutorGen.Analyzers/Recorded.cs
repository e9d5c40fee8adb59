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
/// action has finished, so reading needs no lock.
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
/// A map from symbols, kept like <see cref="RecordedList{T}"/>: behind a lock, made on first use; the first value
/// recorded for a symbol stays. Read when every member is done.
/// </summary>
internal sealed class RecordedMap<TValue> : IEnumerable<KeyValuePair<ISymbol, TValue>>
{
    private static readonly Dictionary<ISymbol, TValue> s_none = new(SymbolEqualityComparer.Default);
    private Dictionary<ISymbol, TValue>? _items;

    /// <summary>Records <paramref name="value"/> for <paramref name="key"/> unless a value is there already.</summary>
    public void TryAdd(ISymbol key, TValue value)
    {
        lock (this)
        {
            _items ??= new Dictionary<ISymbol, TValue>(SymbolEqualityComparer.Default);
            if (!_items.ContainsKey(key))
                _items.Add(key, value);
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
