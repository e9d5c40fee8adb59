using System.Threading.Tasks;
using Xunit;
using LockTest = ExecutorGen.Analyzers.Tests.AnalyzerTest<ExecutorGen.Analyzers.LockOrderAnalyzer>;
using Test = ExecutorGen.Analyzers.Tests.SharedStateTest;
using WaitTest = ExecutorGen.Analyzers.Tests.BlockingWaitTest;

namespace ExecutorGen.Analyzers.Tests.Concurrency;

/// <summary>
/// The ninth round of issue 14's false positives (docs/analyzers-on-real-code.md, "Round 9"), traced to the path the
/// reach took on the web applications of round 7: objects a request makes or is given, seen through the code that sets
/// them up (an initializer) or hands them on (a lambda given to LINQ). Each must-not-flag test failed before its fix, and
/// each has a companion that stays reported.
/// </summary>
public class RealCodeRound9Tests
{
    // An attachment's metadata, whose size setter keeps a field (SIZE: the store), which code tests (IsEmpty: since round
    // 16 a store of a field no code tests is not reported, whoever owns the object).
    private const string MetaData = """
        public sealed class MetaData
        {
            private long _size;

            public long Size
            {
                get => _size;
                set { SIZE; }
            }

            public bool IsEmpty => _size == 0;
        }

        """;

    // An attachment's metadata, whose size setter keeps a field, and the entities a request loads (bitwarden's cipher
    // service: new CipherAttachment.MetaData { Size = fileSize }; ciphers.Where(c => c.GetAttachments()?.Count > 0)).
    private const string Attachments = """
        using System.Collections.Generic;
        using System.Linq;
        using System.Text.Json;
        using ExecutorGen;

        """ + MetaData + """
        public sealed class Cipher
        {
            private int _reads;

            public Dictionary<string, MetaData> GetAttachments()
            {
                READS;
                return new Dictionary<string, MetaData>();
            }
        }

        public sealed class CipherService
        {
            private readonly MetaData _last = new();
            private readonly List<Cipher> _recent = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public int Attach(int id, long size, string json, List<Cipher> given)
            {
                USE;
                return 0;
            }
        }
        """;

    private static string Flagged(string source) => source
        .Replace("SIZE", "{|EXG010:_size = value|}")
        .Replace("READS", "{|EXG001:_reads++|}");

    private static string Silent(string source) => source
        .Replace("SIZE", "_size = value")
        .Replace("READS", "_reads++");

    // The object an initializer sets up is new: its setters run on an object nobody else has yet.
    [Fact]
    public Task An_object_set_up_by_an_initializer_is_its_own() =>
        new Test(Silent(Attachments).Replace("USE", "var data = new MetaData { Size = size }; _ = data.Size")).RunAsync();

    [Fact]
    public Task A_nested_initializer_and_a_with_expression_set_up_their_own_objects() =>
        new Test(Silent(Attachments)
            .Replace("public sealed class CipherService", "public sealed record Holder { public MetaData Data { get; init; } = new(); }\n\npublic sealed class CipherService")
            .Replace("USE", "var holder = new Holder { Data = { Size = size } }; _ = holder with { Data = new MetaData { Size = 1 } }")).RunAsync();

    [Fact]
    public Task A_shared_object_given_a_value_by_a_setter_is_reported() =>
        new Test(Flagged(Attachments).Replace("USE", "_last.Size = size").Replace("{|EXG001:_reads++|}", "_reads++")).RunAsync();

    // A lambda handed to LINQ over the request's own objects is given those objects.
    [Fact]
    public Task The_elements_a_query_over_deserialized_objects_hands_a_lambda_are_its_own() =>
        new Test(Silent(Attachments).Replace("USE",
            "var ids = JsonSerializer.Deserialize<List<Cipher>>(json)!.Where(c => c.GetAttachments().Count > 0).ToList()")).RunAsync();

    [Fact]
    public Task The_elements_of_a_handlers_argument_handed_to_a_lambda_are_its_own() =>
        new Test(Silent(Attachments).Replace("USE", "given.ForEach(c => c.GetAttachments())")).RunAsync();

    [Fact]
    public Task The_elements_of_a_shared_list_handed_to_a_lambda_are_reported() =>
        new Test(Flagged(Attachments).Replace("USE", "_ = _recent.Count(c => c.GetAttachments().Count > 0)")
            .Replace("{|EXG010:_size = value|}", "_size = value")).RunAsync();

    // What a lambda a library method calls returns: new objects (items.Select(i => new Dto(i))), or what the call handed
    // it from the request's own objects (bitwarden's cipher repository: ciphers.GroupBy(c => c.Id).Select(g => g.First())).
    [Fact]
    public Task What_a_selector_makes_is_the_requests_own() =>
        new Test(Silent(Attachments).Replace("USE", "_recent.Select(c => new Cipher()).First().GetAttachments()")).RunAsync();

    [Fact]
    public Task What_a_selector_picks_from_the_requests_own_objects_is_its_own() =>
        new Test(Silent(Attachments).Replace("USE",
            "JsonSerializer.Deserialize<List<Cipher>>(json)!.GroupBy(c => c.GetHashCode()).Select(g => g.First()).ToList().ForEach(c => c.GetAttachments())")).RunAsync();

    [Fact]
    public Task What_a_selector_picks_from_a_shared_list_is_reported() =>
        new Test(Flagged(Attachments).Replace("USE", "_recent.GroupBy(c => c.GetHashCode()).Select(g => g.First()).First().GetAttachments()")
            .Replace("{|EXG010:_size = value|}", "_size = value")).RunAsync();

    // The local a pattern declares holds the value tested (jellyfin's library manager: Activator.CreateInstance(type) is
    // Video correctVideo, then correctVideo.Name = …).
    [Fact]
    public Task A_local_declared_by_a_pattern_on_a_new_object_is_its_own() =>
        new Test(Silent(Attachments).Replace("USE",
            "if (System.Activator.CreateInstance(typeof(MetaData)) is MetaData data) data.Size = size; switch (JsonSerializer.Deserialize<object>(json)) { case MetaData { } other: other.Size = size; break; }")).RunAsync();

    [Fact]
    public Task A_local_declared_by_a_pattern_on_a_shared_object_is_reported() =>
        new Test(Flagged(Attachments).Replace("USE", "if ((object)_last is MetaData data) data.Size = size")
            .Replace("{|EXG001:_reads++|}", "_reads++")).RunAsync();

    // What an own object returns from its fields is its caller's own (RacerD: owned if formal 0 is), and so is what a
    // library call hands out through an out argument from an own collection (bitwarden's attachment upload:
    // cipher.GetAttachments().TryGetValue(id, out var attachmentData), then attachmentData.Size = realSize).
    internal const string Holder = """
        using System.Collections.Generic;
        using System.Text.Json;
        using ExecutorGen;

        """ + MetaData + """
        public sealed class Cipher
        {
            private Dictionary<string, MetaData> _attachments = new();

            public Dictionary<string, MetaData> GetAttachments() => _attachments;
        }

        public sealed class CipherService
        {
            private readonly Cipher _shared = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public void Validate(string id, string json, long size)
            {
                var cipher = CIPHER;
                if (cipher.GetAttachments().TryGetValue(id, out var data))
                    data.Size = size;
            }
        }
        """;

    [Fact]
    public Task What_an_own_object_returns_from_its_fields_and_hands_out_is_the_requests_own() =>
        new Test(Holder.Replace("SIZE", "_size = value").Replace("CIPHER", "JsonSerializer.Deserialize<Cipher>(json)!")).RunAsync();

    [Fact]
    public Task What_a_shared_object_returns_from_its_fields_is_reported() =>
        new Test(Holder.Replace("SIZE", "{|EXG010:_size = value|}").Replace("CIPHER", "_shared")).RunAsync();

    // A lambda that captures a local holding the request's own object (bitwarden's attachment upload:
    // Request.GetFileAsync(async stream => await Upload(stream, cipher, attachmentData))): the object is its own there.
    [Fact]
    public Task A_lambda_capturing_a_local_with_the_requests_own_object_has_it_too() =>
        new Test(Silent(Attachments).Replace("USE", "var data = new MetaData(); System.Action set = () => data.Size = size; set()")).RunAsync();

    [Fact]
    public Task A_lambda_capturing_a_local_given_a_shared_object_later_is_reported() =>
        new Test(Flagged(Attachments).Replace("USE", "var data = new MetaData(); System.Action set = () => data.Size = size; data = _last; set()")
            .Replace("{|EXG001:_reads++|}", "_reads++")).RunAsync();

    [Fact]
    public Task A_stored_lambda_capturing_a_local_with_the_requests_own_object_is_reported() =>
        new Test(Flagged(Attachments).Replace("private readonly MetaData _last = new();",
                "private readonly MetaData _last = new();\n    private readonly System.Collections.Concurrent.ConcurrentQueue<System.Action> _later = new();")
            .Replace("USE", "var data = new MetaData(); _later.Enqueue(() => data.Size = size)").Replace("{|EXG001:_reads++|}", "_reads++")).RunAsync();

    // A request's own object handing itself to a shared service (jellyfin's stream state: _transcodeManager
    // .ReportTranscodingProgress(job, this, …), which reads the state's lazily parsed transcode reasons).
    private const string Progress = """
        using ExecutorGen;

        public sealed class StreamState
        {
            private readonly TranscodeManager _manager;
            private int _reasons;

            public StreamState(TranscodeManager manager) => _manager = manager;

            public int Reasons() => REASONS;

            public void ReportProgress() => _manager.Report(this);
        }

        public sealed class TranscodeManager
        {
            public int Report(StreamState state) => state.Reasons();
        }

        public sealed class HlsController
        {
            private readonly TranscodeManager _manager = new();
            private readonly StreamState _last;

            public HlsController() => _last = new StreamState(_manager);

            [RequestHandler(PartitionBy = nameof(id))]
            public void Stream(int id)
            {
                USE;
            }
        }
        """;

    [Fact]
    public Task An_own_object_that_hands_itself_to_a_shared_service_stays_its_own_there() =>
        new Test(Progress.Replace("REASONS", "_reasons++").Replace("USE", "new StreamState(_manager).ReportProgress()")).RunAsync();

    [Fact]
    public Task A_shared_object_that_hands_itself_to_a_service_is_reported() =>
        new Test(Progress.Replace("REASONS", "{|EXG001:_reasons++|}").Replace("USE", "_last.ReportProgress()")).RunAsync();

    // A virtual call runs an override the object's static type allows: a folder's refresh (the item's, which it
    // inherits), not an aggregate folder's.
    private const string Items = """
        using ExecutorGen;

        public abstract class Item
        {
            public virtual void Refresh() { }
        }

        public class Folder : Item
        {
            public string Name { get; set; } = "";
        }

        public sealed class AggregateFolder : Item
        {
            private int _refreshes;

            public override void Refresh() => REFRESH;
        }

        public sealed class LibraryController
        {
            private readonly Folder _folder = new();
            private readonly Item _item = new AggregateFolder();

            [RequestHandler(PartitionBy = nameof(id))]
            public void Refresh(int id) => USE;
        }
        """;

    [Fact]
    public Task A_virtual_call_on_a_folder_runs_no_other_items_override() =>
        new Test(Items.Replace("REFRESH", "_refreshes++").Replace("USE", "_folder.Refresh()")).RunAsync();

    [Fact]
    public Task A_virtual_call_on_any_item_reaches_every_override() =>
        new Test(Items.Replace("REFRESH", "{|EXG001:_refreshes++|}").Replace("USE", "_item.Refresh()")).RunAsync();

    // EXG003: a call on an interface runs the implementations of that interface, not every implementation of the member
    // it inherits (jellyfin's session listener: socket.Dispose() on an IWebSocketConnection, under the sockets' lock, was
    // taken to run a controller's Dispose too, which takes the controller's lock and then the sockets').
    private const string Sockets = """
        using System;
        using System.Collections.Generic;

        public interface IConnection : IDisposable
        {
            void Send(string message);
        }

        public sealed class Connection : IConnection
        {
            public void Send(string message) { }

            public void Dispose() { }
        }

        public sealed class Listener
        {
            private readonly object _socketsLock = new();
            private readonly List<SOCKET> _sockets = new();

            public void KeepAlive()
            {
                lock (_socketsLock)
                {
                    foreach (var socket in _sockets)
                        socket.Dispose();
                }
            }

            public void Remove()
            {
                lock (_socketsLock)
                    _sockets.Clear();
            }
        }

        public sealed class Controller : IDisposable
        {
            private readonly object _gate = new();
            private readonly Listener _listener;

            public Controller(Listener listener) => _listener = listener;

            public void Dispose()
            {
                lock (_gate)
                    _listener.Remove();
            }
        }
        """;

    [Fact]
    public Task A_dispose_on_a_connection_runs_only_connections() => new LockTest(Sockets.Replace("SOCKET", "IConnection")).RunAsync();

    [Fact]
    public Task A_dispose_on_any_disposable_reaches_the_controllers_too() => new LockTest(Sockets.Replace("SOCKET", "IDisposable")
        .Replace("socket.Dispose();", "{|EXG003:socket.Dispose()|};").Replace("_listener.Remove();", "{|EXG003:_listener.Remove()|};")).RunAsync();

    // Data an import gathers for one request.
    private const string ImportData = """
        public sealed class ImportData
        {
            public readonly Dictionary<string, int> ExternalIds = new();
        }

        """;

    // A field of an object the request made and handed to its helpers (bitwarden's import command: a new
    // OrganizationUserImportData handed to UpdateExistingUsers, which adds to its ExistingExternalUsersIdDict).
    private const string Import = """
        using System.Collections.Generic;
        using ExecutorGen;

        """ + ImportData + """
        public sealed class ImportCommand
        {
            private readonly ImportData _last = new();

            [RequestHandler(PartitionBy = nameof(organization))]
            public void Import(string organization, string[] users)
            {
                var data = DATA;
                Update(users, data);
            }

            private static void Update(string[] users, ImportData data)
            {
                foreach (var user in users)
                    ADD;
            }
        }
        """;

    [Fact]
    public Task A_field_of_an_object_the_request_made_and_handed_on_is_its_own() =>
        new Test(Import.Replace("DATA", "new ImportData()").Replace("ADD", "data.ExternalIds.Add(user, 0)")).RunAsync();

    [Fact]
    public Task A_field_of_a_shared_object_handed_on_is_reported() =>
        new Test(Import.Replace("DATA", "_last").Replace("ADD", "{|EXG001:data.ExternalIds.Add(user, 0)|}")).RunAsync();

    // A lambda or local function that captures a parameter holding the request's own object (a retry around a save, a
    // callback per imported user): that parameter is its own there too.
    private const string Captures = """
        using System;
        using System.Collections.Generic;
        using ExecutorGen;

        """ + ImportData + """
        public sealed class Importer
        {
            private readonly ImportData _last = new();

            [RequestHandler(PartitionBy = nameof(organization))]
            public void Import(string organization, ImportData data, string[] users)
            {
                USE;
            }

            private static void Stage(ImportData data, string[] users)
            {
                STAGE;
            }
        }
        """;

    [Fact]
    public Task A_lambda_capturing_a_handlers_argument_has_the_requests_own_object() =>
        new Test(Captures.Replace("USE", "Array.ForEach(users, user => data.ExternalIds.Add(user, 0))").Replace("STAGE", "")).RunAsync();

    [Fact]
    public Task A_local_function_and_a_nested_lambda_capturing_a_handlers_argument_have_the_requests_own_object() =>
        new Test(Captures.Replace("USE", "void Add(string user) => Array.ForEach(users, _ => data.ExternalIds.Add(user, 0)); Add(organization)")
            .Replace("STAGE", "")).RunAsync();

    [Fact]
    public Task A_lambda_capturing_a_parameter_given_a_shared_object_is_reported() =>
        new Test(Captures.Replace("USE", "Stage(_last, users)").Replace("STAGE", "Array.ForEach(users, user => {|EXG001:data.ExternalIds.Add(user, 0)|})")).RunAsync();

    [Fact]
    public Task A_lambda_handed_to_a_helper_that_runs_it_captures_the_requests_own_object() =>
        new Test(Captures.Replace("private static void Stage", "private static void Run(Action action) => action();\n\n    private static void Stage")
            .Replace("USE", "Run(() => data.ExternalIds.Add(organization, 0))").Replace("STAGE", "")).RunAsync();

    // A lambda stored for later may run on another thread while the request goes on: what it captures is not the
    // request's own there.
    [Fact]
    public Task A_stored_lambda_capturing_a_handlers_argument_is_reported() =>
        new Test(Captures.Replace("private readonly ImportData _last = new();",
                "private readonly ImportData _last = new();\n\n    private readonly System.Collections.Concurrent.ConcurrentQueue<Action> _later = new();")
            .Replace("USE", "_later.Enqueue(() => {|EXG001:data.ExternalIds.Add(organization, 0)|})").Replace("STAGE", "")).RunAsync();

    // A lock taken only to load a field once (double-checked) does not guard the field's other uses (jellyfin's
    // configuration managers: a configuration loaded under the sync lock on first use, then read without it).
    private const string Configuration = """
        using System.Threading;
        using ExecutorGen;

        public sealed class Settings
        {
            public string Name { get; init; } = "";
        }

        public sealed class ConfigurationManager
        {
            private readonly object _sync = new();
            private Settings? _settings;

            public Settings Settings
            {
                get
                {
                    if (_settings is not null)
                        return _settings;
                    lock (_sync)
                    {
                        if (_settings is not null)
                            return _settings;
                        return LOAD;
                    }
                }
            }

            [RequestHandler(PartitionBy = nameof(id))]
            public string Describe(int id) => READ;
        }
        """;

    [Fact]
    public Task A_field_loaded_once_under_a_lock_is_read_without_it_safely() =>
        new Test(Configuration.Replace("LOAD", "_settings = new Settings { Name = \"default\" }").Replace("READ", "_settings is null ? \"\" : _settings.Name")).RunAsync();

    [Fact]
    public Task A_field_changed_under_a_lock_is_reported_where_read_without_it() =>
        new Test(Configuration.Replace("LOAD", "_settings = new Settings { Name = \"default\" }")
            .Replace("public Settings Settings", "public void Reset() { lock (_sync) _settings = null; }\n\n    public Settings Settings")
            .Replace("READ", "{|EXG010:_settings|} is null ? \"\" : _settings.Name")).RunAsync();

    // EXG004: a wait the code already declared deliberate to the SDK's own sync-over-async rule (jellyfin's transcoding
    // job: #pragma warning disable CA1849 // Can't await in lock block) is not reported again.
    private const string Stop = """
        using System.Threading.Tasks;
        using ExecutorGen;

        public sealed class TranscodingJob
        {
            private readonly object _processLock = new();

            [RequestHandler(PartitionBy = nameof(id))]
            public void Stop(int id)
            {
                lock (_processLock)
                {
        #pragma warning disable CA1849 // Can't await in lock block
                    WAIT;
        #pragma warning restore CA1849
                }
            }

            private static Task StopThrottlerAsync() => Task.Run(() => { });
        }
        """;

    [Fact]
    public Task A_wait_suppressed_for_the_sdks_sync_over_async_rule_is_not_reported() =>
        new WaitTest(Stop.Replace("WAIT", "StopThrottlerAsync().GetAwaiter().GetResult()")).RunAsync();

    [Fact]
    public Task The_same_wait_without_the_suppression_is_reported() =>
        new WaitTest(Stop.Replace("#pragma warning disable CA1849 // Can't await in lock block", "")
            .Replace("WAIT", "{|EXG004:StopThrottlerAsync().GetAwaiter().GetResult()|}")).RunAsync();
}
