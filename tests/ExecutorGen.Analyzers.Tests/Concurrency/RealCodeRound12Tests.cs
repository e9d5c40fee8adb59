using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twelfth round of issue 14's false positives (docs/analyzers-on-real-code.md, "Round 12"): reports read for the
/// first time on four more web applications (Jackett, Ombi, ErsatzTV, ShokoServer). EXG001: a lazy initialization
/// written out as <c>_x ?? (_x = Make())</c>; a string field tested with <c>string.IsNullOrEmpty</c>; a cache made again
/// where it is null, expired or forced; a fluent builder of the request's own. EXG004: the task <c>Task.WhenAny</c>
/// returned, compared with the one read. Each must-not-flag test failed before its change; each has companions that
/// stay reported, and real reports of those applications (a static flag that requests share, an indexer's lookup
/// tables filled by its first queries) are here as must-flag cases.
/// </summary>
public class RealCodeRound12Tests
{
    // Ombi's singletons and settings memos, Jackett's file-name characters: `??=` written out.
    private const string Memos = """
        using System.IO;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Settings { public string Name { get; set; } }

        public sealed class Scheduler
        {
            private static Scheduler s_instance;
            public static Scheduler Instance => s_instance ?? (s_instance = new Scheduler());
        }

        public sealed class SearchEngine
        {
            private static char[] s_invalids;
            private static Timer s_timer;
            private Settings _settings;
            private Settings _other;

            [RequestHandler(PartitionBy = nameof(text))]
            public async Task<string> Search(string text)
            {
                var scheduler = Scheduler.Instance;
                var settings = await GetSettingsAsync();
                return Clean(text) + settings.Name + BODY;
            }

            private static string Clean(string text)
            {
                var invalids = s_invalids ?? (s_invalids = Path.GetInvalidFileNameChars());
                return text.Trim(invalids);
            }

            private async Task<Settings> GetSettingsAsync() => _settings ?? (_settings = await LoadAsync());

            private static Task<Settings> LoadAsync() => Task.FromResult(new Settings());
        }
        """;

    [Fact]
    public Task A_lazy_initialization_written_out_with_a_coalesce_is_not_reported() =>
        new Test(Memos.Replace("BODY", "\"\"")).RunAsync();

    [Theory]
    // The coalesce tests another field: the store is not made only where the field is null.
    [InlineData("(_other ?? ({|EXG010:_settings = new Settings()|})).Name + _settings.Name")]
    // The store is the coalesce's left operand: made at every call.
    [InlineData("(({|EXG010:_settings = new Settings()|}) ?? _other).Name + _settings.Name")]
    // A value that owns a resource is made twice and one copy keeps running.
    [InlineData("(s_timer ?? ({|EXG010:s_timer = new Timer(_ => { })|})).GetHashCode()")]
    public Task A_coalesce_that_is_no_lazy_initialization_is_reported(string body) =>
        new Test(Memos.Replace("BODY", body)).RunAsync();

    // Ombi's Plex API: the application name, read from settings on first use.
    private const string Name = """
        using ExecutorGen;

        public sealed class PlexApi
        {
            private string _app;
            private string _other;

            [RequestHandler(PartitionBy = nameof(user))]
            public string SignIn(string user) => user + ApplicationName;

            private string ApplicationName
            {
                get
                {
                    TEST
                    {
                        {|EXG010:_app = user.Length > 0 ? "Ombi" : "Plex"|};
                    }
                    return _app;
                }
            }

            private string user => _other ?? "";
        }
        """;

    [Theory]
    [InlineData("if (string.IsNullOrEmpty(_app))")]
    [InlineData("if (String.IsNullOrWhiteSpace(_app))")]
    [InlineData("if (!string.IsNullOrEmpty(_app)) return _app; if (true)")]
    public Task A_string_field_set_where_it_is_null_or_empty_is_a_lazy_initialization(string test) =>
        new Test(Name.Replace("TEST", test).Replace("{|EXG010:_app = user.Length > 0 ? \"Ombi\" : \"Plex\"|}", "_app = user.Length > 0 ? \"Ombi\" : \"Plex\"")
            .Replace("using ExecutorGen;", "using System;\nusing ExecutorGen;")).RunAsync();

    [Theory]
    [InlineData("if (string.IsNullOrEmpty(_other))")] // tests another field
    [InlineData("if (string.IsNullOrEmpty(user))")] // a property, which may read anything
    [InlineData("if (!string.IsNullOrEmpty(_app))")] // stores where it is set
    public Task A_store_under_another_string_test_is_reported(string test) =>
        new Test(Name.Replace("TEST", test)).RunAsync();

    // Ombi's request engines: the requests list, loaded again when empty or older than a minute.
    private const string Expiring = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class User { public int Id { get; set; } }

        public sealed class RequestEngine
        {
            private const long Expiry = 600_000_000;
            private Dictionary<int, string> _requests;
            private long _cacheTime;
            private User _user;

            [RequestHandler(PartitionBy = nameof(id))]
            public string Find(int id)
            {
                var now = DateTime.Now.Ticks;
                if (TEST)
                {
                    STORE;
                    _cacheTime = now; // a clock reading: last one wins (round 21)
                }
                return _requests.TryGetValue(id, out var name) ? name : _user?.Id.ToString();
            }
        }
        """;

    [Theory]
    [InlineData("_requests == null || now - _cacheTime > Expiry")]
    [InlineData("(now - _cacheTime > Expiry) || _requests is null")]
    public Task A_cache_made_again_where_it_is_null_or_expired_is_a_lazy_initialization(string test) =>
        new Test(Expiring.Replace("TEST", test).Replace("STORE", "_requests = new Dictionary<int, string> { [1] = \"a\" }")).RunAsync();

    [Theory]
    // The other condition reads the field: one request's object is kept for the next (check-then-act on a key).
    [InlineData("_user == null || _user.Id != id || now - _cacheTime > Expiry", "{|EXG010:_user = new User { Id = id }|}")]
    // Where the field is set, too: not a test that it is null.
    [InlineData("_requests == null && now - _cacheTime > Expiry || id > 0", "{|EXG010:_requests = new Dictionary<int, string>()|}")]
    public Task A_store_under_a_test_that_does_not_hold_only_where_the_field_is_null_or_stale_is_reported(string test, string store) =>
        new Test(Expiring.Replace("TEST", test).Replace("STORE", store)).RunAsync();

    // ShokoServer's Plex helper (a real report, which round 11's memo with another condition had hidden): a PIN kept
    // while it has not expired, the expiry read from the field itself, so two logins at once each store a new PIN.
    [Theory]
    [InlineData("if (_key != null && _key.ExpiresAt > DateTime.Now) return _key;")]
    [InlineData("if (_key is not null && !(_key.ExpiresAt <= DateTime.Now)) { return _key; }")]
    public Task A_memo_whose_other_condition_reads_the_field_is_reported(string test) =>
        new Test("""
            using System;
            using ExecutorGen;

            public sealed class PlexKey { public DateTime ExpiresAt { get; set; } public int Id { get; set; } }

            public sealed class PlexController
            {
                private PlexKey _key;

                [RequestHandler(PartitionBy = nameof(user))]
                public int LoginUrl(string user) => GetPlexKey().Id;

                private PlexKey GetPlexKey()
                {
                    TEST
                    {|EXG010:_key = new PlexKey { ExpiresAt = DateTime.Now.AddMinutes(15), Id = Environment.TickCount }|};
                    return _key;
                }
            }
            """.Replace("TEST", test)).RunAsync();

    // ShokoServer's cached entities: a list loaded on first use, or again when the caller forces it.
    private const string Refresh = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Episode
        {
            private IReadOnlyList<string> _titles;
            private IReadOnlyList<string> _overviews;

            public IReadOnlyList<string> GetAllTitles(bool force = false) => EXPRESSION;

            public int Count => _titles.Count + _overviews.Count;

            private static IReadOnlyList<string> Load() => new List<string> { "a" };
        }

        public sealed class EpisodeController
        {
            private readonly Episode _episode = new Episode();

            [RequestHandler(PartitionBy = nameof(id))]
            public int Titles(int id) => _episode.GetAllTitles(id > 10).Count + _episode.Count;
        }
        """;

    [Fact]
    public Task A_forced_refresh_beside_a_lazy_initialization_is_a_lazy_initialization() =>
        new Test(Refresh.Replace("EXPRESSION", "force ? _titles = Load() : _titles ??= Load()")).RunAsync();

    [Theory]
    // The condition reads the field: the store depends on what another request left there.
    [InlineData("_titles.Count > 0 ? {|EXG010:_titles = Load()|} : _titles ??= Load()")]
    // The other branch initializes another field (and the function reads the stored field back).
    [InlineData("(force ? {|EXG010:_titles = Load()|} : _overviews ??= Load()) == null ? _overviews : _titles")]
    public Task A_conditional_store_beside_no_lazy_initialization_of_the_field_is_reported(string expression) =>
        new Test(Refresh.Replace("EXPRESSION", expression)).RunAsync();

    // ErsatzTV's FFmpeg process and subtitle builders: made per call, configured through a fluent chain (each link
    // returns this), sometimes reassigned from a link of itself.
    private const string Builder = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class ProcessBuilder
        {
            private readonly List<string> _arguments = new List<string>();
            private string _filter = "";

            public ProcessBuilder(string path) => _arguments.Add(path);

            public ProcessBuilder With(string argument)
            {
                _arguments.Add(argument);
                _filter = _filter + argument;
                return this;
            }

            public string Build() => string.Join(" ", _arguments) + _filter;
        }

        public sealed class StreamHandler
        {
            private readonly ProcessBuilder _shared = new ProcessBuilder("ffmpeg");

            [RequestHandler(PartitionBy = nameof(channel))]
            public string Handle(string channel)
            {
                BODY
            }
        }
        """;

    [Theory]
    [InlineData("var builder = new ProcessBuilder(\"ffmpeg\").With(\"-threads\"); builder = builder.With(channel); if (channel.Length > 3) builder = builder.With(\"-pad\"); return builder.Build();")]
    [InlineData("return new ProcessBuilder(\"ffmpeg\").With(\"1\").With(\"2\").With(\"3\").With(\"4\").With(\"5\").With(\"6\").With(\"7\").With(\"8\").With(\"9\").With(\"10\").With(channel).Build();")]
    public Task A_builder_of_the_request_own_through_a_fluent_chain_is_not_reported(string body) =>
        new Test(Builder.Replace("BODY", body)).RunAsync();

    [Theory]
    // Reassigned from a link of the handler's shared builder.
    [InlineData("var builder = new ProcessBuilder(\"ffmpeg\"); builder = _shared.With(channel); return builder.Build();")]
    // A long chain on the shared builder.
    [InlineData("return _shared.With(\"1\").With(\"2\").With(\"3\").With(\"4\").With(\"5\").With(\"6\").With(\"7\").With(\"8\").With(\"9\").With(channel).Build();")]
    public Task A_shared_builder_configured_through_a_fluent_chain_is_reported(string body) =>
        new Test(Builder.Replace("BODY", body)
            .Replace("_arguments.Add(argument);", "{|EXG001:_arguments.Add(argument)|};")
            .Replace("_filter = _filter + argument;", "{|EXG001:_filter = _filter + argument|};")).RunAsync();

    // ShokoServer's media probe: run with a time limit, read only where it ended first.
    private const string Probe = """
        using System;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class MediaController
        {
            [RequestHandler(PartitionBy = nameof(file))]
            public async Task<int> Probe(string file, int minutes)
            {
                var probe = Task.Run(() => file.Length);
                var other = Task.Run(() => minutes);
                int found = 0;
                BODY
                return found;
            }
        }
        """;

    [Theory]
    [InlineData("var first = {|EXG004:Task.WhenAny(probe, Task.Delay(TimeSpan.FromMinutes(minutes))).Result|}; if (first == probe) found = probe.Result;")]
    [InlineData("var first = await Task.WhenAny(probe, other).ConfigureAwait(false); if (probe == first) { found = probe.GetAwaiter().GetResult(); }")]
    public Task The_task_WhenAny_returned_compared_with_the_one_read_is_complete(string body) =>
        new WaitTest(Probe.Replace("BODY", body)).RunAsync();

    [Theory]
    // Read where WhenAny returned another task.
    [InlineData("var first = await Task.WhenAny(probe, other); if (first != probe) found = {|EXG004:probe.Result|};")]
    // Compared with another task.
    [InlineData("var first = await Task.WhenAny(probe, other); if (first == other) found = {|EXG004:probe.Result|};")]
    // The local is given another task before the test.
    [InlineData("var first = await Task.WhenAny(probe, other); first = probe; if (first == probe) found = {|EXG004:probe.Result|};")]
    public Task A_task_not_known_to_be_the_one_WhenAny_returned_is_reported(string body) =>
        new WaitTest(Probe.Replace("BODY", body)).RunAsync();

    // Ombi's e-mail validator (a real report): a static flag each validation resets and a callback sets, shared by
    // concurrent requests, so one request's invalid address can pass and another's valid one fail.
    [Fact]
    public Task A_static_flag_reset_and_set_by_each_request_is_reported() =>
        new Test("""
            using System.Text.RegularExpressions;
            using ExecutorGen;

            public static class EmailValidator
            {
                private static bool s_invalid;

                public static bool IsValidEmail(string text)
                {
                    {|EXG010:s_invalid = false|};
                    text = Regex.Replace(text, "(@)(.+)$", Map);
                    if (s_invalid)
                        return false;
                    return text.Length > 3;
                }

                // A blind store (round 10): it reads nothing back, and the last store wins with a lock as without.
                private static string Map(Match match)
                {
                    if (match.Length > 253)
                        s_invalid = true;
                    return match.Value;
                }
            }

            public sealed class UserController
            {
                [RequestHandler(PartitionBy = nameof(email))]
                public bool CreateUser(string email) => EmailValidator.IsValidEmail(email);
            }
            """).RunAsync();

    // Jackett's TV indexer (a real report): lookup tables of a long-lived indexer, filled by whichever query finds them
    // empty; two first queries at once write one Dictionary together.
    [Fact]
    public Task Lookup_tables_filled_by_the_first_queries_of_a_shared_object_are_reported() =>
        new Test("""
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading.Tasks;
            using ExecutorGen;

            public sealed class TvIndexer
            {
                private readonly Dictionary<int, long> _imdbLookup = new Dictionary<int, long>();

                [RequestHandler(PartitionBy = nameof(query))]
                public async Task<long> Search(string query)
                {
                    if (!_imdbLookup.Any())
                        await PopulateAsync();
                    return _imdbLookup.TryGetValue(query.Length, out var id) ? id : 0;
                }

                private async Task PopulateAsync()
                {
                    await Task.Yield();
                    for (int i = 0; i < 10; i++)
                        {|EXG001:_imdbLookup[i] = i * 7|};
                }
            }
            """).RunAsync();
}
