namespace ClusterSessions;

/// <summary>
/// The user-session workload of samples/UserSessions: login → updates → logout per user, users interleaved so that many
/// keys are in flight at once. Written against delegates so that the same workload drives the in-process and the cluster
/// executor.
/// </summary>
public sealed class Workload
{
    private readonly string _prefix;

    public Workload(string prefix, int users, int updatesPerUser)
    {
        _prefix = prefix;
        Users = users;
        UpdatesPerUser = updatesPerUser;
    }

    public int Users { get; }

    public int UpdatesPerUser { get; }

    public int Total => Users * (UpdatesPerUser + 2);

    public string UserId(int user) => _prefix + "user-" + user;

    /// <summary>
    /// Submits every request from the <paramref name="from"/>-th on (in the workload's order; 0 for all);
    /// <paramref name="onSubmitted"/> sees the running count, counted from the workload's start.
    /// </summary>
    public async Task PushAsync(
        Func<string, ValueTask> login,
        Func<UpdateRequest, ValueTask> update,
        Func<LogoutRequest, ValueTask> logout,
        Action<int>? onSubmitted = null,
        int from = 0)
    {
        int submitted = 0;
        for (int round = 0; round < UpdatesPerUser + 2; round++)
        {
            for (int user = 0; user < Users; user++)
            {
                string userId = UserId(user);
                if (submitted < from)
                {
                    submitted++;
                    continue;
                }
                if (round == 0)
                    await login(userId);
                else if (round <= UpdatesPerUser)
                    await update(new UpdateRequest(userId, round, "change " + round));
                else
                    await logout(new LogoutRequest(userId));
                onSubmitted?.Invoke(++submitted);
            }
        }
    }

    /// <summary>What each user's history must be: login → updates → logout.</summary>
    public List<string> Entries()
    {
        var entries = new List<string> { "login" };
        entries.AddRange(Enumerable.Range(1, UpdatesPerUser).Select(i => "update " + i));
        entries.Add("logout");
        return entries;
    }

    /// <summary>The users whose history is not exactly login → updates → logout (plus <paramref name="extraForFirstUser"/>).</summary>
    public List<string> OutOfOrder(SessionHistory history, params string[] extraForFirstUser)
    {
        var expected = Entries();
        var wrong = new List<string>();
        for (int user = 0; user < Users; user++)
        {
            var required = user == 0 ? expected.Concat(extraForFirstUser) : expected;
            var actual = history.Of(UserId(user));
            if (!actual.SequenceEqual(required))
                wrong.Add($"{UserId(user)}: {string.Join(" → ", actual)}");
        }
        return wrong;
    }
}
