using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Testing;

namespace ExecutorGen.Analyzers.Tests.RealDefects;

/// <summary>
/// The RealDefects tests are reduced, rewritten models of concurrency defects that were fixed in public
/// repositories (see each test's comment for the repository, the fix commit, the path and the lines).
/// No third-party code is copied: names are neutral and the bodies are written from the shape of the
/// defect. A defect whose thread entry point and racy or throwing code live in different types keeps
/// that structure here, usually as several source files.
/// </summary>
internal static class RealDefectSources
{
    /// <summary>Adds <paramref name="more"/> as further files of the test project and runs the test.</summary>
    public static Task RunWith<TTest>(this TTest test, params string[] more)
        where TTest : Microsoft.CodeAnalysis.Testing.AnalyzerTest<DefaultVerifier>
    {
        for (var i = 0; i < more.Length; i++)
            test.TestState.Sources.Add(($"/0/Test{i + 1}.cs", more[i]));
        return test.RunAsync();
    }
}
