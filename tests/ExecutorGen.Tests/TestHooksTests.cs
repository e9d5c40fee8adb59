using ExecutorGen.Runtime;

namespace ExecutorGen.Tests;

/// <summary>The engine's test hooks work only where the AppContext switch turns them on (this project sets it).</summary>
public class TestHooksTests
{
    [Fact]
    public async Task This_test_project_turns_the_hooks_on()
    {
        Assert.True(TestHooks.Enabled);
        var engine = Engines.Create(new ExecutorOptions { WorkerCount = 1 });
        engine.FaultInjector = _ => { };
        engine.FaultReleaseKeyEarly = false;
        await engine.ShutdownAsync();
    }

    [Fact]
    public void Without_the_switch_arming_a_hook_is_refused_with_the_switch_named()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TestHooks.EnsureEnabled(enabled: false, "FaultInjector"));
        Assert.Contains("FaultInjector", error.Message);
        Assert.Contains(TestHooks.SwitchName, error.Message);
    }
}
