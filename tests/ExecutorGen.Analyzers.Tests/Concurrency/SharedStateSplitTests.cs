using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// One judgment of shared state, two rules (docs/analyzers-on-real-code.md, round 27): EXG001 reports what breaks a
/// collection or loses an update (a change of a collection that is not thread-safe, one statement that reads and writes
/// the field) and is on by default; EXG010 reports the store of a whole value (also one made after a check of the field)
/// and the read without the lock, which on real code were worth fixing far less often, and is off unless the project
/// gives it a severity.
/// </summary>
public class SharedStateSplitTests
{
    // One handler class with every kind of access the rules judge: _last's value is read back (not a blind store), _history
    // is read and written by one statement, _peak is stored after a check of it (a read-modify-write spread over statements).
    private const string Handlers = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Sessions
        {
            private readonly object _sync = new();
            private readonly List<string> _names = new();
            private readonly Dictionary<string, int> _visits = new();
            private int _logins;
            private string _last = "";
            private int _total;
            private int _peak;
            private string _history = "";

            [RequestHandler(PartitionBy = nameof(userId))]
            public string Login(string userId)
            {
                _logins++;
                _names.Add(userId);
                _visits[userId] = 1;
                _last = userId;
                return _last;
            }

            [RequestHandler(PartitionBy = nameof(userId))]
            public void Add(string userId, int n)
            {
                lock (_sync)
                    _total = n;
            }

            [RequestHandler(PartitionBy = nameof(userId))]
            public int Total(string userId) => _total > 0 ? _total : 0;

            [RequestHandler(PartitionBy = nameof(userId))]
            public void Seen(string userId, int n)
            {
                _history = _history + userId;
                if (_peak < n)
                    _peak = n;
            }
        }
        """;

    [Fact]
    public Task Collection_changes_and_one_statement_read_modify_writes_are_EXG001_stores_of_a_whole_value_and_unlocked_reads_EXG010() =>
        new Test(Handlers
            .Replace("_logins++;", "{|EXG001:_logins++|};")
            .Replace("_names.Add(userId);", "{|EXG001:_names.Add(userId)|};")
            .Replace("_visits[userId] = 1;", "{|EXG001:_visits[userId] = 1|};")
            .Replace("_last = userId;", "{|EXG010:_last = userId|};")
            .Replace("=> _total > 0", "=> {|EXG010:_total|} > 0")
            .Replace("_history = _history + userId;", "{|EXG001:_history = _history + userId|};")
            .Replace("_peak = n;", "{|EXG010:_peak = n|};")).RunAsync();

    [Fact]
    public async Task EXG010_is_off_unless_the_project_gives_it_a_severity()
    {
        Assert.False(DiagnosticDescriptors.UnsynchronizedSharedValue.IsEnabledByDefault);
        Assert.True(DiagnosticDescriptors.UnguardedSharedState.IsEnabledByDefault);

        var asShipped = await Analyze(ImmutableDictionary<string, ReportDiagnostic>.Empty);
        Assert.Equal(new[] { "EXG001", "EXG001", "EXG001", "EXG001" }, asShipped);

        // dotnet_diagnostic.EXG010.severity = suggestion, as .editorconfig gives it
        var enabled = await Analyze(ImmutableDictionary<string, ReportDiagnostic>.Empty.Add("EXG010", ReportDiagnostic.Info));
        Assert.Equal(new[] { "EXG001", "EXG001", "EXG001", "EXG010", "EXG010", "EXG001", "EXG010" }, enabled);
    }

    [Fact]
    public Task The_lock_fix_applies_to_EXG010_too() =>
        new SharedStateFixTest("""
            using ExecutorGen;

            public sealed class Sessions
            {
                private string _last = "";

                [RequestHandler(PartitionBy = nameof(userId))]
                public string Login(string userId)
                {
                    {|EXG010:_last = userId|};
                    return _last;
                }
            }
            """, """
            using ExecutorGen;

            public sealed class Sessions
            {
                private readonly object _lock = new object();
                private string _last = "";

                [RequestHandler(PartitionBy = nameof(userId))]
                public string Login(string userId)
                {
                    lock (_lock)
                    {
                        _last = userId;
                    }

                    return _last;
                }
            }
            """).RunAsync();

    /// <summary>The shared-state diagnostics' ids, in source order, as a build with these severities reports them.</summary>
    private static async Task<string[]> Analyze(ImmutableDictionary<string, ReportDiagnostic> severities)
    {
        var references = TestSetup.ReferencesWithExecutorGen;
        var compilation = CSharpCompilation.Create("Sessions", new[] { CSharpSyntaxTree.ParseText(Handlers, path: "Sessions.cs") }, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, specificDiagnosticOptions: severities));
        var diagnostics = await compilation.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new WorkerCodeAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        return diagnostics.OrderBy(d => d.Location.SourceSpan.Start).Select(d => d.Id).ToArray();
    }
}
