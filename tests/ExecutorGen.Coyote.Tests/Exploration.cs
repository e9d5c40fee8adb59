using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;

namespace ExecutorGen.Coyote.Tests;

/// <summary>Runs a scenario under Coyote's scheduler for many iterations, each a different interleaving.</summary>
internal static class Exploration
{
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("EXECUTORGEN_COYOTE_ITERATIONS"), out int n) && n > 0 ? n : 1_000;

    public static TestReport Run(Func<Task> scenario, int? iterations = null)
    {
        var configuration = Configuration.Create()
            .WithTestingIterations((uint)(iterations ?? Iterations))
            .WithMaxSchedulingSteps(20_000)
            .WithPartiallyControlledConcurrencyAllowed(true);
        using var engine = TestingEngine.Create(configuration, scenario);
        engine.Run();
        return engine.TestReport;
    }

    public static void AssertNoBug(Func<Task> scenario)
    {
        var report = Run(scenario);
        Assert.True(report.NumOfFoundBugs == 0, string.Join(Environment.NewLine, report.BugReports));
        Assert.True(report.NumOfExploredFairPaths + report.NumOfExploredUnfairPaths >= 1, "nothing was explored");
    }
}
