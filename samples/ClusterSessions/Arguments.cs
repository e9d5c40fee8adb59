using System.Globalization;

namespace ClusterSessions;

/// <summary>The command line's named values ("--users 1000").</summary>
public static class Arguments
{
    public static string Value(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        if (at < 0 || at + 1 >= args.Length)
            throw new ArgumentException($"{name} needs a value");
        return args[at + 1];
    }

    public static int Number(string[] args, string name, int fallback) =>
        args.Contains(name) ? int.Parse(Value(args, name), CultureInfo.InvariantCulture) : fallback;
}
