using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The eleventh round of issue 14's false positives (docs/analyzers-on-real-code.md, "Round 11"): reports read for the
/// first time on three web applications the rules had never run on (Kavita, Sonarr, BTCPay Server). EXG004: the tasks
/// of a collection, all awaited with <c>Task.WhenAll</c>, then read one by one in a loop or a LINQ lambda. EXG001: a memo
/// whose early return tests the field with another condition is a lazy initialization; what a method's <c>this</c>
/// reaches is owned where <c>this</c> is (RacerD's owned prefix); an <c>out</c> parameter of a method of the compilation
/// hands out what is stored to it; a local declared without a value holds what its stores give it. Each must-not-flag
/// test failed before its change; each has companions that stay reported.
/// </summary>
public class RealCodeRound11Tests
{
    // BTCPay Server's rate previews: one fetch per currency pair, all awaited together, then each result read.
    private const string Rates = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Threading.Tasks;
        using ExecutorGen;

        public interface IRateSource
        {
            Task<int> FetchAsync(string pair);
        }

        public sealed class RatesController
        {
            private readonly IRateSource _source;

            public RatesController(IRateSource source) => _source = source;

            [RequestHandler(PartitionBy = nameof(store))]
            public async Task<int> Preview(string store, List<string> pairs, List<string> others)
            {
                var fetching = pairs.ToDictionary(p => p, p => _source.FetchAsync(p));
                var results = new List<(string Pair, Task<int> Rate)>();
                foreach (var pair in pairs)
                    results.Add((pair, _source.FetchAsync(pair)));
                var later = others.ToDictionary(p => p, p => _source.FetchAsync(p));
                int total = 0;
                BODY
                return total;
            }
        }
        """;

    [Theory]
    // The loop over the dictionary the awaited tasks came from.
    [InlineData("await Task.WhenAll(fetching.Values); foreach (var rate in fetching) total += rate.Value.Result;")]
    // An element of it, read in a LINQ lambda.
    [InlineData("await Task.WhenAll(fetching.Select(f => f.Value).ToArray()); total = pairs.Sum(p => fetching[p].GetAwaiter().GetResult());")]
    // The lambda's parameter, an element of the list the awaited tasks were projected from.
    [InlineData("await Task.WhenAll(results.Select(r => r.Rate)); total = results.Sum(r => r.Rate.Result);")]
    public Task The_tasks_of_a_collection_all_awaited_together_are_complete(string body) =>
        new WaitTest(Rates.Replace("BODY", body)).RunAsync();

    [Theory]
    // Read before the await.
    [InlineData("foreach (var rate in fetching) total += {|EXG004:rate.Value.Result|}; await Task.WhenAll(fetching.Values);")]
    // Another collection's tasks were awaited.
    [InlineData("await Task.WhenAll(later.Values); total = pairs.Sum(p => {|EXG004:fetching[p].GetAwaiter().GetResult()|});")]
    // Awaited one by one is not all of them: WhenAny returns when the first ends.
    [InlineData("await Task.WhenAny(results.Select(r => r.Rate)); total = results.Sum(r => {|EXG004:r.Rate.Result|});")]
    public Task The_tasks_of_a_collection_not_all_awaited_first_are_reported(string body) =>
        new WaitTest(Rates.Replace("BODY", body)).RunAsync();

    // Sonarr's front-end mappers: the page text, generated once in production and cached in a field of a singleton.
    private const string Mapper = """
        using System.IO;
        using ExecutorGen;

        public sealed class IndexHtmlMapper
        {
            private static readonly bool IsProduction = Path.GetTempPath().Length > 0;
            private string _generatedContent;

            [RequestHandler(PartitionBy = nameof(path))]
            public string Map(string path) => GetHtmlText();

            private string GetHtmlText()
            {
                TEST
                var text = File.ReadAllText("index.html").Replace("__URL_BASE__", "/");
                {|EXG010:_generatedContent = text|};
                return _generatedContent;
            }
        }
        """;

    [Theory]
    [InlineData("if (IsProduction && _generatedContent != null) return _generatedContent;")]
    [InlineData("if (_generatedContent is not null && IsProduction) { return _generatedContent; }")]
    public Task A_memo_returned_early_when_set_and_another_condition_holds_is_a_lazy_initialization(string test) =>
        new Test(Mapper.Replace("TEST", test).Replace("{|EXG010:_generatedContent = text|}", "_generatedContent = text")).RunAsync();

    [Theory]
    [InlineData("if (IsProduction) return _generatedContent;")] // not a test of the field: any store, any time
    [InlineData("if (IsProduction || _generatedContent != null) return _generatedContent;")] // returns also where it is null
    public Task A_store_after_an_early_return_that_does_not_need_the_field_set_is_reported(string test) =>
        new Test(Mapper.Replace("TEST", test)).RunAsync();

    // BTCPay Server's multi-value dictionary, made per request: each key's values are a collection object the
    // dictionary holds, found with TryGetValue.
    private const string MultiValues = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class MultiValueDictionary
        {
            private readonly Dictionary<string, InnerCollection> _dictionary = new Dictionary<string, InnerCollection>();
            private int _version;

            public void Add(string key, string value)
            {
                if (!_dictionary.TryGetValue(key, out var inner))
                {
                    inner = new InnerCollection();
                    _dictionary.Add(key, inner);
                }
                inner.AddValue(value);
                _version++;
            }

            public sealed class InnerCollection
            {
                private readonly List<string> _values = new List<string>();

                public void AddValue(string value) => _values.Add(value);
            }
        }

        public sealed class InvoiceController
        {
            private readonly MultiValueDictionary _shared = new MultiValueDictionary();

            [RequestHandler(PartitionBy = nameof(id))]
            public int MassAction(string id)
            {
                var parameters = MAKE;
                parameters.Add("outpoints[]", id);
                return 0;
            }
        }
        """;

    [Fact]
    public Task A_value_found_in_a_dictionary_of_the_requests_own_is_its_own() =>
        new Test(MultiValues.Replace("MAKE", "new MultiValueDictionary()")).RunAsync();

    [Fact]
    public Task A_value_found_in_a_shared_dictionary_is_shared() =>
        new Test(MultiValues.Replace("MAKE", "_shared")
            .Replace("_dictionary.Add(key, inner);", "{|EXG001:_dictionary.Add(key, inner)|};")
            .Replace("_version++;", "{|EXG001:_version++|};")
            .Replace("=> _values.Add(value);", "=> {|EXG001:_values.Add(value)|};")).RunAsync();

    // BTCPay Server's rate rules: parsed for the request by a Try-method of the compilation, through an overload.
    private const string Rules = """
        using ExecutorGen;

        public sealed class RateRules
        {
            private static readonly RateRules Default = new RateRules("BTC_USD = 1");
            private readonly string _text;
            private decimal _spread;

            private RateRules(string text) => _text = text;

            public decimal Spread
            {
                get => _spread;
                set => _spread = value;
            }

            public static bool TryParse(string text, out RateRules rules) => TryParse(text, out rules, out _);

            public static bool TryParse(string text, out RateRules rules, out string error)
            {
                rules = null;
                error = null;
                if (text.Length == 0)
                {
                    error = "empty";
                    return false;
                }
                rules = MADE;
                return true;
            }
        }

        public sealed class InvoiceController
        {
            [RequestHandler(PartitionBy = nameof(store))]
            public decimal Refund(string store, string script)
            {
                if (!RateRules.TryParse(script, out var rules))
                    return 0;
                rules.Spread = 0.01m;
                return rules.Spread;
            }
        }
        """;

    [Fact]
    public Task An_object_a_method_of_the_compilation_makes_for_its_out_parameter_is_the_callers_own() =>
        new Test(Rules.Replace("MADE", "new RateRules(text)")).RunAsync();

    [Fact]
    public Task An_object_a_method_of_the_compilation_hands_out_from_a_field_is_shared() =>
        new Test(Rules.Replace("MADE", "Default").Replace("set => _spread = value;", "set => {|EXG010:_spread = value|};")).RunAsync();

    // Sonarr's paged queries: the SQL template a local is given in one branch or the other, declared before them.
    private const string Paging = """
        using ExecutorGen;

        public sealed class Template
        {
            private readonly string _sql;
            private int _resolved;

            public Template(string sql) => _sql = sql;

            public string RawSql
            {
                get
                {
                    _resolved++;
                    return _sql.Trim();
                }
            }
        }

        public sealed class BlocklistController
        {
            private readonly Template _shared = new Template("SELECT COUNT(*) FROM Blocklist");

            [RequestHandler(PartitionBy = nameof(id))]
            public string Count(int id, string custom)
            {
                Template sql;
                if (custom != null)
                    sql = new Template(custom);
                else
                    sql = OTHER;
                return sql.RawSql;
            }
        }
        """;

    [Fact]
    public Task A_local_declared_first_and_given_new_objects_in_each_branch_is_the_requests_own() =>
        new Test(Paging.Replace("OTHER", "new Template(\"SELECT COUNT(*) FROM Blocklist\")")).RunAsync();

    [Fact]
    public Task A_local_declared_first_and_given_a_shared_object_in_one_branch_is_reported() =>
        new Test(Paging.Replace("OTHER", "_shared").Replace("_resolved++;", "{|EXG001:_resolved++|};")).RunAsync();
}
