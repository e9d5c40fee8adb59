using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ExecutorGen.Analyzers.RealCode;
using Xunit;

namespace ExecutorGen.Analyzers.Tests.RealCode;

/// <summary>
/// The real-code evaluation (tests/ExecutorGen.Analyzers.RealCode, its core linked here) on a tiny source tree it has
/// never seen: it must find the one known diagnostic in the product code, leave the test folder out and measure.
/// </summary>
public sealed class RealCodeEvaluationTests : IDisposable
{
    private const string Router = """
        class Router
        {
            private readonly int _count = 8;

            public int Shard(object key) => key.GetHashCode() % _count;
        }
        """;

    private readonly string _root = Path.Combine(Path.GetTempPath(), "realcode-" + Guid.NewGuid().ToString("N"));

    public RealCodeEvaluationTests()
    {
        Write("src/Routing/Router.cs", Router);
        Write("src/Routing/Plain.cs", "namespace Routing; public static class Plain { public static int Twice(int x) => 2 * x; }");
        // Left out: a test folder (by default) and build output (always); both would report the same diagnostic.
        Write("src/Routing.Tests/RouterTests.cs", Router.Replace("class Router", "class RouterTests", StringComparison.Ordinal));
        Write("src/Routing/obj/Release/Router.g.cs", Router.Replace("class Router", "class Copy", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reports_the_known_diagnostic_of_the_product_code_and_the_analyzers_time()
    {
        var options = EvaluationOptions.Parse([_root, "--runs", "1", "--warmup", "0", "--tsv", Path.Combine(_root, "out.tsv")]);
        var files = SourceFiles.Collect(options);
        var settings = CompilationSettings.Create(options);
        var analyzers = AnalyzerAssembly.Analyzers(AnalyzerAssembly.Load(null));

        var result = await Measurement.RunAsync(options, settings, files, analyzers);
        Report.WriteTsv(options.TsvPath!, options.Root, result.Diagnostics);

        Assert.Equal(["src/Routing/Plain.cs", "src/Routing/Router.cs"], files.Included.Select(f => SourceFiles.Relative(_root, f)));
        Assert.Equal(1, files.ExcludedCount);
        Assert.Empty(result.Errors);
        Assert.Empty(result.AnalyzerExceptions);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.StartsWith("EXG005\tsrc/Routing/Router.cs:5:37\t", Report.Line(diagnostic, _root), StringComparison.Ordinal);
        var round = Assert.Single(result.Rounds);
        Assert.True(round.BindMs > 0);
        Assert.True(round.AnalyzerMs[nameof(HashRoutingAnalyzer)] > 0);
        Assert.True(result.SharePercent > 0);
        var report = new StringWriter();
        Report.Print(report, options, settings, files, typeof(HashRoutingAnalyzer).Assembly.Location, analyzers, result);
        Assert.Contains("garbage collection in the analysis pass (", report.ToString(), StringComparison.Ordinal);
        var rows = File.ReadAllLines(options.TsvPath!);
        Assert.Equal(2, rows.Length);
        Assert.Equal("EXG005\tsrc/Routing/Router.cs\t5\t37", string.Join('\t', rows[1].Split('\t').Take(4)));
        Assert.EndsWith("\tpublic int Shard(object key) => key.GetHashCode() % _count;", rows[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shipped_runs_the_analyzers_with_their_default_options_which_leave_the_threads_a_project_starts_itself_alone()
    {
        Write("src/Routing/Counter.cs", """
            using System.Threading;

            class Counter
            {
                private int _count;

                public void Start()
                {
                    for (int i = 0; i < 4; i++)
                        new Thread(() => { _count++; }) { IsBackground = true }.Start();
                }
            }
            """);
        var analyzers = AnalyzerAssembly.Analyzers(AnalyzerAssembly.Load(null));

        async Task<string[]> RuleIds(params string[] extra)
        {
            var options = EvaluationOptions.Parse([_root, "--runs", "1", "--warmup", "0", .. extra]);
            var result = await Measurement.RunAsync(options, CompilationSettings.Create(options), SourceFiles.Collect(options), analyzers);
            return result.Diagnostics.Select(d => d.Id).Order(StringComparer.Ordinal).ToArray();
        }

        Assert.Equal(["EXG001", "EXG005"], await RuleIds());
        Assert.Equal(["EXG005"], await RuleIds("--shipped"));
    }

    [Fact]
    public async Task Stand_in_handlers_are_a_web_app_s_actions_and_message_handlers_each_with_its_own_fields()
    {
        Write("src/Routing/Web.cs", """
            using System.Collections.Generic;
            using System.Threading.Tasks;

            public class ControllerBase { }
            public interface IRequestHandler<TRequest, TResponse> { Task<TResponse> Handle(TRequest request); }
            public sealed class NonActionAttribute : System.Attribute { }

            public sealed class Hits
            {
                private readonly Dictionary<string, int> _byKey = new();
                public void Add(string key) => _byKey[key] = _byKey.TryGetValue(key, out int n) ? n + 1 : 1;
            }

            public sealed class OrdersController : ControllerBase
            {
                private static int s_served;
                private readonly Hits _hits;
                private int _calls;
                public OrdersController(Hits hits) => _hits = hits;

                /// <summary>Counts a call.</summary>
                public int Get(string id) { _calls++; s_served++; _hits.Add(id); return _calls; }

                [NonAction]
                public void Helper() => s_served--;
            }

            public sealed class BackupController
            {
                private int _runs;
                public void Run() => _runs++;
            }

            public sealed class PingHandler : IRequestHandler<string, int>
            {
                private int _seen;
                public Task<int> Handle(string request) => Task.FromResult(++_seen);
            }

            public static class Startup
            {
                public static void Configure(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
                    Microsoft.Extensions.DependencyInjection.ServiceCollectionServiceExtensions.AddSingleton<Hits>(services);
            }

            namespace Microsoft.Extensions.DependencyInjection
            {
                public interface IServiceCollection { }

                public static class ServiceCollectionServiceExtensions
                {
                    public static IServiceCollection AddSingleton<TService>(this IServiceCollection services) where TService : class => services;
                }
            }
            """);
        var options = EvaluationOptions.Parse([_root, "--runs", "1", "--warmup", "0", "--shipped", "--stand-in-handlers"]);
        var result = await Measurement.RunAsync(options, CompilationSettings.Create(options), SourceFiles.Collect(options), AnalyzerAssembly.Analyzers(AnalyzerAssembly.Load(null)));

        // Get and Handle; not the constructor nor the [NonAction] helper, nor a class merely called a controller in a file
        // that does not use ASP.NET
        Assert.Equal(2, result.StandInHandlers);
        Assert.Empty(result.Errors);
        // The shared service (a singleton of the container) and the static counter are reported, on the lines of the file
        // as written (a marked line's columns move by the mark); the fields each request's controller or handler has to
        // itself are not.
        Assert.Equal(["EXG005 src/Routing/Router.cs:5", "EXG001 src/Routing/Web.cs:11", "EXG001 src/Routing/Web.cs:22"],
            result.Diagnostics.Select(d => $"{d.Id} {SourceFiles.Relative(_root, d.Location.SourceTree!.FilePath)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}"));
    }

    [Fact]
    public async Task Stand_in_handlers_are_also_a_minimal_api_s_endpoint_methods_and_a_hub_s_methods()
    {
        Write("src/Routing/Endpoints.cs", """
            using System.Threading.Tasks;
            using Microsoft.AspNetCore.Builder;
            using Microsoft.AspNetCore.Http;

            public class Hub { }

            public sealed class ChatHub : Hub
            {
                private int _messages;
                public void Send(string message) => _messages++;
            }

            public sealed class Api
            {
                private int _resets;
                public Task Reset(HttpContext context) { _resets++; return Task.CompletedTask; }
            }

            public sealed class Hits
            {
                private int _count;
                public int Add() => ++_count;
            }

            public static class OrderEndpoints
            {
                private static int s_served;

                public static void Map(IEndpointRouteBuilder app, Api api)
                {
                    app.MapGet("/orders", List);
                    app.MapGet("/count", () => Count());
                    app.MapPost("/reset", api.Reset);
                    app.MapGet("/hits", (Hits hits) => hits.Add());
                    app.MapGet("/inline", () => { s_served--; return s_served; });
                }

                public static int List() { s_served++; return s_served; }

                public static int Count() => s_served;
            }

            namespace Microsoft.AspNetCore.Http
            {
                public sealed class HttpContext { }

                public delegate Task RequestDelegate(HttpContext context);
            }

            namespace Microsoft.AspNetCore.Builder
            {
                public interface IEndpointRouteBuilder { }

                public static class EndpointRouteBuilderExtensions
                {
                    public static IEndpointRouteBuilder MapGet(this IEndpointRouteBuilder endpoints, string pattern, System.Delegate handler) => endpoints;
                    public static IEndpointRouteBuilder MapPost(this IEndpointRouteBuilder endpoints, string pattern, Http.RequestDelegate handler) => endpoints;
                }
            }
            """);
        var options = EvaluationOptions.Parse([_root, "--runs", "1", "--warmup", "0", "--shipped", "--stand-in-handlers"]);
        var result = await Measurement.RunAsync(options, CompilationSettings.Create(options), SourceFiles.Collect(options), AnalyzerAssembly.Analyzers(AnalyzerAssembly.Load(null)));

        // Send; List (a method group), Count (a lambda's one call) and Reset (a method group on an object made at start-up);
        // not Hits.Add, called on what the container hands the lambda, nor the longer lambda.
        Assert.Equal(4, result.StandInHandlers);
        Assert.Empty(result.Errors);
        // The static counter and the fields of the object the route holds are reported; the hub's own field is not (the
        // handlers' overload rule, EXG109, is left out here).
        Assert.Equal(["EXG001 src/Routing/Endpoints.cs:16", "EXG001 src/Routing/Endpoints.cs:38", "EXG005 src/Routing/Router.cs:5"],
            result.Diagnostics.Where(d => d.Id.StartsWith("EXG00", StringComparison.Ordinal))
                .Select(d => $"{d.Id} {SourceFiles.Relative(_root, d.Location.SourceTree!.FilePath)}:{d.Location.GetLineSpan().StartLinePosition.Line + 1}")
                .Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Collections_counts_what_the_collector_did_since_a_start()
    {
        var start = Collections.Now();
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        GC.Collect(1, GCCollectionMode.Forced, blocking: true);

        var since = Collections.Since(start);

        Assert.True(since.Gen0 >= 2, $"gen0 {since.Gen0}"); // a collection of generation 1 collects generation 0 too
        Assert.True(since.Gen1 >= 1, $"gen1 {since.Gen1}");
        Assert.True(since.PausedMs > 0, $"paused {since.PausedMs} ms");
    }

    [Fact]
    public void A_file_its_product_project_compiles_is_kept_whatever_its_folder_is_called()
    {
        // A client's transaction test hooks live under Internal/Test and are compiled into the product; a stray file in
        // another test folder of the tree, claimed by no project, is still left out.
        Write("src/Routing/Internal/Test/Hooks.cs", "namespace Routing.Internal.Test; public interface IHooks { }");
        Write("src/Routing/Internal/Test/Unused.cs", "namespace Routing.Internal.Test; public interface IUnused { }");
        var options = EvaluationOptions.Parse([_root]);
        string Full(string relative) => Path.GetFullPath(Path.Combine(_root, relative));
        var project = new MsBuildProject(Full("src/Routing/Routing.csproj"), TargetFramework.Parse("net8.0")!, null, "12", "enable", false, [], [], [], [], [],
            new HashSet<string> { Full("src/Routing/Router.cs"), Full("src/Routing/Plain.cs"), Full("src/Routing/Internal/Test/Hooks.cs") });

        var files = SourceFiles.Collect(options, [project]);

        Assert.Equal(["src/Routing/Internal/Test/Hooks.cs", "src/Routing/Plain.cs", "src/Routing/Router.cs"], files.Included.Select(f => SourceFiles.Relative(_root, f)));
        Assert.Equal(2, files.ExcludedCount); // src/Routing/Internal/Test/Unused.cs and src/Routing.Tests/RouterTests.cs
    }

    [Theory]
    [InlineData("Lucene.Net.TestFramework", true)]
    [InlineData("UnitTests", true)]
    [InlineData("integration-testing", true)]
    [InlineData("Quartz.Examples.Worker", true)]
    [InlineData("Benchmarks", true)]
    [InlineData("Latest", false)]
    [InlineData("Attestation", false)]
    [InlineData("Npgsql", false)]
    public void Folders_that_look_like_tests_benchmarks_samples_or_examples(string folder, bool nonProduct) =>
        Assert.Equal(nonProduct, SourceFiles.LooksNonProduct(folder));

    [Theory]
    [InlineData("net8.0", "NET;NET8_0;NET5_0_OR_GREATER;NET8_0_OR_GREATER;NETCOREAPP3_1_OR_GREATER", "12")]
    [InlineData(".NETCoreApp,Version=v10.0", "NET10_0;NET10_0_OR_GREATER", "14")]
    [InlineData("netstandard2.0", "NETSTANDARD;NETSTANDARD2_0;NETSTANDARD2_0_OR_GREATER", "7.3")]
    [InlineData("net462", "NETFRAMEWORK;NET462;NET461_OR_GREATER;NET462_OR_GREATER", "7.3")]
    public void Target_framework_symbols_and_default_language_version(string name, string someSymbols, string languageVersion)
    {
        var framework = TargetFramework.Parse(name)!;
        Assert.Empty(someSymbols.Split(';').Except(framework.PreprocessorSymbols()));
        Assert.Equal(languageVersion, framework.DefaultLanguageVersion);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
