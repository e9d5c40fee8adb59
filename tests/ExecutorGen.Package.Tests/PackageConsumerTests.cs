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
        var (app, environment) = CreateConsumer("ExecutorGen");

        File.WriteAllText(Path.Combine(app, "Program.cs"), ConsumerProgram);
        var run = DotnetCli.Run(app, environment, "run");
        Succeeds(run);
        Assert.Contains("PACKAGE-OK completed=300 order=ok", run.Output);

        // The generator reports why it skipped the class, once (the package exports no analyzer for the rule), and also
        // in a build without analyzers; the analyzers run in a normal build (EXG005 is a warning by default).
        File.WriteAllText(Path.Combine(app, "Broken.cs"), BrokenHandler);
        var build = DotnetCli.Run(app, environment, "build");
        var withoutAnalyzers = DotnetCli.Run(app, environment, "build", "-p:RunAnalyzers=false");
        foreach (var output in new[] { build, withoutAnalyzers })
        {
            Assert.NotEqual(0, output.ExitCode);
            Assert.Contains("error EXG100", output.Output);
            Assert.Contains(" 1 Error(s)", output.Output); // MSBuild's count: reported once
            Assert.Contains("PartitionBy \"UserID\"", output.Output);
        }
        Assert.Contains("warning EXG005", build.Output);
        Assert.DoesNotContain("EXG005", withoutAnalyzers.Output);
    }

    [Fact]
    public void A_host_that_adds_only_the_hosting_package_registers_runs_and_drains_a_generated_executor()
    {
        // ExecutorGen comes in as ExecutorGen.Hosting's dependency, generator and analyzers included.
        var (app, environment) = CreateConsumer("ExecutorGen.Hosting");
        Succeeds(DotnetCli.Run(app, environment, "add", "package", "Microsoft.Extensions.Hosting", "--version", MicrosoftExtensionsVersion));

        File.WriteAllText(Path.Combine(app, "Program.cs"), HostedProgram);
        var run = DotnetCli.Run(app, environment, "run");
        Succeeds(run);
        Assert.Contains("HOSTED-OK completed=200 healthy=True", run.Output);
    }

    [Fact]
    public void A_silo_that_adds_the_orleans_package_runs_the_generated_cluster_executor_with_batched_calls()
    {
        // ExecutorGen comes in as ExecutorGen.Orleans's dependency, generator included; Orleans' SDK (code generator) too.
        var (app, environment) = CreateConsumer("ExecutorGen.Orleans");
        Succeeds(DotnetCli.Run(app, environment, "add", "package", "Microsoft.Orleans.Server", "--version", OrleansVersion));
        Succeeds(DotnetCli.Run(app, environment, "add", "package", "Microsoft.Extensions.Hosting", "--version", MicrosoftExtensionsVersion));

        File.WriteAllText(Path.Combine(app, "Program.cs"), SiloProgram);
        var run = DotnetCli.Run(app, environment, "run");
        Succeeds(run);
        string? result = run.Output.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.StartsWith("ORLEANS-OK", StringComparison.Ordinal));
        Assert.Equal("ORLEANS-OK completed=91 order=ok batched=True last=11", result);
    }

    // The versions the packages are built against (Directory.Packages.props).
    private const string MicrosoftExtensionsVersion = "10.0.15";
    private const string OrleansVersion = "10.4.2";

    /// <summary>
    /// Packs the repository's packages into a local feed with a unique version and creates a console project
    /// that adds <paramref name="package"/> from it, with an empty package folder, so that a stale copy can
    /// never be served from a cache.
    /// </summary>
    private (string App, Dictionary<string, string> Environment) CreateConsumer(string package)
    {
        string repo = FindRepositoryRoot();
        string feed = Path.Combine(_work, "feed");
        string app = Path.Combine(_work, "app");
        string version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(_work, "packages") };
        Directory.CreateDirectory(app);

        foreach (var project in new[] { "ExecutorGen", "ExecutorGen.Hosting", "ExecutorGen.Orleans" })
        {
            Succeeds(DotnetCli.Run(repo, new Dictionary<string, string>(), "pack", Path.Combine(repo, "src", project, project + ".csproj"),
                "-c", "Release", "-o", feed, "-p:Version=" + version));
        }
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
        Succeeds(DotnetCli.Run(app, environment, "add", "package", package, "--version", version));
        return (app, environment);
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

    private const string HostedProgram = """
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Diagnostics.HealthChecks;
        using Microsoft.Extensions.Hosting;

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddSingleton<Counter>();
        builder.Services.AddCounterExecutor(options => options.WorkerCount = 2);
        using var host = builder.Build();
        await host.StartAsync();

        var executor = host.Services.GetRequiredService<CounterExecutor>();
        for (int i = 0; i < 200; i++)
            await executor.SubmitAsync(i % 7);
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        await host.StopAsync(); // the hosted service drains the executor
        var metrics = executor.GetMetrics();
        Console.WriteLine($"HOSTED-OK completed={metrics.Completed} healthy={health.Status == HealthStatus.Healthy}");
        return metrics.Completed == 200 ? 0 : 1;

        public sealed class Counter
        {
            private int _count;

            [RequestHandler(PartitionBy = nameof(key))]
            public void Add(int key) => Interlocked.Increment(ref _count);
        }
        """;

    private const string SiloProgram = """
        using ExecutorGen;
        using ExecutorGen.Orleans;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Microsoft.Extensions.Logging;

        // One silo and its client in this process: the generated cluster executor sends each key's queued requests in
        // grain calls; the silo runs the generated dispatcher, the batch handler with several requests at once.
        var builder = Host.CreateApplicationBuilder(args);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering();
            SharedMemoryGrainStorage.AddForClusterHandlers(silo.Services);
            silo.Services.AddSingleton<Journal>();
            silo.Services.AddJournalClusterHandlers();
        });
        using var host = builder.Build();
        await host.StartAsync();

        await using var executor = new JournalClusterExecutor(host.Services.GetRequiredService<IClusterClient>());
        executor.Pause(); // queued while paused, the requests of a key go to the cluster together
        for (int i = 0; i < 40; i++)
            await executor.SubmitAsync("account-" + (i % 4), i);
        for (int i = 0; i < 50; i++)
            await executor.SubmitNoteAsync("topic"); // one key: the batch handler takes up to 16 of them per call
        executor.Resume();
        int last = await executor.InvokeAsync("account-2", 40);
        var report = await executor.ShutdownAsync();
        var journal = host.Services.GetRequiredService<Journal>();
        Console.WriteLine($"ORLEANS-OK completed={report.Completed} order={(journal.InOrder() ? "ok" : "broken")} batched={journal.LargestNote > 1} last={last}");
        await host.StopAsync();
        return journal.InOrder() ? 0 : 1;

        public sealed class Journal
        {
            private readonly Dictionary<string, List<int>> _seen = new();

            public int LargestNote { get; private set; }

            [RequestHandler(PartitionBy = nameof(account))]
            public int Append(string account, int sequence)
            {
                lock (_seen)
                {
                    if (!_seen.TryGetValue(account, out var list))
                        _seen[account] = list = new List<int>();
                    list.Add(sequence);
                    return list.Count; // the account's requests so far: its 10 submitted before, then this one
                }
            }

            [RequestHandler(PartitionBy = nameof(values), MaxBatchSize = 16)]
            public void Note(IReadOnlyList<string> values)
            {
                lock (_seen)
                    LargestNote = Math.Max(LargestNote, values.Count);
            }

            // Each account's sequence numbers were submitted in increasing order, so they must have run that way.
            public bool InOrder()
            {
                lock (_seen)
                    return _seen.Values.All(s => s.Zip(s.Skip(1)).All(p => p.First < p.Second));
            }
        }
        """;

    private const string BrokenHandler = """
        using ExecutorGen;

        public sealed class Sessions
        {
            [RequestHandler(PartitionBy = "UserID")]
            public void Login(string userId) { }

            public static int Shard(string key, int count) => key.GetHashCode() % count;
        }
        """;
}
