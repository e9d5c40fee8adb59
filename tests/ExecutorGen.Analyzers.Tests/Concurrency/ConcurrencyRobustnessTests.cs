using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// Half-typed and mutated versions of code full of what the concurrency rules look at: no analyzer of the
/// assembly throws (AD0001). The generator project's mutation corpus runs these analyzers too (it takes every
/// analyzer of the assembly), but over handler code with few threads, locks and hashes in it.
/// </summary>
public class ConcurrencyRobustnessTests
{
    internal const string Source = """
        using System;
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public partial class Sessions
        {
            private readonly BlockingCollection<int> _queue = new();
            private readonly object _sync = new();
            private readonly List<string>[] _lanes = new List<string>[8];
            private bool _stopping;
            private int _count;
            private Timer? _timer;

            [RequestHandler(PartitionBy = nameof(userId))]
            public async Task Login(string userId, CancellationToken cancellationToken)
            {
                try { await Task.Delay(1, cancellationToken); _count++; }
                catch (Exception ex) { Console.WriteLine(ex); }
                var lane = _lanes[userId.GetHashCode() % _lanes.Length];
                int abs = Math.Abs(userId.GetHashCode()) % 8;
                Task.Run(() => _queue.Take()).Wait();
            }

            public void Start()
            {
                var t = new Thread(Run) { Name = "worker" };
                t.Start();
                new Thread(() => { while (!_stopping) Step(); }).Start();
                ThreadPool.QueueUserWorkItem(_ => Step());
                _timer = new Timer(_ => Step(), null, 0, 100);
                Task.Run(async () => await Task.Yield());
                Parallel.For(0, 4, i => { lock (_sync) _count += i; });
                void Local() => Step();
                new Thread(Local).Start();
            }

            public void Stop() => _stopping = true;

            private void Run()
            {
                while (!_stopping)
                {
                    if (_queue.TryTake(out int item, 500))
                        Step();
                    lock (_sync) Monitor.Wait(_sync);
                }
            }

            private void Step() => Interlocked.Increment(ref _count);

            private readonly object _other = new();
            private void Ab() { lock (_sync) lock (_other) _count++; }
            private void Ba() { lock (_other) lock (_sync) _count--; }

            public async void OnTick() => await Task.Yield();

            private void Held()
            {
                Monitor.Enter(_other);
                try { lock (_sync) Step(); }
                finally { Monitor.Exit(_other); }
                if (Monitor.TryEnter(_sync, 10)) { try { Ab(); } finally { Monitor.Exit(_sync); } }
                if (!Monitor.TryEnter(_other)) return;
                Console.WriteLine(_count);
                Monitor.Exit(_other);
            }

            private TaskCompletionSource<bool>? _done;
            private bool _healthy;
            public Action<object?> Work { get; set; } = _ => { };

            private sealed class Scratch
            {
                [ThreadStatic] private static Scratch? s_cached;
                private int _depth;
                public static Scratch Get() => s_cached ??= new Scratch();
                public void Enter() => _depth++;
            }

            private void Gate(Action action)
            {
                try { action(); }
                catch { _done = null; throw; }
            }

            protected virtual void Dispose(bool disposing)
            {
                if (!disposing) return;
                _done?.Task.Wait();
            }

            public void Pool() => ThreadPool.QueueUserWorkItem(_ =>
            {
                Gate(() => Work(null));
                Scratch.Get().Enter();
                _healthy = _done!.Task.Result;
                _healthy = false;
                Dispose(false);
            });
        }
        """;

    public static IEnumerable<string> Corpus()
    {
        for (int i = 1; i <= 60; i++)
            yield return Source.Substring(0, Source.Length * i / 61);
        foreach (char c in "{});(,=.!%")
        {
            var positions = Enumerable.Range(0, Source.Length).Where(i => Source[i] == c).ToList();
            foreach (int position in positions.Where((_, n) => n % Math.Max(1, positions.Count / 8) == 0).Take(8))
                yield return Source.Remove(position, 1);
        }
        foreach (var (from, to) in new[]
        {
            ("Thread(", "Thred("), ("Task.Run", "Task.Rn"), ("GetHashCode()", "GetHashCode"), ("Math.Abs", "Math.Ab"), ("lock (_sync)", "lock ()"),
            ("bool _stopping", "var _stopping"), ("async void", "async"), ("catch (Exception ex)", "catch (Exceptio ex)"), ("=> _stopping = true", "=> _stopping ="),
            ("using System.Threading;", ""), ("using System;", ""), ("Timer(", "Timer<T>("),
            ("Monitor.Enter(_other);", "Monitor.Enter();"), ("Monitor.Exit(_sync);", "Monitor.Exit(_sync"), ("if (!Monitor.TryEnter(_other))", "if (!Monitor.TryEnter(_other)"),
            ("throw; }", "throw }"), ("[ThreadStatic]", "[ThreadStatic"), ("Dispose(bool disposing)", "Dispose(bool)"), ("Dispose(false);", "Dispose(fals);"),
            ("public Action<object?> Work { get; set; }", "public Action<object?> Work { get; set }"), ("_done!.Task.Result", "_done!.Tsk.Result"),
        })
        {
            yield return Source.Replace(from, to);
        }
    }

    [Fact]
    public void The_corpus_has_over_a_hundred_mutations() => Assert.InRange(Corpus().Count(), 100, 400);

    [Fact]
    public async Task No_analyzer_throws_on_broken_concurrency_code()
    {
        var analyzers = typeof(HashRoutingAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var references = TestSetup.ReferencesWithExecutorGen;
        var failures = new ConcurrentQueue<string>();
        foreach (var (source, index) in Corpus().Select((s, i) => (s, i)))
        {
            var compilation = CSharpCompilation.Create(
                "Mutation" + index,
                new[] { CSharpSyntaxTree.ParseText(source) },
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
            var exceptions = new ConcurrentQueue<Exception>();
            var options = new CompilationWithAnalyzersOptions(
                global::ExecutorGen.Analyzers.RealCode.WidenedScope.On,
                onAnalyzerException: (exception, _, _) => exceptions.Enqueue(exception),
                concurrentAnalysis: false,
                logAnalyzerExecutionTime: false);
            var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
            if (!exceptions.IsEmpty || diagnostics.Any(d => d.Id == "AD0001"))
                failures.Enqueue($"#{index}: {exceptions.FirstOrDefault()?.ToString() ?? diagnostics.First(d => d.Id == "AD0001").ToString()}");
        }
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(3)));
    }

    [Fact]
    public async Task The_unmutated_source_gets_each_rule()
    {
        var analyzers = typeof(HashRoutingAnalyzer).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(t))
            .Select(t => (DiagnosticAnalyzer)Activator.CreateInstance(t)!)
            .ToImmutableArray();
        var references = TestSetup.ReferencesWithExecutorGen;
        var compilation = CSharpCompilation.Create("Unmutated", new[] { CSharpSyntaxTree.ParseText(Source) }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var diagnostics = await compilation.WithAnalyzers(analyzers, global::ExecutorGen.Analyzers.RealCode.WidenedScope.On).GetAnalyzerDiagnosticsAsync();
        var ids = diagnostics.Select(d => d.Id).ToHashSet();
        Assert.Subset(ids, new HashSet<string> { "EXG001", "EXG002", "EXG003", "EXG004", "EXG005", "EXG006", "EXG007", "EXG008" });
    }
}
