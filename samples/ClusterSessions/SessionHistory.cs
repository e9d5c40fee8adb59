using System.Collections.Concurrent;

namespace ClusterSessions;

/// <summary>
/// What each user's requests did, in the order they ran, on whichever silo ran them: both silos of this process are
/// given the same instance, so the check at the end sees every execution. A silo process (<c>--processes</c>) also
/// appends every entry to its <see cref="ExecutionJournal"/>, which the orchestrator reads.
/// </summary>
public sealed class SessionHistory
{
    private readonly ConcurrentDictionary<string, List<string>> _entries = new();
    private readonly ExecutionJournal? _journal;

    public SessionHistory(ExecutionJournal? journal = null) => _journal = journal;

    /// <summary>Appends an entry; returns the user's entry count.</summary>
    public int Add(string userId, string entry)
    {
        _journal?.Append(userId, entry);
        var list = _entries.GetOrAdd(userId, _ => new List<string>());
        // One user's requests never run at once; the lock only keeps a violation visible as a wrong order.
        lock (list)
        {
            list.Add(entry);
            return list.Count;
        }
    }

    /// <summary>A copy of a user's entries.</summary>
    public IReadOnlyList<string> Of(string userId)
    {
        if (!_entries.TryGetValue(userId, out var list))
            return Array.Empty<string>();
        lock (list)
            return list.ToArray();
    }
}
