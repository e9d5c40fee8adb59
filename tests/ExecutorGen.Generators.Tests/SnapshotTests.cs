using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>The emitted source of each shape, compared with a readable expected file under <c>Expected/</c> (<see cref="Snapshots"/>).</summary>
public class SnapshotTests
{
    [Fact]
    public void SessionHandlers_executor_matches_the_expected_source() =>
        AssertSnapshot(Sources.SessionHandlers, "Sample.SessionHandlersExecutor.g.cs", "SessionHandlersExecutor.g.cs");

    [Theory]
    [InlineData(nameof(Sources.Shapes), "GlobalHandlersExecutor.g.cs")]
    [InlineData(nameof(Sources.Shapes), "Shapes.PairsExecutor.g.cs")]
    [InlineData(nameof(Sources.Shapes), "Shapes.ReturnsExecutor.g.cs")]
    [InlineData(nameof(Sources.Shapes), "Shapes.Outer.Middle.InnerExecutor.g.cs")]
    [InlineData(nameof(Sources.Shapes), "Shapes.Generic_T_.InnerExecutor.g.cs")]
    [InlineData(nameof(Sources.Shapes), "Shapes.LedgerExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.AccountsExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.CountersExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.OrdersExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.TenantsExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.Catalog.ByTierExecutor.g.cs")]
    [InlineData(nameof(Sources.AllShapes), "AllShapes.Catalog.ByIdExecutor.g.cs")]
    public void Each_shape_matches_the_expected_source(string sourceName, string hintName)
    {
        string source = (string)typeof(Sources).GetField(sourceName)!.GetValue(null)!;
        AssertSnapshot(source, hintName, Path.Combine("Shapes", hintName));
    }

    /// <summary>
    /// What a reviewer reads: no line of any snapshot (this project's, and the Hosting and Orleans projects') is longer
    /// than 150 characters, and every plain overload (<c>SubmitAsync</c>, <c>TrySubmit</c>, <c>InvokeAsync</c>) inherits
    /// the documentation of its named member instead of repeating it.
    /// </summary>
    [Fact]
    public void Snapshots_keep_lines_short_and_plain_overloads_inherit_their_docs()
    {
        string tests = Path.GetFullPath(Path.Combine(Snapshots.Directory(), "..", ".."));
        var files = new[] { "ExecutorGen.Generators.Tests", "ExecutorGen.Hosting.Tests", "ExecutorGen.Orleans.Tests" }
            .SelectMany(project => Directory.GetFiles(Path.Combine(tests, project, "Expected"), "*.g.cs", SearchOption.AllDirectories))
            .ToList();
        Assert.True(files.Count >= 15, $"Only {files.Count} snapshots found under {tests}.");
        int plainOverloads = 0;
        foreach (string file in files)
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                Assert.True(lines[i].Length <= 150, $"{Path.GetFileName(file)}:{i + 1} has {lines[i].Length} characters.");
                if (Regex.IsMatch(lines[i], @"^\s*(public|internal) [^=(]* (SubmitAsync|TrySubmit|InvokeAsync)\("))
                {
                    plainOverloads++;
                    Assert.Matches(@"^\s*/// <inheritdoc cref=""\w+(\(.*\))?""/>$", lines[i - 1]);
                }
            }
        }
        Assert.True(plainOverloads > 0, "No plain overload found: the pattern no longer matches the generated members.");
    }

    [Fact]
    public void Every_generated_file_of_the_shape_sources_has_a_snapshot()
    {
        var hintNames = new[] { Sources.Shapes, Sources.AllShapes }
            .SelectMany(source => GeneratorHarness.Run(source).Result.GeneratedSources.Select(s => s.HintName));
        foreach (string hintName in hintNames)
            Assert.True(File.Exists(Path.Combine(Snapshots.Directory(), "Shapes", hintName)), $"No snapshot for {hintName}.");
    }

    private static void AssertSnapshot(string source, string hintName, string relativePath) =>
        Snapshots.AssertMatches(GeneratorHarness.Run(source).Result, hintName, relativePath);
}
