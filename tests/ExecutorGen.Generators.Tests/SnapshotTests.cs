using System.IO;
using System.Linq;
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
