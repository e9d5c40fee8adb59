using System;
using System.IO;
using System.Linq;
using System.Reflection;
using ExecutorGen.Generators;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ExecutorGen.Generators.Tests;

/// <summary>
/// Compares generated source with a readable snapshot under the test project's <c>Expected/</c> folder. After an
/// intended change, run with <c>EXECUTORGEN_UPDATE_SNAPSHOTS=1</c> to rewrite them, and read the diff.
/// </summary>
/// <remarks>Shared with the Hosting and Orleans test projects as a linked file (they pin other Roslyn versions).</remarks>
internal static class Snapshots
{
    private const string VersionPlaceholder = "{GeneratorVersion}";

    /// <summary>Asserts that the file <paramref name="hintName"/> of <paramref name="result"/> equals its snapshot.</summary>
    /// <param name="result">The generator's run.</param>
    /// <param name="hintName">The generated file.</param>
    /// <param name="relativePath">The snapshot's path under <c>Expected/</c>; <paramref name="hintName"/> when null.</param>
    public static void AssertMatches(GeneratorRunResult result, string hintName, string? relativePath = null)
    {
        string actual = GeneratorHarness.GeneratedSource(result, hintName)
            .Replace(typeof(ExecutorGenerator).Assembly.GetName().Version!.ToString(), VersionPlaceholder);

        string path = Path.Combine(Directory(), relativePath ?? hintName);
        if (Environment.GetEnvironmentVariable("EXECUTORGEN_UPDATE_SNAPSHOTS") == "1")
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"Missing snapshot {path}; run with EXECUTORGEN_UPDATE_SNAPSHOTS=1 to create it.");
        Assert.Equal(File.ReadAllText(path).ReplaceLineEndings("\n"), actual);
    }

    /// <summary>The test project's <c>Expected/</c> folder.</summary>
    // Set by the project file. Not [CallerFilePath]: CI builds map source paths to "/_/" (ContinuousIntegrationBuild).
    public static string Directory() =>
        typeof(Snapshots).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotDirectory").Value!;
}
