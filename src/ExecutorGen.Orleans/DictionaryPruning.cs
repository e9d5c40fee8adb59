using System;
using System.Collections.Generic;

namespace ExecutorGen.Orleans;

/// <summary>Removing the stale entries of a grain state's dictionaries (marks, stored sequences, outcomes).</summary>
internal static class DictionaryPruning
{
    /// <summary>Removes every entry whose value is <paramref name="stale"/>; allocates only when one is.</summary>
    public static void RemoveWhere<TKey, TValue>(this IDictionary<TKey, TValue> entries, Func<TValue, bool> stale)
    {
        List<TKey>? keys = null;
        foreach (var pair in entries)
        {
            if (stale(pair.Value))
                (keys ??= new List<TKey>()).Add(pair.Key);
        }
        if (keys is null)
            return;
        foreach (var key in keys)
            entries.Remove(key);
    }
}
