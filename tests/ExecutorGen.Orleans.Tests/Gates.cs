using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Named gates, shared by the test and the handlers running on in-process silos.</summary>
public static class Gates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_reached = new();

    /// <summary>A fresh gate name.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Waits until the gate opens; from now on <see cref="ReachedAsync"/> of the gate is complete.</summary>
    public static Task WaitAsync(string gate)
    {
        Get(s_reached, gate).TrySetResult();
        return Get(s_gates, gate).Task;
    }

    /// <summary>Completes once a handler waits at the gate: its request has reached the grain and is running there.</summary>
    public static Task ReachedAsync(string gate) => Get(s_reached, gate).Task;

    /// <summary>Opens the gate: every waiter and later waiter passes.</summary>
    public static void Open(string gate) => Get(s_gates, gate).TrySetResult();

    private static TaskCompletionSource Get(ConcurrentDictionary<string, TaskCompletionSource> gates, string gate) =>
        gates.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
