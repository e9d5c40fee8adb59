using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The eighth round of issue 14's false positives, from the same web applications as round 7 (docs/analyzers-on-real-code.md,
/// "Round 8"): entities a request loads, deserializes or is bound for itself. What a library method returns is its
/// caller's own, as Infer's RacerD takes it, unless it may be something the call reads from; a method of the compilation
/// returns its caller's own when all it returns is. Each must-not-flag test failed before its fix, and each has a
/// companion that stays reported.
/// </summary>
public class RealCodeRound8Tests
{
    // An order loaded per request through a repository interface, whose implementation deserializes it (a library
    // method's result) or reads it from a shared cache.
    private const string Orders = """
        using System.Collections.Generic;
        using System.IO;
        using System.Linq;
        using System.Text.Json;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Order
        {
            private readonly List<string> _items = new();
            private int _count;

            public void Add(string item)
            {
                ITEMS;
                COUNT;
            }
        }

        public interface IOrders
        {
            Task<Order> FindAsync(int id);
        }

        public sealed class FileOrders : IOrders
        {
            private readonly Dictionary<int, Order> _cache = new();

            public async Task<Order> FindAsync(int id)
            {
                var json = await File.ReadAllTextAsync(id + ".json");
                var order = JsonSerializer.Deserialize<Order>(json) ?? throw new InvalidDataException();
                return FIND;
            }
        }

        public sealed class Checkout
        {
            private readonly IOrders _orders = new FileOrders();
            private readonly List<Order> _recent = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public async Task Add(int id, string item)
            {
                var order = await _orders.FindAsync(id);
                order.Add(item);
                USE;
            }
        }
        """;

    private static string Flagged(string source) => source.Replace("ITEMS", "{|EXG001:_items.Add(item)|}").Replace("COUNT", "{|EXG001:_count++|}");

    private static string Silent(string source) => source.Replace("ITEMS", "_items.Add(item)").Replace("COUNT", "_count++");

    [Fact]
    public Task An_entity_a_repository_deserializes_for_the_request_is_its_own() =>
        new Test(Silent(Orders).Replace("FIND", "order").Replace("USE", "JsonSerializer.Deserialize<List<Order>>(\"[]\")!.First().Add(item)")).RunAsync();

    [Fact]
    public Task An_entity_a_repository_returns_from_a_shared_cache_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "_cache.GetValueOrDefault(id) ?? order").Replace("USE", "_ = 0")).RunAsync();

    [Fact]
    public Task An_entity_that_any_implementation_returns_from_a_field_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("USE", "_ = 0") + """

        public sealed class LastOrder : IOrders
        {
            private readonly Order _last = new();

            public Task<Order> FindAsync(int id) => Task.FromResult(_last);
        }
        """).RunAsync();

    [Fact]
    public Task The_elements_of_a_list_a_request_deserialized_are_its_own() =>
        new Test(Silent(Orders).Replace("FIND", "order").Replace("order.Add(item);", "")
            .Replace("USE", "foreach (var each in JsonSerializer.Deserialize<List<Order>>(\"[]\")!) each.Add(item)")).RunAsync();

    [Fact]
    public Task The_elements_of_a_shared_list_are_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "").Replace("USE", "foreach (var each in _recent) each.Add(item)")).RunAsync();

    // A local that held the request's own object and is then given a shared one (before round 8, the first store decided).
    [Fact]
    public Task A_local_given_a_shared_object_after_its_own_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "")
            .Replace("USE", "var mine = new Order(); mine = _recent[0]; mine.Add(item)")).RunAsync();

    [Fact]
    public Task A_local_given_a_shared_object_by_a_coalescing_store_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "")
            .Replace("USE", "Order? mine = null; mine ??= _recent[0]; mine.Add(item)")).RunAsync();

    [Fact]
    public Task A_local_set_by_a_call_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "")
            .Replace("USE", "Order? mine = null; _ = TryRecent(out mine); mine!.Add(item)")
            .Replace("private readonly List<Order> _recent = new();", "private readonly List<Order> _recent = new();\n\n    private bool TryRecent(out Order? order) { order = _recent[0]; return true; }")).RunAsync();

    [Fact]
    public Task An_element_of_a_shared_list_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "").Replace("USE", "_recent.First().Add(item)")).RunAsync();

    [Fact]
    public Task An_entity_read_through_a_reference_is_reported() =>
        new Test(Flagged(Orders).Replace("FIND", "order").Replace("order.Add(item);", "").Replace("private readonly List<Order> _recent = new();", "private Order _last = new();")
            .Replace("USE", "System.Threading.Volatile.Read(ref _last).Add(item)")).RunAsync();

    // The request's own arguments: a model bound for one request and handed to its handler, against a shared template.
    private const string Requests = """
        using ExecutorGen;

        public sealed class Subscription
        {
            private int _seats;

            public void Normalize() => _seats = _seats < 1 ? 1 : _seats;
        }

        public sealed class Billing
        {
            private readonly Subscription _template = new();
            private readonly System.IServiceProvider _services = null!;

            [RequestHandler(PartitionBy = nameof(org))]
            public void Update(string org, Subscription model) => CALL;
        }
        """;

    [Fact]
    public Task A_handler_s_argument_is_its_request_s_own() => new Test(Requests.Replace("CALL", "model.Normalize()")).RunAsync();

    [Fact]
    public Task A_shared_object_a_handler_calls_on_is_reported() => new Test(Requests
        .Replace("CALL", "_template.Normalize()").Replace("=> _seats = _seats < 1 ? 1 : _seats", "=> {|EXG001:_seats = _seats < 1 ? 1 : _seats|}")).RunAsync();

    [Fact]
    public Task A_service_from_a_container_is_reported() => new Test(Requests
        .Replace("CALL", "((Subscription)_services.GetService(typeof(Subscription))!).Normalize()")
        .Replace("=> _seats = _seats < 1 ? 1 : _seats", "=> {|EXG001:_seats = _seats < 1 ? 1 : _seats|}")).RunAsync();

    // A fluent builder made for one request: its methods return this, so what they return is the request's own when
    // the builder is (RacerD's ownership conditional on the receiver), also through a reassignment of the local. Not
    // reported before either (a local's first store decided); this keeps it so now that every store counts.
    private const string Fluent = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class PlanChanges
        {
            private readonly List<string> _changes = new();

            public static PlanChanges Builder() => new();

            public PlanChanges Seats(int n)
            {
                ADD;
                return this;
            }

            public PlanChanges Storage(int n) => Seats(n);
        }

        public sealed class Upgrades
        {
            private readonly PlanChanges _pending = PlanChanges.Builder();

            [RequestHandler(PartitionBy = nameof(org))]
            public void Upgrade(string org, bool big)
            {
                var builder = START;
                builder = big ? builder.Seats(10) : builder.Storage(5);
                builder.Seats(1);
            }
        }
        """;

    [Fact]
    public Task A_fluent_builder_of_the_request_s_own_stays_its_own_through_its_calls() =>
        new Test(Fluent.Replace("START", "PlanChanges.Builder()").Replace("ADD", "_changes.Add(n.ToString())")).RunAsync();

    [Fact]
    public Task A_fluent_builder_that_is_shared_is_reported() =>
        new Test(Fluent.Replace("START", "_pending").Replace("ADD", "{|EXG001:_changes.Add(n.ToString())|}")).RunAsync();

    // A list replaced whole under a lock and read without it (jellyfin's network manager): copy-on-write, each read sees
    // one complete list. One also changed in place under the lock can be read while it changes.
    private const string Interfaces = """
        using System.Collections.Generic;
        using System.Linq;
        using ExecutorGen;

        public sealed class Network
        {
            private readonly object _sync = new();
            private List<string> _interfaces = new();

            [RequestHandler(PartitionBy = nameof(name))]
            public void Reload(string name)
            {
                lock (_sync)
                {
                    STORE;
                }
            }

            [RequestHandler(PartitionBy = nameof(address))]
            public string? Find(string address) => READ;
        }
        """;

    [Fact]
    public Task A_list_replaced_whole_under_a_lock_is_read_without_it() => new Test(Interfaces
        .Replace("STORE", "_interfaces = new List<string> { name }").Replace("READ", "_interfaces.FirstOrDefault(x => x == address)")).RunAsync();

    [Fact]
    public Task A_list_changed_in_place_under_a_lock_and_read_without_it_is_reported() => new Test(Interfaces
        .Replace("STORE", "_interfaces.Add(name)").Replace("READ", "{|EXG010:_interfaces.FirstOrDefault(x => x == address)|}")).RunAsync();

    // Idempotent lazy initialization in a shared service (jellyfin's plugin manager, bitwarden's entities): racing
    // requests each compute a value and one store wins. One that owns a resource (a timer: jellyfin's session manager)
    // is made twice and one copy keeps running.
    private const string Lazy = """
        using System;
        using System.Threading;
        using ExecutorGen;

        public interface IClients { }

        public sealed class Plugins
        {
            private readonly object _sync = new();
            private IClients? _clients;
            private Version? _version;
            private Timer? _idle;

            private static IClients Resolve() => null!;

            [RequestHandler(PartitionBy = nameof(name))]
            public string Describe(string name, string text)
            {
                CLIENTS;
                if (_version is null)
                    VERSION;
                TIMER;
                return name;
            }

            OTHER
        }
        """;

    [Fact]
    public Task An_idempotent_lazy_initialization_is_not_reported() => new Test(Lazy
        .Replace("CLIENTS", "_clients ??= Resolve()").Replace("VERSION", "_version = Version.Parse(text)").Replace("TIMER", "_ = 0").Replace("OTHER", "")).RunAsync();

    [Fact]
    public Task A_lazy_initialization_of_a_resource_is_reported() => new Test(Lazy
        .Replace("CLIENTS", "_ = 0").Replace("VERSION", "_ = 0").Replace("TIMER", "{|EXG001:_idle ??= new Timer(_ => { })|}").Replace("OTHER", "")).RunAsync();

    [Fact]
    public Task A_lazy_initialization_of_a_field_a_lock_guards_elsewhere_is_reported() => new Test(Lazy
        .Replace("CLIENTS", "{|EXG001:_clients ??= Resolve()|}").Replace("VERSION", "_ = 0").Replace("TIMER", "_ = 0")
        .Replace("OTHER", "public void Reset() { lock (_sync) _clients = null; }")).RunAsync();

    // A handler hands its request to a helper, which changes what the request holds (bitwarden's subscription update):
    // the helper's parameter is the request's own along that call, and so is what it reaches (RacerD's owned prefix).
    private const string Passed = """
        using ExecutorGen;

        public sealed class Seats
        {
            private int _count;

            public void Normalize() => _count = _count < 0 ? 0 : _count;
        }

        public sealed class SubscriptionUpdate
        {
            public Seats Seats { get; set; } = new();
        }

        public sealed class Subscriptions
        {
            private readonly SubscriptionUpdate _defaults = new();

            [RequestHandler(PartitionBy = nameof(org))]
            public void Post(string org, SubscriptionUpdate model) => Apply(ARGUMENT);

            private static void Apply(SubscriptionUpdate update) => update.Seats.Normalize();
        }
        """;

    [Fact]
    public Task What_a_handler_s_argument_holds_is_its_request_s_own_in_a_helper() => new Test(Passed.Replace("ARGUMENT", "model")).RunAsync();

    [Fact]
    public Task What_a_shared_object_holds_is_reported_in_a_helper() => new Test(Passed.Replace("ARGUMENT", "_defaults")
        .Replace("=> _count = _count < 0 ? 0 : _count", "=> {|EXG001:_count = _count < 0 ? 0 : _count|}")).RunAsync();
}
