namespace ExecutorGen.Tests;

/// <summary>Waits for something another thread does, polling, and fails the test if it never happens.</summary>
internal static class Eventually
{
    public static async Task Until(Func<bool> condition, TimeSpan limit)
    {
        var until = DateTime.UtcNow + limit;
        while (!condition() && DateTime.UtcNow < until)
            await Task.Delay(10);
        Assert.True(condition());
    }
}
