using System.IO;
using System.Linq;
using System.Runtime.Loader;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Xunit;

namespace ExecutorGen.Generators.Tests;

public class EndToEndTests
{
    private const string Probe = """
        using System.Threading.Tasks;

        namespace Sample
        {
            public static class Probe
            {
                public static async Task<string> RunAsync()
                {
                    await using var executor = new SessionHandlersExecutor(new SessionHandlers());
                    await executor.InvokeLoginAsync("alice");
                    int length = await executor.InvokeAsync(new UpdateRequest("alice", "abcd"));
                    await executor.SubmitLogoutAsync("alice");
                    bool queued = executor.TrySubmitAudit("done");
                    var report = await executor.ShutdownAsync();
                    return $"{length} {queued} {report.Completed} {report.Unprocessed.Count}";
                }
            }
        }
        """;

    [Fact]
    public async Task The_generated_executor_runs_handlers_and_returns_their_results()
    {
        var compilation = GeneratorHarness.CreateCompilation(new[] { Sources.SessionHandlers, Probe });
        var (output, _, _) = GeneratorHarness.Run(compilation);

        using var image = new MemoryStream();
        var emit = output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));

        image.Position = 0;
        var context = new AssemblyLoadContext("generated", isCollectible: true);
        try
        {
            var run = context.LoadFromStream(image).GetType("Sample.Probe")!.GetMethod("RunAsync")!;
            string outcome = await (Task<string>)run.Invoke(null, null)!;
            Assert.Equal("4 True 4 0", outcome);
        }
        finally
        {
            context.Unload();
        }
    }
}
