using System;
using System.Collections.Concurrent;
using System.Threading.Tasks;

namespace ExecutorGen.Orleans.Tests;

/// <summary>Named gates, shared by the test and the handlers running on in-process silos.</summary>
public static class Gates
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource> s_gates = new();

    /// <summary>A fresh gate name.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Waits until the gate opens.</summary>
    public static Task WaitAsync(string gate) => Get(gate).Task;

    /// <summary>Opens the gate: every waiter and later waiter passes.</summary>
    public static void Open(string gate) => Get(gate).TrySetResult();

    private static TaskCompletionSource Get(string gate) =>
        s_gates.GetOrAdd(gate, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
