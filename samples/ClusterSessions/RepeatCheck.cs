using System.Collections.Generic;
using System.Linq;

namespace ClusterSessions;

/// <summary>
/// <c>--processes</c>: checks one user's executions against the delivery guarantee (docs/orleans.md, "Delivery
/// guarantees"). Every request ran, in the submitted order; requests ran twice only in the window the guarantee leaves
/// open: their silo died after the handlers of a call ran and before the call's mark was written, so the call's
/// redelivery ran them again at once. Then the user's executions go back once, to the first of them, by at most one
/// call's size, and carry on. Linked into tests/ExecutorGen.Orleans.Tests, which tests that it finds what it must and
/// checks its in-process silos' logs with it too.
/// </summary>
public static class RepeatCheck
{
    /// <summary>Returns how many requests ran twice, or the reason the executions break the guarantee.</summary>
    public static (int Repeated, string? Problem) Check(IReadOnlyList<string> executions, List<string> expected, int maxBatchSize)
    {
        var positions = executions.Select(entry => expected.IndexOf(entry)).ToList();
        if (positions.Contains(-1))
            return (0, "ran an entry that was never submitted");
        int back = -1;
        for (int at = 1; at < positions.Count; at++)
        {
            if (positions[at] > positions[at - 1])
                continue;
            if (back >= 0)
                return (0, "ran requests again more than once");
            back = at;
        }
        if (back < 0)
            return executions.SequenceEqual(expected) ? (0, null) : (0, "not the submitted sequence");

        int rerunFrom = positions[back];
        int repeated = back - rerunFrom;
        if (repeated > maxBatchSize)
            return (0, $"went back {repeated} requests, further than one call carries ({maxBatchSize})");
        if (!executions.Take(back).Concat(executions.Skip(back + repeated)).SequenceEqual(expected))
            return (0, "not the submitted sequence");
        return (repeated, null);
    }
}
