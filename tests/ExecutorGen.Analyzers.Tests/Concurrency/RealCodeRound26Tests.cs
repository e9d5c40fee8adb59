using System.Threading.Tasks;
using Xunit;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The twenty-sixth round of issue 14 (docs/analyzers-on-real-code.md, "Round 26"): EXG004 and what runs once per
/// shared object. The value factory of one constant key of a cache that requests share: Sonarr, Radarr, Lidarr and
/// Prowlarr load their localization with <c>_cache.Get("localization", () =&gt; GetDictionary(…).GetAwaiter()
/// .GetResult())</c> in a singleton: the wait runs when that one entry is missing (the first use, and after the cache is
/// cleared), as a lazy initialization does, which EXG004 already leaves out (round 10); all four reports were judged
/// false. And a wait in the lazy initialization of a
/// shared object's field, in the function that makes the store (ShokoServer's TMDB image server address, double-checked
/// under a lock), runs while the field is unset, at the first use. The must-not-flag tests failed before each change;
/// the companions (a key that varies, a request's own cache or object, a cache a call hands back, a call that is no
/// cache lookup, a wait after the lazy store or under a test of another field) stay reported.
/// </summary>
public class RealCodeRound26Tests
{
    private const string Localization = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + RealCodeRound10Tests.Registrations + """
        public interface ICached<T>
        {
            T Get(string key, Func<T> factory);
        }

        public interface IMemory
        {
            object Find(object key);
        }

        public static class MemoryExtensions
        {
            public static T GetOrCreate<T>(this IMemory memory, object key, Func<object, T> factory) => (T)(memory.Find(key) ?? factory(key));
            public static T Use<T>(this IMemory memory, object key, Func<object, T> factory) => factory(key);
        }

        public sealed class Localizer
        {
            private const string Key = "localization";
            private readonly ICached<Dictionary<string, string>> _cache;
            private readonly IMemory _memory;

            public Localizer(ICached<Dictionary<string, string>> cache, IMemory memory) => (_cache, _memory) = (cache, memory);

            private IMemory Memory => _memory;

            private ICached<Dictionary<string, string>> CacheOf(string user) => _cache;

            public string Localize(string phrase, string user)
            {
                var strings = LOOKUP;
                return strings.TryGetValue(phrase, out var text) ? text : phrase;
            }

            private static async Task<Dictionary<string, string>> LoadAsync(string file)
            {
                await Task.Delay(10);
                return new Dictionary<string, string>();
            }
        }

        public sealed class Phrases
        {
            private readonly Localizer _localizer;

            public Phrases(Localizer localizer) => _localizer = localizer;

            [RequestHandler(PartitionBy = nameof(user))]
            public string Greet(string user) => _localizer.Localize("hello", user);
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => services.REGISTER<Localizer, Localizer>();
        }
        """;

    private static WaitTest Lookup(string lookup, string register = "AddSingleton") =>
        new(Localization.Replace("LOOKUP", lookup).Replace("REGISTER", register));

    [Theory]
    [InlineData("""_cache.Get("localization", () => LoadAsync("en.json").GetAwaiter().GetResult())""")]
    [InlineData("""_cache.Get(Key, () => LoadAsync("en.json").Result)""")]
    [InlineData("""_memory.GetOrCreate(nameof(Localizer), key => LoadAsync("en.json").GetAwaiter().GetResult())""")]
    [InlineData("""Memory.GetOrCreate(7, key => { var task = LoadAsync("en.json"); task.Wait(); return task.Result; })""")]
    public Task A_wait_in_the_factory_of_one_constant_key_of_a_shared_cache_is_not_reported(string lookup) =>
        Lookup(lookup).RunAsync();

    // The factory runs for every user whose entry is missing: on requests, not once.
    [Fact]
    public Task A_wait_in_the_factory_of_a_key_that_varies_is_reported() =>
        Lookup("""_cache.Get(user, () => {|EXG004:LoadAsync(user + ".json").GetAwaiter().GetResult()|})""").RunAsync();

    // A scoped service's cache is made for each request: its entry is missing on every request.
    [Fact]
    public Task A_wait_in_the_factory_of_a_request_s_own_cache_is_reported() =>
        Lookup("""_cache.Get("localization", () => {|EXG004:LoadAsync("en.json").GetAwaiter().GetResult()|})""", register: "AddScoped").RunAsync();

    // A cache a method hands back (one per user, for all the walk knows): nothing says the entry outlives the request.
    [Fact]
    public Task A_wait_in_the_factory_of_a_cache_a_call_returns_is_reported() =>
        Lookup("""CacheOf(user).Get("localization", () => {|EXG004:LoadAsync("en.json").Result|})""").RunAsync();

    // Not a cache lookup: the lambda runs on every call.
    [Fact]
    public Task A_wait_in_a_lambda_handed_to_another_method_with_a_constant_is_reported() =>
        Lookup("""_memory.Use("localization", key => {|EXG004:LoadAsync("en.json").Result|})""").RunAsync();

    // A wait in the lazy initialization of a shared object's own field (ShokoServer's TMDB image server address, fetched
    // once and double-checked under a lock): it runs while the field is unset.
    private const string ImageServer = """
        using System;
        using System.Threading.Tasks;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + RealCodeRound10Tests.Registrations + """
        public sealed class ImageServer
        {
            private readonly object _sync = new();
            private string _url;
            private string _other;

            public string Url
            {
                get
                {
                    BODY
                }
            }

            private static async Task<string> FetchAsync()
            {
                await Task.Delay(10);
                return "https://images.example";
            }
        }

        public sealed class Posters
        {
            private readonly ImageServer _images;

            public Posters(ImageServer images) => _images = images;

            [RequestHandler(PartitionBy = nameof(id))]
            public string Poster(int id) => _images.Url + "/" + id;
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => services.REGISTER<ImageServer, ImageServer>();
        }
        """;

    private static WaitTest Images(string body, string register = "AddSingleton") =>
        new(ImageServer.Replace("BODY", body).Replace("REGISTER", register));

    [Theory]
    [InlineData("if (_url is not null) return _url; lock (_sync) { if (_url is not null) return _url; var fetched = FetchAsync().Result; return _url = fetched; }")]
    [InlineData("if (_url == null) { var fetched = FetchAsync().GetAwaiter().GetResult(); _url = fetched; } return _url;")]
    [InlineData("return _url ??= FetchAsync().Result;")]
    public Task A_wait_in_the_lazy_initialization_of_a_shared_object_s_field_is_not_reported(string body) =>
        Images(body).RunAsync();

    // A scoped service initializes its field once per request: the wait runs on every request.
    [Fact]
    public Task A_wait_in_the_lazy_initialization_of_a_request_s_own_object_is_reported() =>
        Images("if (_url == null) { var fetched = {|EXG004:FetchAsync().GetAwaiter().GetResult()|}; _url = fetched; } return _url;", register: "AddScoped").RunAsync();

    // After the store, the branch no longer makes the value the test is about.
    [Fact]
    public Task A_wait_after_the_lazy_store_is_reported() =>
        Images("if (_url == null) { _url = \"pending\"; {|EXG004:FetchAsync().Wait()|}; } return _url;").RunAsync();

    // A branch that tests another field runs for as long as that one is unset, whatever it stores.
    [Fact]
    public Task A_wait_under_a_test_of_another_field_is_reported() =>
        Images("if (_other == null) { _url = {|EXG004:FetchAsync().Result|}; } return _url;").RunAsync();
}
