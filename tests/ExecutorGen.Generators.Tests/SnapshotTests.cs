using System;
using System.IO;
using System.Linq;
using System.Reflection;
using ExecutorGen.Generators;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class SnapshotTests
{
    private const string VersionPlaceholder = "{GeneratorVersion}";

    [Fact]
    public void SessionHandlers_executor_matches_the_expected_source()
    {
        var (_, result, _) = GeneratorHarness.Run(Sources.SessionHandlers);
        string actual = GeneratorHarness.GeneratedSource(result, "Sample.SessionHandlersExecutor.g.cs")
            .Replace(typeof(ExecutorGenerator).Assembly.GetName().Version!.ToString(), VersionPlaceholder);

        string path = Path.Combine(SnapshotDirectory(), "SessionHandlersExecutor.g.cs");
        if (Environment.GetEnvironmentVariable("EXECUTORGEN_UPDATE_SNAPSHOTS") == "1")
            File.WriteAllText(path, actual);

        Assert.True(File.Exists(path), $"Missing snapshot {path}; run with EXECUTORGEN_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    // Set by the project file. Not [CallerFilePath]: CI builds map source paths to "/_/" (ContinuousIntegrationBuild).
    private static string SnapshotDirectory() =>
        typeof(SnapshotTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
}
