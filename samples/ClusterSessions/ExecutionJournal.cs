using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ClusterSessions;

/// <summary>
/// <c>--processes</c>: a silo process's record of the handler executions it ran, one line per execution
/// ("timestamp TAB user TAB entry") in a file of its own, so that the orchestrator can read it after the silo was killed.
/// Each line is one unbuffered write: it is in the operating system's hands before the handler returns, and the system
/// keeps it when the process is killed. The timestamp is <see cref="Stopwatch.GetTimestamp"/>, the machine's monotonic
/// clock, which all processes on one machine share: it orders a user's executions across the silos' files.
/// </summary>
public sealed class ExecutionJournal : IDisposable
{
    private readonly FileStream _file;

    public ExecutionJournal(string path) =>
        _file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);

    public void Append(string userId, string entry)
    {
        byte[] line = Encoding.UTF8.GetBytes($"{Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture)}\t{userId}\t{entry}\n");
        lock (_file)
            _file.Write(line);
    }

    public void Dispose() => _file.Dispose();

    /// <summary>Every user's executions over all the files, in the order they ran.</summary>
    public static Dictionary<string, List<string>> Merge(IEnumerable<string> paths)
    {
        var executions = new List<(long Timestamp, string UserId, string Entry)>();
        foreach (string path in paths.Where(File.Exists))
        {
            foreach (string line in File.ReadLines(path))
            {
                string[] fields = line.Split('\t');
                if (fields.Length != 3)
                    throw new InvalidDataException($"{path}: not a journal line: '{line}'");
                executions.Add((long.Parse(fields[0], CultureInfo.InvariantCulture), fields[1], fields[2]));
            }
        }
        return executions
            .OrderBy(execution => execution.Timestamp)
            .GroupBy(execution => execution.UserId)
            .ToDictionary(user => user.Key, user => user.Select(execution => execution.Entry).ToList());
    }
}
