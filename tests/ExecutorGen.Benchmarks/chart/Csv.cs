using System.Globalization;

namespace ExecutorGen.Benchmarks.Chart;

/// <summary>Reads the benchmark results' CSV files: a header row, then plain comma-separated values (no quoting).</summary>
public static class Csv
{
    /// <summary>The rows of <paramref name="path"/>, each a column-name → value map.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> Read(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        if (lines.Length == 0)
            throw new InvalidDataException($"{path} is empty.");
        var header = lines[0].Split(',');
        return lines.Skip(1)
            .Select(line => line.Split(','))
            .Select(cells => (IReadOnlyDictionary<string, string>)header
                .Select((name, i) => (name, value: i < cells.Length ? cells[i] : ""))
                .ToDictionary(c => c.name, c => c.value))
            .ToList();
    }

    /// <summary>The number in <paramref name="column"/> of <paramref name="row"/> (invariant culture).</summary>
    public static double Number(IReadOnlyDictionary<string, string> row, string column) =>
        double.Parse(row[column], NumberStyles.Float, CultureInfo.InvariantCulture);
}
