using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The sixteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 16"): a plain store of a field that no code
/// decides on. Of EXG001's reports on the twenty-one judged web applications, plain stores to fields were the largest
/// group and the least precise (45 real of 133); the real ones were check-then-act races (a field null-checked, compared,
/// tested, then used or set) and per-request state read back; the false ones, besides objects a request owns,
/// timestamps, values kept for display and references handed on whole, which no code tests. Each must-not-flag test
/// failed before the change; the must-flag companions are the shapes that keep a store reported: a test of the field
/// anywhere (also through a getter a caller tests, a call it is passed to, what it holds), an update from its own
/// value, a read after the store, and a field other objects can read. Then, from the round's first read: an event
/// aggregator's generic dispatch followed with the published event's type (Lidarr, Prowlarr; Sonarr and Radarr before),
/// and a scoped registration of another container (Cofoundry).
/// </summary>
public class RealCodeRound16Tests
{
    private const string Service = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class Status
        {
            public string Text { get; set; } = "";
        }

        public interface ILocker
        {
            DateTime LockedUntil();
        }

        public sealed class SessionService : ILocker
        {
            private DateTime _lastChangedAt;
            private Status _status = new();
            private string _token = "";
            private DateTime _lockedUntil;
            private long _total;
            internal DateTimeOffset _seen;

            public DateTime LastChangedAt => _lastChangedAt;

            public string Describe() => _status.Text + " since " + _lastChangedAt.ToString("O");

            public DateTime LockedUntil() => _lockedUntil;

        MEMBERS
        }

        public sealed class StatusController
        {
            private readonly SessionService _service = new();
            private readonly ILocker _locker = new SessionService();

            [RequestHandler(PartitionBy = nameof(id))]
            public string Get(int id) => _service.Describe() + _service.LastChangedAt.Ticks;

        CALLERS
        }
        """;

    private static Task Verify(string members, string callers = "") =>
        new Test(Service.Replace("MEMBERS", members).Replace("CALLERS", callers)).RunAsync();

    // Shoko's connectivity service: the time of the last change, kept for display. Eight bytes, so no blind store before.
    [Fact]
    public Task A_timestamp_kept_for_display_is_not_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public void Changed(int id, Status status)
            {
                _lastChangedAt = DateTime.UtcNow;
            }
        """);

    // A reference handed on whole, read before the store (logged) but never tested: the last store wins, with a lock as without.
    [Fact]
    public Task A_reference_read_before_the_store_but_never_tested_is_not_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public void Replace(int id, Status status)
            {
                Console.WriteLine("replacing " + _status.Text);
                _status = status;
                _token = status.Text;
            }

            public string Header() => "Bearer " + _token;
        """);

    // Larger than a word, so not a blind store: tested only by a caller of the interface method that returns it.
    [Fact]
    public Task A_field_a_caller_tests_through_an_interface_method_is_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public void Lock(int id) => {|EXG010:_lockedUntil = DateTime.UtcNow.AddMinutes(1)|};
        """, """
            public string Check() => _locker.LockedUntil() > DateTime.UtcNow ? "busy" : "free";
        """);

    // Each store reads the field first (so none is a blind store); only the field the check tests is reported.
    [Theory]
    [InlineData("string.IsNullOrEmpty(_token) ? \"none\" : _token", "_token")]
    [InlineData("_status?.Text ?? \"\"", "_status")]
    [InlineData("_status.Text.Length > 0 ? \"set\" : \"empty\"", "_status")]
    [InlineData("DateTime.UtcNow - _lastChangedAt > TimeSpan.FromMinutes(1) ? \"stale\" : \"fresh\"", "_lastChangedAt")]
    public Task A_field_tested_anywhere_is_reported(string test, string tested)
    {
        string Store(string field, string value) => field == tested ? $"{{|EXG010:{field} = {value}|}}" : $"{field} = {value}";
        return Verify($$"""
                [RequestHandler(PartitionBy = nameof(id))]
                public void Replace(int id, Status status)
                {
                    Console.WriteLine(_status.Text + _token);
                    {{Store("_status", "status")}};
                    {{Store("_token", "status.Text")}};
                    {{Store("_lastChangedAt", "DateTime.UtcNow.AddSeconds(id)")}};
                }

                public string Check() => {{test}};
            """);
    }

    // The per-request state kept in a shared object: the request reads back what it stored, another request may have
    // replaced it meanwhile.
    [Fact]
    public Task A_store_read_back_after_it_is_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public string Replace(int id, Status status)
            {
                Console.WriteLine(_status.Text);
                {|EXG010:_status = status|};
                return Render();
            }

            private string Render() => "<b>" + _status.Text + "</b>";
        """);

    // BTCPay Server's rate rules (round 11, real): a request sets a value on a shared object, then reads it back.
    [Fact]
    public Task A_store_through_a_setter_a_caller_reads_back_through_a_getter_is_reported() => Verify("""
            public DateTime ChangedAt
            {
                get => _lastChangedAt;
                set => {|EXG010:_lastChangedAt = value|};
            }
        """, """
            [RequestHandler(PartitionBy = nameof(id))]
            public long Touch(int id)
            {
                _service.ChangedAt = DateTime.UtcNow;
                return _service.ChangedAt.Ticks;
            }
        """);

    // A reset that a racing update undoes: _total = 0 against _total += n (eight bytes, so not a blind store).
    [Fact]
    public Task A_store_of_a_field_updated_from_its_own_value_elsewhere_is_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public void Reset(int id) => {|EXG010:_total = 0|};

            [RequestHandler(PartitionBy = nameof(id))]
            public void Add(int id, long n) => {|EXG001:_total += n|};
        """);

    // Other objects' reads of a field are not recorded: a field they can reach stays reported.
    [Fact]
    public Task A_store_of_a_field_other_objects_can_read_is_reported() => Verify("""
            [RequestHandler(PartitionBy = nameof(id))]
            public void Seen(int id) => {|EXG010:_seen = DateTimeOffset.FromUnixTimeSeconds(id)|};
        """);

    // The event aggregator of Sonarr, Radarr, Lidarr and Prowlarr: a request publishes one event; the aggregator's generic
    // PublishEvent<TEvent> calls IHandle<TEvent>.Handle, which runs that event's handlers, not the start-up event's. (A task
    // the aggregator starts per handler is an entry of its own, found without the path's type arguments: a limit.)
    private const string Events = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        public interface IEvent { }
        public sealed class ConfigSavedEvent : IEvent { }
        public sealed class ApplicationStartedEvent : IEvent { }

        public interface IHandle<TEvent> where TEvent : IEvent
        {
            void Handle(TEvent message);
        }

        public interface IEventAggregator
        {
            void PublishEvent<TEvent>(TEvent message) where TEvent : class, IEvent;
        }

        public sealed class EventAggregator : IEventAggregator
        {
            private readonly IServiceProvider _services;

            public EventAggregator(IServiceProvider services) => _services = services;

            public void PublishEvent<TEvent>(TEvent message) where TEvent : class, IEvent
            {
                foreach (var handler in Resolve<IHandle<TEvent>>())
                    handler.Handle(message);
            }

            private IEnumerable<T> Resolve<T>() => (IEnumerable<T>)_services.GetService(typeof(IEnumerable<T>))!;
        }

        public sealed class StartupHandler : IHandle<ApplicationStartedEvent>
        {
            private static int s_started;

            public void Handle(ApplicationStartedEvent message) => s_started++;
        }

        public sealed class ConfigHandler : IHandle<ConfigSavedEvent>
        {
            private static int s_saved;

            public void Handle(ConfigSavedEvent message) => {|EXG001:s_saved++|};
        }

        public sealed class ConfigController
        {
            private readonly IEventAggregator _events;

            public ConfigController(IEventAggregator events) => _events = events;

            [RequestHandler(PartitionBy = nameof(id))]
            public void Save(int id) => _events.PublishEvent(new ConfigSavedEvent());
        }
        """;

    [Fact]
    public Task A_published_event_runs_its_own_handlers_not_every_handler_of_the_generic_interface() => new Test(Events).RunAsync();

    // Published by a generic class (Prowlarr's provider factory: ProviderUpdatedEvent<TProvider>), whose type parameter
    // nothing on the path binds: the provider events' handlers run, whatever the provider; the start-up one does not. A
    // generic handler class (IHandle<T> for any T) runs too.
    [Fact]
    public Task An_event_of_a_generic_class_runs_the_handlers_of_that_event_for_any_type_argument() => new Test(Events
        .Replace("{|EXG001:s_saved++|}", "s_saved++")
        .Replace("public sealed class ConfigController", """
            public sealed class ProviderUpdatedEvent<TProvider> : IEvent { }
            public interface IIndexer { }

            public sealed class ProviderFactory<TProvider>
            {
                private readonly IEventAggregator _events;

                public ProviderFactory(IEventAggregator events) => _events = events;

                public void Update() => _events.PublishEvent(new ProviderUpdatedEvent<TProvider>());
            }

            public sealed class IndexerUpdatedHandler : IHandle<ProviderUpdatedEvent<IIndexer>>
            {
                private static int s_updated;

                public void Handle(ProviderUpdatedEvent<IIndexer> message) => {|EXG001:s_updated++|};
            }

            public sealed class AnyEventCounter<TEvent> : IHandle<TEvent> where TEvent : IEvent
            {
                private static int s_events;

                public void Handle(TEvent message) => {|EXG001:s_events++|};
            }

            public sealed class ConfigController
            """)
        .Replace("public void Save(int id) => _events.PublishEvent(new ConfigSavedEvent());",
            "public void Save(int id) => new ProviderFactory<IIndexer>(_events).Update();")).RunAsync();

    // Published as the interface type, the event reaches the handlers of IEvent only: here none, so a handler of
    // every event (IHandle<IEvent>) is the one that runs.
    [Fact]
    public Task An_event_published_as_its_interface_runs_the_handlers_of_that_interface() => new Test(Events
        .Replace("_events.PublishEvent(new ConfigSavedEvent())", "_events.PublishEvent<IEvent>(new ConfigSavedEvent())")
        .Replace("{|EXG001:s_saved++|}", "s_saved++")
        .Replace("public sealed class ConfigController", """
            public sealed class AuditHandler : IHandle<IEvent>
            {
                private static int s_seen;

                public void Handle(IEvent message) => {|EXG001:s_seen++|};
            }

            public sealed class ConfigController
            """)).RunAsync();

    // Cofoundry's registrations (its own container API over Microsoft's): a user session service registered scoped is the
    // request's own. Simple Injector (Lifestyle.Scoped) and DryIoc (Reuse.Scoped) name the lifetime the same way.
    private const string OtherContainer = """
        using System.Collections.Generic;
        using ExecutorGen;

        public sealed class RegistrationOptions
        {
            public static RegistrationOptions Scoped() => new();
            public static RegistrationOptions Singleton() => new();
        }

        public interface IContainerRegister
        {
            IContainerRegister Register<TService, TImplementation>(RegistrationOptions options = null) where TImplementation : TService;
        }

        public interface IUserSessionService
        {
            int SignIn(int id);
        }

        public sealed class InMemoryUserSessionService : IUserSessionService
        {
            private readonly Dictionary<string, int> _users = new();

            public int SignIn(int id)
            {
                {|EXG001:_users["current"] = id|};
                return _users.Count;
            }
        }

        public static class UsersDependencyRegistration
        {
            public static void Register(IContainerRegister container) => REGISTER;
        }

        public sealed class AccountController
        {
            private readonly IUserSessionService _sessions;

            public AccountController(IUserSessionService sessions) => _sessions = sessions;

            [RequestHandler(PartitionBy = nameof(id))]
            public int SignIn(int id) => _sessions.SignIn(id);
        }
        """;

    [Fact]
    public Task A_service_another_container_registers_as_scoped_is_the_requests_own() => new Test(OtherContainer
        .Replace("REGISTER", "container.Register<IUserSessionService, InMemoryUserSessionService>(RegistrationOptions.Scoped())")
        .Replace("{|EXG001:_users[\"current\"] = id|}", "_users[\"current\"] = id")).RunAsync();

    [Theory]
    [InlineData("container.Register<IUserSessionService, InMemoryUserSessionService>()")]
    [InlineData("container.Register<IUserSessionService, InMemoryUserSessionService>(RegistrationOptions.Singleton())")]
    public Task A_service_another_container_registers_without_a_scoped_lifetime_is_reported(string registration) =>
        new Test(OtherContainer.Replace("REGISTER", registration)).RunAsync();
}

