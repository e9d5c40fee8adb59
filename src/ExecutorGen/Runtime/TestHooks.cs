using System;

namespace ExecutorGen.Runtime;

/// <summary>
/// Whether the engine's test hooks (fault injection, the deliberate early key release) may be used: the AppContext
/// switch <c>ExecutorGen.EnableTestHooks</c>, which only the engine's own test projects set. A static readonly field
/// of a non-generic class is a constant to the optimising JIT, so in shipped code the hooks' checks are compiled out
/// of the hot path entirely.
/// </summary>
internal static class TestHooks
{
    public const string SwitchName = "ExecutorGen.EnableTestHooks";

    public static readonly bool Enabled = AppContext.TryGetSwitch(SwitchName, out bool enabled) && enabled;

    /// <summary>Refuses to arm a hook that the engine would never call.</summary>
    public static void EnsureEnabled(string hook) => EnsureEnabled(Enabled, hook);

    internal static void EnsureEnabled(bool enabled, string hook)
    {
        if (!enabled)
            throw new InvalidOperationException($"{hook} is a test hook: set the AppContext switch {SwitchName} to use it.");
    }
}
