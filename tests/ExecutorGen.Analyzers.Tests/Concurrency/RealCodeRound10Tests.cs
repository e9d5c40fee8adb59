using System.Threading.Tasks;
using Xunit;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The tenth round of issue 14's false positives (docs/analyzers-on-real-code.md, "Round 10"), EXG001's on the web
/// applications: a service registered as scoped is a request's own; a blind store of one machine word (neither tested
/// first nor read back) loses nothing a lock would keep; an async method the caller waits for under its lock runs inside
/// it. Each must-not-flag test failed before its change, and each has companions that stay reported.
/// </summary>
public class RealCodeRound10Tests
{
    // Stand-ins for Microsoft.Extensions.DependencyInjection's registration methods, which the rule knows by namespace and
    // name, as it knows the package's own.
    internal const string Registrations = """
        namespace Microsoft.Extensions.DependencyInjection
        {
            public interface IServiceCollection { }

            public static class ServiceCollectionServiceExtensions
            {
                public static IServiceCollection AddScoped<TService, TImplementation>(this IServiceCollection services) where TImplementation : class, TService => services;
                public static IServiceCollection AddTransient<TService, TImplementation>(this IServiceCollection services) where TImplementation : class, TService => services;
                public static IServiceCollection AddSingleton<TService, TImplementation>(this IServiceCollection services) where TImplementation : class, TService => services;
                public static IServiceCollection AddSingleton<TService>(this IServiceCollection services, TService instance) where TService : class => services;
                public static IServiceCollection AddScoped(this IServiceCollection services, System.Type service, System.Type implementation) => services;
            }
        }

        """;

    // A start-up class that registers what the test puts for REGISTER.
    internal const string RegisteringStartup = """
        public static class Startup
        {
            public static void ConfigureServices(IServiceCollection services)
            {
                REGISTER;
            }
        }


        """;

    // A request context a handler is given by the container (bitwarden's ICurrentContext, whose organizations are loaded
    // once per request).
    private const string Container = """
        using System.Collections.Generic;
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + Registrations + """
        public interface ICurrentContext
        {
            List<int> Organizations();
        }

        public class CurrentContext : ICurrentContext
        {
            private List<int> _organizations;
            private int _loads;

            public List<int> Organizations()
            {
                {|EXG001:_loads++|};
                if (_organizations == null)
                    _organizations = new List<int> { _loads };
                return _organizations;
            }
        }


        """ + RegisteringStartup + """
        public sealed class OrganizationsController
        {
            private readonly ICurrentContext _context;

            public OrganizationsController(ICurrentContext context) => _context = context;

            [RequestHandler(PartitionBy = nameof(id))]
            public int Get(int id) => _context.Organizations().Count;
        }
        """;

    private static string Registered(string registration) => Container.Replace("REGISTER", registration);

    private static string Silent(string source) => source.Replace("{|EXG001:_loads++|}", "_loads++");

    [Theory]
    [InlineData("services.AddScoped<ICurrentContext, CurrentContext>()")]
    [InlineData("services.AddScoped(typeof(ICurrentContext), typeof(CurrentContext))")]
    public Task A_field_of_a_scoped_service_is_the_requests_own(string registration) =>
        new Test(Silent(Registered(registration))).RunAsync();

    // A singleton is every request's; so is a transient a singleton keeps (the executor's handler object is one, and the
    // container lets a singleton keep a transient, not a scoped service).
    [Theory]
    [InlineData("services.AddSingleton<ICurrentContext, CurrentContext>()")]
    [InlineData("services.AddTransient<ICurrentContext, CurrentContext>()")]
    public Task A_field_of_a_singleton_or_transient_service_is_reported(string registration) =>
        new Test(Registered(registration)).RunAsync();

    [Fact]
    public Task A_field_of_a_service_registered_scoped_and_also_handed_over_made_is_reported() =>
        new Test(Registered("services.AddScoped<ICurrentContext, CurrentContext>(); services.AddSingleton<ICurrentContext>(new CurrentContext())")).RunAsync();

    [Fact]
    public Task A_field_of_a_service_the_compilation_never_registers_is_reported() =>
        new Test(Registered("_ = services")).RunAsync();

    // Registered by its derived classes: every one must be per request (bitwarden's identity client services: the base
    // class's fields are shared where one derived class is a singleton).
    [Fact]
    public Task A_field_of_a_base_class_every_derived_class_of_which_is_scoped_is_the_requests_own() =>
        new Test(Silent(Registered("services.AddScoped<ICurrentContext, UserContext>(); services.AddScoped<ICurrentContext, AdminContext>()"))
            .Replace("public class CurrentContext", "public abstract class CurrentContext")
            .Replace("public static class Startup", "public sealed class UserContext : CurrentContext { }\npublic sealed class AdminContext : CurrentContext { }\n\npublic static class Startup")).RunAsync();

    [Fact]
    public Task A_field_of_a_base_class_one_derived_class_of_which_is_a_singleton_is_reported() =>
        new Test(Registered("services.AddScoped<ICurrentContext, UserContext>(); services.AddSingleton<ICurrentContext, AdminContext>()")
            .Replace("public class CurrentContext", "public abstract class CurrentContext")
            .Replace("public static class Startup", "public sealed class UserContext : CurrentContext { }\npublic sealed class AdminContext : CurrentContext { }\n\npublic static class Startup")).RunAsync();

    // Called through a type whose every class is per request: the object the handler calls is its request's own, also
    // where the field is a base class's that a singleton inherits too (bitwarden's self-hosted license query, scoped, and
    // its push engines, singletons, share a base class whose state is reported only through the singletons).
    private const string TokenClients = """
        using ExecutorGen;
        using Microsoft.Extensions.DependencyInjection;

        """ + Registrations + """
        public abstract class TokenClient
        {
            private int _uses;

            protected string Token()
            {
                USES;
                return "t" + _uses;
            }
        }

        public interface ILicenseQuery { string Run(); }
        public interface IPushEngine { string Push(); }

        public sealed class LicenseQuery : TokenClient, ILicenseQuery { public string Run() => Token(); }
        public sealed class PushEngine : TokenClient, IPushEngine { public string Push() => Token(); }

        public static class Startup
        {
            public static void ConfigureServices(IServiceCollection services)
            {
                services.AddScoped<ILicenseQuery, LicenseQuery>();
                services.AddSingleton<IPushEngine, PushEngine>();
            }
        }

        public sealed class LicenseController
        {
            private readonly ILicenseQuery _query;
            private readonly IPushEngine _push;

            public LicenseController(ILicenseQuery query, IPushEngine push) => (_query, _push) = (query, push);

            [RequestHandler(PartitionBy = nameof(id))]
            public string Get(int id) => CALL;
        }
        """;

    [Fact]
    public Task A_base_class_field_reached_through_a_scoped_service_is_the_requests_own() =>
        new Test(TokenClients.Replace("CALL", "_query.Run()").Replace("USES", "_uses++")).RunAsync();

    [Fact]
    public Task A_base_class_field_reached_through_a_singleton_is_reported() =>
        new Test(TokenClients.Replace("CALL", "_push.Push()").Replace("USES", "{|EXG001:_uses++|}")).RunAsync();

    // Threads a request starts itself share its scoped service's fields.
    [Fact]
    public Task A_field_of_a_scoped_service_a_parallel_loop_of_the_request_changes_is_reported() =>
        new Test(Registered("services.AddScoped<ICurrentContext, CurrentContext>()")
            .Replace("{|EXG001:_loads++|};", "_loads++;\n        System.Threading.Tasks.Parallel.For(0, 4, i => {|EXG001:_loads++|});")).RunAsync();

    // A blind store of one machine word: a configuration object swapped in by one request while others read the old or
    // the new one (jellyfin's configuration managers), a list replaced, an edit of a shared item's name.
    private const string Settings = """
        using System;
        using System.Collections.Generic;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Configuration
        {
            public string Name { get; set; } = "";
        }

        public sealed class ConfigurationManager
        {
            private Configuration _configuration = new();
            private List<string> _names = new();
            private DateTime? _nextAttempt;
            private Task _current;

            public Configuration Current => _configuration;

            public string Describe() => _configuration.Name;

            public bool Waiting => _nextAttempt > DateTime.UtcNow;

            [RequestHandler(PartitionBy = nameof(id))]
            public string Update(int id, Configuration value, List<string> names)
            {
                STORE;
                return "";
            }
        }
        """;

    // nameof names a field without reading it: in an attribute of the function (bitwarden's notification hub connection:
    // [MemberNotNull(nameof(_hubClient))] on the method that stores it) or in its body. A call in the stored value runs
    // before the store, so what it reads is not read back.
    [Theory]
    [InlineData("_configuration = value")]
    [InlineData("_configuration = value; Console.WriteLine(nameof(_configuration))")]
    [InlineData("_configuration = new Configuration { Name = Describe() }")]
    [InlineData("_configuration = value; _names = names; _configuration = new Configuration()")]
    [InlineData("_names = new List<string>(names); Console.WriteLine(Current.Name)")]
    public Task A_blind_store_of_one_word_is_not_reported(string store) =>
        new Test(Settings.Replace("STORE", store)).RunAsync();

    // Read back: the request relies on the value it stored (per-request state kept in a shared object).
    [Fact]
    public Task A_blind_store_in_a_method_whose_attribute_names_the_field_is_not_reported() =>
        new Test(Settings.Replace("STORE", "Reload()").Replace("public string Describe()",
            "[System.Diagnostics.CodeAnalysis.MemberNotNull(nameof(_configuration))]\n    private void Reload() => _configuration = new Configuration();\n\n    public string Describe()")).RunAsync();

    [Fact]
    public Task A_store_read_back_by_the_same_function_is_reported() =>
        new Test(Settings.Replace("STORE;\n        return \"\";", "{|EXG010:_configuration = value|};\n        return _configuration.Name;")).RunAsync();

    [Fact]
    public Task A_store_read_back_by_a_method_of_the_object_called_after_it_is_reported() =>
        new Test(Settings.Replace("STORE;\n        return \"\";", "{|EXG010:_configuration = value|};\n        return Describe();")).RunAsync();

    // Check-then-act: the store is decided on a read of the field.
    [Fact]
    public Task A_store_after_a_test_of_the_field_is_reported() =>
        new Test(Settings.Replace("STORE", "if (_current != null) throw new InvalidOperationException(); {|EXG010:_current = Task.Delay(id)|}")).RunAsync();

    // More than one word: a reader can see half of one store and half of another, and one decides on it (Waiting; round 16:
    // a field no code tests is not reported).
    [Fact]
    public Task A_blind_store_of_a_nullable_struct_is_reported() =>
        new Test(Settings.Replace("STORE", "{|EXG010:_nextAttempt = DateTime.UtcNow|}")).RunAsync();

    // Inconsistent locking: other code makes the same store under a lock.
    [Fact]
    public Task A_blind_store_of_a_field_written_under_a_lock_elsewhere_is_reported() =>
        new Test(Settings.Replace("STORE", "{|EXG010:_configuration = value|}")
            .Replace("public string Describe()", "private readonly object _sync = new();\n\n    public void Reset() { lock (_sync) _configuration = new Configuration(); }\n\n    public string Describe()")).RunAsync();

    // A field whose type does not bind (a package missing, code half-typed) is taken for a class, also with a '?' that
    // makes it a nullable struct to the compiler (bitwarden's NotificationHubClient? _hubClient, its package absent).
    [Theory]
    [InlineData("")]
    [InlineData("?")]
    public Task A_blind_store_of_a_field_whose_type_does_not_bind_is_not_reported(string nullable) =>
        new Test(Settings.Replace("private Task _current;", "private {|CS0246:HubClient|}" + nullable + " _client;")
            .Replace("STORE", "_client = {|CS0103:HubClient|}.Create(id)")).RunAsync();

    // An async method whose task the caller waits for under its lock runs to its end inside that lock, whatever thread
    // its continuations take (jellyfin's transcoding job: lock (_processLock) TranscodingThrottler?.Stop().GetAwaiter()
    // .GetResult(), which disposes the throttler's timer).
    private const string Throttling = """
        using System.Threading;
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Throttler
        {
            private Timer _timer = new(_ => { });

            public async Task StopAsync()
            {
                await Task.Yield();
                if (_timer != null)
                {
                    _timer.Dispose();
                    TIMER;
                }
            }
        }

        public sealed class TranscodingJob
        {
            private readonly object _processLock = new();
            private readonly Throttler _throttler = new();

            public void Stop()
            {
                lock (_processLock)
                {
                    WAIT;
                }
            }
        }

        public sealed class StreamController
        {
            private readonly TranscodingJob _job = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public void Stop(int id) => _job.Stop();
        }
        """;

    [Theory]
    [InlineData("_throttler.StopAsync().GetAwaiter().GetResult()")]
    [InlineData("_throttler.StopAsync().ConfigureAwait(false).GetAwaiter().GetResult()")]
    [InlineData("_throttler.StopAsync().Wait()")]
    public Task An_async_method_waited_for_under_the_callers_lock_runs_inside_it(string wait) =>
        new Test(Throttling.Replace("WAIT", wait).Replace("TIMER", "_timer = null")).RunAsync();

    [Fact]
    public Task An_async_method_started_under_the_callers_lock_and_not_waited_for_is_reported() =>
        new Test(Throttling.Replace("WAIT", "_ = _throttler.StopAsync()").Replace("TIMER", "{|EXG010:_timer = null|}")).RunAsync();

    // A method that hands back what it was given returns the caller's own where that was (bitwarden's request models:
    // model.Cipher.ToCipher(cipher, userId) edits the cipher the request loaded and returns it, which the cipher service
    // then changes).
    private const string Models = """
        using ExecutorGen;

        public sealed class Cipher
        {
            private int _edits;

            public void Edit() => EDIT;
        }

        public class CipherModel
        {
            public Cipher ToCipher(Cipher existing, int userId)
            {
                if (userId < 0)
                    throw new System.ArgumentOutOfRangeException(nameof(userId));
                return existing;
            }

            public virtual Cipher Overridable(Cipher existing) => existing;

            private bool _pickOther;

            public Cipher Replaced(Cipher existing, Cipher other)
            {
                existing = other;
                return existing;
            }

            public Cipher Fresh(Cipher existing)
            {
                existing = null;
                return new Cipher();
            }

            public Cipher Other(Cipher existing, Cipher other) => _pickOther ? other : existing;
        }

        public sealed class CiphersController
        {
            private readonly Cipher _shared = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public void PutShare(int id, CipherModel model)
            {
                var cipher = CALL;
                cipher.Edit();
            }
        }
        """;

    // A factory that stores to its parameter still returns a new object.
    [Theory]
    [InlineData("model.ToCipher(new Cipher(), id)")]
    [InlineData("model.ToCipher(model.ToCipher(new Cipher(), id), id)")]
    [InlineData("model.Fresh(_shared)")]
    public Task What_a_method_hands_back_is_the_requests_own_where_it_was_given_or_made_it(string call) =>
        new Test(Models.Replace("CALL", call).Replace("EDIT", "_edits++")).RunAsync();

    // An overridable method: an override outside the compilation could hand back anything, but no code shows a shared
    // object; since round 17, EXG001 reports only where the path shows the object shared (RealCodeRound17Tests).
    [Fact]
    public Task What_an_overridable_method_hands_back_of_a_new_object_is_not_shown_shared() =>
        new Test(Models.Replace("CALL", "model.Overridable(new Cipher())").Replace("EDIT", "_edits++")).RunAsync();

    [Theory]
    [InlineData("model.ToCipher(_shared, id)")]
    [InlineData("model.Overridable(_shared)")]
    [InlineData("model.Other(new Cipher(), _shared)")]
    [InlineData("model.Replaced(new Cipher(), _shared)")]
    public Task What_a_method_hands_back_of_a_shared_object_or_may_replace_is_reported(string call) =>
        new Test(Models.Replace("CALL", call).Replace("EDIT", "{|EXG001:_edits++|}")).RunAsync();

    // EXG004: a method called only to initialize a field lazily runs once per object, at its first use (jellyfin's
    // library manager: _rootFolder ??= CreateRootFolder(), which waits for the root folder's first save).
    private const string RootFolder = """
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class Folder
        {
            public Task SaveAsync() => Task.Delay(10);
        }

        public sealed class LibraryManager
        {
            private readonly object _sync = new();
            private Folder _rootFolder;

            public Folder RootFolder
            {
                get
                {
                    if (_rootFolder is null)
                    {
                        lock (_sync)
                        {
                            INIT;
                        }
                    }
                    return _rootFolder;
                }
            }

            public Folder CreateRootFolder()
            {
                var folder = new Folder();
                WAIT;
                return folder;
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public int GetItems(int id) => CALL;
        }
        """;

    [Theory]
    [InlineData("_rootFolder ??= CreateRootFolder()")]
    [InlineData("if (_rootFolder is null) _rootFolder = CreateRootFolder()")]
    public Task A_wait_in_a_method_only_called_to_initialize_a_field_lazily_is_not_reported(string init) =>
        new WaitTest(RootFolder.Replace("INIT", init).Replace("WAIT", "folder.SaveAsync().GetAwaiter().GetResult()")
            .Replace("CALL", "RootFolder.GetHashCode()")).RunAsync();

    [Fact]
    public Task A_wait_in_a_method_also_called_on_each_request_is_reported() =>
        new WaitTest(RootFolder.Replace("INIT", "_rootFolder ??= CreateRootFolder()")
            .Replace("WAIT", "{|EXG004:folder.SaveAsync().GetAwaiter().GetResult()|}").Replace("CALL", "RootFolder.GetHashCode() + CreateRootFolder().GetHashCode()")).RunAsync();

    [Fact]
    public Task A_wait_in_a_method_whose_result_is_stored_every_time_is_reported() =>
        new WaitTest(RootFolder.Replace("INIT", "_rootFolder ??= CreateRootFolder()")
            .Replace("WAIT", "{|EXG004:folder.SaveAsync().GetAwaiter().GetResult()|}").Replace("CALL", "(_rootFolder = CreateRootFolder()).GetHashCode()")).RunAsync();

    // A field replaced under a lock and read without it once per run, in one branch or the other (jellyfin's network
    // manager: its published URLs filtered for an internal or for an external client): one read, one whole list.
    private const string Overrides = """
        using System.Collections.Generic;
        using System.Linq;
        using ExecutorGen;

        public sealed class NetworkManager
        {
            private readonly object _sync = new();
            private IReadOnlyList<string> _published = new List<string>();

            public void Reload(List<string> published)
            {
                lock (_sync)
                    _published = published.ToList();
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public int Match(int id, bool external)
            {
                List<string> matching;
                READS;
                return matching.Count;
            }
        }
        """;

    [Theory]
    [InlineData("if (!external) matching = _published.Where(p => p.Length > id).ToList(); else matching = _published.Where(p => p.Length < id).ToList()")]
    [InlineData("matching = external ? _published.Take(id).ToList() : _published.Skip(id).ToList()")]
    [InlineData("switch (id) { case 0: matching = _published.ToList(); break; default: matching = _published.Take(id).ToList(); break; }")]
    public Task A_field_read_once_in_either_branch_is_not_reported(string reads) =>
        new Test(Overrides.Replace("READS", reads)).RunAsync();

    [Theory]
    [InlineData("matching = {|EXG010:_published|}.Take(id).ToList(); if (external) matching = _published.Skip(id).ToList()")]
    [InlineData("matching = {|EXG010:_published|}.Count > id ? _published.Take(id).ToList() : new List<string>()")]
    public Task A_field_read_twice_in_one_run_is_reported(string reads) =>
        new Test(Overrides.Replace("READS", reads)).RunAsync();

    // What a conditional access returns is what the plain call would (bitwarden's attachment upload: var attachments =
    // cipher?.GetAttachments(); attachments.TryGetValue(id, out var data), then data.Size = realSize): round 9's
    // attachment holder, called through ?.
    private static string ConditionalAccess(string size, string cipher)
    {
        var source = RealCodeRound9Tests.Holder.Replace("if (cipher.GetAttachments().TryGetValue(id, out var data))",
            "var attachments = cipher?.GetAttachments();\n        if (attachments != null && attachments.TryGetValue(id, out var data))");
        Assert.Contains("cipher?.GetAttachments()", source); // the template still has the call this test rewrites
        return source.Replace("SIZE", size).Replace("CIPHER", cipher);
    }

    [Fact]
    public Task What_a_conditional_access_on_the_requests_own_object_returns_is_its_own() =>
        new Test(ConditionalAccess("_size = value", "JsonSerializer.Deserialize<Cipher>(json)")).RunAsync();

    [Fact]
    public Task What_a_conditional_access_on_a_shared_object_returns_is_reported() =>
        new Test(ConditionalAccess("{|EXG010:_size = value|}", "_shared")).RunAsync();
}
