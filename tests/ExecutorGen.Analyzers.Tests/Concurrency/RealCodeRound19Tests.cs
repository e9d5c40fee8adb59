using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The nineteenth round of issue 14 (docs/analyzers-on-real-code.md, "Round 19"): a lambda that a library method runs on
/// the spot runs under the locks held where it is written. duplicati's secret provider reads its static cache in
/// <c>keys.All(x =&gt; _cache[_config].ContainsKey(x))</c> and <c>keys.ToDictionary(k =&gt; k, k =&gt; _cache[_config][k])</c>,
/// both inside <c>lock (_lock)</c>, and EXG001 reported both reads as unlocked. Each must-not-flag test failed before the
/// change; the must-flag ones keep a deferred query that is enumerated after the lock is let go.
/// </summary>
public class RealCodeRound19Tests
{
    private const string Secrets = """
        using System.Collections.Generic;
        using System.Linq;
        using ExecutorGen;

        public sealed class Secrets
        {
            private static readonly object _lock = new();
            private static readonly Dictionary<string, Dictionary<string, string>> _cache = new();
            private readonly string _config = "";

            public void Put(Dictionary<string, string> values)
            {
                lock (_lock)
                    if (!_cache.ContainsKey(_config))
                        _cache[_config] = values;
            }

            private bool IsCached(string key) => _cache[_config].ContainsKey(key);

            [RequestHandler(PartitionBy = nameof(name))]
            public Dictionary<string, string> Get(string name, string[] keys)
            {
                Put(new Dictionary<string, string>());
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Secrets.Replace("BODY", body));

    private static DiagnosticResult UnlockedRead(int line, int column) =>
        SharedStateResults.Exg010(line, column, column + 15, "Static field", "_cache", "read", "Get", "; elsewhere it is accessed under a lock (inconsistent locking)");

    [Fact]
    public Task Lambdas_that_eager_linq_operators_run_inside_a_lock_run_under_it() =>
        For("""
            lock (_lock)
                if (_cache.ContainsKey(_config) && keys.All(x => _cache[_config].ContainsKey(x)))
                    return keys.ToDictionary(k => k, k => _cache[_config][k]);
            return null;
            """).RunAsync();

    [Fact]
    public Task A_deferred_operator_consumed_at_once_runs_its_lambda_under_the_lock() =>
        For("""
            lock (_lock)
                return keys.Where(k => _cache[_config].ContainsKey(k)).Select(k => k).ToDictionary(k => k, k => k);
            """).RunAsync();

    [Fact]
    public Task A_deferred_operator_that_a_foreach_walks_inside_the_lock_runs_its_lambda_under_it() =>
        For("""
            var found = new Dictionary<string, string>();
            lock (_lock)
            {
                foreach (var key in keys.Where(k => _cache[_config].ContainsKey(k)))
                    found[key] = key;
            }
            return found;
            """).RunAsync();

    [Fact]
    public Task A_method_group_that_an_eager_operator_runs_inside_the_lock_runs_under_it() =>
        For("""
            lock (_lock)
                return keys.All(IsCached) ? new Dictionary<string, string>() : null;
            """).RunAsync();

    [Fact]
    public Task A_deferred_query_enumerated_after_the_lock_is_let_go_reads_without_it() =>
        For("""
            IEnumerable<string> cached;
            lock (_lock)
                cached = keys.Where(k => _cache[_config].ContainsKey(k));
            return cached.ToDictionary(k => k, k => k);
            """).RunExpecting(UnlockedRead(26, 30));

    [Fact]
    public Task A_lambda_that_a_library_method_keeps_runs_without_the_lock() =>
        For("""
            System.Lazy<bool> cached;
            lock (_lock)
                cached = new System.Lazy<bool>(() => _cache[_config].Count > 0);
            return cached.Value ? new Dictionary<string, string>() : null;
            """).RunExpecting(UnlockedRead(26, 42));
}

/// <summary>
/// Round 19, the reach: duplicati's settings handler stores two method groups in its power-mode provider
/// (<c>m_powerModeProvider.OnResume = OnResume</c>), which the operating system's power events call; EXG001 reported
/// OnResume's fields as written by the request, as if storing the callback had called it. A callback stored in another
/// object's member of the compilation's own type is handed out like an event subscription; one stored in this object's
/// own field, or in a library object's (which the library runs on its threads), stays on the path.
/// </summary>
public class RealCodeRound19ReachTests
{
    private const string Controls = """
        using System;
        using ExecutorGen;

        public interface IPowerModeProvider
        {
            Action OnResume { get; set; }
        }

        public sealed class LiveControls
        {
            private readonly IPowerModeProvider _provider;
            private Action _onResume;
            private int _resumed;

            public LiveControls(IPowerModeProvider provider) => _provider = provider;

            private void OnResume() => _resumed++;

            [RequestHandler(PartitionBy = nameof(name))]
            public void Update(string name)
            {
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Controls.Replace("BODY", body));

    [Fact]
    public Task A_method_group_stored_in_another_objects_property_is_not_called_by_the_handler() =>
        For("_provider.OnResume = OnResume;").RunAsync();

    [Fact]
    public Task A_lambda_stored_in_another_objects_property_is_not_called_by_the_handler() =>
        For("_provider.OnResume = () => _resumed++;").RunAsync();

    // The DNS server's HTTP handler: SocketsHttpHandler runs its ConnectCallback on the threads of every request that
    // opens a connection; the storing path is the only place the reach sees the callback from.
    [Fact]
    public Task A_callback_stored_in_a_library_objects_property_stays_on_the_path_that_stores_it() =>
        new Test(Controls.Replace("BODY", """
            var handler = new System.Net.Http.SocketsHttpHandler();
            handler.ConnectCallback = (context, token) => { _resumed++; return default; };
            """)).RunExpecting(SharedStateResults.Exg001(23, 49, 59, "Field", "_resumed", "modified", "Update"));

    [Fact]
    public Task A_method_group_stored_in_this_objects_own_field_stays_on_the_handlers_path() =>
        For("_onResume = OnResume; _onResume();").RunExpecting(
            SharedStateResults.Exg001(17, 32, 42, "Field", "_resumed", "modified", "Update"),
            SharedStateResults.Exg010(22, 9, 29, "Field", "_onResume", "modified", "Update"));
}

/// <summary>
/// Round 19, the reach: LANCommander's chat hub tells a participant's clients about a new thread
/// (<c>Clients.User(id).AddedToThreadAsync(thread)</c>), and EXG001 followed that call into the SDK's own client class,
/// which implements the client interface and is compiled with the server, and reported its fields as the hub's. A
/// SignalR client proxy sends a message; the client's class runs in the client's process.
/// </summary>
public class RealCodeRound19SignalRTests
{
    private const string Chat = """
        using System.Threading.Tasks;
        using ExecutorGen;

        namespace Microsoft.AspNetCore.SignalR
        {
            public interface IHubClients<T>
            {
                T All { get; }
                T User(string userId);
            }
        }

        public interface IChatClient
        {
            Task AddedToThreadAsync(string thread);
        }

        public sealed class ChatClient : IChatClient
        {
            private int _threads;

            public Task AddedToThreadAsync(string thread)
            {
                _threads++;
                return Task.CompletedTask;
            }
        }

        public sealed class ChatHub
        {
            private readonly Microsoft.AspNetCore.SignalR.IHubClients<IChatClient> _clients;
            private readonly IChatClient _local;

            public ChatHub(Microsoft.AspNetCore.SignalR.IHubClients<IChatClient> clients, IChatClient local) => (_clients, _local) = (clients, local);

            [RequestHandler(PartitionBy = nameof(thread))]
            public async Task StartThreadAsync(string thread, string participant)
            {
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Chat.Replace("BODY", body));

    [Fact]
    public Task A_call_on_a_hubs_typed_client_is_a_message_not_a_call_of_the_client_class() =>
        For("await _clients.User(participant).AddedToThreadAsync(thread); await _clients.All.AddedToThreadAsync(thread);").RunAsync();

    [Fact]
    public Task A_call_on_an_object_of_the_client_interface_runs_its_implementation() =>
        For("await _local.AddedToThreadAsync(thread);").RunExpecting(SharedStateResults.Exg001(24, 9, 19, "Field", "_threads", "modified", "StartThreadAsync"));
}

/// <summary>
/// Round 19, settings: the DNS server's admin API sets dozens of server settings through property setters
/// (<c>set { _enableBlocking = value; if (_enableBlocking) … }</c>) that the resolver threads only read. Every such report
/// judged was false: the last setting wins, with a lock as without. A caller that reads the value back
/// (BTCPay's <c>rules.Spread = spread; … rules.Apply(rate)</c>, judged real) keeps per-request state in a shared object.
/// </summary>
public class RealCodeRound19SettingTests
{
    private const string Server = """
        using System;
        using ExecutorGen;

        public sealed class DnsServer
        {
            private bool _enableBlocking;
            private bool _dnssecValidation;
            private readonly object _sync = new();
            private bool _recursion;
            private int _spread;

            public bool EnableBlocking
            {
                get => _enableBlocking;
                set
                {
                    _enableBlocking = value;
                    if (_enableBlocking)
                        StopTemporaryDisableTimer();
                }
            }

            public bool DnssecValidation
            {
                get => _dnssecValidation;
                set
                {
                    if (_dnssecValidation != value)
                    {
                        if (!_dnssecValidation)
                            Flush();
                        _dnssecValidation = value;
                    }
                }
            }

            public bool Recursion
            {
                get => _recursion;
                set
                {
                    if (_recursion != value)
                        _recursion = value;
                }
            }

            public void ResetRecursion()
            {
                lock (_sync)
                    _recursion = false;
            }

            public int Spread
            {
                get => _spread;
                set
                {
                    if (_spread != value)
                        _spread = value;
                }
            }

            public int Apply(int rate) => rate + _spread;

            private void StopTemporaryDisableTimer() { }

            private void Flush() { }

            [RequestHandler(PartitionBy = nameof(name))]
            public int SetSettings(string name, bool enable, int spread)
            {
                BODY
            }
        }
        """;

    private static Test For(string body) => new(Server.Replace("BODY", body));

    [Fact]
    public Task A_setter_that_stores_the_value_it_is_given_changes_a_setting() =>
        For("EnableBlocking = enable; DnssecValidation = enable; return 0;").RunAsync();

    [Fact]
    public Task A_setting_read_back_by_the_caller_is_per_request_state_in_a_shared_object() =>
        For("Spread = spread; return Apply(100);").RunExpecting(SharedStateResults.Exg010(59, 17, 32, "Field", "_spread", "modified", "SetSettings"));

    [Fact]
    public Task A_setting_that_other_code_stores_under_a_lock_is_inconsistent_locking() =>
        For("Recursion = enable; return 0;").RunExpecting(
            SharedStateResults.Exg010(43, 17, 35, "Field", "_recursion", "modified", "SetSettings", "; elsewhere it is modified under a lock (inconsistent locking)"));
}
