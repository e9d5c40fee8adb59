namespace ExecutorGen.Package.Tests;

public sealed class PackageConsumerTests : IDisposable
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), "executorgen-package-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temp folder is harmless.
        }
    }

    [Fact]
    public void A_new_project_that_adds_the_package_gets_a_working_executor_and_the_analyzers()
    {
        string repo = FindRepositoryRoot();
        string feed = Path.Combine(_work, "feed");
        string app = Path.Combine(_work, "app");
        // A unique version and an empty package folder: a stale copy can never be served from a cache.
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };
        Directory.CreateDirectory(app);

        Succeeds(DotnetCli.Run(repo, new Dictionary<string, string>(), "pack", Path.Combine(repo, "src", "ExecutorGen", "ExecutorGen.csproj"),
            "-c", "Release", "-o", feed, "-p:Version=" + version));
        Succeeds(DotnetCli.Run(app, environment, "new", "console", "--framework", "net10.0", "--no-restore"));
        // The local feed is added next to the default source, as a user would add a private feed.
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="executorgen-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        Succeeds(DotnetCli.Run(app, environment, "add", "package", "ExecutorGen", "--version", version));

        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);
        var run = DotnetCli.Run(app, environment, "run");
        Succeeds(run);
        Assert.Contains("PACKAGE-OK completed=300 order=ok", run.Output);

        File.WriteAllText(Path.Combine(app, "Broken.cs"), BrokenHandler);
        var build = DotnetCli.Run(app, environment, "build");
        Assert.NotEqual(0, build.ExitCode);
        Assert.Contains("error EXG100", build.Output);
        Assert.Contains("PartitionBy \"UserID\"", build.Output);
    }

    private static void Succeeds(DotnetCli.Result result) =>
        Assert.True(result.ExitCode == 0, "dotnet failed with exit code " + result.ExitCode + ":\n" + result.Output);

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ExecutorGen.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException("ExecutorGen.sln not found above " + AppContext.BaseDirectory);
    }

    private const string ConsumerProgram = """
        using ExecutorGen;

        var handlers = new Orders();
        await using var executor = new OrdersExecutor(handlers, new ExecutorOptions { WorkerCount = 4 });
        for (int i = 0; i < 100; i++)
        {
            await executor.SubmitAsync(i % 10, i);
            if (!executor.TrySubmit(new Ship(i % 10, i)))
                throw new InvalidOperationException("TrySubmit refused below capacity");
        }
        for (int i = 0; i < 99; i++)
            await executor.SubmitAsync(i % 10, i + 1000);
        int last = await executor.InvokeAsync(7, 9999);
        var report = await executor.ShutdownAsync();
        bool ordered = handlers.InOrder();
        Console.WriteLine($"PACKAGE-OK completed={report.Completed} order={(ordered ? "ok" : "broken")} last={last}");
        return ordered ? 0 : 1;

        public readonly record struct Ship(int CustomerId, int Sequence);

        public sealed class Orders
        {
            private readonly List<int>[] _seen = Enumerable.Range(0, 10).Select(_ => new List<int>()).ToArray();

            [RequestHandler(PartitionBy = nameof(customerId))]
            public async Task<int> Place(int customerId, int sequence)
            {
                await Task.Yield();
                _seen[customerId].Add(sequence);
                return sequence;
            }

            [RequestHandler(PartitionBy = nameof(Ship.CustomerId))]
            public void Send(Ship request) => _seen[request.CustomerId].Add(request.Sequence);

            // Each customer's sequence numbers were submitted in non-decreasing order, so they must run that way.
            public bool InOrder() => _seen.All(s => s.Zip(s.Skip(1)).All(p => p.First <= p.Second));
        }
        """;

    private const string BrokenHandler = """
        using ExecutorGen;

        public sealed class Sessions
        {
            [RequestHandler(PartitionBy = "UserID")]
            public void Login(string userId) { }
        }
        """;
}
