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

    // User types named like the executor's own nested types and like the namespaces generated code uses, in the
    // handler class's namespace, and parameters named like the nested types: the generated code must not bind to them.
    private const string ClashingNames = """
        namespace Sample
        {
            public sealed class Envelope { public int Weight = 2; }
            public sealed class Dispatcher { }
            public sealed class HandlerId { }
            public sealed class Task { }
            public sealed class System { }
            public sealed class ExecutorGen { }

            public sealed class ClashHandlers
            {
                private int _total;

                [global::ExecutorGen.RequestHandler(PartitionBy = nameof(key))]
                public global::System.Threading.Tasks.Task Add(string key, Envelope envelope, int HandlerId)
                {
                    _total += envelope.Weight * HandlerId;
                    return global::System.Threading.Tasks.Task.CompletedTask;
                }

                [global::ExecutorGen.RequestHandler(PartitionBy = nameof(key))]
                public int Total(string key, Dispatcher Envelope) => _total;
            }

            public static class ClashProbe
            {
                public static async global::System.Threading.Tasks.Task<string> RunAsync()
                {
                    await using var executor = new ClashHandlersExecutor(new ClashHandlers());
                    await executor.InvokeAddAsync("k", new Envelope(), 3);
                    int total = await executor.InvokeTotalAsync("k", new Dispatcher());
                    var report = await executor.ShutdownAsync();
                    return $"{total} {report.Completed}";
                }
            }
        }
        """;

    [Fact]
    public async Task The_generated_executor_runs_handlers_and_returns_their_results()
    {
        Assert.Equal("4 True 4 0", await RunAsync("Sample.Probe", Sources.SessionHandlers, Probe));
    }

    [Fact]
    public async Task User_types_named_like_generated_code_names_change_nothing()
    {
        Assert.Equal("6 2", await RunAsync("Sample.ClashProbe", ClashingNames));
    }

    /// <summary>Compiles <paramref name="sources"/> with the generator, loads the assembly and runs <c>{probe}.RunAsync()</c>.</summary>
    private static async Task<string> RunAsync(string probe, params string[] sources)
    {
        var compilation = GeneratorHarness.CreateCompilation(sources);
        var (output, _, _) = GeneratorHarness.Run(compilation);

        using var image = new MemoryStream();
        var emit = output.Emit(image);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));

        image.Position = 0;
        var context = new AssemblyLoadContext("generated", isCollectible: true);
        try
        {
            var run = context.LoadFromStream(image).GetType(probe)!.GetMethod("RunAsync")!;
            return await (Task<string>)run.Invoke(null, null)!;
        }
        finally
        {
            context.Unload();
        }
    }
}
