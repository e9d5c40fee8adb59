using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The seventeenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 17"): object-level evidence. In a handler's
/// code EXG001 reports a field of an object only where the path from the handler shows that object shared: a static
/// holds it, the container's singleton is it, an object shown shared holds it, returns it, hands it out through an
/// <c>out</c> parameter or keeps it when handed it, or a lambda handed out to run later captures it. Before, an object the
/// ownership inference could not prove the request's own counted as shared wherever its class was held by something
/// shared somewhere; on the judged web applications that was EXG001's largest false group (62 of 127 false reports:
/// entities and helpers a request builds). Each must-not-flag test failed before the change; each must-flag companion is
/// the same shape where the path does show the object shared (the real reports of Jackett, ErsatzTV, ShokoServer and
/// BTCPay Server in small).
/// </summary>
public class RealCodeRound17Tests
{
    // Smartstore's media service: each request gets a media file made for it, through a factory the service holds; the
    // class is also cached by a static thumbnail table, so the class-level gate alone lets it through.
    private const string Media = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + RealCodeRound10Tests.Registrations + """
        public sealed class MediaFile
        {
            private int _views;

            public void Touch() => MARK;
        }

        public static class Thumbnails
        {
            public static readonly Dictionary<int, MediaFile> Cache = new Dictionary<int, MediaFile>();
        }

        public interface IMediaService
        {
            MediaFile Get(int id);

            bool TryGet(int id, out MediaFile file);
        }

        public sealed class MediaService : IMediaService
        {
            private readonly Func<int, MediaFile> _load = id => new MediaFile();
            private readonly Dictionary<int, MediaFile> _files = new Dictionary<int, MediaFile>();

            public MediaFile Get(int id) => GET;

            public bool TryGet(int id, out MediaFile file)
            {
                TRY;
                return true;
            }
        }

        public sealed class MediaController
        {
            [ThreadConfined] private readonly IMediaService _media;

            public MediaController(IMediaService media) => _media = media;

            [RequestHandler(PartitionBy = nameof(id))]
            public void Show(int id)
            {
                BODY;
            }
        }

        public static class Startup
        {
            public static void Configure(IServiceCollection services) => services.AddSingleton<IMediaService, MediaService>();
        }
        """;

    private static string Source(string get, string tryGet, string body, bool reported) => Media
        .Replace("GET", get).Replace("TRY", tryGet).Replace("BODY", body).Replace("MARK", reported ? "{|EXG001:_views++|}" : "_views++");

    [Fact]
    public Task What_a_service_makes_through_a_factory_is_not_shown_shared() =>
        new Test(Source("_load(id)", "file = _load(id)", "_media.Get(id).Touch()", reported: false)).RunAsync();

    [Fact]
    public Task What_a_service_hands_out_through_out_from_a_factory_is_not_shown_shared() =>
        new Test(Source("_load(id)", "file = _load(id)", "if (_media.TryGet(id, out var file)) file.Touch()", reported: false)).RunAsync();

    [Fact]
    public Task A_local_holding_what_a_service_makes_is_not_shown_shared() =>
        new Test(Source("_load(id)", "file = _load(id)", "var file = _media.Get(id); file.Touch()", reported: false)).RunAsync();

    // The companions: the same calls where the object comes from a static or from what the singleton holds.
    [Fact]
    public Task An_object_a_static_holds_is_reported() =>
        new Test(Source("_load(id)", "file = _load(id)", "Thumbnails.Cache[id].Touch()", reported: true)).RunAsync();

    [Fact]
    public Task What_a_singleton_returns_of_a_static_is_reported() =>
        new Test(Source("Thumbnails.Cache[id]", "file = _load(id)", "_media.Get(id).Touch()", reported: true)).RunAsync();

    // Jackett's indexer manager: the element of the singleton's dictionary, through an interface.
    [Fact]
    public Task What_a_singleton_returns_of_its_own_dictionary_is_reported() =>
        new Test(Source("_files[id]", "file = _load(id)", "var file = _media.Get(id); file.Touch()", reported: true)).RunAsync();

    // ErsatzTV's segmenter service: TryGetWorker(channel, out var worker) from the singleton's dictionary.
    [Fact]
    public Task What_a_singleton_hands_out_through_out_of_its_own_dictionary_is_reported() =>
        new Test(Source("_load(id)", "_files.TryGetValue(id, out file)", "if (_media.TryGet(id, out var file)) file.Touch()", reported: true)).RunAsync();

    // ErsatzTV's HLS session: a request makes the worker, hands it to what keeps it for other requests, then runs it,
    // while another request resets what it finds kept (round 22: the run races that request).
    [Fact]
    public Task An_object_kept_in_a_static_list_is_shared_from_there_on() =>
        new Test(Source("_load(id)", "file = _load(id)", "var file = new MediaFile(); Keep(file); file.Touch()", reported: true)
            .Replace("public void Touch()", "public void Reset() => _views = 0;\n\n    public void Touch()")
            .Replace("[RequestHandler", "private static readonly System.Collections.Concurrent.ConcurrentBag<MediaFile> s_kept = new System.Collections.Concurrent.ConcurrentBag<MediaFile>();\n\n    private static void Keep(MediaFile file) => s_kept.Add(file);\n\n    [RequestHandler(PartitionBy = nameof(id))]\n    public void Forget(int id) { foreach (var kept in s_kept) kept.Reset(); }\n\n    [RequestHandler")).RunAsync();

    // A class that takes a lock is not reported wherever its object comes from: the lock says some object of the class
    // is shared, not that the one the path reached is (round 24, RealCodeRound24Tests; until then this case was reported).
    [Fact]
    public Task A_class_that_takes_a_lock_is_not_reported_for_what_a_factory_makes() =>
        new Test(Source("_load(id)", "file = _load(id)", "_media.Get(id).Touch()", reported: false)
            .Replace("public void Touch() => _views++;", "public void Touch() => _views++;\n\n    public int Views() { lock (this) return _views; }")).RunAsync();

    // From the round's first read (ArchiSteamFarm's cacheable values): a semaphore waited for in a try whose every catch
    // leaves the function guards the rest of the block, as `await _gate.WaitAsync(); try { … } finally { Release(); }` does.
    private const string Cacheable = """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Cacheable
        {
            private readonly SemaphoreSlim _gate = new SemaphoreSlim(1, 1);
            private string _value;
            private int _loads;

            [RequestHandler(PartitionBy = nameof(key))]
            public async Task<string> Get(string key, CancellationToken token)
            {
                try
                {
                    await _gate.WaitAsync(token);
                }
                catch (OperationCanceledException)
                {
                    CATCH
                }
                try
                {
                    LOAD;
                    return _value;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        """;

    [Fact]
    public Task A_semaphore_waited_for_in_a_try_whose_catches_leave_guards_what_follows() =>
        new Test(Cacheable.Replace("CATCH", "return null;").Replace("LOAD", "_value = key; _loads++")).RunAsync();

    [Fact]
    public Task A_semaphore_waited_for_in_a_try_whose_catch_goes_on_guards_nothing_after_it() =>
        new Test(Cacheable.Replace("CATCH", "Console.WriteLine(\"cancelled\");").Replace("LOAD", "{|EXG010:_value = key|}; {|EXG001:_loads++|}")).RunAsync();

    // From the same read (its web session's Initialized flag): a bool tested again and again while waiting for another
    // thread to set it under its lock decides afresh at each test; a reference tested and then used relies on it holding.
    private const string Waiting = """
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class WebSession
        {
            private readonly object _sync = new object();
            private bool _initialized;
            private string _token;

            public void Initialize(string token)
            {
                lock (_sync)
                {
                    _token = token;
                    _initialized = true;
                }
            }

            [RequestHandler(PartitionBy = nameof(key))]
            public async Task<int> Send(string key)
            {
                BODY
            }
        }
        """;

    [Fact]
    public Task A_bool_polled_while_waiting_for_it_is_not_reported() =>
        new Test(Waiting.Replace("BODY", """
            if (!_initialized)
            {
                for (int i = 0; i < 10 && !_initialized; i++)
                    await Task.Delay(100);
                if (!_initialized)
                    return 0;
            }
            return key.Length;
            """)).RunAsync();

    [Fact]
    public Task A_reference_tested_then_used_without_the_lock_is_reported() =>
        new Test(Waiting.Replace("BODY", """
            await Task.Yield();
            if ({|EXG010:_token|} == null)
                return 0;
            return _token.Length;
            """)).RunAsync();
}
