using System.Collections.Generic;
using ClusterSessions;
using Xunit;

namespace ExecutorGen.Orleans.Tests;

/// <summary>The sample's check of one user's executions (samples/ClusterSessions/RepeatCheck.cs) against the delivery guarantee.</summary>
public sealed class RepeatCheckTests
{
    private static readonly List<string> s_expected = new() { "login", "update 1", "update 2", "update 3", "logout" };

    [Theory]
    [InlineData(0, "login", "update 1", "update 2", "update 3", "logout")]
    [InlineData(1, "login", "update 1", "update 1", "update 2", "update 3", "logout")]
    [InlineData(2, "login", "update 1", "update 2", "update 1", "update 2", "update 3", "logout")]
    [InlineData(2, "login", "update 1", "update 2", "update 3", "logout", "update 3", "logout")]
    public void Accepts_the_submitted_order_with_at_most_one_call_run_again(int repeated, params string[] executions)
    {
        Assert.Equal((repeated, (string?)null), RepeatCheck.Check(executions, s_expected, maxBatchSize: 2));
    }

    [Theory]
    [InlineData("login", "update 1", "update 3", "logout")]
    [InlineData("login", "update 2", "update 1", "update 3", "logout")]
    [InlineData("login", "update 1", "update 1", "update 2", "update 2", "update 3", "logout")]
    [InlineData("login", "update 1", "update 2", "update 3", "login", "update 1", "update 2", "update 3", "logout")]
    [InlineData("login", "update 1", "update 1", "update 3", "logout")]
    [InlineData("login", "update 1", "update 2", "update 3", "logout", "logout", "update 9")]
    [InlineData("login", "update 1", "update 2", "update 3")]
    public void Rejects_a_missing_reordered_or_further_repeated_request(params string[] executions)
    {
        Assert.NotNull(RepeatCheck.Check(executions, s_expected, maxBatchSize: 2).Problem);
    }
}
