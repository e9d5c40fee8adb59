using System;
using System.IO;
using System.Linq;
using System.Reflection;
using ExecutorGen.Generators;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// The emitted source of each shape, compared with a readable expected file under <c>Expected/</c>. After an
/// intended change, run with <c>EXECUTORGEN_UPDATE_SNAPSHOTS=1</c> to rewrite them, and read the diff.
/// </summary>
public class SnapshotTests
{
    private const string VersionPlaceholder = "{GeneratorVersion}";

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
            Assert.True(File.Exists(Path.Combine(SnapshotDirectory(), "Shapes", hintName)), $"No snapshot for {hintName}.");
    }

    private static void AssertSnapshot(string source, string hintName, string relativePath)
    {
        var (_, result, _) = GeneratorHarness.Run(source);
        string actual = GeneratorHarness.GeneratedSource(result, hintName)
            .Replace(typeof(ExecutorGenerator).Assembly.GetName().Version!.ToString(), VersionPlaceholder);

        string path = Path.Combine(SnapshotDirectory(), relativePath);
        if (Environment.GetEnvironmentVariable("EXECUTORGEN_UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"Missing snapshot {path}; run with EXECUTORGEN_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    // Set by the project file. Not [CallerFilePath]: CI builds map source paths to "/_/" (ContinuousIntegrationBuild).
    private static string SnapshotDirectory() =>
        typeof(SnapshotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
}
