using System.Collections.Concurrent;
using System.Collections.Generic;

namespace ExecutorGen.Orleans.Tests;

/// <summary>
/// Every handler execution on any silo of this process, per key, in execution order: the side effect the cluster
/// tests check for loss, duplicates and order. Static, because the silos of a test cluster share the process but not
/// their service containers.
/// </summary>
public static class ExecutionLog
{
    private static readonly ConcurrentDictionary<string, List<int>> s_executions = new();

    /// <summary>Appends an execution; returns how many the key has had.</summary>
    public static int Record(string key, int index)
    {
        var list = s_executions.GetOrAdd(key, _ => new List<int>());
        // A key's requests never run at once (one grain, not reentrant); the lock only makes a violation visible
        // as a wrong order rather than a torn list.
        lock (list)
        {
            list.Add(index);
            return list.Count;
        }
    }

    /// <summary>A copy of a key's executions.</summary>
    public static List<int> Of(string key)
    {
        if (!s_executions.TryGetValue(key, out var list))
            return new List<int>();
        lock (list)
            return new List<int>(list);
    }
}
