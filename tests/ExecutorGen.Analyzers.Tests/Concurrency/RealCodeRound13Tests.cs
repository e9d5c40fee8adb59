using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The thirteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 13"): the paths behind ErsatzTV's scheduling
/// enumerators, traced. An object a request makes stays its own through a switch expression, a library's empty value
/// (<c>ImmutableArray&lt;T&gt;.Empty</c>, <c>Option&lt;T&gt;.None</c>), an element of a collection of its own, a
/// deconstructed element, a primary constructor's parameter, and a helper that returns what its parameter holds (RacerD's
/// ownership conditional on a formal). Two misses the ownership could hide are closed with it: an object handed on to
/// something others reach (a singleton's registry, a collection of a shared object, a static) is no longer the request's
/// own from there on, and a container singleton is shared whatever scoped service holds it. Then the classes of a first
/// read of four more applications (Smartstore, grandnode2, Piranha, Oqtane): Autofac's lifetimes are known as
/// Microsoft's are, and EXG004 knows a call told to run synchronously (<c>GetInternal(key, async: false)</c>) returns a
/// complete task. Each must-not-flag test failed before its change, each must-flag test was silent before its change,
/// and each has companions.
/// </summary>
public class RealCodeRound13Tests
{
    // ErsatzTV's playout builders: each build makes its enumerators and moves them along.
    private const string Enumerators = """
        using System.Collections.Generic;
        using System.Collections.Immutable;
        using ExecutorGen;

        public enum Order { Shuffle, Chronological }

        public sealed class Shuffled
        {
            private int _index;
            public void MoveNext() => MARK;
        }

        public sealed class Playout
        {
            private readonly List<Shuffled> _shared = new List<Shuffled>();
            private readonly Dictionary<string, Shuffled> _cache = new Dictionary<string, Shuffled>();

            [RequestHandler(PartitionBy = nameof(key))]
            public void Build(string key, Order order)
            {
                BODY;
            }

            private static Shuffled Make(Order order) => order switch
            {
                Order.Shuffle => new Shuffled(),
                Order.Chronological => Create(),
                _ => throw new System.ArgumentOutOfRangeException(nameof(order)),
            };

            private static Shuffled Create() => new Shuffled();

            private Shuffled MakeOrShared(Order order) => order switch
            {
                Order.Shuffle => new Shuffled(),
                _ => _shared[0],
            };

            private static ImmutableArray<Shuffled> Maybe(bool any) =>
                any ? ImmutableArray.Create(new Shuffled()) : ImmutableArray<Shuffled>.Empty;

            private static Shuffled Find(Dictionary<string, Shuffled> map, string key)
            {
                if (!map.TryGetValue(key, out var found))
                {
                    found = new Shuffled();
                    map.Add(key, found);
                }
                return found;
            }
        }
        """;

    private static string Silent(string body) => Enumerators.Replace("MARK", "_index++").Replace("BODY", body);

    private static string Reported(string body) => Enumerators.Replace("MARK", "{|EXG001:_index++|}").Replace("BODY", body);

    [Theory]
    // A factory that chooses with a switch expression: every arm is a new object.
    [InlineData("Make(order).MoveNext()")]
    // A library's empty value is a copy with nothing in it: the helper returns only the request's objects.
    [InlineData("foreach (var e in Maybe(key.Length > 0)) e.MoveNext()")]
    // An element of a list or array of the request's own.
    [InlineData("var list = new List<Shuffled> { new Shuffled() }; list[0].MoveNext()")]
    [InlineData("var array = new[] { new Shuffled() }; array[0].MoveNext()")]
    // A helper that returns what the dictionary it is given holds, given one of the request's own.
    [InlineData("Find(new Dictionary<string, Shuffled>(), key).MoveNext()")]
    // The parts of an element of a collection of the request's own.
    [InlineData("var pairs = new List<(string, Shuffled)> { (key, new Shuffled()) }; foreach (var (name, e) in pairs) e.MoveNext()")]
    public Task An_object_the_request_made_and_kept_to_itself_is_its_own(string body) =>
        new Test(Silent(body)).RunAsync();

    [Theory]
    // One arm hands out the shared list's element.
    [InlineData("MakeOrShared(order).MoveNext()")]
    // An element of the handler's own list, which every request reaches.
    [InlineData("_shared[0].MoveNext()")]
    // The same helper, given the handler's dictionary.
    [InlineData("Find(_cache, key).MoveNext()")]
    public Task An_object_other_requests_reach_is_reported(string body) =>
        new Test(Reported(body)).RunAsync();

    // ErsatzTV's YAML playout handlers: a build makes an enumerator cache and handlers that take it in a primary constructor.
    private const string PrimaryConstructors = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Enumerator
        {
            private int _index;
            public void MoveNext() => MARK;
        }

        public sealed class EnumeratorCache
        {
            private readonly Dictionary<string, Enumerator> _enumerators = new Dictionary<string, Enumerator>();

            public Enumerator Get(string key)
            {
                if (!_enumerators.TryGetValue(key, out var enumerator))
                {
                    enumerator = new Enumerator();
                    ADD;
                }
                return enumerator;
            }
        }

        public sealed class SkipHandler(EnumeratorCache cache)
        {
            public void Handle(string key) => cache.Get(key).MoveNext();
        }

        HANDLER
        """;

    private const string BuildsItsOwn = """
        public sealed class Builder
        {
            [RequestHandler(PartitionBy = nameof(key))]
            public void Build(string key) => new SkipHandler(new EnumeratorCache()).Handle(key);
        }
        """;

    // The handler object is one for all requests, and so is the cache its primary constructor holds.
    private const string SharesOne = """
        public sealed class Builder(EnumeratorCache cache)
        {
            [RequestHandler(PartitionBy = nameof(key))]
            public void Build(string key) => cache.Get(key).MoveNext();
        }
        """;

    [Fact]
    public Task What_a_primary_constructor_of_an_object_of_the_requests_own_holds_is_its_own() =>
        new Test(PrimaryConstructors.Replace("MARK", "_index++").Replace("ADD", "_enumerators.Add(key, enumerator)")
            .Replace("HANDLER", BuildsItsOwn)).RunAsync();

    [Fact]
    public Task What_a_primary_constructor_of_a_shared_object_holds_is_reported() =>
        new Test(PrimaryConstructors.Replace("MARK", "{|EXG001:_index++|}").Replace("ADD", "{|EXG001:_enumerators.Add(key, enumerator)|}")
            .Replace("HANDLER", SharesOne)).RunAsync();

    // ErsatzTV's HLS session: a request makes the session's worker, registers it with a singleton that other requests
    // ask for it, and starts it; another request finds it there and resets it (round 22: the run races that request, not
    // the run of another request that made a worker of its own).
    private const string Sessions = """
        using System.Collections.Concurrent;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Worker
        {
            private int _segments;
            public void Run() => MARK;
            public void Reset() => _segments = 0;
        }

        public sealed class SessionRegistry
        {
            private readonly ConcurrentDictionary<string, Worker> _workers = new ConcurrentDictionary<string, Worker>();
            public void AddOrUpdate(string id, Worker worker) => _workers.AddOrUpdate(id, _ => worker, (_, _) => worker);
            public Worker Find(string id) => _workers.TryGetValue(id, out var worker) ? worker : null;
        }

        public sealed class Streaming
        {
            private readonly SessionRegistry _registry = new SessionRegistry();
            private readonly ConcurrentDictionary<string, Worker> _workers = new ConcurrentDictionary<string, Worker>();
            private static Worker s_current;

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Start(string channel)
            {
                var worker = new Worker();
                BODY;
            }

            [RequestHandler(PartitionBy = nameof(channel))]
            public void Stop(string channel)
            {
                _registry.Find(channel)?.Reset();
                if (_workers.TryGetValue(channel, out var worker))
                    worker.Reset();
                s_current?.Reset();
            }

            private static void Validate(Worker worker) { }
        }
        """;

    [Theory]
    // Registered with the singleton every request asks (through a factory the dictionary calls), then run.
    [InlineData("_registry.AddOrUpdate(channel, worker); worker.Run()")]
    // Added to the handler's own dictionary, then run.
    [InlineData("_workers.TryAdd(channel, worker); worker.Run()")]
    // Published through a static, by reference.
    [InlineData("System.Threading.Interlocked.Exchange(ref s_current, worker); worker.Run()")]
    public Task An_object_handed_to_what_other_requests_reach_is_shared_from_there_on(string body) =>
        new Test(Sessions.Replace("MARK", "{|EXG001:_segments++|}").Replace("BODY", body)).RunAsync();

    [Theory]
    // Run before it is handed on: until then no other request has it.
    [InlineData("worker.Run(); _registry.AddOrUpdate(channel, worker)")]
    // Given to a helper that keeps it nowhere.
    [InlineData("Validate(worker); worker.Run()")]
    // Added to a list of the request's own.
    [InlineData("var mine = new List<Worker>(); mine.Add(worker); worker.Run()")]
    public Task An_object_kept_to_the_request_stays_its_own(string body) =>
        new Test(Sessions.Replace("MARK", "_segments++").Replace("BODY", body)).RunAsync();

    // ErsatzTV's graphics: a scoped engine is handed the font loader, a singleton, and loads fonts into it.
    private const string Fonts = """
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        namespace Microsoft.Extensions.DependencyInjection
        {
            public interface IServiceCollection { }

            public static class ServiceCollectionServiceExtensions
            {
                public static IServiceCollection AddSingleton<TService>(this IServiceCollection services) where TService : class => services;
                public static IServiceCollection AddScoped<TService>(this IServiceCollection services) where TService : class => services;
                public static IServiceCollection AddScoped<TService, TImplementation>(this IServiceCollection services) where TImplementation : class, TService => services;
            }
        }

        public sealed class FontLoader
        {
            private readonly HashSet<string> _loaded = new HashSet<string>();
            public void Load(string file) => MARK;
        }

        public interface IGraphicsEngine { void Run(string file); }

        public sealed class GraphicsEngine : IGraphicsEngine
        {
            private readonly FontLoader _fonts;
            public GraphicsEngine(FontLoader fonts) => _fonts = fonts;
            public void Run(string file) => _fonts.Load(file);
        }

        public static class Startup
        {
            public static void ConfigureServices(IServiceCollection services)
            {
                services.REGISTER<FontLoader>();
                services.AddScoped<IGraphicsEngine, GraphicsEngine>();
            }
        }

        public sealed class StreamController
        {
            private readonly IGraphicsEngine _engine;
            public StreamController(IGraphicsEngine engine) => _engine = engine;

            [RequestHandler(PartitionBy = nameof(file))]
            public void Stream(string file) => _engine.Run(file);
        }
        """;

    [Fact]
    public Task A_singleton_a_scoped_service_holds_is_shared() =>
        new Test(Fonts.Replace("MARK", "{|EXG001:_loaded.Add(file)|}").Replace("REGISTER", "AddSingleton")).RunAsync();

    [Fact]
    public Task A_scoped_service_a_scoped_service_holds_is_the_requests_own() =>
        new Test(Fonts.Replace("MARK", "_loaded.Add(file)").Replace("REGISTER", "AddScoped")).RunAsync();

    // Smartstore's services, registered with Autofac: most per lifetime scope (a request), a few single instances.
    private const string Autofac = """
        using System.Collections.Generic;
        using Autofac;
        using ExecutorGen;

        namespace Autofac
        {
            public class ContainerBuilder { }

            public interface IRegistrationBuilder<TLimit>
            {
                IRegistrationBuilder<TLimit> As<TService>();
                IRegistrationBuilder<TLimit> InstancePerLifetimeScope();
                IRegistrationBuilder<TLimit> InstancePerDependency();
                IRegistrationBuilder<TLimit> SingleInstance();
            }

            public static class RegistrationExtensions
            {
                public static IRegistrationBuilder<T> RegisterType<T>(this ContainerBuilder builder) => null;
            }
        }

        public interface ITaxService { decimal Rate(string country); }

        public sealed class TaxService : ITaxService
        {
            private readonly Dictionary<string, decimal> _rates = new Dictionary<string, decimal>();
            public decimal Rate(string country) => MARK;
        }

        public static class TaxStarter
        {
            public static void Register(ContainerBuilder builder) => builder.RegisterType<TaxService>().As<ITaxService>().LIFETIME();
        }

        public sealed class CheckoutController
        {
            private readonly ITaxService _tax;
            public CheckoutController(ITaxService tax) => _tax = tax;

            [RequestHandler(PartitionBy = nameof(country))]
            public decimal Confirm(string country) => _tax.Rate(country);
        }
        """;

    [Fact]
    public Task A_service_Autofac_makes_per_lifetime_scope_is_the_requests_own() =>
        new Test(Autofac.Replace("MARK", "_rates[country] = 0.2m").Replace("LIFETIME", "InstancePerLifetimeScope")).RunAsync();

    [Theory]
    [InlineData("SingleInstance")]
    [InlineData("InstancePerDependency")]
    public Task A_service_Autofac_shares_is_reported(string lifetime) =>
        new Test(Autofac.Replace("MARK", "{|EXG001:_rates[country] = 0.2m|}").Replace("LIFETIME", lifetime)).RunAsync();

    // Smartstore's cache and Npgsql's reader: one body for the sync and the async method, told which by a flag.
    private const string SyncTwins = """
        using System.Threading.Tasks;
        using ExecutorGen;

        public static class TaskExtensions
        {
            public static T Await<T>(this Task<T> task) => task.GetAwaiter().GetResult();
        }

        public sealed class Cache
        {
            public string Get(string key) => GetInternal(key, FLAG).Await();

            public Task<string> GetAsync(string key) => GetInternal(key, async: true);

            private async Task<string> GetInternal(string key, bool async)
            {
                var text = async ? await System.IO.File.ReadAllTextAsync(key) : System.IO.File.ReadAllText(key);
                return text.Trim();
            }
        }

        public sealed class PagesController
        {
            private readonly Cache _cache = new Cache();

            [RequestHandler(PartitionBy = nameof(key))]
            public string Get(string key) => _cache.Get(key);
        }
        """;

    [Fact]
    public Task A_wait_for_a_call_told_to_run_synchronously_is_not_reported() =>
        new WaitTest(SyncTwins.Replace("FLAG", "async: false")).RunAsync();

    // The same for a value task (Smartstore's cache: GetInternal(key, independent, false).Await()).
    [Fact]
    public Task A_wait_for_a_value_task_of_a_call_told_to_run_synchronously_is_not_reported() =>
        new WaitTest(SyncTwins.Replace("FLAG", "false")
            .Replace("public static T Await<T>(this Task<T> task)", "public static T Await<T>(this ValueTask<T> task)")
            .Replace("private async Task<string> GetInternal", "private async ValueTask<string> GetInternal")
            .Replace("public Task<string> GetAsync(string key) => GetInternal(key, async: true);", "public ValueTask<string> GetAsync(string key) => GetInternal(key, async: true);")).RunAsync();

    [Theory]
    [InlineData("async: true")]
    [InlineData("key.Length > 3")]
    public Task A_wait_for_a_call_that_may_run_asynchronously_is_reported(string flag) =>
        new WaitTest(SyncTwins.Replace("FLAG", flag).Replace("GetInternal(key, " + flag + ").Await()", "{|EXG004:GetInternal(key, " + flag + ").Await()|}")).RunAsync();

    // Smartstore's settings: the flag only chooses how the cache fills itself; the cache is awaited whatever it says.
    [Fact]
    public Task A_wait_for_a_call_that_awaits_whatever_its_flag_says_is_reported() =>
        new WaitTest(SyncTwins
            .Replace("var text = async ? await System.IO.File.ReadAllTextAsync(key) : System.IO.File.ReadAllText(key);",
                "var text = await System.IO.File.ReadAllTextAsync(async ? key : key + \".sync\");")
            .Replace("GetInternal(key, FLAG).Await()", "{|EXG004:GetInternal(key, async: false).Await()|}")).RunAsync();

    // Smartstore's flags: a property's traits and the host's kind, worked out on first use and kept in a nullable field.
    private const string Flags = """
        using ExecutorGen;

        public sealed class PropertyInfoCache
        {
            private static bool? s_isHosted;
            private bool? _isPublicSettable;
            private long? _size;
            private int? _count;

            public static bool IsHosted => s_isHosted ??= System.Environment.UserInteractive;

            public bool IsPublicSettable
            {
                get
                {
                    if (!_isPublicSettable.HasValue)
                    {
                        _isPublicSettable = System.Environment.ProcessorCount > 1;
                    }
                    return _isPublicSettable.Value;
                }
            }

            public long Size => SIZE;

            public int Count() => COUNT;
        }

        public sealed class ProductsController
        {
            private readonly PropertyInfoCache _cache = new PropertyInfoCache();

            [RequestHandler(PartitionBy = nameof(id))]
            public bool Get(int id) => PropertyInfoCache.IsHosted && _cache.IsPublicSettable && _cache.Size > id && _cache.Count() > 0;
        }
        """;

    [Fact]
    public Task A_nullable_flag_worked_out_on_first_use_is_not_reported() =>
        new Test(Flags.Replace("SIZE", "0").Replace("COUNT", "0")).RunAsync();

    [Theory]
    // Sixteen bytes, not stored in one move: a reader can see the flag without the value.
    [InlineData("(_size ??= System.Environment.TickCount64)", "0")]
    // Counted, not worked out once.
    [InlineData("0", "(_count = (_count ?? 0) + 1).Value")]
    public Task A_nullable_value_that_is_no_lazy_flag_is_reported(string size, string count) =>
        new Test(Flags.Replace("SIZE", size.Replace("_size ??= System.Environment.TickCount64", "{|EXG001:_size ??= System.Environment.TickCount64|}"))
            .Replace("COUNT", count.Replace("_count = (_count ?? 0) + 1", "{|EXG001:_count = (_count ?? 0) + 1|}"))).RunAsync();
}
